package io.sysgenid.spring.autoconfigure;

import io.sysgenid.core.PermissionDeniedException;
import io.sysgenid.core.SysGenIdException;
import io.sysgenid.core.GenerationSource;
import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.HandlerOutcome;
import io.sysgenid.reactor.ReceiverStatus;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code sysgenid} Actuator endpoint: the state of System Generation ID watching, and a write operation
 * that forces a generation change. It follows Actuator's access model: read-only by default; the write
 * operation is there only with {@code management.endpoint.sysgenid.access=unrestricted}. Over HTTP,
 * {@link SysGenIdEndpointWebExtension} gives the answers their status codes.
 */
@Endpoint(id = "sysgenid", defaultAccess = Access.READ_ONLY)
public class SysGenIdEndpoint {
    /** The largest generation: the kernel's counter is unsigned 32-bit. */
    public static final long MAX_GENERATION = 0xFFFF_FFFFL;

    private static final Duration LIMIT = Duration.ofSeconds(10);

    private final SysGenIdReceiver receiver;
    private final SysGenIdWatch watch;
    private final SysGenIdMode mode;
    private final HandlerOutcomes outcomes;

    /**
     * The endpoint of a receiver.
     *
     * @param receiver the receiver
     * @param watch the lifecycle that watches with it
     * @param outcomes the handlers' last outcomes
     */
    public SysGenIdEndpoint(SysGenIdReceiver receiver, SysGenIdWatch watch, HandlerOutcomes outcomes) {
        this.receiver = receiver;
        this.watch = watch;
        this.mode = watch.mode();
        this.outcomes = outcomes;
    }

    /**
     * Forces a generation change, as a VM restore would: the generation becomes max({@code minimum},
     * current + 1). On a real device this needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN.
     *
     * @param minimum the least generation to move to, 0 to 4294967295; null for 0
     * @return the state after the change
     * @throws InvalidEndpointRequestException if {@code minimum} is outside 0..4294967295
     * @throws PermissionDeniedException without the capability
     * @throws SysGenIdException if nothing is watched or the device fails
     */
    @WriteOperation
    public State forceUpdate(@Nullable Long minimum) {
        forceUpdate(checkedMinimum(minimum == null ? null : minimum.toString()));
        return state();
    }

    /**
     * The minimum as an unsigned 32-bit generation.
     *
     * @throws InvalidEndpointRequestException naming the field, the value and the range otherwise
     */
    static int checkedMinimum(@Nullable String minimum) {
        if (minimum == null) {
            return 0;
        }
        long value;
        try {
            value = Long.parseLong(minimum.trim());
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 0 || value > MAX_GENERATION) {
            String message = "minimum must be an integer from 0 to " + MAX_GENERATION + ", was '" + minimum + "'";
            throw new InvalidEndpointRequestException(message, message);
        }
        return (int) value;
    }

    void forceUpdate(int minimum) {
        if (!mode.watches() || watch.startFailure().isPresent()) {
            throw new IllegalStateException("nothing is watched: " + reason());
        }
        receiver.forceUpdate(minimum).block(LIMIT);
    }

    private String reason() {
        return watch.startFailure().map(Throwable::getMessage).orElseGet(mode::notWatchingReason);
    }

    /** {@return the state now} */
    @ReadOperation
    public State state() {
        ReceiverStatus status = receiver.status();
        Map<String, HandlerState> handlers = new LinkedHashMap<>();
        outcomes.last().forEach((name, outcome) -> handlers.put(name, HandlerState.of(outcome)));
        return new State(
                mode.configured().name().toLowerCase(java.util.Locale.ROOT),
                status.device().orElse(mode.kind() == SysGenIdMode.Kind.SIMULATED ? null : mode.path().toString()),
                status.connected(),
                status.sources().stream().map(GenerationSource::tagValue).sorted().toList(),
                mode.watches() && watch.startFailure().isEmpty() ? null : reason(),
                status.abi().map(Enum::name).orElse(null),
                unsigned(receiver.currentGeneration()),
                boxed(receiver.watchers()),
                boxed(receiver.outdatedWatchers()),
                unsigned(status.unacknowledged()),
                status.lastEvent().map(LastEvent::of).orElse(null),
                status.lastFailure().map(Throwable::getMessage).orElse(null),
                handlers);
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
     * @param sources what reports changes: {@code device} while watching, {@code jvm-restore} while taking
     *     part in JVM checkpoints
     * @param reason why nothing is watched: by configuration, for lack of a device, or a device that could
     *     not be opened
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
            List<String> sources,
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
     * @param source what reported it: {@code device} or {@code jvm-restore}
     */
    public record LastEvent(long generation, @Nullable Long previous, Instant readAt, String source) {
        static LastEvent of(GenerationEvent event) {
            return new LastEvent(Integer.toUnsignedLong(event.generation()), unsigned(event.previous()), event.readAt(),
                    event.source().tagValue());
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
