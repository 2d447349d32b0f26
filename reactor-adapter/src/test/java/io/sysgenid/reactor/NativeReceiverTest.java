package io.sysgenid.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.RealDevice;
import io.sysgenid.core.GenerationSource;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.WaitResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The receiver on the real device, {@code /dev/sysgenid}: skipped where it does not exist, unless
 * {@code -Dsysgenid.device.required=true} (as {@code scripts/guest-java-tests} sets inside the QEMU guest,
 * as root, with the module freshly loaded).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NativeReceiverTest {
    private static final Path DEVICE = SysGenIdDevice.DEFAULT_PATH;
    private static final Duration LONG = Duration.ofSeconds(120);

    private final BlockingQueue<GenerationEvent> handled = new LinkedBlockingQueue<>();
    private final Recorder recorder = new Recorder();
    private final SysGenIdReceiver receiver = SysGenIdReceiver.builder()
            .handler(GenerationHandler.of("record", event -> Mono.fromRunnable(() -> handled.add(event))))
            .observer(recorder)
            .build();

    @BeforeAll
    static void requireTheDevice() {
        RealDevice.require();
    }

    @AfterEach
    void close() {
        receiver.close();
    }

    @Test
    void aForcedChangeIsHandledDeliveredAndAcknowledgedOnTheDevice() {
        BlockingQueue<GenerationEvent> delivered = new LinkedBlockingQueue<>();
        Disposable subscription = receiver.events().subscribe(delivered::add);
        GenerationEvent current = Recorder.next(delivered, "the current generation");
        assertEquals(receiver.currentGeneration().getAsInt(), current.generation());
        Eventually.until(() -> receiver.watchers().orElse(0) >= 1, () -> "a watcher");
        StepVerifier.create(receiver.forceUpdate(0)).verifyComplete();
        GenerationEvent change = Recorder.next(delivered, "the change");
        assertTrue(change.isChange());
        assertEquals(DEVICE.toString(), change.device());
        assertEquals(GenerationSource.DEVICE, change.source());
        assertEquals(change, Recorder.next(handled, "the handler"));
        assertEquals(change.generation(), recorder.nextAcknowledged().generation(), "acknowledged on the device");
        Eventually.until(() -> receiver.outdatedWatchers().equals(OptionalInt.of(0)), () -> "no outdated watcher");
        subscription.dispose();
    }

    @Test
    void startKeepsWatchingAndTheAckReachesTheKernel() {
        Disposable watching = receiver.start();
        int before = receiver.currentGeneration().getAsInt();
        try (SysGenIdDevice bumper = SysGenIdDevice.open(DEVICE)) {
            bumper.forceUpdate(before + 5);
        }
        GenerationEvent event = Recorder.next(handled, "the handler");
        assertEquals(before + 5, event.generation());
        assertEquals(OptionalInt.of(before), event.previous());
        assertEquals(before + 5, recorder.nextAcknowledged().generation());
        Eventually.until(() -> receiver.outdatedWatchers().equals(OptionalInt.of(0)), () -> "no outdated watcher");
        watching.dispose();
    }

    @Test
    void orchestrationWaitsForAnotherProcesssWatcherOnTheRealDevice() {
        Disposable watching = receiver.start();
        try (SysGenIdDevice other = SysGenIdDevice.open(DEVICE)) {
            assertEquals(OptionalInt.empty(), other.readGeneration(), "a watcher now");
            StepVerifier.create(receiver.forceUpdate(0)).verifyComplete();
            int generation = other.readGeneration().orElseThrow();
            StepVerifier.create(receiver.orchestrate(Duration.ofMillis(500)))
                    .assertNext(result -> {
                        assertEquals(WaitResult.TIMED_OUT, result.result());
                        assertEquals(OptionalInt.of(1), result.outdatedWatchers());
                    })
                    .verifyComplete();
            assertTrue(other.ack(generation));
            StepVerifier.create(receiver.orchestrate(LONG))
                    .assertNext(result -> assertTrue(result.settled(), result::toString))
                    .verifyComplete();
        }
        watching.dispose();
    }

    @Test
    void aChangeWhileTheReceiverWasStoppedIsHandledWhenItStartsAgain() {
        receiver.start().dispose(); // Spring's lifecycle stop(), a checkpoint, a restart of the watch
        Eventually.until(() -> !receiver.status().connected(), () -> "stopped");
        int before = receiver.status().lastEvent().orElseThrow().generation();
        try (SysGenIdDevice bumper = SysGenIdDevice.open(DEVICE)) {
            bumper.forceUpdate(0);
        }
        Disposable watching = receiver.start();
        GenerationEvent caughtUp = Recorder.next(handled, "the handler, for the change it missed");
        assertEquals(before + 1, caughtUp.generation());
        assertEquals(OptionalInt.of(before), caughtUp.previous());
        assertTrue(caughtUp.isChange());
        assertEquals(before + 1, recorder.nextAcknowledged().generation());
        watching.dispose();
    }
}
