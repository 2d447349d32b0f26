package io.sysgenid.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.ListenerFailurePolicy;
import io.sysgenid.core.sim.SimulatedJournal;
import io.sysgenid.core.sim.SimulatedOperation;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * One named test for each way the receiver's promise was found broken (issue 10's list, items 1 to 9),
 * on the simulated device. Each would fail on the code that had the bug.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PromiseRegressionTest {
    private static final Duration LONG = Recorder.LONG;
    private static final Duration NEVER = Duration.ofHours(1);
    private static final int EIO = 5;

    private final SimulatedSysGenId simulator = SimulatedSysGenId.builder().journal(true).build();
    private final Recorder recorder = new Recorder();
    private final BlockingQueue<GenerationEvent> handled = new LinkedBlockingQueue<>();
    private final List<SysGenIdReceiver> receivers = new ArrayList<>();

    @AfterEach
    void close() {
        receivers.forEach(SysGenIdReceiver::close);
        simulator.close();
    }

    private SysGenIdReceiver receiver(ListenerFailurePolicy policy, Duration timeout) {
        SysGenIdReceiver receiver = SysGenIdReceiver.builder().device(simulator::open).observer(recorder)
                .failurePolicy(policy).defaultTimeout(timeout).retryDelay(Duration.ofMillis(10))
                .handler(GenerationHandler.of("rebuild", event -> Mono.fromRunnable(() -> handled.add(event))))
                .build();
        receivers.add(receiver);
        return receiver;
    }

    private long acknowledgements(int generation) {
        return simulator.journal().entries().stream()
                .filter(e -> e.kind() == SimulatedJournal.Kind.ACK && e.generation() == generation).count();
    }

    private void awaitAcknowledged() {
        try {
            assertTrue(simulator.awaitAllAcknowledged(LONG), "the device was acknowledged");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    // ---- 1: a change is never forgotten across a reconnect ----

    @Test
    void item1aChangeWhileNobodyHeldTheConnectionIsHandledOnTheNextOne() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.ACK_ANYWAY, LONG);
        StepVerifier.create(receiver.events().take(1)).expectNextCount(1).verifyComplete();
        Eventually.until(() -> simulator.openFiles() == 0, () -> "the connection ended");
        int generation = simulator.bump();
        Disposable watching = receiver.start();
        GenerationEvent caughtUp = Recorder.next(handled, "the handlers ran for the missed change");
        assertEquals(generation, caughtUp.generation());
        assertEquals(OptionalInt.of(generation - 1), caughtUp.previous());
        assertTrue(caughtUp.isChange());
        watching.dispose();
    }

    @Test
    void item1aStopAndStartOfTheWatchDoesNotLoseAChange() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.ACK_ANYWAY, LONG);
        receiver.start().dispose(); // what Spring's lifecycle stop() does, around a checkpoint for instance
        Eventually.until(() -> simulator.openFiles() == 0, () -> "stopped");
        int generation = simulator.bump();
        Disposable restarted = receiver.start();
        assertEquals(generation, Recorder.next(handled, "handled after the restart").generation());
        assertEquals(generation, recorder.nextAcknowledged().generation());
        restarted.dispose();
    }

    @Test
    void item1aDeviceErrorDuringARoundLeavesTheGenerationToTheNextConnection() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.ACK_ANYWAY, LONG);
        Disposable watching = receiver.start();
        simulator.failNext(SimulatedOperation.ACK, EIO);
        int generation = simulator.bump();
        assertEquals(generation, Recorder.next(handled, "the first round").generation());
        assertTrue(Recorder.next(recorder.disconnected, "the failed acknowledgement").isPresent());
        // start() reconnects; the fresh file is up to date, but the receiver knows it handled `generation`.
        Eventually.until(() -> receiver.status().connected(), () -> "reconnected");
        int next = simulator.bump();
        assertEquals(next, Recorder.next(handled, "the next change").generation());
        awaitAcknowledged();
        watching.dispose();
    }

    // ---- 2: a retry under LEAVE_OUTDATED gives the generation again to the subscribers that failed ----

    @Test
    void item2aRetryRedeliversToTheSubscriberThatFailedAndAcknowledgesOnlyWhenItSucceeds() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.LEAVE_OUTDATED, LONG);
        AtomicInteger tries = new AtomicInteger();
        Disposable subscription = receiver.receive("cache").filter(g -> g.event().isChange()).subscribe(g -> {
            if (tries.incrementAndGet() == 1) {
                g.reject(new IllegalStateException("cache not rebuilt"));
            } else {
                g.acknowledge();
            }
        });
        int generation = simulator.bump();
        assertEquals("cache", Recorder.next(recorder.leftOutdated, "left outdated").get(0).name());
        assertEquals(generation, recorder.nextAcknowledged().generation());
        assertEquals(2, tries.get(), "given again, then acknowledged");
        assertEquals(1, handled.size(), "the handler, which succeeded, did not run again");
        assertEquals(1, acknowledgements(generation));
        subscription.dispose();
    }

    // ---- 3: a subscriber whose pipeline fails has failed the generation ----

    @Test
    void item3aReceivePipelineThatErrorsBeforeAcknowledgingFailsTheGeneration() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.LEAVE_OUTDATED, LONG);
        Disposable watching = receiver.start(); // the connection outlives the failed subscriber
        receiver.receive("rebuilder")
                .concatMap(g -> g.event().isChange() ? Mono.error(new IllegalStateException("rebuild failed"))
                        : Mono.empty())
                .subscribe(v -> { }, e -> { });
        simulator.bump();
        HandlerOutcome failed = Recorder.next(recorder.leftOutdated, "left outdated").get(0);
        assertEquals("rebuilder", failed.name());
        assertEquals(HandlerOutcome.Result.CANCELLED, failed.result());
        assertInstanceOf(CancellationException.class, failed.cause().orElseThrow());
        assertEquals(1, simulator.outdatedWatchers(), "orchestrators still see this process outdated");
        watching.dispose();
    }

    // ---- 4: a subscriber that leaves while a round delivers does not hold the round ----

    @Test
    void item4aSubscriberCancelledByAnotherOnesOnNextDoesNotStallTheRound() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.ACK_ANYWAY, NEVER);
        AtomicReference<Disposable> second = new AtomicReference<>();
        Disposable first = receiver.events("first").filter(GenerationEvent::isChange)
                .subscribe(event -> second.get().dispose());
        second.set(receiver.receive("second").subscribe(g -> { }));
        int generation = simulator.bump();
        assertEquals(generation, recorder.nextAcknowledged().generation(), "not after an hour's timeout");
        assertTrue(recorder.outcomes.stream().noneMatch(o -> o.name().equals("second")),
                "the round did not wait for a subscriber that left before it was given the generation");
        first.dispose();
    }

    // ---- 5: take(1) on the only subscriber still gets the generation acknowledged ----

    @Test
    void item5TakeOneOnTheOnlySubscriberStillAcknowledgesAndThenCloses() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.ACK_ANYWAY, LONG);
        StepVerifier.create(receiver.events().filter(GenerationEvent::isChange).take(1))
                .then(simulator::bump)
                .expectNextCount(1)
                .verifyComplete();
        awaitAcknowledged();
        assertEquals(1, acknowledgements(1));
        Eventually.until(() -> simulator.openFiles() == 0, () -> "the connection ended after the ack");
    }

    @Test
    void item5NextOnEventsAcknowledgesButOnReceiveItMustAcknowledgeFirst() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.ACK_ANYWAY, LONG);
        StepVerifier.create(receiver.events().filter(GenerationEvent::isChange).next())
                .then(simulator::bump)
                .expectNextCount(1)
                .verifyComplete();
        awaitAcknowledged();
        StepVerifier.create(receiver.receive("commits").filter(g -> g.event().isChange())
                        .concatMap(g -> g.commit().thenReturn(g.event().generation())).take(1))
                .then(simulator::bump)
                .expectNext(2)
                .verifyComplete();
        assertEquals(1, acknowledgements(2));
    }

    // ---- 6: a late subscriber gets a replay, never a change ----

    @Test
    void item6aLateSubscriberGetsTheLatestGenerationAsAReplay() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.ACK_ANYWAY, LONG);
        Disposable watching = receiver.start();
        simulator.bump();
        recorder.nextAcknowledged();
        StepVerifier.create(receiver.receive().take(1))
                .assertNext(late -> {
                    assertEquals(1, late.event().generation());
                    assertFalse(late.event().isChange(), "a clone is not reported on every late subscription");
                    assertFalse(late.isAwaited());
                })
                .verifyComplete();
        watching.dispose();
    }

    // ---- 7: demand ----

    @Test
    void item7aSubscriberWithoutDemandIsWaitedForUpToTheTimeoutThenReportedAsRequestingNothing() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        SysGenIdReceiver receiver = SysGenIdReceiver.builder().device(simulator::open).observer(recorder)
                .timer(time).defaultTimeout(Duration.ofSeconds(30)).build();
        receivers.add(receiver);
        BaseSubscriber<GenerationEvent> idle = receiver.events("idle").subscribeWith(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                // no demand
            }
        });
        int generation = simulator.bump();
        // The subscriber timeout is scheduled when the delivery starts, which no signal marks: advance
        // virtual time by whole timeouts until it has fired.
        Eventually.until(() -> {
            time.advanceTimeBy(Duration.ofSeconds(30));
            return !recorder.outcomes.isEmpty();
        }, () -> "the idle subscriber timed out");
        HandlerOutcome outcome = recorder.nextOutcome();
        assertEquals("idle", outcome.name());
        assertEquals(HandlerOutcome.Result.TIMEOUT, outcome.result());
        assertTrue(outcome.cause().orElseThrow().getMessage().contains("requested nothing"), outcome::toString);
        awaitAcknowledged();
        assertEquals(generation, recorder.nextAcknowledged().generation());
        idle.dispose();
        time.dispose();
    }

    @Test
    void item7aSubscriberWithoutDemandThatLeavesReleasesTheRoundAtOnce() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.ACK_ANYWAY, NEVER);
        BaseSubscriber<AcknowledgableGeneration> idle = receiver.receive("idle").subscribeWith(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                // no demand
            }
        });
        int generation = simulator.bump();
        Eventually.until(() -> handled.size() == 1, () -> "handled");
        idle.dispose();
        assertEquals(generation, recorder.nextAcknowledged().generation(), "not after an hour's timeout");
        assertTrue(recorder.outcomes.stream().noneMatch(o -> o.name().equals("idle")), recorder.outcomes::toString);
    }

    @Test
    void item7aSlowSubscriberHoldsAtMostOneUndeliveredGenerationTheNewest() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.ACK_ANYWAY, Duration.ofMillis(50));
        BlockingQueue<GenerationEvent> got = new LinkedBlockingQueue<>();
        AtomicReference<Subscription> upstream = new AtomicReference<>();
        receiver.events("slow").subscribe(new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription s) {
                upstream.set(s);
                s.request(1); // the replay only
            }

            @Override
            public void onNext(GenerationEvent event) {
                got.add(event);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        Recorder.next(got, "the replay");
        for (int i = 1; i <= 3; i++) {
            simulator.bump();
            assertEquals(i, recorder.nextAcknowledged().generation(), "each round times the idle subscriber out");
        }
        upstream.get().request(10);
        assertEquals(3, Recorder.next(got, "the newest").generation());
        assertTrue(got.isEmpty(), "the older ones were replaced, not queued");
        upstream.get().cancel();
    }

    // ---- 8: core's watcher and the Reactive Streams rules ----

    @Test
    void item8StartStopsRetryingOnceTheReceiverIsClosed() {
        SysGenIdReceiver receiver = SysGenIdReceiver.builder().device(simulator::open).observer(recorder)
                .retryDelay(Duration.ofMillis(200)).build();
        receivers.add(receiver);
        Disposable watching = receiver.start();
        simulator.failNext(SimulatedOperation.ACK, EIO);
        simulator.bump();
        assertTrue(Recorder.next(recorder.disconnected, "the failure").isPresent());
        receiver.close(); // during start()'s backoff
        Eventually.until(watching::isDisposed, () -> "start() gave up: the receiver is closed");
        assertFalse(receiver.status().connected());
        // The failed connection's file is closed by its watcher thread, on its way out (close() does not
        // block); a reconnection would keep one open for good.
        Eventually.until(() -> simulator.openFiles() == 0, () -> simulator.openFiles() + " file(s) still open");
    }

    @Test
    void item8aSubscriberThatThrowsFromOnNextFailsTheDeliveryAndIsNotRethrownToTheWatcher() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.LEAVE_OUTDATED, LONG);
        Disposable watching = receiver.start();
        receiver.receive("rude").subscribe(new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(AcknowledgableGeneration g) {
                if (g.event().isChange()) {
                    throw new IllegalStateException("onNext must not throw (rule 2.13)");
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        simulator.bump();
        HandlerOutcome failed = Recorder.next(recorder.leftOutdated, "left outdated").get(0);
        assertEquals(HandlerOutcome.Result.ERROR, failed.result());
        assertEquals("onNext must not throw (rule 2.13)", failed.cause().orElseThrow().getMessage());
        assertTrue(receiver.status().connected(), "the exception did not reach the watcher's thread");
        assertEquals(1, Recorder.next(handled, "the first round").generation());
        int next = simulator.bump();
        assertEquals(next, Recorder.next(handled, "the receiver goes on").generation());
        watching.dispose();
    }

    // ---- 9: names are bounded ----

    @Test
    void item9ManyShortSubscriptionsShareOneNameAndLeaveNothingBehind() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.ACK_ANYWAY, LONG);
        Disposable watching = receiver.start();
        Disposable named = receiver.receive("cache-warmer").subscribe(AcknowledgableGeneration::acknowledge);
        for (int i = 0; i < 200; i++) {
            StepVerifier.create(receiver.events().take(1)).expectNextCount(1).verifyComplete();
        }
        List<Disposable> requests = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            requests.add(receiver.events().subscribe());
        }
        simulator.bump();
        recorder.nextAcknowledged();
        Set<String> names = recorder.outcomes.stream().map(HandlerOutcome::name).collect(Collectors.toSet());
        assertEquals(Set.of("rebuild", "cache-warmer", SysGenIdReceiver.DEFAULT_SUBSCRIBER_NAME), names);
        requests.forEach(Disposable::dispose);
        named.dispose();
        watching.dispose();
        Eventually.until(() -> simulator.openFiles() == 0, () -> "every subscription and the connection gone");
    }

    @Test
    void aBlankSubscriptionNameIsRefusedWithAMessageThatSaysSo() {
        SysGenIdReceiver receiver = receiver(ListenerFailurePolicy.ACK_ANYWAY, LONG);
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> receiver.events(" "));
        assertTrue(refused.getMessage().contains("subscription name"), refused::getMessage);
    }
}
