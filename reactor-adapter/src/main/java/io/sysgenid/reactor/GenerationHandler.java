package io.sysgenid.reactor;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.reactivestreams.Publisher;

/**
 * Rebuilds what must not survive a VM clone or snapshot restore (RNG state, UUID generators, leases,
 * cached tokens) when the generation changes. A {@link SysGenIdReceiver} calls every handler it holds
 * for each changed generation and writes the acknowledgement only once all of them have finished.
 *
 * <p><b>Phases.</b> Handlers run in phases by {@link #order()}: every handler of the lowest order first,
 * concurrently, then the next order once all of those have finished, and so on. Subscribers of the
 * receiver's Flux get the generation after the last phase.
 *
 * <p><b>Threading.</b> {@link #handle(GenerationEvent)} is called on the receiver's watcher thread or on
 * the thread that finished the previous phase, and must not block: return a publisher that does the
 * work (use {@code subscribeOn(Schedulers.boundedElastic())} for blocking work).
 *
 * <p><b>Failure.</b> Throwing, returning null, signalling an error or not completing within
 * {@link #timeout()} (the receiver's default when empty) fails the handler for that generation: the
 * failure is reported with the handler's name, the generation and the cause, the other handlers still
 * run, and the receiver's {@link io.sysgenid.core.ListenerFailurePolicy} decides whether the generation
 * is acknowledged anyway or left outdated.
 */
public interface GenerationHandler {
    /**
     * Handles one changed generation.
     *
     * @param event the change
     * @return a publisher whose completion means the generation is handled; values it emits are ignored
     */
    Publisher<Void> handle(GenerationEvent event);

    /** {@return the name in reports, metrics and logs; default: the simple class name} */
    default String name() {
        String simple = getClass().getSimpleName();
        return simple.isEmpty() ? getClass().getName() : simple;
    }

    /** {@return the phase: lower runs first, equal runs concurrently; default 0} */
    default int order() {
        return 0;
    }

    /** {@return how long the handler may take; empty for the receiver's default} */
    default Optional<Duration> timeout() {
        return Optional.empty();
    }

    /**
     * A handler in phase 0 with the receiver's default timeout.
     *
     * @param name its name
     * @param handle what it does with each change
     * @return the handler
     */
    static GenerationHandler of(String name, Function<? super GenerationEvent, ? extends Publisher<Void>> handle) {
        return of(name, 0, null, handle);
    }

    /**
     * A handler with the given name, order and timeout.
     *
     * @param name its name
     * @param order its phase
     * @param timeout null for the receiver's default
     * @param handle what it does with each change
     * @return the handler
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    static GenerationHandler of(String name, int order, Duration timeout,
            Function<? super GenerationEvent, ? extends Publisher<Void>> handle) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handle, "handle");
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("a handler timeout must be positive, was " + timeout);
        }
        Optional<Duration> limit = Optional.ofNullable(timeout);
        return new GenerationHandler() {
            @Override
            public Publisher<Void> handle(GenerationEvent event) {
                return handle.apply(event);
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public int order() {
                return order;
            }

            @Override
            public Optional<Duration> timeout() {
                return limit;
            }

            @Override
            public String toString() {
                return "GenerationHandler[" + name + ", order " + order + limit.map(t -> ", timeout " + t).orElse("")
                        + "]";
            }
        };
    }
}
