package io.sysgenid.core.crac.emulated;

/** As {@code jdk.crac.Resource}. */
public interface Resource {
    /**
     * Before the checkpoint.
     *
     * @param context the context calling
     * @throws Exception to fail the checkpoint
     */
    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    /**
     * After the restore (or a failed checkpoint).
     *
     * @param context the context calling
     * @throws Exception to report a failed restore
     */
    void afterRestore(Context<? extends Resource> context) throws Exception;
}
