package io.sysgenid.reactor;

import io.sysgenid.core.sim.SimulatedSysGenId;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Runs a receiver's generation-change path a few times on a private simulated device, so that its classes
 * are loaded and initialized, and its code compiled, before the first real change.
 *
 * <p>Why: a VM restored from a snapshot of a warmed-up service runs the change path for the first time in
 * the clone, while it still serves with its parent's secrets. On the host, a Spring Boot application's
 * first change took 120 to 140 ms from the bump to the acknowledgement against 1.5 ms for the next ones:
 * class loading on the watcher thread, and the metaspace growth it causes triggered a full collection
 * ({@code Pause Full (Metadata GC Threshold)}, 58 ms with the serial collector) in the middle of it. Run
 * after start-up, off the critical path, this moves that cost to where nobody waits.
 *
 * <p>It touches no user handler and no real device: its receiver has one no-op handler, an
 * {@code events()} and a {@code receive()} subscriber, on a {@link SimulatedSysGenId} of its own.
 */
public final class ChangePathWarmUp {
    /** The source of the warm-up's events: the receiver's log keeps them at DEBUG. */
    static final String SOURCE = "warm-up of the change path, simulated: no VM change";
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private ChangePathWarmUp() {
    }

    /**
     * Runs {@code rounds} generation changes through a private receiver.
     *
     * @param rounds how many changes
     * @return how long it took
     * @throws InterruptedException if interrupted while waiting for an acknowledgement
     */
    public static Duration run(int rounds) throws InterruptedException {
        long start = System.nanoTime();
        try (SimulatedSysGenId simulator = SimulatedSysGenId.builder().path(SOURCE).build();
                SysGenIdReceiver receiver = SysGenIdReceiver.builder().device(simulator::open).jvmRestores(false)
                        .handler(GenerationHandler.of("warm-up", event -> Mono.empty())).build()) {
            Disposable events = receiver.events("warm-up").subscribe(event -> { });
            Disposable received = receiver.receive("warm-up").subscribe(AcknowledgableGeneration::acknowledge);
            try {
                for (int i = 0; i < rounds; i++) {
                    simulator.bump();
                    if (!simulator.awaitAllAcknowledged(ACK_TIMEOUT)) {
                        break;
                    }
                }
            } finally {
                events.dispose();
                received.dispose();
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
