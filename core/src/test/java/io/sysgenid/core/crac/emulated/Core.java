package io.sysgenid.core.crac.emulated;

import java.util.Objects;

/** As {@code jdk.crac.Core}: one global context, and a checkpoint that runs it. */
public final class Core {
    private static final Context<Resource> GLOBAL = new Context<>();
    private static final ThreadLocal<Runnable> AT_CHECKPOINT = ThreadLocal.withInitial(() -> () -> { });

    private Core() {
    }

    /** {@return the global context, where {@code org.crac} registers resources} */
    public static Context<Resource> getGlobalContext() {
        return GLOBAL;
    }

    /**
     * What {@code org.crac.Core.checkpointRestore()} calls: every resource's {@code beforeCheckpoint}, then
     * (if none failed) the checkpoint, then every resource's {@code afterRestore}, also after a failed
     * checkpoint, as CRaC does.
     *
     * @throws CheckpointException if a resource failed before the checkpoint (restored all the same)
     * @throws RestoreException if a resource failed after it
     */
    public static void checkpointRestore() throws CheckpointException, RestoreException {
        CheckpointException failed = null;
        try {
            GLOBAL.beforeCheckpoint(null);
            AT_CHECKPOINT.get().run();
        } catch (CheckpointException e) {
            failed = e;
        }
        try {
            GLOBAL.afterRestore(null);
        } catch (RestoreException e) {
            if (failed == null) {
                throw e;
            }
            for (Throwable t : e.getSuppressed()) {
                failed.addSuppressed(t);
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * {@link #checkpointRestore()} with {@code atCheckpoint} run at the moment of the checkpoint (after
     * every {@code beforeCheckpoint}), on this thread: where a test looks at what the process holds.
     *
     * @param atCheckpoint what to run
     * @throws CheckpointException as {@link #checkpointRestore()}
     * @throws RestoreException as {@link #checkpointRestore()}
     */
    public static void checkpointRestore(Runnable atCheckpoint) throws CheckpointException, RestoreException {
        AT_CHECKPOINT.set(Objects.requireNonNull(atCheckpoint, "atCheckpoint"));
        try {
            org.crac.Core.checkpointRestore();
        } catch (org.crac.CheckpointException e) {
            throw rethrow(new CheckpointException(), e);
        } catch (org.crac.RestoreException e) {
            throw rethrow(new RestoreException(), e);
        } finally {
            AT_CHECKPOINT.remove();
        }
    }

    private static <E extends Exception> E rethrow(E into, Exception from) {
        for (Throwable t : from.getSuppressed()) {
            into.addSuppressed(t);
        }
        return into;
    }
}
