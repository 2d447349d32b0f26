package io.sysgenid.benchmarks;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import reactor.core.Disposable;

/**
 * What a receiver costs a process, over the simulated device on the host. Prints "key value" lines:
 * <ul>
 *   <li>{@code threads_1}, {@code fds_1}, {@code threads_1000}, {@code fds_1000}: threads and descriptors
 *       the process gained with 1 and with 1,000 {@code events()} subscribers (the reference: the same
 *       process before subscribing);</li>
 *   <li>{@code stack_kib}: the watcher thread's stack (it asks for none of its own, so the JVM's
 *       {@code ThreadStackSize});</li>
 *   <li>the rest with one subscriber: {@code idle_switches}: the watcher thread's context switches over IDLE seconds with nothing
 *       happening (after one handled generation);</li>
 *   <li>{@code retained_bytes}: heap used after a burst of 10,000 bumps, all handled, minus heap used
 *       before it (both after full collections);</li>
 *   <li>{@code watcher_bytes_per_generation}: bytes the watcher thread allocated per handled generation,
 *       over PACED paced bumps (ThreadMXBean).</li>
 * </ul>
 * Usage: {@code HostFootprint IDLE_SECONDS BURST PACED}
 */
public final class HostFootprint {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private HostFootprint() {
    }

    public static void main(String[] args) throws Exception {
        long idleSeconds = Long.parseLong(args[0]);
        int burst = Integer.parseInt(args[1]);
        int paced = Integer.parseInt(args[2]);
        try (SimulatedSysGenId simulator = SimulatedSysGenId.create();
                SysGenIdReceiver receiver = SysGenIdReceiver.builder().device(simulator::open).build()) {
            long threads0 = tasks();
            long fds0 = fds();
            List<Disposable> subscribers = new ArrayList<>();
            subscribers.add(receiver.events().subscribe(event -> { }));
            awaitConnected(receiver);
            print("threads_1", tasks() - threads0);
            print("fds_1", fds() - fds0);
            for (int i = 1; i < 1000; i++) {
                subscribers.add(receiver.events().subscribe(event -> { }));
            }
            print("threads_1000", tasks() - threads0);
            print("fds_1000", fds() - fds0);
            subscribers.subList(1, subscribers.size()).forEach(Disposable::dispose); // one from here on

            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            print("stack_kib", Long.parseLong(hotspot.getVMOption("ThreadStackSize").getValue()));

            bumpAndWait(simulator);
            // The ack is written before the round's last steps (observers, re-arming the selector): let the
            // watcher thread finish them before counting, as IdleWatcher does.
            Thread.sleep(200);
            Path watcher = IdleWatcher.watcherTask();
            long switches0 = IdleWatcher.switches(watcher);
            long idleEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(idleSeconds);
            while (System.nanoTime() < idleEnd) {
                LockSupport.parkNanos(idleEnd - System.nanoTime());
            }
            print("idle_switches", IdleWatcher.switches(watcher) - switches0);

            long before = usedAfterGc();
            for (int i = 0; i < burst; i++) {
                simulator.bump();
            }
            if (!simulator.awaitAllAcknowledged(ACK_TIMEOUT)) {
                throw new IllegalStateException("the burst was not acknowledged in " + ACK_TIMEOUT);
            }
            print("retained_bytes", usedAfterGc() - before);

            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long javaId = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(GenerationWatcher.THREAD_NAME)).findFirst().orElseThrow().getId();
            for (int i = 0; i < paced / 10; i++) {
                bumpAndWait(simulator); // warm-up
            }
            long allocated0 = threads.getThreadAllocatedBytes(javaId);
            for (int i = 0; i < paced; i++) {
                bumpAndWait(simulator);
            }
            print("watcher_bytes_per_generation", (threads.getThreadAllocatedBytes(javaId) - allocated0) / paced);
            subscribers.forEach(Disposable::dispose);
        }
    }

    private static void bumpAndWait(SimulatedSysGenId simulator) throws InterruptedException {
        simulator.bump();
        if (!simulator.awaitAllAcknowledged(ACK_TIMEOUT)) {
            throw new IllegalStateException("not acknowledged in " + ACK_TIMEOUT);
        }
    }

    private static void awaitConnected(SysGenIdReceiver receiver) {
        long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        while (!receiver.status().connected()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("never connected");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    private static void print(String key, long value) {
        System.out.println(key + " " + value);
    }

    private static long tasks() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
            return s.count();
        }
    }

    private static long fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count() - 1; // less the directory stream's own descriptor
        }
    }
}
