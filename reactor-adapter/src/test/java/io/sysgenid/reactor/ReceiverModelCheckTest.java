package io.sysgenid.reactor;

import static org.junit.jupiter.api.Assertions.fail;

import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.ListenerFailurePolicy;
import io.sysgenid.core.sim.SimulatedJournal;
import io.sysgenid.core.sim.SimulatedOperation;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A randomized model check of the receiver's promise. Each schedule is a random sequence of steps
 * (generation changes, single and in bursts; subscriptions of {@code events()} and {@code receive()} with
 * random behaviour; cancels; {@code start()} and its disposal; injected device errors; JVM checkpoints and
 * restores) run against a
 * receiver with random handlers (succeeding, failing, hanging past their timeout, slow, changing the
 * generation from inside) under a random failure policy; then the receiver is started, allowed to catch
 * up, closed, and the invariants are checked against the simulated device's own journal:
 *
 * <ol type="a">
 *   <li>the generation the device ends at was handled by a round started after it was reached;</li>
 *   <li>each generation was acknowledged at most once, and only after every handler ran for it and every
 *       handler and every subscriber it was handed to had finished it (or was reported timed out);</li>
 *   <li>under LEAVE_OUTDATED, no acknowledgement while a party that failed the generation has not
 *       succeeded it since;</li>
 *   <li>after {@code close()}, no device file and no watcher thread is left;</li>
 *   <li>a subscriber is never handed a change that nobody waits for, except after it timed out;</li>
 *   <li>a connection never ends normally while a round is running or awaiting its acknowledgement;</li>
 *   <li>no subscriber times out after it left;</li>
 *   <li>a JVM checkpoint (a step too) finds no file of the device open; the restore is handled by a round
 *       of its own, marked as a restore, and not again after one was acknowledged until the next
 *       checkpoint.</li>
 * </ol>
 *
 * <p>{@code -Dsysgenid.modelcheck.schedules=N} sets the count (default 2,000),
 * {@code -Dsysgenid.modelcheck.seed=S} the first seed. A failure prints the seed, the schedule, a shrunk
 * schedule that still fails, the violation and the trace.
 */
class ReceiverModelCheckTest {
    private static final int SCHEDULES = Integer.getInteger("sysgenid.modelcheck.schedules", 2_000);
    private static final long FIRST_SEED = Long.getLong("sysgenid.modelcheck.seed", System.nanoTime());
    private static final Duration TIMEOUT = Duration.ofMillis(40);
    private static final Duration RETRY = Duration.ofMillis(5);
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** The receiver logs every failure it reports; thousands of schedules would bury the result. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.sysgenid");

    @Test
    void thePromiseHoldsUnderRandomSchedules() {
        java.util.logging.Level level = QUIET.getLevel();
        QUIET.setLevel(java.util.logging.Level.OFF);
        // A bound against a hang that grows with the count: 15 min for CI's 2,000, about 50 for 100,000.
        Duration budget = Duration.ofMinutes(15).plusMillis(20L * Math.max(0, SCHEDULES - 2_000));
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(budget, this::check);
        } finally {
            QUIET.setLevel(level);
        }
    }

    private void check() {
        long start = System.nanoTime();
        for (int i = 0; i < SCHEDULES; i++) {
            long seed = FIRST_SEED + i;
            Schedule schedule = Schedule.random(new Random(seed));
            Optional<String> violation = run(schedule);
            if (violation.isPresent()) {
                Schedule shrunk = shrink(schedule);
                fail("schedule " + (i + 1) + " of " + SCHEDULES + " broke the promise; reproduce with"
                        + " -Dsysgenid.modelcheck.seed=" + seed + " -Dsysgenid.modelcheck.schedules=1\n"
                        + "schedule: " + schedule + "\nshrunk:   " + shrunk + "\n" + violation.get());
            }
        }
        System.out.printf("model check: %d schedules from seed %d, no violation, in %d ms%n", SCHEDULES,
                FIRST_SEED, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Removes steps while the schedule still fails (each candidate tried a few times: threads vary). */
    private static Schedule shrink(Schedule failing) {
        Schedule current = failing;
        boolean removed = true;
        int budget = 60;
        while (removed && budget > 0) {
            removed = false;
            for (int i = 0; i < current.steps().size() && budget > 0; i++) {
                Schedule candidate = current.without(i);
                for (int attempt = 0; attempt < 3 && budget > 0; attempt++, budget--) {
                    if (run(candidate, SETTLE_NANOS / 5).isPresent()) {
                        current = candidate;
                        removed = true;
                        break;
                    }
                }
            }
        }
        return current;
    }

    // ---- one schedule ----

    private static Optional<String> run(Schedule schedule) {
        return run(schedule, SETTLE_NANOS);
    }

    /** @param settle how long to wait for what must happen (shorter while shrinking: the schedule failed once) */
    private static Optional<String> run(Schedule schedule, long settle) {
        SimulatedSysGenId simulator = SimulatedSysGenId.builder().journal(true).build();
        Trace trace = new Trace(simulator.journal());
        List<GenerationHandler> handlers = new ArrayList<>();
        handlers.add(trace.probe());
        for (HandlerSpec spec : schedule.handlers()) {
            handlers.add(trace.handler(spec, simulator));
        }
        SysGenIdReceiver.Builder builder = SysGenIdReceiver.builder().device(simulator::open).observer(trace)
                .failurePolicy(schedule.policy()).defaultTimeout(TIMEOUT).retryDelay(RETRY);
        handlers.forEach(builder::handler);
        SysGenIdReceiver receiver = builder.build();
        List<Disposable> subscriptions = new ArrayList<>();
        List<Disposable> starts = new ArrayList<>();
        Random random = new Random(schedule.seed());
        try {
            for (Step step : schedule.steps()) {
                step.apply(new Context(simulator, receiver, trace, subscriptions, starts, random));
            }
            simulator.clearFaults();
            if (starts.stream().allMatch(Disposable::isDisposed)) {
                start(receiver, starts);
            }
            int last = simulator.generation();
            long lastChange = trace.lastChange();
            long deadline = System.nanoTime() + settle;
            while (trace.changedWhileWatched() && !trace.roundStartedAfter(last, lastChange)) {
                if (System.nanoTime() - deadline > 0) {
                    return Optional.of(trace.report("(a) generation " + last + ", reached at #" + lastChange
                            + ", was never handled by a round"));
                }
                LockSupport.parkNanos(200_000);
            }
            while (!trace.restoredSinceLastCheckpoint()) {
                if (System.nanoTime() - deadline > 0) {
                    return Optional.of(trace.report("(h) the last JVM restore was never handled by a round of its own"));
                }
                LockSupport.parkNanos(200_000);
            }
            trace.closing();
            receiver.close();
            Optional<String> leak = awaitReleased(simulator, settle);
            if (leak.isPresent()) {
                return Optional.of(trace.report("(d) " + leak.get()));
            }
            return trace.violation(schedule.policy(), handlers.size(), TIMEOUT).map(trace::report);
        } catch (RuntimeException | AssertionError e) {
            return Optional.of(trace.report("the schedule threw " + e));
        } finally {
            receiver.close();
            synchronized (subscriptions) {
                subscriptions.forEach(Disposable::dispose);
            }
            simulator.close();
        }
    }

    private static void start(SysGenIdReceiver receiver, List<Disposable> starts) {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        for (;;) {
            try {
                starts.add(receiver.start());
                return;
            } catch (RuntimeException e) { // an injected open failure
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
        }
    }

    private static Optional<String> awaitReleased(SimulatedSysGenId simulator, long settle) {
        long deadline = System.nanoTime() + settle;
        while (simulator.openFiles() != 0 || !TestThreads.named(GenerationWatcher.THREAD_NAME).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                return Optional.of("after close(): " + simulator.openFiles() + " device file(s) and "
                        + TestThreads.named(GenerationWatcher.THREAD_NAME) + " still there");
            }
            LockSupport.parkNanos(200_000);
        }
        return Optional.empty();
    }

    // ---- schedules ----

    /** What a handler does with each generation. */
    enum HandlerSpec { SUCCEEDS, FAILS_SOMETIMES, HANGS_SOMETIMES, SLOW, CHANGES_GENERATION_ONCE }

    /** What a subscriber does. */
    enum Subscriber {
        EVENTS_RETURN, EVENTS_THROW, EVENTS_TAKE_ONE_CHANGE, EVENTS_NO_DEMAND,
        RECEIVE_ACK, RECEIVE_PUBLISH_ON_ACK, RECEIVE_SLOW_ACK, RECEIVE_COMMIT, RECEIVE_REJECT, RECEIVE_ERROR,
        RECEIVE_CANCEL, RECEIVE_CANCEL_OTHER, RECEIVE_TAKE_ONE_ACK, RECEIVE_NO_DEMAND
    }

    /** One step of a schedule. */
    sealed interface Step {
        void apply(Context context);

        static Step random(Random random) {
            int roll = random.nextInt(100);
            if (roll < 22) {
                return new Bump(1);
            } else if (roll < 27) {
                return new Bump(2 + random.nextInt(8));
            } else if (roll < 52) {
                Subscriber[] kinds = Subscriber.values();
                return new Subscribe(kinds[random.nextInt(kinds.length)]);
            } else if (roll < 62) {
                return new Cancel(random.nextInt(8));
            } else if (roll < 71) {
                return new Start();
            } else if (roll < 79) {
                return new Stop();
            } else if (roll < 85) {
                return new Fail(random.nextBoolean() ? SimulatedOperation.READ : SimulatedOperation.ACK);
            } else if (roll < 95) {
                return new Pause(random.nextInt(15));
            } else {
                return new Checkpoint();
            }
        }
    }

    record Bump(int count) implements Step {
        public void apply(Context context) {
            for (int i = 0; i < count; i++) {
                context.simulator().bump();
            }
        }
    }

    record Subscribe(Subscriber kind) implements Step {
        public void apply(Context context) {
            List<Disposable> all = context.subscriptions();
            Disposable subscription = context.trace().subscribe(kind, context.receiver(), context.random(), () -> {
                synchronized (all) {
                    return all.stream().filter(d -> !d.isDisposed()).toList();
                }
            });
            synchronized (all) {
                all.add(subscription);
            }
        }
    }

    record Cancel(int which) implements Step {
        public void apply(Context context) {
            List<Disposable> live;
            synchronized (context.subscriptions()) {
                live = context.subscriptions().stream().filter(d -> !d.isDisposed()).toList();
            }
            if (!live.isEmpty()) {
                context.trace().cancelled(live.get(which % live.size()));
            }
        }
    }

    record Start() implements Step {
        public void apply(Context context) {
            try {
                context.starts().add(context.receiver().start());
            } catch (RuntimeException e) {
                // an injected failure to open: start() says so at once
            }
        }
    }

    record Stop() implements Step {
        public void apply(Context context) {
            context.starts().forEach(Disposable::dispose);
        }
    }

    record Fail(SimulatedOperation operation) implements Step {
        public void apply(Context context) {
            context.simulator().failNext(operation, 5);
        }
    }

    /** A JVM checkpoint and restore, through org.crac (core's emulated runtime). */
    record Checkpoint() implements Step {
        public void apply(Context context) {
            try {
                io.sysgenid.core.crac.emulated.Core.checkpointRestore(
                        () -> context.trace().checkpointed(context.simulator().openFiles()));
            } catch (Exception e) {
                throw new IllegalStateException("the checkpoint failed: " + e + " " + java.util.Arrays.toString(
                        e.getSuppressed()), e);
            }
        }
    }

    record Pause(int millis) implements Step {
        public void apply(Context context) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
        }
    }

    record Context(SimulatedSysGenId simulator, SysGenIdReceiver receiver, Trace trace,
            List<Disposable> subscriptions, List<Disposable> starts, Random random) {}

    record Schedule(long seed, ListenerFailurePolicy policy, List<HandlerSpec> handlers, List<Step> steps) {
        static Schedule random(Random random) {
            List<HandlerSpec> handlers = new ArrayList<>();
            HandlerSpec[] specs = HandlerSpec.values();
            for (int i = random.nextInt(4); i > 0; i--) {
                handlers.add(specs[random.nextInt(specs.length)]);
            }
            List<Step> steps = new ArrayList<>();
            for (int i = 4 + random.nextInt(14); i > 0; i--) {
                steps.add(Step.random(random));
            }
            ListenerFailurePolicy policy = random.nextBoolean()
                    ? ListenerFailurePolicy.ACK_ANYWAY : ListenerFailurePolicy.LEAVE_OUTDATED;
            return new Schedule(random.nextLong(), policy, handlers, steps);
        }

        Schedule without(int index) {
            List<Step> fewer = new ArrayList<>(steps);
            fewer.remove(index);
            return new Schedule(seed, policy, handlers, fewer);
        }

        @Override
        public String toString() {
            return policy + " handlers " + handlers + " steps " + steps;
        }
    }

    /** Threads of this JVM by name. */
    static final class TestThreads {
        static List<Thread> named(String name) {
            return Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().equals(name)).toList();
        }
    }

    /** A subscriber that never requests. */
    static final class NoDemand<T> extends BaseSubscriber<T> {
        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // requests nothing
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            // the connection failed: expected in schedules that inject device errors
        }
    }

    static Mono<Void> later(Random random) {
        return Mono.delay(Duration.ofMillis(random.nextInt(6)), Schedulers.parallel()).then();
    }
}
