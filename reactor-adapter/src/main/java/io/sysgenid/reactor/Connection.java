package io.sysgenid.reactor;

import io.sysgenid.core.GenerationListener;
import io.sysgenid.core.GenerationSource;
import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.ListenerFailurePolicy;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.WatcherFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The receiver's connection to the device: its subscribers and holders, and one open file of the device
 * watched by core's {@link GenerationWatcher} (a {@link Link}), which a JVM checkpoint closes and the
 * restore replaces. The state machine, all under this object's lock:
 *
 * <pre>
 *   idle ──read N──▶ handling N ──all finished, or ACK_ANYWAY──▶ acknowledging N ──accepted──▶ idle
 *                        │                                            └──refused (N+1 arrived)──▶ handling N+1
 *                        └──a party failed, LEAVE_OUTDATED──▶ left outdated N ──retry delay──▶ handling N (retry)
 *   any state ──JVM checkpoint (after the round in progress, or its timeout)──▶ suspended ──restore──▶ handling (restore)
 *   any state ──last holder leaves, receiver closes, device fails──▶ ended
 * </pre>
 *
 * A generation in hand (handling, acknowledging, left outdated) is never acknowledged once the connection
 * has ended or been suspended: the restore runs a round of its own. Holders (subscriptions, {@code start()},
 * orchestrations, and a generation being handled or acknowledged) keep the connection open; when the last
 * one leaves it ends. Callbacks of a link that is no longer the current one are ignored.
 */
final class Connection {
    private static final String NOT_OPENED = "(not opened: a JVM checkpoint was in progress)";

    private final SysGenIdReceiver.Settings settings;
    private final SysGenIdReceiver.Memory memory;
    private final Links links;
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
    private boolean watchWanted;
    private Link link;
    private String device = NOT_OPENED;
    private Disposable attempt;
    private GenerationEvent latest;
    /** Set when the connection ends with a file open: the observers' disconnected(), told once. */
    private volatile Ending endNotice;
    private final AtomicBoolean endNotified = new AtomicBoolean();

    private Connection(SysGenIdReceiver.Settings settings, SysGenIdReceiver.Memory memory, Links links) {
        this.settings = settings;
        this.memory = memory;
        this.links = links;
        this.inHand.tryEmitNext(false);
    }

    /**
     * Opens the device, unless a JVM checkpoint is in progress: the connection is then suspended and opens
     * it at the restore. On failure nothing stays open.
     */
    static Connection open(SysGenIdReceiver.Settings settings, SysGenIdReceiver.Memory memory, Links links,
            boolean checkpointing) {
        Connection connection = new Connection(settings, memory, links);
        if (!checkpointing) {
            Link opened = connection.openLink();
            synchronized (connection) {
                connection.linked(opened);
            }
        }
        return connection;
    }

    /** Opens a file of the device; the restore is reported on it if one is owed. */
    private Link openLink() {
        SysGenIdDevice opened = settings.opener().get();
        if (opened == null) {
            throw new NullPointerException("the device opener returned null");
        }
        try {
            return new Link(opened, memory.restoreOwed());
        } catch (RuntimeException | Error e) {
            opened.close();
            throw e;
        }
    }

    /** Under the lock: {@code opened} becomes the current link. */
    private void linked(Link opened) {
        link = opened;
        device = opened.device.path();
        if (latest == null) {
            latest = memory.handled(opened.device.currentGeneration(), device).asReplay();
        }
    }

    /**
     * Starts watching, once: called after the holder that opened the connection has attached, so that a
     * subscriber whose subscription opens the device takes part in the catch-up round. While suspended, the
     * watching starts at the restore.
     *
     * @throws RuntimeException (core's) if the watcher cannot start; the connection has then ended
     */
    void watch() {
        Link current;
        synchronized (this) {
            if (watchWanted || ended) {
                return;
            }
            watchWanted = true;
            current = link;
        }
        if (current != null) {
            startWatching(current);
        }
    }

    private void startWatching(Link current) {
        try {
            current.start(GenerationWatcher.builder(current.device)
                    .ownsDevice(true)
                    .lastHandled(memory.handledGeneration())
                    .reportRestore(current.reportRestore)
                    .failurePolicy(ListenerFailurePolicy.LEAVE_OUTDATED)
                    .retryDelay(settings.retryDelay())
                    .failureHandler(failure -> watcherFailed(current, failure))
                    .acknowledgementHandler(generation -> acknowledged(current, generation))
                    .listener(current));
        } catch (RuntimeException e) {
            end(e);
            throw e;
        }
    }

    /** The open file, or empty while suspended for a JVM checkpoint. */
    synchronized Optional<SysGenIdDevice> linkedDevice() {
        return link == null ? Optional.empty() : Optional.of(link.device);
    }

    /**
     * The open file.
     *
     * @throws IllegalStateException while suspended for a JVM checkpoint
     */
    SysGenIdDevice device() {
        return linkedDevice().orElseThrow(() -> new IllegalStateException(
                "the device is closed for a JVM checkpoint; it is reopened at the restore"));
    }

    synchronized String source() {
        return device;
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

    /** The round in hand stops holding the connection: acknowledged, superseded, left outdated or dropped. */
    private boolean releaseRound() {
        roundHolds = false;
        notifyAll(); // a checkpoint may be waiting for it
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
        if (replay != null) { // null until a connection opened while suspended reaches the device
            slot.offerReplay(Delivery.replay(replay, slot.name()));
        }
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

    private CompletionStage<?> onGeneration(Link from, int generation, GenerationSource source) {
        Round current;
        Round superseded = null;
        synchronized (this) {
            if (ended || link != from) {
                return CompletableFuture.failedFuture(new IllegalStateException("the connection has ended"));
            }
            if (round != null && !roundHolds && round.generation() == generation
                    && round.event().source() == source) {
                current = round; // a retry of a generation left outdated
            } else {
                superseded = roundHolds ? round : null;
                current = new Round(GenerationEvent.change(generation,
                        OptionalInt.of(memory.handledGeneration()), source, device), settings);
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
            if (ended || link != from) {
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
        Ending ending = null;
        synchronized (this) {
            if (round == concluded && roundHolds) {
                ending = releaseRound() ? beginEnd(null) : null;
            }
        }
        done.completeExceptionally(new LeftOutdated(concluded.event()));
        finishEnd(ending);
    }

    /** The watcher's acknowledgement of {@code generation} was accepted. */
    private void acknowledged(Link from, int generation) {
        Round acknowledged;
        Ending ending;
        synchronized (this) {
            if (link != from || round == null || round.generation() != generation || !roundHolds) {
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

    private void watcherFailed(Link from, WatcherFailure failure) {
        if (failure instanceof WatcherFailure.ListenerFailed failed && failed.cause() instanceof LeftOutdated) {
            return; // reported by conclude()
        }
        synchronized (this) {
            if (link != from) {
                return; // a link closed for a checkpoint
            }
        }
        end(failure.cause());
    }

    // ---- JVM checkpoints ----

    /**
     * Before a JVM checkpoint: waits up to {@code timeout} for the round in progress to finish, then
     * closes the file, the watcher's epoll and eventfd and the mapping, and returns once they are closed.
     * Subscribers and holders stay; a round still in hand is dropped, not acknowledged. Blocks the caller
     * (the checkpointing thread).
     */
    void suspend(Duration timeout) throws InterruptedException {
        Link closing;
        Round dropped;
        Disposable running;
        Ending ending = null;
        synchronized (this) {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (long left = timeout.toNanos(); roundHolds && !ended && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            if (ended || link == null) {
                return; // the links left are closed by the receiver
            }
            closing = link;
            link = null;
            dropped = round;
            round = null;
            running = attempt;
            attempt = null;
            if (roundHolds) {
                ending = releaseRound() ? beginEnd(null) : null;
            }
            inHand.tryEmitNext(false);
        }
        if (running != null) {
            running.dispose();
        }
        closing.closeAndWait();
        if (dropped != null) {
            dropped.notAcknowledged("a JVM checkpoint came first; the restore runs a round of its own");
        }
        settings.observers().disconnected(closing.device.path(), Optional.empty());
        finishEnd(ending);
    }

    /**
     * After a JVM restore (or a failed checkpoint): opens the device again and, if a holder wants it watched,
     * watches it, reporting the restore first. If the device cannot be opened the connection ends with
     * that error; the restore stays owed to the next connection.
     */
    void resume() {
        synchronized (this) {
            if (ended || link != null) {
                return;
            }
        }
        Link opened;
        try {
            opened = openLink();
        } catch (RuntimeException e) {
            end(e);
            return;
        }
        boolean start;
        synchronized (this) {
            if (ended || link != null) {
                opened.close();
                return;
            }
            linked(opened);
            start = watchWanted;
        }
        settings.observers().connected(opened.device.path(), opened.device.abi(), latest());
        if (start) {
            try {
                startWatching(opened);
            } catch (RuntimeException e) {
                // ended, with the error, by startWatching
            }
        }
    }

    // ---- state ----

    synchronized boolean isLive() {
        return !ended;
    }

    /** True while live and holding an open file (false while suspended for a JVM checkpoint). */
    synchronized boolean isConnected() {
        return !ended && link != null;
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

    /**
     * True if nothing is in hand, no restore is owed and this process has handled the device's current
     * generation; false while suspended.
     */
    boolean isCaughtUp() {
        SysGenIdDevice open;
        synchronized (this) {
            if (round != null || link == null) {
                return false;
            }
            open = link.device;
        }
        return !memory.restoreOwed() && memory.handledGeneration() == open.currentGeneration();
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
    private record Ending(Throwable cause, List<Slot> slots, Disposable attempt, Round dropped, Link link, String device) {}

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
        Ending ending = new Ending(cause, List.copyOf(slots), attempt, round, link, device);
        endNotice = ending;
        slots.clear();
        round = null;
        link = null;
        notifyAll(); // a checkpoint may be waiting
        inHand.tryEmitError(cause != null ? cause : new IllegalStateException("the connection to " + device + " ended"));
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
        if (ending.link() != null) {
            ending.link().close();
        }
        if (ending.dropped() != null) {
            ending.dropped().notAcknowledged("the connection to " + ending.device() + " ended first");
        }
        for (Slot slot : ending.slots()) {
            slot.end(cause);
        }
        // Observers first: the end signal lets a holder reconnect at once, and a new connection's
        // connected() must not overtake this one's disconnected() (metrics would drop the new gauges).
        notifyEnded();
        if (cause == null) {
            endSignal.tryEmitEmpty();
        } else {
            endSignal.tryEmitError(cause);
        }
    }

    /**
     * Tells the observers that this connection ended, once, if it ended with a file open: from the thread
     * that ends it, or from the receiver before it tells them of the next connection, whichever comes
     * first, so that observers hear the end of one connection before anything of the next.
     */
    void notifyEnded() {
        Ending ended = endNotice;
        if (ended != null && ended.link() != null && endNotified.compareAndSet(false, true)) {
            settings.observers().disconnected(ended.device(), Optional.ofNullable(ended.cause()));
        }
    }

    /** How an attempt ends when its generation is to stay outdated. */
    static final class LeftOutdated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeftOutdated(GenerationEvent event) {
            super("generation " + event.generationString() + " left outdated", null, false, false);
        }
    }

    /**
     * One open file of the device and, once watching, its watcher, which owns and closes it. Starting and
     * closing are serialized on the link, so a close never races a watcher being built on the file.
     */
    final class Link implements GenerationListener {
        final SysGenIdDevice device;
        /** Whether its watcher reports a JVM restore first. */
        final boolean reportRestore;
        // Guarded by this link.
        private GenerationWatcher watcher;
        private boolean closed;

        Link(SysGenIdDevice device, boolean reportRestore) {
            this.device = device;
            this.reportRestore = reportRestore;
            links.opened(this);
        }

        @Override
        public CompletionStage<?> onGeneration(int generation) {
            return onGeneration(generation, GenerationSource.DEVICE);
        }

        @Override
        public CompletionStage<?> onGeneration(int generation, GenerationSource source) {
            return Connection.this.onGeneration(this, generation, source);
        }

        /** Starts the watcher, unless the link was closed first. */
        synchronized void start(GenerationWatcher.Builder watching) {
            if (!closed) {
                watcher = watching.start();
            }
        }

        /** Closes the watcher (on its own thread) or the file; idempotent, never blocks. */
        void close() {
            close(false);
        }

        /**
         * Closes the link and waits, bounded by the watcher's close timeout, until the watcher's thread has
         * released the file, its epoll instance and eventfd, and the mapping; also for a link an earlier
         * {@link #close()} is still closing.
         */
        void closeAndWait() {
            close(true);
        }

        private void close(boolean wait) {
            GenerationWatcher closing;
            boolean first;
            synchronized (this) {
                first = !closed;
                closed = true;
                closing = watcher;
            }
            if (!first && !wait) {
                return;
            }
            if (closing == null) {
                device.close();
                closedNow();
                return;
            }
            CompletionStage<Void> stopped = closing.closeAsync();
            if (wait) {
                closing.close(); // waits for the thread, interrupting it after the close timeout
            }
            stopped.whenComplete((ignored, error) -> closedNow());
        }

        private void closedNow() {
            links.closed(this);
        }

        @Override
        public String toString() {
            return "Link[" + device.path() + (reportRestore ? ", restore" : "") + "]";
        }
    }

    /** The receiver's open links, so that a checkpoint can make sure none is left open. */
    static final class Links {
        private final Set<Link> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

        void opened(Link link) {
            open.add(link);
        }

        void closed(Link link) {
            open.remove(link);
        }

        /** Closes every link still open and waits for each (bounded by the watcher's close timeout). */
        void closeAllAndWait() {
            for (Link link : List.copyOf(open)) {
                link.closeAndWait();
            }
        }

        boolean isEmpty() {
            return open.isEmpty();
        }
    }
}
