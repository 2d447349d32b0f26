package io.sysgenid.benchmarks;

import io.sysgenid.core.GenerationListener;
import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.reactor.GenerationHandler;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The Java side of the guest latency benchmark, on the real device: records when the user's code saw each
 * generation ({@link System#nanoTime()}, CLOCK_MONOTONIC on Linux, the clock the C bumper uses), in one of
 * three places:
 * <ul>
 *   <li>{@code events}: {@code onNext} of a {@link SysGenIdReceiver#events()} subscriber;</li>
 *   <li>{@code handler}: the start of a receiver's one {@link GenerationHandler};</li>
 *   <li>{@code listener}: a core {@link GenerationWatcher} listener (no Reactor).</li>
 * </ul>
 * Prints "generation nanoseconds" per event once {@code COUNT} events have been handled. With
 * {@code COUNT} 0 it watches (and acknowledges) until killed: the Java party of the orchestration run.
 *
 * <p>Usage: {@code LatencyReader events|handler|listener COUNT [DEVICE]}
 */
public final class LatencyReader {
    private LatencyReader() {
    }

    public static void main(String[] args) throws InterruptedException {
        String mode = args[0];
        int count = Integer.parseInt(args[1]);
        Path path = Path.of(args.length > 2 ? args[2] : "/dev/sysgenid");
        int[] generations = new int[Math.max(count, 1)];
        long[] seen = new long[Math.max(count, 1)];
        CountDownLatch done = new CountDownLatch(count > 0 ? count : 1);
        int[] n = {0};
        java.util.function.IntConsumer record = generation -> {
            long now = System.nanoTime();
            synchronized (seen) {
                if (n[0] < count) {
                    generations[n[0]] = generation;
                    seen[n[0]++] = now;
                    done.countDown();
                }
            }
        };
        switch (mode) {
            case "listener" -> {
                try (SysGenIdDevice device = SysGenIdDevice.open(path);
                        GenerationWatcher watcher = GenerationWatcher.builder(device)
                                .listener(GenerationListener.synchronous(record)).start()) {
                    System.err.println("LatencyReader: ready");
                    done.await();
                }
            }
            case "events", "handler" -> {
                SysGenIdReceiver.Builder builder = SysGenIdReceiver.builder().device(() -> SysGenIdDevice.open(path));
                if (mode.equals("handler")) {
                    builder.handler(GenerationHandler.of("record", event -> {
                        record.accept(event.generation());
                        return Mono.empty();
                    }));
                }
                try (SysGenIdReceiver receiver = builder.build()) {
                    Disposable watching = mode.equals("handler") ? receiver.start()
                            : receiver.events().subscribe(event -> {
                                if (event.isChange()) {
                                    record.accept(event.generation());
                                }
                            });
                    System.err.println("LatencyReader: ready");
                    done.await();
                    watching.dispose();
                }
            }
            default -> throw new IllegalArgumentException("mode: events, handler or listener, not " + mode);
        }
        StringBuilder out = new StringBuilder(count * 24);
        for (int i = 0; i < count; i++) {
            out.append(Integer.toUnsignedString(generations[i])).append(' ').append(seen[i]).append('\n');
        }
        System.out.print(out);
    }
}
