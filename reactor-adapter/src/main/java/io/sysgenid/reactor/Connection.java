package io.sysgenid.reactor;

import io.sysgenid.core.GenerationListener;
import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.ListenerFailurePolicy;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.WatcherFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One open file of the device, watched by core's {@link GenerationWatcher} with this connection as its
 * only listener. The state machine, all under this object's lock:
 *
 * <pre>
 *   idle ──read N──▶ handling N ──all finished, or ACK_ANYWAY──▶ acknowledging N ──accepted──▶ idle
 *                        │                                            └──refused (N+1 arrived)──▶ handling N+1
 *                        └──a party failed, LEAVE_OUTDATED──▶ left outdated N ──retry delay──▶ handling N (retry)
 *   any state ──last holder leaves, receiver closes, device fails──▶ ended
 * </pre>
 *
 * A generation in hand (handling, acknowledging, left outdated) is never acknowledged once the connection
 * has ended. Holders (subscriptions, {@code start()}, orchestrations, and a generation being handled or
 * acknowledged) keep the connection open; when the last one leaves it ends.
 */
final class Connection implements GenerationListener {
    private final SysGenIdReceiver.Settings settings;
    private final SysGenIdReceiver.Memory memory;
    private final SysGenIdDevice device;
    private final String source;
    private volatile GenerationWatcher watcher;
    private final GenerationWatcher.Builder watching;
    private final Sinks.Empty<Void> endSignal = Sinks.empty();
    /** Emits after every change of the generation in hand; true while one is. */
    private final Sinks.Many<Boolean> inHand = Sinks.many().replay().latest();

    // Guarded by this.
    private final List<Slot> slots = new ArrayList<>();
    private int holders;
    private boolean ended;
    private Throwable failure;
    private Round round;
    private boolean roundHolds;
    private boolean watchStarted;
    private Disposable attempt;
    private GenerationEvent latest;

    private Connection(SysGenIdReceiver.Settings settings, SysGenIdReceiver.Memory memory, SysGenIdDevice device) {
        this.settings = settings;
        this.memory = memory;
        this.device = device;
        this.source = device.path();
        GenerationEvent handled = memory.handled(device.currentGeneration(), source);
        this.latest = handled.asReplay();
        this.inHand.tryEmitNext(false);
        this.watching = GenerationWatcher.builder(device)
                .ownsDevice(true)
                .lastHandled(handled.generation())
                .failurePolicy(ListenerFailurePolicy.LEAVE_OUTDATED)
                .retryDelay(settings.retryDelay())
                .failureHandler(this::watcherFailed)
                .acknowledgementHandler(this::acknowledged)
                .listener(this);
    }

    /** Opens the device and starts watching it; on failure nothing stays open. */
    static Connection open(SysGenIdReceiver.Settings settings, SysGenIdReceiver.Memory memory) {
        SysGenIdDevice device = settings.opener().get();
        if (device == null) {
            throw new NullPointerException("the device opener returned null");
        }
        try {
            return new Connection(settings, memory, device);
        } catch (RuntimeException | Error e) {
            device.close();
            throw e;
        }
    }

    /**
     * Starts watching, once: called after the holder that opened the connection has attached, so that a
     * subscriber whose subscription opens the device takes part in the catch-up round.
     *
     * @throws RuntimeException (core's) if the watcher cannot start; the connection has then ended
     */
    void watch() {
        synchronized (this) {
            if (watchStarted || ended) {
                return;
            }
            watchStarted = true;
        }
        GenerationWatcher started;
        try {
            started = watching.start();
        } catch (RuntimeException e) {
            end(e);
            throw e;
        }
        watcher = started;
        if (!isLive()) {
            started.closeAsync(); // ended while starting
        }
    }

    SysGenIdDevice device() {
        return device;
    }

    String source() {
        return source;
    }

    // ---- holders ----

    /** @return false if the connection has ended (the caller opens another) */
    synchronized boolean tryHold() {
        if (ended) {
            return false;
        }
        holders++;
        return true;
    }

    /** A holder (a subscription, {@code start()}, an orchestration) leaves. */
    void release() {
        Ending ending;
        synchronized (this) {
            ending = dropHold() ? beginEnd(null) : null;
        }
        finishEnd(ending);
    }

    /** @return true if that was the last hold: the caller ends the connection, under the same lock */
    private boolean dropHold() {
        return --holders == 0 && !ended;
    }

    /** The round in hand stops holding the connection: acknowledged, superseded or left outdated. */
    private boolean releaseRound() {
        roundHolds = false;
        return dropHold();
    }

    /** Adds a subscriber (already holding): it is given the latest generation, a replay, then each change. */
    void attach(Slot slot) {
        GenerationEvent replay;
        synchronized (this) {
            if (ended) {
                slot.end(failure);
                return;
            }
            slots.add(slot);
            replay = latest;
        }
        slot.offerReplay(Delivery.replay(replay, slot.name()));
    }

    void detach(Slot slot) {
        synchronized (this) {
            slots.remove(slot);
        }
        slot.leave();
    }

    /** The slots a round delivers to: every one, or for a retry those under the names that failed. */
    private synchronized List<Slot> targets(Round delivering, Set<String> names) {
        if (names == null) {
            latest = delivering.event();
            return List.copyOf(slots);
        }
        return slots.stream().filter(slot -> names.contains(slot.name())).toList();
    }

    // ---- rounds: the watcher's thread calls, any thread finishes ----

    @Override
    public CompletionStage<?> onGeneration(int generation) {
        Round current;
        Round superseded = null;
        synchronized (this) {
            if (ended) {
                return CompletableFuture.failedFuture(new IllegalStateException("the connection has ended"));
            }
            if (round != null && round.generation() == generation && !roundHolds) {
                current = round; // a retry of a generation left outdated
            } else {
                superseded = roundHolds ? round : null;
                current = new Round(GenerationEvent.change(generation,
                        OptionalInt.of(memory.handledGeneration()), source), settings);
                round = current;
            }
            if (superseded == null && !roundHolds) {
                holders++;
            }
            roundHolds = true;
            inHand.tryEmitNext(true);
        }
        if (superseded != null) {
            superseded.acknowledged(); // refused for a newer generation: nothing is left to do for it
        }
        if (!current.isRetry()) {
            settings.observers().generationRead(current.event());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Disposable running = current.attempt(names -> targets(current, names))
                .subscribe(outcomes -> conclude(current, outcomes, done), done::completeExceptionally);
        synchronized (this) {
            if (ended) {
                running.dispose();
            } else {
                attempt = running;
            }
        }
        return done;
    }

    /** Every party of an attempt has finished: acknowledge (the watcher writes it), or leave outdated. */
    private void conclude(Round concluded, List<HandlerOutcome> outcomes, CompletableFuture<Void> done) {
        List<HandlerOutcome> failures = outcomes.stream().filter(HandlerOutcome::failed).toList();
        if (failures.isEmpty() || settings.failurePolicy() == ListenerFailurePolicy.ACK_ANYWAY) {
            memory.handled(concluded.event());
            done.complete(null);
            return;
        }
        concluded.notAcknowledged("left outdated (LEAVE_OUTDATED) because " + failures.size()
                + " part(ies) failed: " + failures);
        settings.observers().leftOutdated(concluded.event(), failures); // heard before a disconnect it causes
        Ending ending;
        synchronized (this) {
            ending = releaseRound() ? beginEnd(null) : null;
        }
        done.completeExceptionally(new LeftOutdated(concluded.event()));
        finishEnd(ending);
    }

    /** The watcher's acknowledgement of {@code generation} was accepted. */
    private void acknowledged(int generation) {
        Round acknowledged;
        Ending ending;
        synchronized (this) {
            if (round == null || round.generation() != generation || !roundHolds) {
                return;
            }
            acknowledged = round;
            round = null;
            inHand.tryEmitNext(false);
            ending = releaseRound() ? beginEnd(null) : null;
        }
        acknowledged.acknowledged();
        settings.observers().acknowledged(acknowledged.event(), acknowledged.sinceRead());
        finishEnd(ending);
    }

    private void watcherFailed(WatcherFailure failure) {
        if (failure instanceof WatcherFailure.ListenerFailed failed && failed.cause() instanceof LeftOutdated) {
            return; // reported by conclude()
        }
        end(failure.cause());
    }

    // ---- state ----

    synchronized boolean isLive() {
        return !ended;
    }

    synchronized Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** The generation read and not yet acknowledged: being handled, or left outdated. */
    synchronized OptionalInt unacknowledged() {
        return round == null ? OptionalInt.empty() : OptionalInt.of(round.generation());
    }

    synchronized GenerationEvent latest() {
        return latest;
    }

    /**
     * Completes once nothing is in hand and this process has handled the device's current generation;
     * errors if the connection ends first.
     */
    Mono<Void> caughtUp() {
        return inHand.asFlux()
                .filter(busy -> !busy && isCaughtUp()) // re-checked at every change of the generation in hand
                .next()
                .then();
    }

    /** True if nothing is in hand and this process has handled the device's current generation. */
    boolean isCaughtUp() {
        synchronized (this) {
            if (round != null) {
                return false;
            }
        }
        return memory.handledGeneration() == device.currentGeneration();
    }

    /** Completes when the connection ends normally, errors with the device failure that ended it. */
    Mono<Void> ended() {
        return endSignal.asMono();
    }

    /**
     * Ends the connection: subscribers complete ({@code cause} null) or get {@code cause}, the attempt in
     * progress is cancelled, the generation in hand is not acknowledged, and the watcher closes the device
     * on its own thread. Idempotent; never blocks.
     */
    void end(Throwable cause) {
        Ending ending;
        synchronized (this) {
            ending = beginEnd(cause);
        }
        finishEnd(ending);
    }

    /** What ending a connection leaves to do once its lock is released. */
    private record Ending(Throwable cause, List<Slot> slots, Disposable attempt, Round dropped) {}

    /**
     * Under the lock: marks the connection ended, in the same step that found it should end, so that no
     * round can start on it in between. Null if it had already ended.
     */
    private Ending beginEnd(Throwable cause) {
        if (ended) {
            return null;
        }
        ended = true;
        failure = cause;
        Ending ending = new Ending(cause, List.copyOf(slots), attempt, round);
        slots.clear();
        round = null;
        inHand.tryEmitError(cause != null ? cause : new IllegalStateException("the connection to " + source + " ended"));
        return ending;
    }

    private void finishEnd(Ending ending) {
        if (ending == null) {
            return;
        }
        Throwable cause = ending.cause();
        if (ending.attempt() != null) {
            ending.attempt().dispose();
        }
        GenerationWatcher started = watcher;
        if (started != null) {
            started.closeAsync();
        } else if (!watchStarted) {
            device.close(); // never watched: nobody else closes it
        }
        if (ending.dropped() != null) {
            ending.dropped().notAcknowledged("the connection to " + source + " ended first");
        }
        for (Slot slot : ending.slots()) {
            slot.end(cause);
        }
        // Observers first: the end signal lets a holder reconnect at once, and a new connection's
        // connected() must not overtake this one's disconnected() (metrics would drop the new gauges).
        settings.observers().disconnected(source, Optional.ofNullable(cause));
        if (cause == null) {
            endSignal.tryEmitEmpty();
        } else {
            endSignal.tryEmitError(cause);
        }
    }

    /** How an attempt ends when its generation is to stay outdated. */
    static final class LeftOutdated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeftOutdated(GenerationEvent event) {
            super("generation " + event.generationString() + " left outdated", null, false, false);
        }
    }
}
