package io.sysgenid.core.crac;

import java.util.Objects;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * JVM checkpoints and restores (OpenJDK CRaC; AWS Lambda SnapStart, which calls the same hooks), told to a
 * {@link Participant} through {@code org.crac}'s global context. A restored JVM is a copy of the one that
 * was checkpointed, possibly one of many on other machines, so it must rebuild what a VM clone must: the
 * participant reports the restore as a change marked {@link io.sysgenid.core.GenerationSource#JVM_RESTORE}.
 * A checkpoint fails on file descriptors the runtime does not know, so before it the participant closes
 * every descriptor it holds (the device file, the epoll instance, its eventfd, the mapped counter page).
 *
 * <p>{@code org.crac} holds registered resources weakly: keep the returned source reachable for as long as
 * the participant should hear checkpoints. {@link #close()} stops forwarding (the global context has no
 * way to unregister). Outside a CRaC runtime ({@link #isSupported()} false) registering does nothing and
 * no hook is ever called.
 *
 * <p><b>Threading.</b> The hooks run on the thread that checkpoints (the one calling
 * {@code Core.checkpointRestore()}, or the runtime's own), one at a time, in {@code org.crac}'s order:
 * {@code beforeCheckpoint} in the reverse order of registration, {@code afterRestore} in that order.
 */
public final class CracRestoreSource implements AutoCloseable {
    /** What {@code org.crac}'s system property names, to use another runtime (as {@code org.crac} does). */
    static final String COMPAT_PROPERTY = "org.crac.Core.Compat";

    /** Takes part in JVM checkpoints: releases its descriptors before, and reports the restore after. */
    public interface Participant {
        /**
         * Quiesces and closes every descriptor held. May block, bounded by the participant's own timeout.
         *
         * @throws Exception to fail the checkpoint; {@code org.crac} reports it in a
         *     {@link org.crac.CheckpointException} and still calls {@link #afterRestore()}
         */
        void beforeCheckpoint() throws Exception;

        /**
         * Reopens what {@link #beforeCheckpoint()} closed and reports the restore, once. Also called after
         * a checkpoint that failed.
         *
         * @throws Exception reported by {@code org.crac} in a {@link org.crac.RestoreException}
         */
        void afterRestore() throws Exception;
    }

    private final Participant participant;
    private final Hook hook = new Hook(); // held strongly: org.crac holds it weakly
    private volatile boolean closed;

    private CracRestoreSource(Participant participant) {
        this.participant = participant;
    }

    /**
     * Registers {@code participant} with {@code org.crac}'s global context.
     *
     * @param participant what to tell
     * @return the registration; keep it reachable
     */
    public static CracRestoreSource register(Participant participant) {
        CracRestoreSource source = new CracRestoreSource(Objects.requireNonNull(participant, "participant"));
        Core.getGlobalContext().register(source.hook);
        return source;
    }

    /**
     * {@return true if this JVM can checkpoint and restore: it has {@code jdk.crac} (a CRaC JDK, the
     * SnapStart runtime) or {@code javax.crac}, or {@code org.crac}'s compatibility property names another
     * implementation; these are where {@code org.crac} looks}
     */
    public static boolean isSupported() {
        String named = System.getProperty(COMPAT_PROPERTY);
        return (named != null && present(named + ".Core")) || present("javax.crac.Core") || present("jdk.crac.Core");
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, CracRestoreSource.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Stops telling the participant; idempotent. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "CracRestoreSource[" + participant + (closed ? ", closed" : "") + "]";
    }

    /** The resource {@code org.crac} calls. */
    private final class Hook implements Resource {
        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) throws Exception {
            if (!closed) {
                participant.beforeCheckpoint();
            }
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) throws Exception {
            if (!closed) {
                participant.afterRestore();
            }
        }

        @Override
        public String toString() {
            return CracRestoreSource.this.toString();
        }
    }
}
