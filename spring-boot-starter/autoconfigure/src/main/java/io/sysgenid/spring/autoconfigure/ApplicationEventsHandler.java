package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import org.reactivestreams.Publisher;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes a {@link GenerationChangedEvent} for each change, in the last phase, off Reactor's threads. The
 * auto-configuration backs off if the application defines a bean of this type.
 */
public final class ApplicationEventsHandler implements GenerationHandler, Ordered {
    /** The handler's name in reports and metrics. */
    public static final String NAME = "application-events";

    private final ApplicationEventPublisher publisher;

    /**
     * Creates it.
     *
     * @param publisher where to publish the events
     */
    public ApplicationEventsHandler(ApplicationEventPublisher publisher) {
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
