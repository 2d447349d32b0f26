package io.sysgenid.core;

/** What a {@link GenerationWatcher} does when a listener fails a generation (after reporting it). */
public enum ListenerFailurePolicy {
    /** Acknowledge anyway: orchestrators stop waiting for this process. */
    ACK_ANYWAY,
    /**
     * Leave the device outdated, so that orchestrators keep waiting, and dispatch the then-current
     * generation to all listeners again after the watcher's retry delay.
     */
    LEAVE_OUTDATED
}
