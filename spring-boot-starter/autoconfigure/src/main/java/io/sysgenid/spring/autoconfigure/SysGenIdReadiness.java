package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationObserver;
import java.time.Duration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Takes the application out of traffic while it rebuilds after a clone or restore: publishes
 * {@link ReadinessState#REFUSING_TRAFFIC} when a changed generation is read and
 * {@link ReadinessState#ACCEPTING_TRAFFIC} once the device has accepted its acknowledgement, so a load
 * balancer that follows the readiness probe ({@code /actuator/health/readiness}) stops sending requests to a
 * clone that may still hold its parent's secrets. A generation left outdated ({@code leave-outdated}) keeps
 * the application refusing traffic until a retry succeeds. Turned off with
 * {@code sysgenid.readiness.enabled=false}.
 *
 * <p>It publishes on the thread the receiver calls it on (the watcher's); Boot's own listener only records
 * the state.
 */
public final class SysGenIdReadiness implements GenerationObserver {
    private final ApplicationEventPublisher publisher;

    /**
     * Creates it.
     *
     * @param publisher where to publish the availability changes (the application context)
     */
    public SysGenIdReadiness(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void generationRead(GenerationEvent event) {
        AvailabilityChangeEvent.publish(publisher, this, ReadinessState.REFUSING_TRAFFIC);
    }

    @Override
    public void acknowledged(GenerationEvent event, Duration sinceRead) {
        AvailabilityChangeEvent.publish(publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
    }
}
