package io.sysgenid.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.GenerationSource;
import io.sysgenid.core.crac.OpenDescriptors;
import io.sysgenid.core.crac.emulated.Core;
import io.sysgenid.core.crac.emulated.RestoreException;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * JVM checkpoints and restores, driven through {@code org.crac} (core's emulated runtime stands in for a CRaC
 * JDK), on the simulated device; {@link NativeJvmRestoreTest} runs the same on the real module.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JvmRestoreTest {
    final SimulatedSysGenId simulator = SimulatedSysGenId.builder().journal(true).build();
    final Recorder recorder = new Recorder();
    /** Which source each handler call was for. */
    final List<GenerationEvent> handled = new CopyOnWriteArrayList<>();
    final BlockingQueue<GenerationEvent> received = new LinkedBlockingQueue<>();
    private SysGenIdReceiver receiver;
    private Disposable subscription;

    /** How long to wait for what must happen: short, so that a deliberately broken build fails fast. */
    static final Duration WAIT = Duration.ofSeconds(io.sysgenid.core.RealDevice.required() ? 120 : 20);

    static <T> T take(BlockingQueue<T> queue, String what) {
        return Recorder.next(queue, what, WAIT);
    }

    /** The device; the native variant opens the real one. */
    Supplier<io.sysgenid.core.SysGenIdDevice> opener() {
        return simulator::open;
    }

    /** Moves the generation; the native variant forces an update. */
    void bump() {
        simulator.bump();
    }

    /** The device's outdated-watcher count. */
    int outdatedWatchers() {
        return simulator.outdatedWatchers();
    }

    @AfterEach
    void close() {
        if (subscription != null) {
            subscription.dispose();
        }
        if (receiver != null) {
            receiver.close();
        }
        simulator.close();
    }

    SysGenIdReceiver receiver(UnaryOperator<SysGenIdReceiver.Builder> settings) {
        receiver = settings.apply(SysGenIdReceiver.builder().device(opener()).observer(recorder)
                .handler(GenerationHandler.of("recorder", event -> Mono.fromRunnable(() -> handled.add(event)))))
                .build();
        return receiver;
    }

    /** Subscribes to events() and takes the replay. */
    GenerationEvent subscribe() {
        subscription = receiver.events("test").subscribe(received::add);
        GenerationEvent replay = take(received, "replay");
        assertTrue(replay.replay());
        return replay;
    }

    @Test
    void aCheckpointFindsNoDescriptorOfOursAndTheRestoreRunsOneRoundMarkedAsARestore() throws Exception {
        OpenDescriptors before = OpenDescriptors.now();
        receiver(b -> b);
        GenerationEvent replay = subscribe();
        assertEquals(Set.of(GenerationSource.DEVICE, GenerationSource.JVM_RESTORE), receiver.status().sources());
        assertFalse(OpenDescriptors.now().addedSince(before).isEmpty(), "the open receiver holds descriptors");

        AtomicReference<Set<String>> atCheckpoint = new AtomicReference<>();
        AtomicReference<ReceiverStatus> statusAtCheckpoint = new AtomicReference<>();
        Core.checkpointRestore(() -> {
            atCheckpoint.set(OpenDescriptors.now().addedSince(before));
            statusAtCheckpoint.set(receiver.status());
        });

        assertEquals(Set.of(), atCheckpoint.get(), "descriptors of ours open at the checkpoint");
        assertFalse(statusAtCheckpoint.get().connected(), "connected at the checkpoint");
        GenerationEvent restore = take(received, "the restore");
        assertTrue(restore.isRestore() && restore.isChange(), restore.toString());
        assertEquals(replay.generation(), restore.generation(), "the restore reports the current generation");
        assertEquals(GenerationSource.JVM_RESTORE, take(recorder.acknowledged, "ack").source());
        assertEquals(List.of(GenerationSource.JVM_RESTORE), handled.stream().map(GenerationEvent::source).toList());

        int moved = moveAndAwait();
        assertEquals(GenerationSource.DEVICE, handled.get(handled.size() - 1).source());
        assertEquals(moved, handled.get(handled.size() - 1).generation(), "the device is watched again");
        assertTrue(receiver.status().connected());
    }

    /** Moves the device's generation and waits until this receiver has handled and acknowledged it. */
    int moveAndAwait() {
        bump();
        GenerationEvent change = take(received, "the device's change");
        assertEquals(GenerationSource.DEVICE, change.source(), change.toString());
        GenerationEvent acknowledged;
        do {
            acknowledged = take(recorder.acknowledged, "ack of " + change.generationString());
        } while (acknowledged.isRestore());
        assertEquals(change.generation(), acknowledged.generation());
        return change.generation();
    }

    @Test
    void threeRestoresOfOneCheckpointGiveThreeChanges() throws Exception {
        receiver(b -> b);
        subscribe();
        for (int restore = 1; restore <= 3; restore++) {
            Core.checkpointRestore(() -> { });
            GenerationEvent event = take(received, "restore " + restore);
            assertTrue(event.isRestore(), event.toString());
            assertEquals(GenerationSource.JVM_RESTORE, take(recorder.acknowledged, "ack").source());
        }
        // A reconnection after the restores must not report one again.
        subscription.dispose();
        assertTrue(take(recorder.disconnected, "disconnect").isEmpty());
        subscribe();
        moveAndAwait(); // any second round for a restore would have run before the device's change
        assertEquals(List.of(GenerationSource.JVM_RESTORE, GenerationSource.JVM_RESTORE, GenerationSource.JVM_RESTORE,
                GenerationSource.DEVICE), handled.stream().map(GenerationEvent::source).toList());
        assertTrue(received.isEmpty(), "more events: " + received);
    }

    @Test
    void aCheckpointDuringARoundWaitsForItToFinish() throws Exception {
        Sinks.Empty<Void> release = Sinks.empty();
        receiver(b -> b.handler(GenerationHandler.of("slow", event -> event.isRestore() ? Mono.empty() : release.asMono())));
        subscribe();
        bump();
        GenerationEvent read = take(recorder.read, "the change read");

        AtomicReference<Boolean> releasedAtCheckpoint = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread checkpoint = new Thread(() -> {
            try {
                Core.checkpointRestore(() -> releasedAtCheckpoint.set(!recorder.acknowledged.isEmpty()));
            } catch (Exception e) {
                failed.set(e);
            }
        }, "checkpoint");
        checkpoint.start();
        // Release the handler once the checkpoint waits for it, or has (wrongly) gone on without it.
        while (checkpoint.getState() != Thread.State.TIMED_WAITING && releasedAtCheckpoint.get() == null
                && checkpoint.isAlive()) {
            Thread.onSpinWait();
        }
        release.tryEmitEmpty();
        checkpoint.join();
        assertEquals(null, failed.get());
        assertEquals(Boolean.TRUE, releasedAtCheckpoint.get(), "the round was acknowledged before the checkpoint");
        assertEquals(read.generation(), take(recorder.acknowledged, "ack").generation());
        assertTrue(take(recorder.acknowledged, "the restore's ack").isRestore());
    }

    @Test
    void aRoundStillRunningAtTheCheckpointTimeoutIsDroppedAndTheRestoreRunsAgain() throws Exception {
        Sinks.Empty<Void> never = Sinks.empty();
        receiver(b -> b.checkpointTimeout(Duration.ofMillis(50))
                .handler(GenerationHandler.of("stuck", event -> event.isRestore() ? Mono.empty() : never.asMono())));
        subscribe();
        bump();
        GenerationEvent read = take(recorder.read, "the change read");
        Core.checkpointRestore(() -> { });
        GenerationEvent acknowledged = take(recorder.acknowledged, "ack");
        assertTrue(acknowledged.isRestore(), "the stuck round is not acknowledged, the restore is: " + acknowledged);
        assertEquals(read.generation(), acknowledged.generation());
        assertEquals(0, outdatedWatchers());
    }

    @Test
    void aHandlerThatFailsTheRestoreIsReportedAndTheStreamGoesOn() throws Exception {
        receiver(b -> b.handler(GenerationHandler.of("fails-on-restore", event -> event.isRestore()
                ? Mono.error(new IllegalStateException("cannot rebuild")) : Mono.empty())));
        subscribe();
        Core.checkpointRestore(() -> { });
        assertTrue(take(received, "the restore").isRestore());
        HandlerOutcome failure = null;
        for (int i = 0; i < 3 && failure == null; i++) {
            HandlerOutcome outcome = take(recorder.outcomes, "handler outcome");
            failure = outcome.failed() ? outcome : null;
        }
        assertEquals("fails-on-restore", failure == null ? null : failure.name());
        moveAndAwait();
        assertFalse(subscription.isDisposed(), "the stream ended");
    }

    @Test
    void anotherResourceFailingItsRestoreDoesNotKeepTheReceiverFromRestoring() {
        receiver(b -> b);
        subscribe();
        java.util.concurrent.atomic.AtomicBoolean failOnce = new java.util.concurrent.atomic.AtomicBoolean(true);
        org.crac.Resource failing = new org.crac.Resource() {
            @Override
            public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) {
            }

            @Override
            public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {
                if (failOnce.getAndSet(false)) { // the global context outlives this test
                    throw new IllegalStateException("another library's restore failed");
                }
            }
        };
        org.crac.Core.getGlobalContext().register(failing);
        assertThrows(RestoreException.class, () -> Core.checkpointRestore(() -> { }));
        assertTrue(take(received, "the restore").isRestore());
        moveAndAwait();
        assertFalse(failing.toString().isEmpty()); // keeps it reachable until here (org.crac holds it weakly)
    }

    @Test
    void withNoConnectionAtTheRestoreTheNextOneRunsTheRestoreRound() throws Exception {
        receiver(b -> b);
        subscribe();
        subscription.dispose();
        assertTrue(take(recorder.disconnected, "disconnect").isEmpty());
        Core.checkpointRestore(() -> { });
        assertTrue(handled.isEmpty(), "nothing ran without a connection");
        subscription = receiver.events("test").subscribe(received::add);
        assertTrue(take(received, "replay").replay());
        assertTrue(take(received, "the restore").isRestore());
        moveAndAwait();
        assertEquals(List.of(GenerationSource.JVM_RESTORE, GenerationSource.DEVICE),
                handled.stream().map(GenerationEvent::source).toList());
    }

    @Test
    void whenTurnedOffACheckpointLeavesTheDeviceOpenAndNoRestoreIsReported() throws Exception {
        OpenDescriptors before = OpenDescriptors.now();
        receiver(b -> b.jvmRestores(false));
        subscribe();
        assertEquals(Set.of(GenerationSource.DEVICE), receiver.status().sources());
        AtomicReference<Set<String>> atCheckpoint = new AtomicReference<>();
        Core.checkpointRestore(() -> atCheckpoint.set(OpenDescriptors.now().addedSince(before)));
        assertFalse(atCheckpoint.get().isEmpty(), "the receiver took no part in the checkpoint");
        moveAndAwait();
        assertEquals(List.of(GenerationSource.DEVICE), handled.stream().map(GenerationEvent::source).toList());
    }
}
