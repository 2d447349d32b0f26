package io.sysgenid.core;

/** How {@link SysGenIdDevice#waitWatchers(java.time.Duration)} ended. */
public enum WaitResult {
    /** No tracked watcher is outdated any more (the ioctl returned 0). */
    ALL_ACKED,
    /** The timeout ran out while some watcher was still outdated (ETIME; EINTR on the v4 family). */
    TIMED_OUT,
    /**
     * This device's own file is outdated, on entry or because a new generation arrived during the wait
     * (EINTR): read the generation, handle it, acknowledge it, then wait again.
     */
    SELF_OUTDATED
}
