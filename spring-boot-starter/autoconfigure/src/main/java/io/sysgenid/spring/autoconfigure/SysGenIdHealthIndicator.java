package io.sysgenid.spring.autoconfigure;

import io.sysgenid.core.GenerationSource;
import io.sysgenid.reactor.ReceiverStatus;
import io.sysgenid.reactor.SysGenIdReceiver;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of System Generation ID watching:
 * <ul>
 *   <li>UP: watching, and this application has acknowledged the current generation;
 *   <li>OUT_OF_SERVICE: this application holds a generation it has not acknowledged (its handlers are
 *       running, or failed under {@code leave-outdated}): its world-unique state may still be a clone's;
 *   <li>DOWN: it should watch but is not connected: the device failed (it is reconnecting), or
 *       {@code sysgenid.source=auto} found the device but could not open it (the details give the reason:
 *       path, errno and fix);
 *   <li>UNKNOWN: nothing is watched by configuration ({@code sysgenid.source=none}) or because
 *       {@code auto} found no device — clones are not detected, and the details say so.
 * </ul>
 */
public final class SysGenIdHealthIndicator extends AbstractHealthIndicator {
    private final SysGenIdReceiver receiver;
    private final SysGenIdWatch watch;
    private final SysGenIdMode mode;

    /**
     * The indicator of a receiver.
     *
     * @param receiver the receiver
     * @param watch the lifecycle that watches with it, which knows the mode and a failure to start
     */
    public SysGenIdHealthIndicator(SysGenIdReceiver receiver, SysGenIdWatch watch) {
        super("sysgenid health check failed");
        this.receiver = receiver;
        this.watch = watch;
        this.mode = watch.mode();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("source", mode.configured().name().toLowerCase(java.util.Locale.ROOT));
        if (!mode.watches()) {
            builder.unknown().withDetail("watching", false).withDetail("reason", mode.notWatchingReason());
            return;
        }
        if (watch.startFailure().isPresent()) {
            builder.down().withDetail("device", mode.path().toString()).withDetail("watching", false)
                    .withDetail("reason", watch.startFailure().get().getMessage());
            return;
        }
        ReceiverStatus status = receiver.status();
        status.device().ifPresent(device -> builder.withDetail("device", device));
        builder.withDetail("sources", status.sources().stream().map(GenerationSource::tagValue).sorted().toList());
        if (!status.connected()) {
            builder.down().withDetail("watching", false);
            status.lastFailure().ifPresent(builder::withException);
            return;
        }
        builder.withDetail("watching", true);
        status.abi().ifPresent(abi -> builder.withDetail("abi", abi.name()));
        receiver.currentGeneration()
                .ifPresent(generation -> builder.withDetail("generation", Integer.toUnsignedLong(generation)));
        receiver.outdatedWatchers().ifPresent(outdated -> builder.withDetail("outdatedWatchers", outdated));
        if (status.unacknowledged().isPresent()) {
            builder.outOfService().withDetail("unacknowledged",
                    Integer.toUnsignedLong(status.unacknowledged().getAsInt()));
        } else {
            builder.up();
        }
    }
}
