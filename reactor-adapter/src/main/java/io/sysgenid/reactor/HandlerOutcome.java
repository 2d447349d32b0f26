package io.sysgenid.reactor;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one handler, or one subscriber, finished one generation.
 *
 * @param name the handler's {@link GenerationHandler#name() name}, or the subscription's name
 *     ({@link SysGenIdReceiver#DEFAULT_SUBSCRIBER_NAME} unless the subscriber named itself)
 * @param generation the generation (unsigned)
 * @param result how it finished
 * @param duration from the start of its phase (for a subscriber: from delivery) to the outcome
 * @param cause the error for {@link Result#ERROR}; for the other failures, what happened; empty on success
 */
public record HandlerOutcome(String name, int generation, Result result, Duration duration, Optional<Throwable> cause) {
    /** How a handler finished. */
    public enum Result {
        /** It completed. */
        SUCCESS,
        /** It threw, returned null or signalled an error (or a subscriber rejected the generation). */
        ERROR,
        /** It did not finish within its timeout; it was cancelled. */
        TIMEOUT,
        /** A subscriber cancelled (or its pipeline failed) after it was given the generation, before finishing it. */
        CANCELLED
    }

    /**
     * Checks that no component is null.
     *
     * @param name the name, see the record's description
     * @param generation the generation, see the record's description
     * @param result the result, see the record's description
     * @param duration the duration, see the record's description
     * @param cause the cause, see the record's description
     */
    public HandlerOutcome {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(cause, "cause");
    }

    /** {@return true unless the result is {@link Result#SUCCESS}} */
    public boolean failed() {
        return result != Result.SUCCESS;
    }

    @Override
    public String toString() {
        return name + " " + result.name().toLowerCase(java.util.Locale.ROOT) + " generation "
                + Integer.toUnsignedString(generation) + " in " + duration.toMillis() + " ms"
                + cause.map(c -> ": " + c).orElse("");
    }
}
