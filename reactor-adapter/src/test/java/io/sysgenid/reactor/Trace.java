package io.sysgenid.reactor;

import io.sysgenid.core.ListenerFailurePolicy;
import io.sysgenid.core.sim.SimulatedJournal;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What the parties of a model-check schedule did, in the order shared with the simulated device's
 * journal, and the invariants checked against both. See {@link ReceiverModelCheckTest}.
 */
final class Trace implements GenerationObserver {
    /** A party's event. */
    enum Kind {
        ROUND, HANDLER_START, HANDLER_END, HANDED, FINISHED, LEFT, OUTCOME, LEFT_OUTDATED, DISCONNECTED, CLOSING,
        /** A JVM checkpoint, at its moment (every beforeCheckpoint done); detail: the device files open then. */
        CHECKPOINT
    }

    /**
     * One event.
     *
     * @param party a handler's or a subscriber's name
     * @param detail for HANDED: "change"/"replay" and "awaited"; for OUTCOME: the result; for ROUND:
     *     "restore" for a JVM restore's round
     */
    record Event(long sequence, Kind kind, String party, int generation, String detail, long nanos) {
        @Override
        public String toString() {
            return "#" + sequence + " " + kind + " " + party + " " + generation + (detail.isEmpty() ? "" : " " + detail);
        }
    }

    private final SimulatedJournal journal;
    private final List<Event> events = new ArrayList<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final AtomicInteger handlers = new AtomicInteger();
    private final Map<Disposable, String> names = new IdentityHashMap<>();

    Trace(SimulatedJournal journal) {
        this.journal = journal;
    }

    private synchronized void record(Kind kind, String party, int generation, String detail) {
        events.add(new Event(journal.tick(), kind, party, generation, detail, System.nanoTime()));
    }

    private synchronized List<Event> events() {
        return List.copyOf(events);
    }

    // ---- handlers ----

    /** A handler in the first phase that records each round's start. */
    GenerationHandler probe() {
        return GenerationHandler.of("probe", Integer.MIN_VALUE, null, event -> Mono.fromRunnable(() ->
                record(Kind.ROUND, "probe", event.generation(), event.isRestore() ? "restore" : "")));
    }

    // ---- JVM checkpoints ----

    /** At the moment of a checkpoint: how many files of the device were open. */
    void checkpointed(int openFiles) {
        record(Kind.CHECKPOINT, "jvm", 0, "open " + openFiles);
    }

    /** True if no checkpoint happened, or a restore's round started after the last one. */
    boolean restoredSinceLastCheckpoint() {
        List<Event> all = events();
        long last = all.stream().filter(e -> e.kind() == Kind.CHECKPOINT).mapToLong(Event::sequence).max().orElse(-1);
        return last < 0 || all.stream().anyMatch(e -> e.kind() == Kind.ROUND && e.detail().equals("restore")
                && e.sequence() > last);
    }

    GenerationHandler handler(ReceiverModelCheckTest.HandlerSpec spec, SimulatedSysGenId simulator) {
        String name = "h" + handlers.incrementAndGet() + "-" + spec.name().toLowerCase(java.util.Locale.ROOT);
        Random random = new Random(name.hashCode());
        AtomicBoolean changed = new AtomicBoolean();
        return GenerationHandler.of(name, handlers.get() % 2, null, event -> {
            record(Kind.HANDLER_START, name, event.generation(), "");
            Mono<Void> work = switch (spec) {
                case SUCCEEDS -> Mono.empty();
                case FAILS_SOMETIMES -> random.nextInt(3) == 0
                        ? Mono.error(new IllegalStateException(name + " failed")) : Mono.empty();
                case HANGS_SOMETIMES -> random.nextInt(4) == 0 ? Mono.never() : Mono.empty();
                case SLOW -> ReceiverModelCheckTest.later(random);
                case CHANGES_GENERATION_ONCE -> Mono.fromRunnable(() -> {
                    if (changed.compareAndSet(false, true)) {
                        simulator.bump();
                    }
                });
            };
            // before the signal goes on (doFinally would record after the receiver had reacted to it)
            return work.doOnSuccess(v -> record(Kind.HANDLER_END, name, event.generation(), "ok"))
                    .doOnError(e -> record(Kind.HANDLER_END, name, event.generation(), "failed"))
                    .doOnCancel(() -> record(Kind.HANDLER_END, name, event.generation(), "failed"));
        });
    }

    // ---- subscribers ----

    Disposable subscribe(ReceiverModelCheckTest.Subscriber kind, SysGenIdReceiver receiver, Random random,
            java.util.function.Supplier<List<Disposable>> live) {
        String name = "s" + subscribers.incrementAndGet() + "-" + kind.name().toLowerCase(java.util.Locale.ROOT);
        AtomicReference<Disposable> self = new AtomicReference<>();
        Disposable subscription = switch (kind) {
            case EVENTS_RETURN -> receiver.events(name).doOnCancel(() -> left(name)).subscribe(event -> {
                handed(name, event, Optional.empty());
                finished(name, event);
            }, error -> { });
            case EVENTS_THROW -> receiver.events(name).doOnCancel(() -> left(name)).subscribe(event -> {
                handed(name, event, Optional.empty());
                finished(name, event); // events(): finished when onNext returns, even if it throws (documented)
                if (event.isChange()) {
                    throw new IllegalStateException(name + " threw");
                }
            }, error -> { });
            case EVENTS_TAKE_ONE_CHANGE -> receiver.events(name).doOnCancel(() -> left(name)).filter(GenerationEvent::isChange).take(1)
                    .subscribe(event -> {
                        handed(name, event, Optional.empty());
                        finished(name, event);
                    }, error -> { });
            case EVENTS_NO_DEMAND -> receiver.events(name).doOnCancel(() -> left(name)).subscribeWith(new ReceiverModelCheckTest.NoDemand<>());
            case RECEIVE_ACK -> receiver.receive(name).doOnCancel(() -> left(name)).doOnNext(g -> handed(name, g)).subscribe(g -> {
                finished(name, g.event());
                g.acknowledge();
            }, error -> { });
            case RECEIVE_PUBLISH_ON_ACK -> receiver.receive(name).doOnCancel(() -> left(name)).doOnNext(g -> handed(name, g)).publishOn(Schedulers.parallel()).subscribe(g -> {
                finished(name, g.event());
                g.acknowledge();
            }, error -> { });
            case RECEIVE_SLOW_ACK -> receiver.receive(name).doOnCancel(() -> left(name)).doOnNext(g -> handed(name, g))
                    .concatMap(g -> ReceiverModelCheckTest.later(random).then(Mono.fromRunnable(() -> {
                        finished(name, g.event());
                        g.acknowledge();
                    })))
                    .subscribe(v -> { }, error -> { });
            case RECEIVE_COMMIT -> receiver.receive(name).doOnCancel(() -> left(name)).doOnNext(g -> handed(name, g))
                    .concatMap(g -> {
                        finished(name, g.event());
                        return g.commit().onErrorResume(GenerationNotAcknowledgedException.class, e -> Mono.empty());
                    })
                    .subscribe(v -> { }, error -> { });
            case RECEIVE_REJECT -> receiver.receive(name).doOnCancel(() -> left(name)).doOnNext(g -> handed(name, g)).subscribe(g -> {
                if (g.event().isChange()) {
                    failed(name, g.event()); // rejecting a replay fails nothing: nobody waits for it
                } else {
                    finished(name, g.event());
                }
                g.reject(new IllegalStateException(name + " rejected"));
            }, error -> { });
            case RECEIVE_ERROR -> receiver.receive(name).doOnCancel(() -> left(name)).doOnNext(g -> handed(name, g))
                    .concatMap(g -> {
                        if (!g.event().isChange()) {
                            return Mono.empty();
                        }
                        failed(name, g.event());
                        return Mono.error(new IllegalStateException(name + " failed"));
                    })
                    .subscribe(v -> { }, error -> { });
            case RECEIVE_CANCEL -> receiver.receive(name).doOnCancel(() -> left(name)).doOnNext(g -> handed(name, g)).subscribe(g -> {
                if (g.event().isChange()) {
                    failed(name, g.event());
                    Disposable me = self.get();
                    if (me != null) {
                        me.dispose();
                    }
                }
            }, error -> { });
            case RECEIVE_TAKE_ONE_ACK -> receiver.receive(name).doOnCancel(() -> left(name)).doOnNext(g -> handed(name, g)).filter(g -> g.event().isChange()).take(1)
                    .subscribe(g -> {
                        finished(name, g.event());
                        g.acknowledge();
                    }, error -> { });
            case RECEIVE_CANCEL_OTHER -> receiver.receive(name).doOnCancel(() -> left(name)).doOnNext(g -> handed(name, g))
                    .subscribe(g -> {
                        if (g.event().isChange()) {
                            List<Disposable> others = live.get().stream().filter(d -> d != self.get()).toList();
                            if (!others.isEmpty()) {
                                cancelled(others.get(random.nextInt(others.size())));
                            }
                        }
                        finished(name, g.event());
                        g.acknowledge();
                    }, error -> { });
            case RECEIVE_NO_DEMAND -> receiver.receive(name).doOnCancel(() -> left(name)).doOnNext(g -> handed(name, g)).subscribeWith(new ReceiverModelCheckTest.NoDemand<>());
        };
        self.set(subscription);
        synchronized (this) {
            names.put(subscription, name);
        }
        return subscription;
    }

    /** The test cancels a subscription: whatever it held counts as finished (failed) from now. */
    void cancelled(Disposable subscription) {
        String name;
        synchronized (this) {
            name = names.get(subscription);
        }
        synchronized (this) { // no FINISHED of the subscriber's own can slip between the look and the record
            List<Event> mine = events.stream().filter(e -> e.party().equals(name)).toList();
            mine.stream().filter(e -> e.kind() == Kind.HANDED).reduce((a, b) -> b)
                    .filter(last -> last.detail().startsWith("change")) // a replay held is no failure
                    .filter(last -> mine.stream().noneMatch(e -> e.kind() == Kind.FINISHED
                            && e.sequence() > last.sequence()))
                    .ifPresent(last -> record(Kind.FINISHED, name, last.generation(), "failed"));
        }
        subscription.dispose();
    }

    private void handed(String name, GenerationEvent event, Optional<Boolean> awaited) {
        record(Kind.HANDED, name, event.generation(), (event.isChange() ? "change" : "replay")
                + awaited.map(a -> a ? " awaited" : " not-awaited").orElse(""));
    }

    private void handed(String name, AcknowledgableGeneration generation) {
        handed(name, generation.event(), Optional.of(generation.isAwaited()));
    }

    private void finished(String name, GenerationEvent event) {
        record(Kind.FINISHED, name, event.generation(), "ok");
    }

    private void failed(String name, GenerationEvent event) {
        record(Kind.FINISHED, name, event.generation(), "failed");
    }

    private void left(String name) {
        record(Kind.LEFT, name, 0, "");
    }

    /** The schedule is about to close the receiver: deliveries it cuts short are not checked by (e). */
    void closing() {
        record(Kind.CLOSING, "test", 0, "");
    }

    // ---- observer ----

    @Override
    public void handlerFinished(HandlerOutcome outcome) {
        record(Kind.OUTCOME, outcome.name(), outcome.generation(), outcome.result().name());
    }

    @Override
    public void leftOutdated(GenerationEvent event, List<HandlerOutcome> failures) {
        record(Kind.LEFT_OUTDATED, "receiver", event.generation(), "");
    }

    @Override
    public void disconnected(String source, Optional<Throwable> cause) {
        record(Kind.DISCONNECTED, "receiver", 0, cause.isPresent() ? "failure" : "normal");
    }

    // ---- invariants ----

    long lastChange() {
        return journal.entries().stream().filter(e -> e.kind() == SimulatedJournal.Kind.CHANGE)
                .mapToLong(SimulatedJournal.Entry::sequence).max().orElse(0);
    }

    /**
     * True if the device changed after the receiver first opened it: before that, the first connection
     * takes what it finds as its starting point.
     */
    boolean changedWhileWatched() {
        long firstOpen = journal.entries().stream().filter(e -> e.kind() == SimulatedJournal.Kind.OPEN)
                .mapToLong(SimulatedJournal.Entry::sequence).min().orElse(Long.MAX_VALUE);
        return lastChange() > firstOpen;
    }

    /** True if a round for {@code generation} or a newer one started after {@code sequence}. */
    boolean roundStartedAfter(int generation, long sequence) {
        return events().stream().anyMatch(e -> e.kind() == Kind.ROUND
                && Integer.compareUnsigned(e.generation(), generation) >= 0 && e.sequence() > sequence);
    }

    /** Checks (b), (c), (e) to (h); the journal is read first, so every event before an entry is there. */
    Optional<String> violation(ListenerFailurePolicy policy, int handlerCount, java.time.Duration timeout) {
        List<SimulatedJournal.Entry> entries = journal.entries();
        List<Event> all = events();
        Optional<String> restores = restores(all, entries);
        if (restores.isPresent()) {
            return restores;
        }
        Map<Integer, Integer> firstAcks = new HashMap<>();
        for (SimulatedJournal.Entry entry : entries) {
            if (entry.kind() != SimulatedJournal.Kind.ACK && entry.kind() != SimulatedJournal.Kind.REPEATED_ACK) {
                continue;
            }
            int generation = entry.generation();
            long at = entry.sequence();
            if (entry.kind() == SimulatedJournal.Kind.ACK && firstAcks.merge(generation, 1, Integer::sum) > 1) {
                return Optional.of("(b) generation " + generation + " acknowledged twice (#" + at + ")");
            }
            List<Event> before = all.stream().filter(e -> e.generation() == generation && e.sequence() < at).toList();
            Optional<Event> round = before.stream().filter(e -> e.kind() == Kind.ROUND).reduce((a, b) -> b);
            if (round.isEmpty()) {
                return Optional.of("(b) generation " + generation + " acknowledged at #" + at + " with no round for it");
            }
            long started = round.get().sequence();
            long ran = before.stream().filter(e -> e.kind() == Kind.HANDLER_START && e.sequence() > started)
                    .map(Event::party).distinct().count() + 1;
            if (ran < handlerCount) {
                return Optional.of("(b) generation " + generation + " acknowledged at #" + at + " after " + ran
                        + " of " + handlerCount + " handlers ran for it");
            }
            Optional<String> unfinished = unfinished(before, generation, at);
            if (unfinished.isPresent()) {
                return unfinished;
            }
            if (policy == ListenerFailurePolicy.LEAVE_OUTDATED) {
                Optional<String> forgiven = forgiven(before, started, generation, at)
                        .or(() -> forgivenInFact(before, started, generation, at));
                if (forgiven.isPresent()) {
                    return forgiven;
                }
            }
        }
        Optional<String> dropped = droppedInHand(all, entries);
        if (dropped.isPresent()) {
            return dropped;
        }
        for (Event left : all) {
            if (left.kind() == Kind.LEFT) {
                // A timeout decided just before the subscriber left can be recorded just after it: only one
                // that came well after the departure means the round waited for nobody.
                Optional<Event> late = all.stream().filter(e -> e.kind() == Kind.OUTCOME && e.party().equals(left.party())
                        && e.detail().equals("TIMEOUT") && e.nanos() - left.nanos() > timeout.toNanos() / 2).findFirst();
                if (late.isPresent()) {
                    return Optional.of("(g) " + late.get() + ": a subscriber timed out after it had left (" + left
                            + "): the round waited for nobody");
                }
            }
        }
        long closing = all.stream().filter(e -> e.kind() == Kind.CLOSING).mapToLong(Event::sequence).min()
                .orElse(Long.MAX_VALUE);
        for (Event handed : all) {
            boolean afterLeaving = all.stream().anyMatch(e -> e.kind() == Kind.LEFT && e.party().equals(handed.party())
                    && e.sequence() < handed.sequence()); // a subscriber may get signals after its cancel
            if (handed.kind() == Kind.HANDED && handed.sequence() < closing && !afterLeaving
                    && handed.detail().equals("change not-awaited")
                    && all.stream().noneMatch(e -> e.kind() == Kind.OUTCOME && e.party().equals(handed.party())
                            && e.generation() == handed.generation() && e.sequence() < handed.sequence())) {
                return Optional.of("(e) " + handed + ": a change that nobody waited for, before any outcome of it");
            }
        }
        return Optional.empty();
    }

    /** (b): every handler started and every subscriber handed the change finished before the ack. */
    private static Optional<String> unfinished(List<Event> before, int generation, long at) {
        for (Event start : before) {
            boolean handler = start.kind() == Kind.HANDLER_START;
            boolean awaited = start.kind() == Kind.HANDED && start.detail().startsWith("change")
                    && !start.detail().endsWith("not-awaited");
            if (!handler && !awaited) {
                continue;
            }
            boolean done = before.stream().anyMatch(e -> e.party().equals(start.party()) && e.sequence() > start.sequence()
                    && (e.kind() == (handler ? Kind.HANDLER_END : Kind.FINISHED)
                            || (e.kind() == Kind.OUTCOME && !e.detail().equals("SUCCESS"))));
            if (!done) {
                return Optional.of("(b) generation " + generation + " acknowledged at #" + at + " before " + start.party()
                        + " finished it (" + start + ")");
            }
        }
        return Optional.empty();
    }

    /** (c): every party that failed since the round started succeeded afterwards, before the ack. */
    private static Optional<String> forgiven(List<Event> before, long started, int generation, long at) {
        Map<String, Event> lastOutcome = before.stream()
                .filter(e -> e.kind() == Kind.OUTCOME && e.sequence() > started)
                .collect(Collectors.toMap(Event::party, e -> e, (a, b) -> a.sequence() > b.sequence() ? a : b));
        for (Event outcome : lastOutcome.values()) {
            if (!outcome.detail().equals("SUCCESS")) {
                return Optional.of("(c) generation " + generation + " acknowledged at #" + at + " under LEAVE_OUTDATED"
                        + " though " + outcome.party() + " failed it (" + outcome + ") and never succeeded since");
            }
        }
        return Optional.empty();
    }

    /**
     * (c), from what the parties did rather than what the receiver reported: every handler or subscriber
     * that failed the generation since the round started did it successfully afterwards.
     */
    private static Optional<String> forgivenInFact(List<Event> before, long started, int generation, long at) {
        for (Event failure : before) {
            boolean handler = failure.kind() == Kind.HANDLER_END;
            if ((!handler && failure.kind() != Kind.FINISHED) || !failure.detail().equals("failed")
                    || failure.sequence() < started) {
                continue;
            }
            boolean redone = before.stream().anyMatch(e -> e.kind() == failure.kind() && e.party().equals(failure.party())
                    && e.detail().equals("ok") && e.sequence() > failure.sequence());
            if (!redone) {
                return Optional.of("(c) generation " + generation + " acknowledged at #" + at + " under LEAVE_OUTDATED"
                        + " though " + failure.party() + " failed it (" + failure + ") and did not do it since");
            }
        }
        return Optional.empty();
    }

    /**
     * (f): the connection never ends normally (its last holder left) while a round is running or awaiting its
     * acknowledgement: a round keeps the connection until it has written the acknowledgement, or left the
     * generation outdated.
     */
    private static Optional<String> droppedInHand(List<Event> all, List<SimulatedJournal.Entry> entries) {
        long closing = all.stream().filter(e -> e.kind() == Kind.CLOSING).mapToLong(Event::sequence).min()
                .orElse(Long.MAX_VALUE);
        long previousEnd = 0;
        for (Event end : all) {
            if (end.kind() != Kind.DISCONNECTED) {
                continue;
            }
            long from = previousEnd;
            previousEnd = end.sequence();
            if (!end.detail().equals("normal") || end.sequence() > closing) {
                continue;
            }
            Optional<Event> round = all.stream().filter(e -> e.kind() == Kind.ROUND && e.sequence() > from
                    && e.sequence() < end.sequence()).reduce((a, b) -> b);
            if (round.isEmpty()) {
                continue;
            }
            int generation = round.get().generation();
            long started = round.get().sequence();
            boolean settled = all.stream().anyMatch(e -> e.kind() == Kind.LEFT_OUTDATED && e.generation() == generation
                    && e.sequence() > started && e.sequence() < end.sequence())
                    || entries.stream().anyMatch(e -> e.generation() == generation && e.sequence() > started
                            && e.sequence() < end.sequence() && e.kind() != SimulatedJournal.Kind.CHANGE
                            && e.kind() != SimulatedJournal.Kind.OPEN && e.kind() != SimulatedJournal.Kind.CLOSE);
            if (!settled) {
                return Optional.of("(f) the connection ended (" + end + ") with generation " + generation
                        + " in hand, neither acknowledged nor left outdated (round " + round.get() + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * (h): a checkpoint finds no file of the device open; a restore is reported by a round of its own, and
     * not again once a round for it was acknowledged, until the next checkpoint.
     */
    private static Optional<String> restores(List<Event> all, List<SimulatedJournal.Entry> entries) {
        Event acknowledgedRestore = null;
        for (Event event : all) {
            if (event.kind() == Kind.CHECKPOINT) {
                if (!event.detail().equals("open 0")) {
                    return Optional.of("(h) " + event + ": the checkpoint found files of the device open");
                }
                acknowledgedRestore = null;
            } else if (event.kind() == Kind.ROUND && event.detail().equals("restore")) {
                if (acknowledgedRestore != null) {
                    return Optional.of("(h) " + event + ": a second restore round with no checkpoint since "
                            + acknowledgedRestore + " was acknowledged");
                }
                // Its own acknowledgement comes before the next round or checkpoint (a restore round left
                // outdated, whose connection then ended, is run again by the next connection: not acknowledged).
                long next = all.stream().filter(e -> (e.kind() == Kind.ROUND || e.kind() == Kind.CHECKPOINT)
                        && e.sequence() > event.sequence()).mapToLong(Event::sequence).min().orElse(Long.MAX_VALUE);
                boolean acknowledged = entries.stream().anyMatch(e -> e.generation() == event.generation()
                        && e.sequence() > event.sequence() && e.sequence() < next
                        && (e.kind() == SimulatedJournal.Kind.ACK || e.kind() == SimulatedJournal.Kind.REPEATED_ACK));
                if (acknowledged) {
                    acknowledgedRestore = event;
                }
            }
        }
        return Optional.empty();
    }

    String report(String violation) {
        StringBuilder out = new StringBuilder(violation).append("\ntrace:\n");
        List<Object> merged = new ArrayList<>(events());
        merged.addAll(journal.entries());
        merged.sort(java.util.Comparator.comparingLong(o -> o instanceof Event e ? e.sequence()
                : ((SimulatedJournal.Entry) o).sequence()));
        for (Object o : merged) {
            out.append("  ").append(o instanceof SimulatedJournal.Entry e
                    ? "#" + e.sequence() + " device " + e.kind() + " file " + e.file() + " generation " + e.generation()
                    : o).append('\n');
        }
        return out.toString();
    }

}
