package io.sysgenid.reactor;

import io.sysgenid.core.SysGenIdAbi;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Hears what a {@link SysGenIdReceiver} does, for metrics, health and logs. Every method has an empty
 * default.
 *
 * <p><b>Threading.</b> Methods are called on the receiver's watcher thread, on the thread a handler or
 * subscriber finished on, or on the thread that subscribed or cancelled; never concurrently for the same
 * generation's acknowledgement. They must be quick and must not block. What they throw is logged and
 * ignored.
 */
public interface GenerationObserver {
    /**
     * The receiver opened the device and watches it; the receiver's {@code status()}, counts and
     * {@code currentGeneration()} already describe the new connection.
     */
    default void connected(String source, SysGenIdAbi abi, GenerationEvent current) {}

    /**
     * The receiver stopped watching: the last subscriber left or the receiver was closed ({@code cause}
     * empty), or the device failed ({@code cause} present; the Flux ended with it).
     */
    default void disconnected(String source, Optional<Throwable> cause) {}

    /** A changed generation was read and is about to be handled. */
    default void generationRead(GenerationEvent event) {}

    /** A handler or a subscriber finished a generation. */
    default void handlerFinished(HandlerOutcome outcome) {}

    /** The device accepted the acknowledgement of {@code event}, {@code sinceRead} after it was read. */
    default void acknowledged(GenerationEvent event, Duration sinceRead) {}

    /**
     * Handlers failed {@code event} and the policy is
     * {@link io.sysgenid.core.ListenerFailurePolicy#LEAVE_OUTDATED}: the generation stays unacknowledged
     * and the handlers run again after the retry delay.
     */
    default void leftOutdated(GenerationEvent event, List<HandlerOutcome> failures) {}
}
