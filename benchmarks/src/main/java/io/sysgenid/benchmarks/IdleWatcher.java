package io.sysgenid.benchmarks;

import io.sysgenid.core.GenerationListener;
import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Counts the context switches of the watcher thread while nothing happens: with a level-triggered device
 * and a loop that waits in epoll_wait, the goal is 0. Reads voluntary and involuntary switches from
 * /proc/self/task/TID/status before and after {@code SECONDS} idle seconds, after one generation has been
 * handled (so the loop has gone round once).
 *
 * <p>Usage: {@code IdleWatcher SECONDS [DEVICE | simulated]}; prints "idle_context_switches N".
 */
public final class IdleWatcher {
    private IdleWatcher() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        String where = args.length > 1 ? args[1] : "/dev/sysgenid";
        SimulatedSysGenId simulator = where.equals("simulated") ? SimulatedSysGenId.create() : null;
        SysGenIdDevice device = simulator != null ? simulator.open() : SysGenIdDevice.open(Path.of(where));
        var handled = new java.util.concurrent.CountDownLatch(1);
        try (GenerationWatcher watcher = GenerationWatcher.builder(device).ownsDevice(true)
                .listener(GenerationListener.synchronous(g -> handled.countDown())).start()) {
            try (SysGenIdDevice bumper = simulator != null ? simulator.open() : SysGenIdDevice.open(Path.of(where))) {
                bumper.forceUpdate(0);
                bumper.ack(bumper.currentGeneration());
            }
            handled.await();
            Thread.sleep(200);
            Path task = watcherTask();
            long before = switches(task);
            Thread.sleep(seconds * 1000);
            long after = switches(task);
            System.out.println("idle_context_switches " + (after - before));
            System.out.println("watcher_stats " + watcher.stats());
        } finally {
            if (simulator != null) {
                simulator.close();
            }
        }
    }

    /** The /proc task directory of the watcher thread (comm holds the first 15 characters of its name). */
    static Path watcherTask() throws IOException {
        String comm = GenerationWatcher.THREAD_NAME.substring(0, Math.min(15, GenerationWatcher.THREAD_NAME.length()));
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).strip().equals(comm);
                } catch (IOException e) {
                    return false;
                }
            }).findFirst().orElseThrow(() -> new IllegalStateException("no thread named " + comm));
        }
    }

    static long switches(Path task) throws IOException {
        long total = 0;
        for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                total += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return total;
    }
}
