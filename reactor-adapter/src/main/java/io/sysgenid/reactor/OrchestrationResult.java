package io.sysgenid.reactor;

import io.sysgenid.core.WaitResult;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How {@link SysGenIdReceiver#orchestrate} ended.
 *
 * @param result {@link WaitResult#ALL_ACKED} when every tracked watcher acknowledged, or
 *     {@link WaitResult#TIMED_OUT}
 * @param generation the device's generation when the wait ended
 * @param outdatedWatchers how many watchers were still outdated then (empty if the kernel does not tell)
 * @param selfAcknowledged false if this process itself had not acknowledged when time ran out (its
 *     handlers failed under {@link io.sysgenid.core.ListenerFailurePolicy#LEAVE_OUTDATED}, or are slow)
 * @param waited how long the wait took
 */
public record OrchestrationResult(
        WaitResult result, int generation, OptionalInt outdatedWatchers, boolean selfAcknowledged, Duration waited) {
    /**
     * Checks the components.
     *
     * @param result the result, see the record's description
     * @param generation the generation, see the record's description
     * @param outdatedWatchers the outdatedWatchers, see the record's description
     * @param selfAcknowledged the selfAcknowledged, see the record's description
     * @param waited the waited, see the record's description
     * @throws IllegalArgumentException if {@code result} is {@link WaitResult#SELF_OUTDATED}
     */
    public OrchestrationResult {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(outdatedWatchers, "outdatedWatchers");
        Objects.requireNonNull(waited, "waited");
        if (result == WaitResult.SELF_OUTDATED) {
            throw new IllegalArgumentException("an orchestration ends settled or timed out, not " + result);
        }
    }

    /** {@return true if every watcher acknowledged in time} */
    public boolean settled() {
        return result == WaitResult.ALL_ACKED;
    }
}
