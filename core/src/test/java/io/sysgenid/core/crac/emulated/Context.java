package io.sysgenid.core.crac.emulated;

import java.util.ArrayList;
import java.util.List;

/**
 * As {@code jdk.crac}'s global context: {@code beforeCheckpoint} in the reverse order of registration,
 * {@code afterRestore} in that order; every resource is called even when one throws, and the failures are
 * collected as suppressed exceptions.
 *
 * @param <R> the resources
 */
public class Context<R extends Resource> implements Resource {
    private final List<R> resources = new ArrayList<>();

    /**
     * Registers a resource (here, {@code org.crac}'s proxy for one).
     *
     * @param resource the resource
     */
    public synchronized void register(R resource) {
        resources.add(resource);
    }

    private synchronized List<R> registered() {
        return new ArrayList<>(resources);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws CheckpointException {
        List<R> reversed = registered();
        java.util.Collections.reverse(reversed);
        CheckpointException failed = new CheckpointException();
        for (R resource : reversed) {
            try {
                resource.beforeCheckpoint(this);
            } catch (Exception e) {
                failed.addSuppressed(e);
            }
        }
        if (failed.getSuppressed().length > 0) {
            throw failed;
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) throws RestoreException {
        RestoreException failed = new RestoreException();
        for (R resource : registered()) {
            try {
                resource.afterRestore(this);
            } catch (Exception e) {
                failed.addSuppressed(e);
            }
        }
        if (failed.getSuppressed().length > 0) {
            throw failed;
        }
    }
}
