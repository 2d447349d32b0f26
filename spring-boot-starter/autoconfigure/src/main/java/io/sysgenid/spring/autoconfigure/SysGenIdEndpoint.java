package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.HandlerOutcome;
import io.sysgenid.reactor.ReceiverStatus;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code sysgenid} Actuator endpoint: the state of System Generation ID watching. Read-only unless
 * {@code sysgenid.force-update-enabled=true}, which exposes {@link ForceUpdateSysGenIdEndpoint} instead.
 */
@Endpoint(id = "sysgenid")
public class SysGenIdEndpoint {
    private final SysGenIdReceiver receiver;
    private final SysGenIdMode mode;
    private final HandlerOutcomes outcomes;

    public SysGenIdEndpoint(SysGenIdReceiver receiver, SysGenIdMode mode, HandlerOutcomes outcomes) {
        this.receiver = receiver;
        this.mode = mode;
        this.outcomes = outcomes;
    }

    /** The state now. */
    @ReadOperation
    public State state() {
        ReceiverStatus status = receiver.status();
        Map<String, HandlerState> handlers = new LinkedHashMap<>();
        outcomes.last().forEach((name, outcome) -> handlers.put(name, HandlerState.of(outcome)));
        return new State(
                mode.configured().name().toLowerCase(java.util.Locale.ROOT),
                status.source().orElse(mode.kind() == SysGenIdMode.Kind.SIMULATED ? null : mode.path().toString()),
                status.connected(),
                mode.watches() ? null : mode.notWatchingReason(),
                status.abi().map(Enum::name).orElse(null),
                unsigned(receiver.currentGeneration()),
                boxed(receiver.watchers()),
                boxed(receiver.outdatedWatchers()),
                unsigned(status.unacknowledged()),
                status.lastEvent().map(LastEvent::of).orElse(null),
                status.lastFailure().map(Throwable::getMessage).orElse(null),
                handlers);
    }

    SysGenIdReceiver receiver() {
        return receiver;
    }

    private static @Nullable Long unsigned(OptionalInt value) {
        return value.isPresent() ? Integer.toUnsignedLong(value.getAsInt()) : null;
    }

    private static @Nullable Integer boxed(OptionalInt value) {
        return value.isPresent() ? value.getAsInt() : null;
    }

    /**
     * What the endpoint reports; null fields are unknown (never a made-up 0).
     *
     * @param source the configured {@code sysgenid.source}
     * @param device the device watched (or that would be)
     * @param watching true while connected to the device
     * @param reason why nothing is watched, when nothing is by configuration or for lack of a device
     * @param abi the device's ioctl family
     * @param generation the device's generation (unsigned)
     * @param watchers the kernel's watcher count
     * @param outdatedWatchers the kernel's outdated-watcher count
     * @param unacknowledged a generation this application has read and not yet acknowledged
     * @param lastEvent the last generation delivered
     * @param lastFailure the device failure that ended the last connection
     * @param handlers each handler's last outcome, by name
     */
    public record State(
            String source,
            @Nullable String device,
            boolean watching,
            @Nullable String reason,
            @Nullable String abi,
            @Nullable Long generation,
            @Nullable Integer watchers,
            @Nullable Integer outdatedWatchers,
            @Nullable Long unacknowledged,
            @Nullable LastEvent lastEvent,
            @Nullable String lastFailure,
            Map<String, HandlerState> handlers) {}

    /**
     * The last generation delivered.
     *
     * @param generation the generation (unsigned)
     * @param previous the generation before it, null for the one found at connection
     * @param readAt when it was read
     */
    public record LastEvent(long generation, @Nullable Long previous, Instant readAt) {
        static LastEvent of(GenerationEvent event) {
            return new LastEvent(Integer.toUnsignedLong(event.generation()), unsigned(event.previous()), event.readAt());
        }
    }

    /**
     * A handler's last outcome.
     *
     * @param outcome success, error or timeout
     * @param generation the generation (unsigned)
     * @param durationMillis how long it took
     * @param error the error's message, for an error
     */
    public record HandlerState(String outcome, long generation, long durationMillis, @Nullable String error) {
        static HandlerState of(HandlerOutcome outcome) {
            return new HandlerState(outcome.result().name().toLowerCase(java.util.Locale.ROOT),
                    Integer.toUnsignedLong(outcome.generation()), outcome.duration().toMillis(),
                    outcome.cause().map(Throwable::toString).orElse(null));
        }
    }
}
