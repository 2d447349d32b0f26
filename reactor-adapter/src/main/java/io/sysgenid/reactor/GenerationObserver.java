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
     *
     * @param source the device
     * @param abi its ioctl family
     * @param current the generation the receiver starts from (a replay)
     */
    default void connected(String source, SysGenIdAbi abi, GenerationEvent current) {}

    /**
     * The receiver stopped watching: the last subscriber left, the receiver was closed, or a JVM checkpoint
     * closed the device until the restore ({@code cause} empty; {@link #connected} follows the restore), or
     * the device failed ({@code cause} present; the Flux ended with it).
     *
     * @param source the device
     * @param cause the device failure, if that is why
     */
    default void disconnected(String source, Optional<Throwable> cause) {}

    /**
     * A changed generation was read (or caught up on) and is about to be handled.
     *
     * @param event the change
     */
    default void generationRead(GenerationEvent event) {}

    /**
     * A handler or a subscriber finished a generation.
     *
     * @param outcome how
     */
    default void handlerFinished(HandlerOutcome outcome) {}

    /**
     * The device accepted the acknowledgement of a generation.
     *
     * @param event the generation
     * @param sinceRead how long after it was read
     */
    default void acknowledged(GenerationEvent event, Duration sinceRead) {}

    /**
     * Handlers failed {@code event} and the policy is
     * {@link io.sysgenid.core.ListenerFailurePolicy#LEAVE_OUTDATED}: the generation stays unacknowledged
     * and the parties that failed get it again after the retry delay.
     *
     * @param event the generation
     * @param failures the parties that failed it
     */
    default void leftOutdated(GenerationEvent event, List<HandlerOutcome> failures) {}
}
