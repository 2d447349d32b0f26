package io.sysgenid.benchmarks;

import io.sysgenid.core.GenerationListener;
import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.reactor.GenerationHandler;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jnr.enxio.channels.NativeDeviceChannel;
import jnr.enxio.channels.NativeSelectorProvider;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Bump to "the user's code runs", on the host, over the simulated device: one bumper thread calls
 * {@link SimulatedSysGenId#bump()} (which writes the counter page and signals every outdated handle's
 * eventfd) and, in four phases, four readers wake up:
 * <ol>
 *   <li>{@code c}: the C reference, {@code eventfd_reader}, an epoll loop on an eventfd of a handle of the
 *       same simulator (taken over with pidfd_getfd), reading the same mapped counter page;</li>
 *   <li>{@code events}: a {@link SysGenIdReceiver}'s {@code events()} subscriber, time taken in
 *       {@code onNext};</li>
 *   <li>{@code handler}: a receiver's one {@link GenerationHandler}, time taken when it is called;</li>
 *   <li>{@code listener}: core's {@link GenerationWatcher} with one synchronous listener, no Reactor (the
 *       split between core's share and the receiver's).</li>
 * </ol>
 * Each bump waits until the reader has acknowledged it, then the bumper parks GAP microseconds, so every
 * sample is a wake-up from idle. Writes {@code host-PHASE.txt} in OUT: "asked seen" nanoseconds
 * (CLOCK_MONOTONIC, which both {@link System#nanoTime()} and the C reader's clock_gettime read) per bump,
 * warm-up bumps included (the analysis drops them), and {@code host-cpu.txt}: CPU nanoseconds per event
 * of the thread that reads (the C reader's loop; the Java watcher thread, which also acknowledges, over
 * the second half of its phase, once compiled).
 *
 * <p>Usage: {@code HostLatency OUT C_READER TOTAL GAP_US [PHASES]} (PHASES: a comma-separated subset of
 * {@code c,events,handler,listener}, for profiling one)
 */
public final class HostLatency {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    /** CPU nanoseconds per event of each phase's reading thread (the watcher thread for Java). */
    private static final java.util.Map<String, Long> CPU = new java.util.TreeMap<>();

    private HostLatency() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String cReader = args[1];
        int total = Integer.parseInt(args[2]);
        long gapNanos = TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[3]));
        java.util.List<String> phases = java.util.List.of((args.length > 4 ? args[4] : "c,events,handler,listener")
                .split(","));
        Files.createDirectories(out);
        try (SimulatedSysGenId simulator = SimulatedSysGenId.create()) {
            if (phases.contains("c")) {
                write(out.resolve("host-c.txt"), cPhase(simulator, cReader, total, gapNanos));
            }
            if (phases.contains("events")) {
                write(out.resolve("host-events.txt"), receiverPhase(simulator, false, total, gapNanos));
            }
            if (phases.contains("handler")) {
                write(out.resolve("host-handler.txt"), receiverPhase(simulator, true, total, gapNanos));
            }
            if (phases.contains("listener")) {
                write(out.resolve("host-listener.txt"), listenerPhase(simulator, total, gapNanos));
            }
            StringBuilder cpu = new StringBuilder();
            CPU.forEach((phase, nanos) -> cpu.append(phase).append(' ').append(nanos).append('\n'));
            Files.writeString(out.resolve("host-cpu.txt"), cpu);
        }
    }

    /** The C reader on its own handle; this thread acknowledges each line it prints. */
    private static long[][] cPhase(SimulatedSysGenId simulator, String reader, int total, long gapNanos)
            throws IOException, InterruptedException {
        long[][] samples = new long[2][total];
        try (SysGenIdDevice handle = simulator.open();
                NativeDeviceChannel channel = handle.openChannel(NativeSelectorProvider.getInstance())) {
            Process c = new ProcessBuilder(reader, Long.toString(ProcessHandle.current().pid()),
                    Integer.toString(channel.getFD()), Integer.toString(total))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII))) {
                for (int i = 0; i < total; i++) {
                    LockSupport.parkNanos(gapNanos);
                    samples[0][i] = System.nanoTime();
                    int generation = simulator.bump();
                    String line = lines.readLine();
                    if (line == null) {
                        throw new IllegalStateException("eventfd_reader ended early, exit " + c.waitFor());
                    }
                    String[] fields = line.split(" ");
                    if (Integer.parseUnsignedInt(fields[0]) != generation) {
                        throw new IllegalStateException("eventfd_reader saw " + fields[0] + ", bumped to "
                                + Integer.toUnsignedString(generation));
                    }
                    samples[1][i] = Long.parseLong(fields[1]);
                    handle.ack(generation);
                }
                String cpu = lines.readLine();
                if (cpu != null && cpu.startsWith("cpu ")) {
                    CPU.put("c", Long.parseLong(cpu.substring(4)) / total);
                }
            } finally {
                c.destroy();
                c.waitFor();
            }
        }
        return samples;
    }

    /** A receiver with either one events() subscriber or one handler; the time is taken in its code. */
    private static long[][] receiverPhase(SimulatedSysGenId simulator, boolean handler, int total, long gapNanos)
            throws InterruptedException {
        long[][] samples = new long[2][total];
        int base = simulator.generation();
        long[] seen = samples[1];
        SysGenIdReceiver.Builder builder = SysGenIdReceiver.builder().device(simulator::open);
        if (handler) {
            builder.handler(GenerationHandler.of("record", event -> {
                record(seen, base, event.generation(), System.nanoTime());
                return Mono.empty();
            }));
        }
        try (SysGenIdReceiver receiver = builder.build()) {
            Disposable watching = handler ? receiver.start() : receiver.events().subscribe(event -> {
                long now = System.nanoTime();
                if (event.isChange()) {
                    record(seen, base, event.generation(), now);
                }
            });
            long[] watcherCpu = {-1, 0};
            try {
                for (int i = 0; i < total; i++) {
                    if (i == total / 2) {
                        watcherCpu[0] = watcherCpu();
                    }
                    if (i == total / 2) {
                        Profiler.start();
                    }
                    LockSupport.parkNanos(gapNanos);
                    samples[0][i] = System.nanoTime();
                    simulator.bump();
                    if (!simulator.awaitAllAcknowledged(ACK_TIMEOUT)) {
                        throw new IllegalStateException("the receiver did not acknowledge bump " + i);
                    }
                }
                CPU.put(handler ? "handler" : "events", (watcherCpu() - watcherCpu[0]) / (total - total / 2));
            } finally {
                Profiler.stop();
                watching.dispose();
            }
        }
        return samples;
    }

    /** Core's watcher with one synchronous listener, no Reactor: where the receiver's time goes. */
    private static long[][] listenerPhase(SimulatedSysGenId simulator, int total, long gapNanos)
            throws InterruptedException {
        long[][] samples = new long[2][total];
        int base = simulator.generation();
        long[] seen = samples[1];
        try (GenerationWatcher watcher = GenerationWatcher.builder(simulator.open()).ownsDevice(true)
                .listener(GenerationListener.synchronous(g -> record(seen, base, g, System.nanoTime()))).start()) {
            long cpu0 = -1;
            for (int i = 0; i < total; i++) {
                if (i == total / 2) {
                    cpu0 = watcherCpu();
                }
                LockSupport.parkNanos(gapNanos);
                samples[0][i] = System.nanoTime();
                simulator.bump();
                if (!simulator.awaitAllAcknowledged(ACK_TIMEOUT)) {
                    throw new IllegalStateException("the watcher did not acknowledge bump " + i);
                }
            }
            CPU.put("listener", (watcherCpu() - cpu0) / (total - total / 2));
        }
        return samples;
    }

    /**
     * async-profiler over the second half of a receiver phase (the steady state), when
     * {@code -Dbenchmarks.profile=ARGS} and {@code -Dbenchmarks.profiler=LIBASYNCPROFILER} are given and its
     * jar ({@code tools.profiler:async-profiler}) is on the class path. ARGS as for its {@code execute}.
     */
    static final class Profiler {
        private static Object instance;

        static void start() {
            String args = System.getProperty("benchmarks.profile");
            if (args != null && instance == null) {
                instance = call(null, "getInstance", System.getProperty("benchmarks.profiler"));
                call(instance, "execute", args);
            }
        }

        static void stop() {
            if (instance != null) {
                call(instance, "execute", "stop," + System.getProperty("benchmarks.profile")
                        .replaceFirst("^start,?", ""));
                instance = null;
            }
        }

        private static Object call(Object target, String method, String argument) {
            try {
                Class<?> type = Class.forName("one.profiler.AsyncProfiler");
                return type.getMethod(method, String.class).invoke(target, argument);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("async-profiler: " + e, e);
            }
        }
    }

    /** CPU time of the watcher thread so far, in nanoseconds. */
    private static long watcherCpu() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(GenerationWatcher.THREAD_NAME)) {
                return threads.getThreadCpuTime(t.getId());
            }
        }
        throw new IllegalStateException("no " + GenerationWatcher.THREAD_NAME + " thread");
    }

    private static void record(long[] seen, int base, int generation, long now) {
        int i = generation - base - 1;
        if (i >= 0 && i < seen.length && seen[i] == 0) {
            seen[i] = now;
        }
    }

    private static void write(Path file, long[][] samples) throws IOException {
        try (PrintStream print = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < samples[0].length; i++) {
                print.append(Long.toString(samples[0][i])).append(' ').append(Long.toString(samples[1][i])).append('\n');
            }
        }
    }
}
