package io.sysgenid.core;

/** A failure a {@link GenerationWatcher} reports to its failure handler. */
public sealed interface WatcherFailure permits WatcherFailure.ListenerFailed, WatcherFailure.DeviceFailed {
    /** {@return what went wrong} */
    Throwable cause();

    /**
     * A listener threw, returned null or completed exceptionally for {@code generation}; the watcher then
     * follows its {@link ListenerFailurePolicy}.
     *
     * @param generation the generation the listener was handling
     * @param listener the listener that failed
     * @param cause what it threw, or how its stage completed
     */
    record ListenerFailed(int generation, GenerationListener listener, Throwable cause) implements WatcherFailure {}

    /**
     * A device or selector operation failed. If {@code fatal}, the watcher has stopped (its device or
     * selector is unusable); otherwise it retries after its retry delay.
     *
     * @param cause the failure
     * @param fatal whether the watcher has stopped
     */
    record DeviceFailed(Throwable cause, boolean fatal) implements WatcherFailure {}
}
