package io.sysgenid.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;

/**
 * Handles a new generation for a {@link GenerationWatcher}: rebuild whatever must not survive a VM clone or
 * snapshot restore (RNG state, UUID generators, leases, cached tokens).
 *
 * <p>Called on the watcher's thread, one generation at a time, listeners in registration order. It must
 * not block: work that takes time belongs on another thread, with the returned stage completing when it
 * is done. The watcher acknowledges the generation only once the stages of all listeners have completed.
 */
@FunctionalInterface
public interface GenerationListener {
    /**
     * Handles {@code generation}, or starts handling it and tells when done through the returned stage.
     *
     * @param generation the new generation (unsigned 32-bit; compare with {@code !=})
     * @return a stage that completes when the generation is handled; completing exceptionally, throwing or
     *     returning null is a failure, reported and then handled by the watcher's
     *     {@link ListenerFailurePolicy}
     */
    CompletionStage<?> onGeneration(int generation);

    /**
     * Handles {@code generation}, reported by {@code source}; what the watcher calls. By default
     * {@link #onGeneration(int)}: override this one to tell a JVM restore from a device change.
     *
     * @param generation the new generation (unsigned 32-bit; compare with {@code !=})
     * @param source what reported it
     * @return as {@link #onGeneration(int)}
     */
    default CompletionStage<?> onGeneration(int generation, GenerationSource source) {
        return onGeneration(generation);
    }

    /**
     * A listener that does all its work in {@code action}, on the watcher's thread.
     *
     * @param action handles the generation; the listener completes when it returns
     * @return the listener
     */
    static GenerationListener synchronous(IntConsumer action) {
        return generation -> {
            action.accept(generation);
            return CompletableFuture.completedFuture(null);
        };
    }
}
