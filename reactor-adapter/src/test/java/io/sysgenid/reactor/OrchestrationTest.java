package io.sysgenid.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.ListenerFailurePolicy;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.WaitResult;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The seed's orchestrator workflow as a Mono: pause, acknowledge self, wait for the others, resume. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OrchestrationTest {
    private static final Duration LONG = Recorder.LONG;

    private final SimulatedSysGenId simulator = SimulatedSysGenId.create();
    private final Queue<String> steps = new ConcurrentLinkedQueue<>();
    private final Mono<Void> pause = Mono.fromRunnable(() -> steps.add("pause"));
    private final Mono<Void> resume = Mono.fromRunnable(() -> steps.add("resume"));
    private SysGenIdReceiver receiver = SysGenIdReceiver.builder().device(simulator::open).build();
    private SysGenIdDevice other;

    @AfterEach
    void close() {
        receiver.close();
        simulator.close();
    }

    /** Another process's watcher: a file that has read, so it is counted and goes outdated. */
    private SysGenIdDevice otherWatcher() {
        other = simulator.open();
        assertEquals(OptionalInt.empty(), other.readGeneration());
        return other;
    }

    @Test
    void settlesOnceEveryOtherWatcherHasAcknowledged() {
        otherWatcher();
        Disposable watching = receiver.start();
        int generation = simulator.bump();
        Schedulers.parallel().schedule(() -> other.ack(generation), 300, TimeUnit.MILLISECONDS);
        StepVerifier.create(receiver.orchestrate(pause, resume, LONG))
                .assertNext(result -> {
                    assertTrue(result.settled(), result::toString);
                    assertEquals(generation, result.generation());
                    assertEquals(OptionalInt.of(0), result.outdatedWatchers());
                    assertTrue(result.selfAcknowledged());
                })
                .verifyComplete();
        assertEquals(List.of("pause", "resume"), List.copyOf(steps));
        watching.dispose();
    }

    @Test
    void aChangeMissedWhileDisconnectedIsHandledBeforeWaitingAndATimeoutStillResumes() {
        AtomicInteger handled = new AtomicInteger();
        receiver.close();
        receiver = SysGenIdReceiver.builder().device(simulator::open)
                .handler(GenerationHandler.of("count", event -> Mono.fromRunnable(handled::incrementAndGet))).build();
        receiver.start().dispose(); // connected once, at generation 0
        Eventually.until(() -> simulator.openFiles() == 0, () -> "disconnected");
        otherWatcher();
        int generation = simulator.bump(); // while this process has no file open
        StepVerifier.create(receiver.orchestrate(pause, resume, Duration.ofMillis(300)))
                .assertNext(result -> {
                    assertEquals(WaitResult.TIMED_OUT, result.result());
                    assertEquals(generation, result.generation());
                    assertEquals(OptionalInt.of(1), result.outdatedWatchers());
                    assertTrue(result.selfAcknowledged());
                    assertTrue(result.waited().compareTo(Duration.ofMillis(300)) >= 0, result::toString);
                })
                .verifyComplete();
        assertEquals(1, handled.get(), "this process handled the change it had missed before saying so");
        assertEquals(List.of("pause", "resume"), List.copyOf(steps));
        Eventually.until(() -> simulator.openFiles() == 1, () -> "the orchestration's connection closed");
    }

    @Test
    void onTheFirstConnectionTheBaselineGivenDecidesWhetherTheCurrentGenerationIsAChange() {
        AtomicInteger handled = new AtomicInteger();
        receiver.close();
        receiver = SysGenIdReceiver.builder().device(simulator::open).baseline(0)
                .handler(GenerationHandler.of("count", event -> Mono.fromRunnable(handled::incrementAndGet))).build();
        simulator.bump();
        StepVerifier.create(receiver.orchestrate(pause, resume, LONG))
                .assertNext(result -> assertTrue(result.settled() && result.selfAcknowledged(), result::toString))
                .verifyComplete();
        assertEquals(1, handled.get());

        SysGenIdReceiver noBaseline = SysGenIdReceiver.builder().device(simulator::open)
                .handler(GenerationHandler.of("count", event -> Mono.fromRunnable(handled::incrementAndGet))).build();
        StepVerifier.create(noBaseline.events().take(1))
                .assertNext(first -> assertTrue(first.replay() && first.generation() == 1, first::toString))
                .verifyComplete();
        assertEquals(1, handled.get(), "without a baseline the first connection starts from what it finds");
        noBaseline.close();
    }

    @Test
    void aNewGenerationDuringTheWaitIsHandledByThisProcessBeforeWaitingAgain() {
        Sinks.Empty<Void> gate = Sinks.empty();
        receiver.close();
        receiver = SysGenIdReceiver.builder().device(simulator::open)
                .handler(GenerationHandler.of("slow", event -> event.generation() == 2 ? gate.asMono() : Mono.empty()))
                .build();
        otherWatcher();
        Disposable watching = receiver.start();
        simulator.bump();
        Eventually.until(() -> simulator.outdatedWatchers() == 1, () -> "this process acknowledged generation 1");
        other.ack(1);
        simulator.bump(); // generation 2: this process's handler holds it
        Schedulers.parallel().schedule(() -> {
            gate.tryEmitEmpty();
            Schedulers.parallel().schedule(() -> other.ack(2), 100, TimeUnit.MILLISECONDS);
        }, 300, TimeUnit.MILLISECONDS);
        StepVerifier.create(receiver.orchestrate(pause, resume, LONG))
                .assertNext(result -> {
                    assertTrue(result.settled(), result::toString);
                    assertEquals(2, result.generation());
                    assertTrue(result.selfAcknowledged());
                })
                .verifyComplete();
        assertEquals(0, simulator.outdatedWatchers());
        watching.dispose();
    }

    @Test
    void reportsThatThisProcessItselfNeverAcknowledgedUnderLeaveOutdated() {
        receiver.close();
        receiver = SysGenIdReceiver.builder().device(simulator::open)
                .failurePolicy(ListenerFailurePolicy.LEAVE_OUTDATED).retryDelay(Duration.ofHours(1))
                .handler(GenerationHandler.of("broken", event -> Mono.error(new IllegalStateException("broken"))))
                .build();
        Disposable watching = receiver.start();
        simulator.bump();
        Eventually.until(() -> receiver.status().unacknowledged().isPresent(), () -> "handled and left outdated");
        StepVerifier.create(receiver.orchestrate(pause, resume, Duration.ofMillis(300)))
                .assertNext(result -> {
                    assertEquals(WaitResult.TIMED_OUT, result.result());
                    assertFalse(result.selfAcknowledged());
                    assertEquals(OptionalInt.of(1), result.outdatedWatchers());
                })
                .verifyComplete();
        assertEquals(List.of("pause", "resume"), List.copyOf(steps));
        watching.dispose();
    }

    @Test
    void resumesWhenCancelledAndNeverBlocksTheSubscribingThread() {
        otherWatcher();
        simulator.bump();
        StepVerifier.create(receiver.orchestrate(pause, resume, LONG))
                .expectSubscription()
                .then(() -> Eventually.until(() -> steps.contains("pause"), () -> "paused"))
                .thenCancel()
                .verify(LONG);
        Eventually.until(() -> steps.contains("resume"), () -> "resumed after cancel");
    }
}
