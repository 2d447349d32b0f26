package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import org.reactivestreams.Publisher;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Publishes a {@link GenerationChangedEvent} for each change, in the last phase, off Reactor's threads. */
final class ApplicationEventsHandler implements GenerationHandler, Ordered {
    static final String NAME = "application-events";

    private final ApplicationEventPublisher publisher;

    ApplicationEventsHandler(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public Publisher<Void> handle(GenerationEvent event) {
        return Mono.<Void>fromRunnable(() -> publisher.publishEvent(new GenerationChangedEvent(this, event)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public int order() {
        return getOrder();
    }
}
