package io.sysgenid.reactor.guest;

import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The Reactor side of the snapshot scenario, run inside the QEMU guest by
 * {@code scripts/guest-java-snapshot}: subscribes to the real device, says
 * {@code SYSGENID-GUEST-READY} once the kernel counts it as a watcher, and in each clone restored from
 * the snapshot handles the new generation (a handler and a subscriber), waits until its acknowledgement
 * has reached the device, says {@code SYSGENID-GUEST-HANDLED gen=N}, and keeps watching until SIGTERM.
 */
public final class ReceiverSnapshotMain {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    private ReceiverSnapshotMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        BlockingQueue<Integer> handled = new LinkedBlockingQueue<>();
        BlockingQueue<GenerationEvent> delivered = new LinkedBlockingQueue<>();
        SysGenIdReceiver receiver = SysGenIdReceiver.builder()
                .handler(GenerationHandler.of("rebuild", event -> Mono.fromRunnable(() -> handled.add(event.generation()))))
                .build();
        Disposable subscription = receiver.events().filter(GenerationEvent::isChange).subscribe(delivered::add,
                error -> System.out.println("SYSGENID-GUEST-ERROR " + error));
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (receiver.watchers().orElse(0) < 1) {
            check(deadline, "the device never counted this process as a watcher");
            Thread.sleep(10);
        }
        int start = receiver.currentGeneration().orElseThrow();
        System.out.println("receiver watching " + receiver.status().device().orElseThrow() + " at generation "
                + Integer.toUnsignedString(start));
        System.out.println("SYSGENID-GUEST-READY");
        System.out.flush();

        Integer generation = handled.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
        check(generation != null, "no generation was handled");
        GenerationEvent event = delivered.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
        check(event != null && event.generation() == generation, "the subscriber did not get " + generation);
        while (!receiver.outdatedWatchers().equals(OptionalInt.of(0)) || receiver.status().unacknowledged().isPresent()) {
            check(deadline, "the acknowledgement never reached the device: " + receiver.status());
            Thread.sleep(10);
        }
        System.out.println("handled generation " + Integer.toUnsignedString(generation) + " after "
                + Integer.toUnsignedString(event.previous().orElseThrow()) + "; acknowledged");
        System.out.println("SYSGENID-GUEST-HANDLED gen=" + Integer.toUnsignedString(generation));
        System.out.flush();
        // Keep watching, as a service would, until the harness has read sysfs and sends SIGTERM.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            subscription.dispose();
            receiver.close();
        }));
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void check(long deadline, String failure) {
        check(System.nanoTime() - deadline < 0, failure);
    }

    private static void check(boolean ok, String failure) {
        if (!ok) {
            System.out.println("SYSGENID-GUEST-FAILED " + failure);
            System.exit(1);
        }
    }
}
