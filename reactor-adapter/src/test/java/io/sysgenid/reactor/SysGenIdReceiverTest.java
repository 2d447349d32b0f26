package io.sysgenid.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.ListenerFailurePolicy;
import io.sysgenid.core.sim.SimulatedJournal;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Delivery, handlers and acknowledgement, on the simulated device. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SysGenIdReceiverTest {
    private static final Duration LONG = Recorder.LONG;

    private final SimulatedSysGenId simulator = SimulatedSysGenId.builder().journal(true).build();
    private final Recorder recorder = new Recorder();
    private SysGenIdReceiver receiver;

    @AfterEach
    void close() {
        if (receiver != null) {
            receiver.close();
        }
        simulator.close();
    }

    private SysGenIdReceiver receiver(UnaryOperator<SysGenIdReceiver.Builder> settings) {
        receiver = settings.apply(SysGenIdReceiver.builder().device(simulator::open).observer(recorder)).build();
        return receiver;
    }

    private void awaitAcknowledged() {
        try {
            assertTrue(simulator.awaitAllAcknowledged(LONG), "the device was acknowledged");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            assertTrue(latch.await(LONG.toMillis(), TimeUnit.MILLISECONDS), what);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A handler that records the generations it is given and completes when the test says. */
    private static final class Gate {
        final BlockingQueue<Integer> invoked = new LinkedBlockingQueue<>();
        final Queue<Sinks.Empty<Void>> open = new ConcurrentLinkedQueue<>();
        final AtomicInteger cancelled = new AtomicInteger();

        GenerationHandler handler(String name, int order) {
            return GenerationHandler.of(name, order, null, event -> {
                Sinks.Empty<Void> done = Sinks.empty();
                open.add(done);
                invoked.add(event.generation());
                return done.asMono().doOnCancel(cancelled::incrementAndGet);
            });
        }

        int nextInvocation() {
            return Recorder.next(invoked, "handler invocation");
        }

        void release() {
            Sinks.Empty<Void> done = open.poll();
            assertTrue(done != null, "a handler is waiting");
            done.tryEmitEmpty();
        }
    }

    @Test
    void aSubscriberGetsTheCurrentGenerationThenEachChangeAndLateSubscribersTheLatest() {
        int start = simulator.forceUpdate(41);
        receiver(b -> b);
        StepVerifier.create(receiver.events())
                .assertNext(current -> {
                    assertEquals(start, current.generation());
                    assertFalse(current.isChange());
                    assertEquals(OptionalInt.empty(), current.previous());
                    assertEquals("/dev/sysgenid (simulated)", current.device());
                })
                .then(simulator::bump)
                .assertNext(change -> {
                    assertEquals(start + 1, change.generation());
                    assertTrue(change.isChange());
                    assertEquals(OptionalInt.of(start), change.previous());
                })
                .then(() -> StepVerifier.create(receiver.events().take(1))
                        .assertNext(late -> {
                            assertEquals(start + 1, late.generation(), "a late subscriber gets the latest first");
                            assertFalse(late.isChange(), "as a replay, never as a change");
                            assertTrue(late.replay());
                            assertEquals(OptionalInt.of(start), late.previous());
                        })
                        .verifyComplete())
                .then(() -> assertEquals(1, simulator.openFiles(), "one device file for every subscriber"))
                .then(simulator::bump)
                .assertNext(change -> assertEquals(OptionalInt.of(start + 1), change.previous()))
                .thenCancel()
                .verify(LONG);
    }

    @Test
    void handlersRunInPhasesAndTheAcknowledgementWaitsForEveryHandlerAndSubscriber() {
        // Every step is placed in the order the simulator's journal keeps, so "later" is checked after the
        // fact instead of by watching a quiet window.
        Gate early = new Gate();
        Gate late = new Gate();
        BlockingQueue<Long> lateInvoked = new LinkedBlockingQueue<>();
        receiver(b -> b.handler(early.handler("early-a", -1)).handler(early.handler("early-b", -1))
                .handler(GenerationHandler.of("late", 5, null, event -> {
                    lateInvoked.add(simulator.journal().tick());
                    return late.handler("late", 5).handle(event);
                })));
        BlockingQueue<AcknowledgableGeneration> received = new LinkedBlockingQueue<>();
        BlockingQueue<Long> receivedAt = new LinkedBlockingQueue<>();
        Disposable subscription = receiver.receive().subscribe(g -> {
            receivedAt.add(simulator.journal().tick());
            received.add(g);
        });
        assertFalse(Recorder.next(received, "the current generation").isAwaited());
        Recorder.next(receivedAt, "its time");

        int generation = simulator.bump();
        assertEquals(generation, early.nextInvocation());
        assertEquals(generation, early.nextInvocation(), "the same phase runs concurrently");
        long firstReleased = simulator.journal().tick();
        early.release();
        long secondReleased = simulator.journal().tick();
        early.release();
        assertEquals(generation, late.nextInvocation());
        long lateAt = Recorder.next(lateInvoked, "the late phase");
        assertTrue(lateAt > secondReleased && secondReleased > firstReleased,
                "a later phase waits for all of the earlier one");
        long lateReleased = simulator.journal().tick();
        late.release();

        AcknowledgableGeneration delivered = Recorder.next(received, "the change");
        assertTrue(Recorder.next(receivedAt, "its time") > lateReleased, "subscribers come after the handlers");
        assertEquals(generation, delivered.event().generation());
        assertTrue(delivered.isAwaited());
        assertEquals(OptionalInt.of(generation), receiver.status().unacknowledged());

        long acknowledgedAt = simulator.journal().tick();
        delivered.acknowledge();
        delivered.acknowledge();
        awaitAcknowledged();
        assertEquals(generation, recorder.nextAcknowledged().generation());
        List<SimulatedJournal.Entry> writes = simulator.journal().entries().stream()
                .filter(e -> e.kind() != SimulatedJournal.Kind.CHANGE && e.kind() != SimulatedJournal.Kind.OPEN).toList();
        assertEquals(1, writes.size(), "exactly one acknowledgement: " + writes);
        assertEquals(SimulatedJournal.Kind.ACK, writes.get(0).kind());
        assertTrue(writes.get(0).sequence() > acknowledgedAt, "not acknowledged before the subscriber was done");
        Eventually.until(() -> receiver.status().unacknowledged().isEmpty(), () -> "status up to date");
        List<String> succeeded = List.of(recorder.nextOutcome(), recorder.nextOutcome(), recorder.nextOutcome(),
                recorder.nextOutcome()).stream().map(o -> o.name() + ":" + o.result()).sorted().toList();
        assertEquals(List.of("early-a:SUCCESS", "early-b:SUCCESS", "late:SUCCESS", "subscriber:SUCCESS"), succeeded);
        subscription.dispose();
    }

    @Test
    void aPlainSubscriberHoldsTheAcknowledgementUntilItsOnNextReturns() {
        receiver(b -> b);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        BlockingQueue<Long> returnedAt = new LinkedBlockingQueue<>();
        Disposable subscription = receiver.events().filter(GenerationEvent::isChange).subscribe(event -> {
            inside.countDown();
            await(leave, "the test lets the subscriber return");
            returnedAt.add(simulator.journal().tick());
        });
        int generation = simulator.bump();
        await(inside, "the subscriber got the change");
        leave.countDown();
        awaitAcknowledged();
        long acknowledgedAt = simulator.journal().entries().stream()
                .filter(e -> e.kind() == SimulatedJournal.Kind.ACK && e.generation() == generation)
                .mapToLong(SimulatedJournal.Entry::sequence).findFirst().orElseThrow();
        assertTrue(acknowledgedAt > Recorder.next(returnedAt, "returned"), "acknowledged only after onNext returned");
        subscription.dispose();
    }

    @Test
    void aFailingHandlerIsReportedTheOthersStillRunAndAckAnywayAcknowledges() {
        AtomicInteger healthy = new AtomicInteger();
        receiver(b -> b
                .handler(GenerationHandler.of("broken", event -> Mono.error(new IllegalStateException("no entropy"))))
                .handler(GenerationHandler.of("throws", event -> {
                    throw new IllegalArgumentException("bad state");
                }))
                .handler(GenerationHandler.of("null", event -> null))
                .handler(GenerationHandler.of("healthy", 1, null, event -> Mono.fromRunnable(healthy::incrementAndGet))));
        Disposable watching = receiver.start();
        int generation = simulator.bump();
        awaitAcknowledged();
        List<HandlerOutcome> outcomes = List.of(recorder.nextOutcome(), recorder.nextOutcome(), recorder.nextOutcome(),
                recorder.nextOutcome());
        assertEquals(1, healthy.get());
        for (HandlerOutcome outcome : outcomes) {
            assertEquals(generation, outcome.generation());
            switch (outcome.name()) {
                case "broken" -> assertEquals("no entropy", outcome.cause().orElseThrow().getMessage());
                case "throws" -> assertEquals("bad state", outcome.cause().orElseThrow().getMessage());
                case "null" -> assertTrue(outcome.cause().orElseThrow().getMessage()
                        .contains("handler 'null' returned null"), outcome::toString);
                case "healthy" -> assertEquals(HandlerOutcome.Result.SUCCESS, outcome.result());
                default -> throw new AssertionError(outcome);
            }
            if (!outcome.name().equals("healthy")) {
                assertEquals(HandlerOutcome.Result.ERROR, outcome.result(), outcome::toString);
            }
        }
        assertTrue(recorder.leftOutdated.isEmpty());
        assertEquals(1, simulator.writes());
        watching.dispose();
    }

    @Test
    void leaveOutdatedKeepsTheDeviceOutdatedAndRunsTheHandlersAgainAfterTheRetryDelay() {
        AtomicInteger calls = new AtomicInteger();
        BlockingQueue<Integer> seen = new LinkedBlockingQueue<>();
        receiver(b -> b.failurePolicy(ListenerFailurePolicy.LEAVE_OUTDATED).retryDelay(Duration.ofMillis(200))
                .handler(GenerationHandler.of("flaky", event -> Mono.fromRunnable(() -> {
                    seen.add(event.generation());
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("first try fails");
                    }
                }))));
        BlockingQueue<GenerationEvent> delivered = new LinkedBlockingQueue<>();
        Disposable subscription = receiver.events().subscribe(delivered::add);
        Recorder.next(delivered, "the current generation");
        int generation = simulator.bump();
        List<HandlerOutcome> failures = Recorder.next(recorder.leftOutdated, "left outdated");
        assertEquals("flaky", failures.get(0).name());
        assertEquals(HandlerOutcome.Result.ERROR, failures.get(0).result());
        assertEquals(1, simulator.outdatedWatchers(), "left outdated for orchestrators to see");
        assertEquals(0, simulator.writes());
        assertEquals(OptionalInt.of(generation), receiver.status().unacknowledged());

        awaitAcknowledged();
        assertEquals(List.of(generation, generation), List.of(Recorder.next(seen, "first"), Recorder.next(seen, "retry")));
        assertEquals(generation, Recorder.next(delivered, "the change").generation());
        assertEquals(generation, recorder.nextAcknowledged().generation());
        assertTrue(delivered.isEmpty(), "a retry involves the parties that failed: not this subscriber");
        assertEquals(1, recorder.read.size(), "a retry is not a new generation");
        assertEquals(1, simulator.writes());
        subscription.dispose();
    }

    @Test
    void aHandlerThatTimesOutIsCancelledReportedAndTheOthersAreNotHeldBack() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        Gate slow = new Gate();
        receiver(b -> b.timer(time).defaultTimeout(Duration.ofSeconds(30))
                .handler(GenerationHandler.of("slow", 0, Duration.ofSeconds(2), event -> slow.handler("x", 0).handle(event)))
                .handler(GenerationHandler.of("quick", event -> Mono.empty())));
        Disposable watching = receiver.start();
        int generation = simulator.bump();
        assertEquals(generation, slow.nextInvocation());
        assertEquals("quick", recorder.nextOutcome().name());
        time.advanceTimeBy(Duration.ofMillis(1999)); // runs what falls due, on this thread
        assertTrue(recorder.outcomes.isEmpty(), "not timed out before its timeout");
        assertEquals(1, simulator.outdatedWatchers());
        time.advanceTimeBy(Duration.ofMillis(1));
        HandlerOutcome timedOut = recorder.nextOutcome();
        assertEquals("slow", timedOut.name());
        assertEquals(HandlerOutcome.Result.TIMEOUT, timedOut.result());
        assertEquals(Duration.ofSeconds(2), timedOut.duration());
        assertEquals(1, slow.cancelled.get(), "the handler's work was cancelled");
        awaitAcknowledged();
        watching.dispose();
        time.dispose();
    }

    @Test
    void aSubscriberThatNeverAcknowledgesTimesOutUnderStepVerifiersVirtualTime() {
        receiver(b -> b.defaultTimeout(Duration.ofMinutes(1)));
        StepVerifier.withVirtualTime(() -> receiver.receive())
                .assertNext(current -> assertFalse(current.isAwaited()))
                .then(simulator::bump)
                .assertNext(change -> assertTrue(change.isAwaited(), "delivered; never acknowledged"))
                .then(() -> assertEquals(1, simulator.outdatedWatchers()))
                .thenAwait(Duration.ofSeconds(59))
                .then(() -> assertEquals(1, simulator.outdatedWatchers()))
                .thenAwait(Duration.ofSeconds(1))
                .then(this::awaitAcknowledged)
                .thenCancel()
                .verify(LONG);
        HandlerOutcome outcome = recorder.nextOutcome();
        assertEquals(SysGenIdReceiver.DEFAULT_SUBSCRIBER_NAME, outcome.name());
        assertEquals(HandlerOutcome.Result.TIMEOUT, outcome.result());
    }

    @Test
    void aRejectionCountsAsAFailureOfThatSubscriber() {
        receiver(b -> b.failurePolicy(ListenerFailurePolicy.LEAVE_OUTDATED).retryDelay(Duration.ofHours(1)));
        Disposable subscription = receiver.receive().filter(g -> g.event().isChange())
                .subscribe(g -> g.reject(new IllegalStateException("cannot rebuild")));
        simulator.bump();
        List<HandlerOutcome> failures = Recorder.next(recorder.leftOutdated, "left outdated");
        assertEquals(SysGenIdReceiver.DEFAULT_SUBSCRIBER_NAME, failures.get(0).name());
        assertEquals("cannot rebuild", failures.get(0).cause().orElseThrow().getMessage());
        assertEquals(1, simulator.outdatedWatchers());
        subscription.dispose();
    }

    @Test
    void rapidChangesCoalesceIntoTheLatestWhileAGenerationIsBeingHandled() {
        Gate gate = new Gate();
        receiver(b -> b.handler(gate.handler("gate", 0)));
        BlockingQueue<GenerationEvent> delivered = new LinkedBlockingQueue<>();
        Disposable subscription = receiver.events().subscribe(delivered::add);
        int start = Recorder.next(delivered, "the current generation").generation();
        int first = simulator.bump();
        assertEquals(first, gate.nextInvocation());
        int last = first;
        for (int i = 0; i < 10_000; i++) {
            last = simulator.bump();
        }
        gate.release();
        assertEquals(first, Recorder.next(delivered, "the first change").generation());
        assertEquals(last, gate.nextInvocation(), "the handlers see the latest next");
        gate.release();
        GenerationEvent latest = Recorder.next(delivered, "the latest change");
        assertEquals(last, latest.generation());
        assertEquals(OptionalInt.of(first), latest.previous());
        awaitAcknowledged();
        assertEquals(start + 10_001, last);
        assertEquals(2, recorder.read.size(), "two generations handled for 10,001 changes");
        assertEquals(last, recorder.nextAcknowledged().generation());
        assertEquals(List.of(SimulatedJournal.Kind.REFUSED_ACK, SimulatedJournal.Kind.ACK),
                simulator.journal().entries().stream().map(SimulatedJournal.Entry::kind)
                        .filter(k -> k.name().endsWith("ACK")).toList(),
                "the first generation's, refused, and the latest's");
        assertTrue(recorder.acknowledged.isEmpty());
        subscription.dispose();
    }

    @Test
    void aBurstOf10000ChangesEndsWithTheLastDeliveredAndAcknowledged() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        receiver(b -> b.handler(GenerationHandler.of("count", event -> Mono.fromRunnable(handled::incrementAndGet))));
        Queue<Integer> delivered = new ConcurrentLinkedQueue<>();
        Disposable subscription = receiver.events().filter(GenerationEvent::isChange)
                .subscribe(event -> delivered.add(event.generation()));
        Thread bumper = new Thread(() -> {
            for (int i = 0; i < 10_000; i++) {
                simulator.bump();
            }
        });
        int start = simulator.generation();
        bumper.start();
        bumper.join();
        int last = start + 10_000;
        Eventually.until(() -> last == (delivered.isEmpty() ? start : List.copyOf(delivered).get(delivered.size() - 1)),
                () -> "the last generation delivered");
        awaitAcknowledged();
        List<Integer> all = List.copyOf(delivered);
        assertTrue(all.size() <= 10_000);
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i) - all.get(i - 1) > 0, "increasing: " + all.get(i - 1) + " then " + all.get(i));
        }
        assertEquals(all.size(), handled.get(), "every generation delivered was handled first");
        Eventually.until(() -> simulator.writes() >= all.size(), () -> "acknowledged");
        assertTrue(simulator.writes() <= 2L * all.size(), "at most one refused ack per generation handled");
        subscription.dispose();
    }
}
