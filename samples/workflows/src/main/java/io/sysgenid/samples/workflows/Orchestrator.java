package io.sysgenid.samples.workflows;

import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.WaitResult;
import io.sysgenid.core.epoll.EpollSelectorProvider;
import java.io.PrintStream;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import jnr.enxio.channels.NativeDeviceChannel;

/**
 * Workflow 4, the orchestrator: on a generation change it pauses the service, acknowledges its own file,
 * waits (at most 5 seconds here) until every other watcher on the system has acknowledged, and resumes. If a
 * newer generation arrives during the wait, it acknowledges that one too and waits again; if time runs out,
 * it resumes anyway and reports who is still outdated. (The Reactor adapter offers the same as a
 * {@code Mono}: {@code SysGenIdReceiver.orchestrate}.)
 *
 * <p>{@link #handleUpdate} blocks the calling thread in the kernel for up to the timeout.
 */
public final class Orchestrator {
    /** How the wait ended, and the state then. */
    public record Outcome(WaitResult result, int generation, OptionalInt outdatedWatchers, Duration waited) {}

    private final SysGenIdDevice device;
    private final Runnable pause;
    private final Runnable resume;
    private final Duration timeout;

    public Orchestrator(SysGenIdDevice device, Runnable pause, Runnable resume, Duration timeout) {
        this.device = device;
        this.pause = pause;
        this.resume = resume;
        this.timeout = timeout;
    }

    /** Handles a generation change to {@code generation}: pause, ack self, wait for the others, resume. */
    public Outcome handleUpdate(int generation) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        pause.run();
        try {
            int current = generation;
            device.ack(current);                                  // confirm *this* watcher as up to date
            while (true) {
                long left = deadline - System.nanoTime();
                WaitResult result = left <= 0 ? WaitResult.TIMED_OUT
                        : device.waitWatchers(Duration.ofNanos(left)); // wait for all *others*
                if (result == WaitResult.SELF_OUTDATED) {          // a newer generation arrived meanwhile
                    OptionalInt newer = device.readGeneration();
                    if (newer.isPresent()) {
                        current = newer.getAsInt();
                        device.ack(current);
                    }
                    continue;
                }
                return new Outcome(result, current, device.outdatedWatchers(),
                        Duration.ofNanos(System.nanoTime() - start));
            }
        } finally {
            resume.run();                                         // resume, whatever happened
        }
    }

    /** {@code Orchestrator [--simulated | DEVICE] [--changes N]} */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        return DeviceOption.run(out, () -> {
            try (DeviceOption option = DeviceOption.parse(args, 2); SysGenIdDevice device = option.open()) {
                List<WatchdogThread> others = new ArrayList<>();
                if (option.simulator() != null) {
                    // Two other "applications" on the simulated system: one quick, one that takes a second.
                    others.add(new WatchdogThread(option.simulator().open(), g -> { }));
                    others.add(new WatchdogThread(option.simulator().open(), g -> sleep(1000)));
                }
                Orchestrator orchestrator = new Orchestrator(device, () -> out.println("orchestrator: service paused"),
                        () -> out.println("orchestrator: service resumed"), Duration.ofSeconds(5));
                EpollSelectorProvider provider = new EpollSelectorProvider();
                try (Selector selector = provider.openSelector(); NativeDeviceChannel channel = device.openChannel(provider);
                        AutoCloseable restores = option.simulateRestores(out, Duration.ofSeconds(3))) {
                    channel.register(selector, SelectionKey.OP_READ);
                    for (int handled = 0; handled < option.changes(); ) {
                        if (selector.select(DeviceOption.PATIENCE.toMillis()) == 0) {
                            throw new IllegalStateException("no generation change within " + DeviceOption.PATIENCE);
                        }
                        selector.selectedKeys().clear();
                        OptionalInt generation = device.readGeneration();
                        if (generation.isPresent()) {
                            Outcome outcome = orchestrator.handleUpdate(generation.getAsInt());
                            out.println("orchestrator: generation " + Integer.toUnsignedString(outcome.generation()) + ": "
                                    + (outcome.result() == WaitResult.ALL_ACKED ? "every watcher acknowledged"
                                            : "timed out, " + outcome.outdatedWatchers() + " still outdated")
                                    + " after " + outcome.waited().toMillis() + " ms");
                            handled++;
                        }
                    }
                } finally {
                    for (WatchdogThread other : others) {
                        other.close();
                    }
                }
            }
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
