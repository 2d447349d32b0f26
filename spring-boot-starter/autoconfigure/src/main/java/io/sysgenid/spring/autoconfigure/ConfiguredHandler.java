package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import java.time.Duration;
import java.util.Optional;
import org.reactivestreams.Publisher;

/** A handler bean with the name, order and timeout the application context gives it. */
record ConfiguredHandler(GenerationHandler delegate, String name, int order, Optional<Duration> timeout)
        implements GenerationHandler {

    @Override
    public Publisher<Void> handle(GenerationEvent event) {
        return delegate.handle(event);
    }

    @Override
    public String toString() {
        return "handler " + name + " (order " + order + timeout.map(t -> ", timeout " + t).orElse("") + "): "
                + delegate;
    }
}
