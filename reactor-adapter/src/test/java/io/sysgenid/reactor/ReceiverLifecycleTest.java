package io.sysgenid.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.DeviceNotFoundException;
import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.SysGenIdAbi;
import io.sysgenid.core.SysGenIdException;
import io.sysgenid.core.TestProcess;
import io.sysgenid.core.sim.SimulatedOperation;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** Connections: opening, sharing, closing, failing and reopening the device. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReceiverLifecycleTest {
    private static final Duration LONG = Recorder.LONG;
    private static final int EIO = 5;
    private static final int ENOENT = 2;

    private final SimulatedSysGenId simulator = SimulatedSysGenId.create();
    private final Recorder recorder = new Recorder();
    private final SysGenIdReceiver receiver =
            SysGenIdReceiver.builder().device(simulator::open).observer(recorder).build();

    @AfterEach
    void close() {
        receiver.close();
        simulator.close();
    }

    private void awaitReleased(Map<Integer, String> descriptors) {
        Eventually.until(() -> TestProcess.threadsNamed(GenerationWatcher.THREAD_NAME).isEmpty(),
                () -> "watcher threads left: " + TestProcess.threadsNamed(GenerationWatcher.THREAD_NAME));
        Eventually.until(() -> TestProcess.openedSince(descriptors).isEmpty(),
                () -> "descriptors left: " + TestProcess.openedSince(descriptors));
        assertEquals(0, simulator.openFiles());
    }

    @Test
    void theFirstSubscriberOpensTheDeviceAndTheLastOneToLeaveClosesIt() {
        assertFalse(receiver.status().connected());
        Disposable first = receiver.events().subscribe();
        Disposable second = receiver.receive().subscribe();
        assertEquals(1, simulator.openFiles());
        assertEquals(1, TestProcess.threadsNamed(GenerationWatcher.THREAD_NAME).size(), "one watcher thread");
        ReceiverStatus status = receiver.status();
        assertTrue(status.connected());
        assertEquals(Optional.of(SysGenIdAbi.SEED_V4), status.abi());
        assertEquals(simulator.generation(), status.lastEvent().orElseThrow().generation());
        assertEquals(simulator.generation(), receiver.currentGeneration().getAsInt());
        first.dispose();
        assertEquals(1, simulator.openFiles());
        second.dispose();
        Eventually.until(() -> simulator.openFiles() == 0, () -> "the device closed");
        assertFalse(receiver.status().connected());
        assertEquals(Optional.of(Optional.empty()), Optional.of(Recorder.next(recorder.disconnected, "disconnect")));
    }

    @Test
    void observersToldOfAConnectionSeeItInTheReceiversState() {
        java.util.concurrent.atomic.AtomicReference<SysGenIdReceiver> self = new java.util.concurrent.atomic.AtomicReference<>();
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        SysGenIdReceiver observed = SysGenIdReceiver.builder().device(simulator::open)
                .observer(new GenerationObserver() {
                    @Override
                    public void connected(String source, SysGenIdAbi abi, GenerationEvent current) {
                        SysGenIdReceiver receiver = self.get();
                        seen.add(receiver.status().connected() + " " + receiver.watchers().isPresent() + " "
                                + (receiver.currentGeneration().getAsInt() == current.generation()));
                    }
                }).build();
        self.set(observed);
        Disposable watching = observed.start();
        assertEquals("true true true", Recorder.next(seen, "connected"));
        watching.dispose();
        observed.close();
    }

    @Test
    void tenThousandSubscribeCancelCyclesLeaveNoDescriptorOrThread() {
        StepVerifier.create(receiver.events().take(1)).expectNextCount(1).verifyComplete();
        Eventually.until(() -> simulator.openFiles() == 0, () -> "warm-up closed");
        Map<Integer, String> descriptors = TestProcess.descriptors();
        for (int i = 0; i < 10_000; i++) {
            Disposable subscription = receiver.events().subscribe();
            subscription.dispose();
        }
        awaitReleased(descriptors);
        assertEquals(10_001, recorder.connected.size(), "each cycle opened the device");
    }

    @Test
    void aDeviceErrorEndsTheFluxWithTheCauseAndTheNextSubscriptionOpensTheDeviceAgain() {
        Map<Integer, String> descriptors = TestProcess.descriptors();
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        Disposable other = receiver.receive().subscribe(AcknowledgableGeneration::acknowledge, errors::add);
        // The acknowledgement fails: a change right after connecting may reach the watcher through the
        // counter page without a read, but every change is acknowledged.
        StepVerifier.create(receiver.events())
                .expectNextCount(1)
                .then(() -> simulator.failNext(SimulatedOperation.ACK, EIO))
                .then(simulator::bump)
                .expectNextMatches(GenerationEvent::isChange)
                .expectErrorSatisfies(error -> {
                    SysGenIdException failure = assertInstanceOf(SysGenIdException.class, error);
                    assertTrue(failure.getMessage().contains("EIO"), failure::getMessage);
                })
                .verify(LONG);
        assertInstanceOf(SysGenIdException.class, Recorder.next(errors, "every subscriber gets the error"));
        assertTrue(other.isDisposed());
        assertTrue(Recorder.next(recorder.disconnected, "disconnect").isPresent());
        ReceiverStatus failed = receiver.status();
        assertFalse(failed.connected());
        assertInstanceOf(SysGenIdException.class, failed.lastFailure().orElseThrow());
        awaitReleased(descriptors);

        int generation = simulator.generation(); // handled; only its acknowledgement failed
        StepVerifier.create(receiver.events())
                .assertNext(replay -> {
                    assertEquals(generation, replay.generation(), "the last generation handled, not again");
                    assertTrue(replay.replay());
                })
                .then(() -> assertEquals(1, simulator.openFiles()))
                .then(simulator::bump)
                .assertNext(change -> {
                    assertEquals(generation + 1, change.generation());
                    assertEquals(OptionalInt.of(generation), change.previous());
                })
                .thenCancel()
                .verify(LONG);
        assertEquals(Optional.empty(), receiver.status().lastFailure());
    }

    @Test
    void aDeviceThatCannotBeOpenedErrorsTheSubscriptionWithCoresActionableError() {
        SysGenIdReceiver missing = SysGenIdReceiver.builder().build();
        SysGenIdReceiver absent = SysGenIdReceiver.builder()
                .device(() -> io.sysgenid.core.SysGenIdDevice.open(Path.of("/nonexistent/sysgenid"))).build();
        StepVerifier.create(absent.events())
                .expectErrorSatisfies(error -> {
                    assertInstanceOf(DeviceNotFoundException.class, error);
                    assertTrue(error.getMessage().contains("/nonexistent/sysgenid"), error::getMessage);
                    assertTrue(error.getMessage().contains("load the sysgenid kernel module"), error::getMessage);
                })
                .verify(LONG);
        simulator.failNext(SimulatedOperation.OPEN, ENOENT);
        StepVerifier.create(receiver.events()).expectError(DeviceNotFoundException.class).verify(LONG);
        assertThrows(DeviceNotFoundException.class, absent::start, "start() fails at once");
        assertFalse(absent.status().connected());
        missing.close();
        absent.close();
    }

    @Test
    void startKeepsTheHandlersRunningWithoutSubscribersUntilDisposed() {
        AtomicInteger handled = new AtomicInteger();
        SysGenIdReceiver started = SysGenIdReceiver.builder().device(simulator::open)
                .handler(GenerationHandler.of("count", event -> Mono.fromRunnable(handled::incrementAndGet))).build();
        Disposable watching = started.start();
        simulator.bump();
        Eventually.until(() -> handled.get() == 1 && simulator.outdatedWatchers() == 0, () -> "handled and acked");
        watching.dispose();
        Eventually.until(() -> simulator.openFiles() == 0, () -> "the device closed");
        started.close();
    }

    @Test
    void startReconnectsAfterADeviceFailure() {
        SysGenIdReceiver started = SysGenIdReceiver.builder().device(simulator::open)
                .retryDelay(Duration.ofMillis(20)).observer(recorder).build();
        Disposable watching = started.start();
        Recorder.next(recorder.connected, "connected");
        simulator.failNext(SimulatedOperation.ACK, EIO); // the watcher may catch up on the bump without a read
        simulator.bump();
        assertTrue(Recorder.next(recorder.disconnected, "the failure").isPresent());
        Recorder.next(recorder.connected, "reconnected");
        Eventually.until(() -> started.status().connected(), () -> "connected again");
        int generation = simulator.bump();
        assertEquals(generation, recorder.nextAcknowledged().generation());
        watching.dispose();
        started.close();
    }

    @Test
    void addedHandlersRunUntilTheirRegistrationIsDisposed() {
        AtomicInteger handled = new AtomicInteger();
        Disposable watching = receiver.start();
        Disposable registration = receiver.addHandler(
                GenerationHandler.of("added", event -> Mono.fromRunnable(handled::incrementAndGet)));
        assertEquals(List.of("added"), receiver.handlers().stream().map(GenerationHandler::name).toList());
        simulator.bump();
        Eventually.until(() -> simulator.outdatedWatchers() == 0 && handled.get() == 1, () -> "handled");
        registration.dispose();
        simulator.bump();
        Eventually.until(() -> recorder.acknowledged.size() == 2, () -> "acknowledged twice");
        assertEquals(1, handled.get());
        watching.dispose();
    }

    @Test
    void closeCompletesTheSubscribersCancelsTheGenerationInHandAndRefusesNewOnes() {
        Sinks.Empty<Void> never = Sinks.empty();
        AtomicInteger cancelled = new AtomicInteger();
        AtomicInteger subscribed = new AtomicInteger();
        receiver.addHandler(GenerationHandler.of("stuck", event -> never.asMono()
                .doOnSubscribe(s -> subscribed.incrementAndGet()).doOnCancel(cancelled::incrementAndGet)));
        StepVerifier.create(receiver.events())
                .expectNextCount(1)
                .then(simulator::bump)
                .then(() -> Eventually.until(() -> subscribed.get() == 1, () -> "the change is being handled"))
                .then(receiver::close)
                .verifyComplete();
        assertEquals(1, cancelled.get());
        assertEquals(0, simulator.writes(), "a generation in hand when closing is never acknowledged");
        Eventually.until(() -> simulator.openFiles() == 0, () -> "the device closed");
        StepVerifier.create(receiver.events()).expectError(IllegalStateException.class).verify(LONG);
    }

    @Test
    void forceUpdateUsesTheConnectionOrAFileOpenedForThePurpose() {
        int before = simulator.generation();
        StepVerifier.create(receiver.forceUpdate(before + 10)).verifyComplete();
        assertEquals(before + 10, simulator.generation());
        assertEquals(0, simulator.openFiles());
        simulator.setPrivileged(false);
        StepVerifier.create(receiver.forceUpdate(0))
                .expectError(io.sysgenid.core.PermissionDeniedException.class).verify(LONG);
    }
}
