package io.sysgenid.benchmarks;

import io.sysgenid.core.GenerationListener;
import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.SysGenIdDevice;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The Java side of the guest latency benchmark: a {@link GenerationWatcher} whose one listener records
 * when it was called ({@link System#nanoTime()}, CLOCK_MONOTONIC on Linux, the clock the C bumper uses).
 * Prints "generation nanoseconds" per event once {@code COUNT} events have been handled.
 *
 * <p>Usage: {@code LatencyReader COUNT [DEVICE]}
 */
public final class LatencyReader {
    private LatencyReader() {
    }

    public static void main(String[] args) throws InterruptedException {
        int count = Integer.parseInt(args[0]);
        Path path = Path.of(args.length > 1 ? args[1] : "/dev/sysgenid");
        int[] generations = new int[count];
        long[] seen = new long[count];
        CountDownLatch done = new CountDownLatch(count);
        int[] n = {0};
        GenerationListener record = GenerationListener.synchronous(generation -> {
            long now = System.nanoTime();
            if (n[0] < count) {
                generations[n[0]] = generation;
                seen[n[0]++] = now;
                done.countDown();
            }
        });
        try (SysGenIdDevice device = SysGenIdDevice.open(path);
                GenerationWatcher watcher = GenerationWatcher.builder(device).listener(record).start()) {
            System.err.println("LatencyReader: ready");
            done.await();
        }
        StringBuilder out = new StringBuilder(count * 24);
        for (int i = 0; i < count; i++) {
            out.append(Integer.toUnsignedString(generations[i])).append(' ').append(seen[i]).append('\n');
        }
        System.out.print(out);
    }
}
