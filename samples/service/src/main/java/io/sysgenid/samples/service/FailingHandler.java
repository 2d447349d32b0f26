package io.sysgenid.samples.service;

import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import org.reactivestreams.Publisher;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A handler that fails every generation, only with {@code sample.failing-handler.enabled=true}: with
 * {@code sysgenid.failure-policy=leave-outdated} it shows what a broken rebuild looks like (health
 * OUT_OF_SERVICE, readiness REFUSING_TRAFFIC, the {@code SysGenIdGenerationLeftOutdated} alert). The
 * dashboard's {@code prometheus-test} uses it; never turn it on elsewhere.
 */
@Component
@ConditionalOnBooleanProperty("sample.failing-handler.enabled")
class FailingHandler implements GenerationHandler {
    @Override
    public Publisher<Void> handle(GenerationEvent event) {
        return Mono.error(new IllegalStateException("sample.failing-handler.enabled=true: failing generation "
                + event.generationString() + " on purpose"));
    }

    @Override
    public String name() {
        return "failing-on-purpose";
    }
}
