package io.sysgenid.core;

import io.sysgenid.core.epoll.EpollSelectorProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import jnr.enxio.channels.NativeDeviceChannel;

/**
 * Watches a {@link SysGenIdDevice} on one event-loop thread, named {@value #THREAD_NAME}, whatever the
 * number of listeners: when the device becomes outdated it reads the new generation, hands it to every
 * {@link GenerationListener}, and acknowledges it once all of them have completed. A process should
 * have one watcher (one device file) and register all its listeners with it.
 *
 * <p><b>The loop.</b> The device's channel is registered with a {@link Selector} (an
 * {@link io.sysgenid.core.epoll.EpollSelector} unless the builder is given another provider). The device stays readable until the acknowledgement (level-triggered), so the loop
 * stops watching it (interest 0) between the read and the acknowledgement and watches again afterwards:
 * it never spins, and while idle it sleeps in the selector without waking. If the acknowledgement is
 * refused because a newer generation arrived meanwhile, the loop reads again and dispatches the newest
 * one: rapid generation changes coalesce, and listeners may not see every intermediate value.
 *
 * <p><b>Failures.</b> A listener that throws, returns null or completes exceptionally is reported to the
 * failure handler ({@link WatcherFailure.ListenerFailed}); the {@link ListenerFailurePolicy} then decides
 * whether the generation is acknowledged anyway or left outdated and dispatched again after the retry
 * delay. A device failure is reported ({@link WatcherFailure.DeviceFailed}) and retried after the retry
 * delay; an unusable selector or a closed device stops the watcher. The default handler logs through
 * {@link System.Logger}.
 *
 * <p><b>Threading.</b> Listeners and the failure handler run on the watcher's thread (a daemon thread);
 * listener stages may complete on any thread. {@link #addListener}, {@link #removeListener},
 * {@link #stats()} and {@link #close()} may be called from any thread.
 *
 * <p><b>Catching up.</b> A file opened after a generation change is up to date: it never reports the
 * change. A watcher that replaces an earlier one of the same process (a reconnect) is told the generation
 * last handled ({@link Builder#lastHandled(int)}) and dispatches the current one first if it differs.
 *
 * <p><b>JVM restores.</b> A watcher built after a JVM restore ({@link Builder#reportRestore(boolean)})
 * dispatches the current generation first whatever it is, marked {@link GenerationSource#JVM_RESTORE}
 * ({@link GenerationListener#onGeneration(int, GenerationSource)}); everything else it reads is a
 * {@link GenerationSource#DEVICE} change.
 *
 * <p><b>Closing.</b> {@link #close()} is idempotent: it stops the thread, waiting for it a bounded time
 * (unless called from a listener on that thread, in which case the loop stops when the listener returns),
 * closes the selector and the channel, and closes the device only if the watcher owns it
 * ({@link Builder#ownsDevice(boolean)}). A generation being handled when the watcher closes is not
 * acknowledged. Close the watcher before the device it does not own. An {@link Error} thrown by a
 * listener stops the watcher without acknowledging.
 */
public final class GenerationWatcher implements AutoCloseable {
    /** The name of every watcher's thread. */
    public static final String THREAD_NAME = "sysgenid-watcher";

    private static final System.Logger LOG = System.getLogger(GenerationWatcher.class.getName());
    private static final Duration INTERRUPT_GRACE = Duration.ofMillis(500);

    private enum State {
        /** Waiting for the device to become readable. */
        ARMED,
        /** A generation is with the listeners; the device is not watched. */
        DISPATCHING,
        /** Waiting for the retry delay; the device is not watched. */
        WAITING_TO_RETRY
    }

    private final SysGenIdDevice device;
    private final boolean ownsDevice;
    private final ListenerFailurePolicy failurePolicy;
    private final long retryDelayNanos;
    private final Consumer<? super WatcherFailure> failureHandler;
    private final IntConsumer acknowledgementHandler;
    private final Duration closeTimeout;
    private final boolean reportRestore;
    private final List<GenerationListener> listeners;
    private final Selector selector;
    private final NativeDeviceChannel channel;
    private final SelectionKey key;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Object selectorLock = new Object();
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    private volatile Thread thread;

    private volatile boolean closing;
    private boolean selectorClosed; // guarded by selectorLock

    // Loop-thread state.
    private State state = State.ARMED;
    private long retryAt;
    /** The generation dispatched and not yet acknowledged; at start, the one the builder says was handled. */
    private OptionalInt pending;
    /** What reported the pending generation; a retry reports it the same way. */
    private GenerationSource pendingSource = GenerationSource.DEVICE;

    // Statistics: written by the loop thread only.
    private volatile long wakeups;
    private volatile long reads;
    private volatile long dispatches;
    private volatile long acknowledgements;
    private volatile long refusedAcknowledgements;
    private volatile long listenerFailures;
    private volatile long deviceFailures;

    private GenerationWatcher(Builder builder) {
        this.device = builder.device;
        this.ownsDevice = builder.ownsDevice;
        this.failurePolicy = builder.failurePolicy;
        this.retryDelayNanos = builder.retryDelay.toNanos();
        this.failureHandler = builder.failureHandler;
        this.acknowledgementHandler = builder.acknowledgementHandler;
        this.closeTimeout = builder.closeTimeout;
        this.pending = builder.lastHandled;
        this.reportRestore = builder.reportRestore;
        this.listeners = new CopyOnWriteArrayList<>(builder.listeners);
        SelectorProvider provider = builder.selectorProvider;
        Selector openedSelector = null;
        NativeDeviceChannel openedChannel = null;
        try {
            openedSelector = provider.openSelector();
            openedChannel = device.openChannel(provider);
            this.key = openedChannel.register(openedSelector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            closeQuietly(openedSelector);
            closeQuietly(openedChannel);
            if (e instanceof IOException) {
                throw new UncheckedIOException("cannot watch " + device.path() + ": " + e.getMessage(), (IOException) e);
            }
            throw (RuntimeException) e;
        }
        this.selector = openedSelector;
        this.channel = openedChannel;
    }

    private GenerationWatcher startLoop() {
        Thread loop = new Thread(this::run, THREAD_NAME);
        loop.setDaemon(true);
        thread = loop;
        loop.start();
        return this;
    }

    /**
     * A builder for a watcher of {@code device}.
     *
     * @param device the device to watch
     * @return a new builder
     */
    public static Builder builder(SysGenIdDevice device) {
        return new Builder(device);
    }

    /**
     * Adds a listener; it receives the generations dispatched from now on.
     *
     * @param listener the listener to add
     */
    public void addListener(GenerationListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes a listener; a dispatch in progress still waits for it.
     *
     * @param listener the listener to remove
     * @return whether it was registered
     */
    public boolean removeListener(GenerationListener listener) {
        return listeners.remove(listener);
    }

    /** {@return the device watched} */
    public SysGenIdDevice device() {
        return device;
    }

    /** {@return the loop's counters so far} */
    public WatcherStats stats() {
        return new WatcherStats(wakeups, reads, dispatches, acknowledgements, refusedAcknowledgements,
                listenerFailures, deviceFailures);
    }

    /** {@return true until {@link #close()} is called or the watcher stops on a fatal failure} */
    public boolean isRunning() {
        return !closing && thread.isAlive();
    }

    /**
     * Stops the watcher and releases its thread, selector and channel (and the device if owned), waiting
     * at most the builder's {@linkplain Builder#closeTimeout(Duration) close timeout} for the thread: a
     * listener blocking the thread is then interrupted, and if the thread still has not stopped shortly
     * after, a warning is logged and the thread releases everything when the listener returns. If the
     * calling thread is interrupted while waiting, it stops waiting and keeps its interrupt status.
     * Idempotent; called on the watcher's own thread it does not wait.
     */
    @Override
    public void close() {
        closeAsync();
        Thread loop = thread;
        if (Thread.currentThread() == loop) {
            return;
        }
        try {
            loop.join(Math.max(1, closeTimeout.toMillis()));
            if (loop.isAlive()) {
                loop.interrupt();
                loop.join(INTERRUPT_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (loop.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "the " + THREAD_NAME + " thread of " + device.path()
                    + " did not stop within " + closeTimeout.plus(INTERRUPT_GRACE) + " of close(), even when"
                    + " interrupted: a listener is blocking it. Its descriptors are released when that listener"
                    + " returns; listeners must not block (see GenerationListener).");
        }
    }

    /**
     * Asks the watcher to stop without waiting for it: for callers that must not block, such as Reactor
     * threads. Idempotent.
     *
     * @return a stage that completes, on the watcher's thread, once the thread has released the selector,
     *     the channel and (if owned) the device
     */
    public CompletionStage<Void> closeAsync() {
        closing = true;
        if (Thread.currentThread() != thread) {
            wakeup();
        }
        return released.copy();
    }

    @Override
    public String toString() {
        return "GenerationWatcher[" + device.path() + ", " + listeners.size() + " listener(s)"
                + (isRunning() ? "" : ", stopped") + "]";
    }

    // ---- the loop ----

    private void run() {
        try {
            catchUp();
            while (!closing) {
                select();
                wakeups++;
                if (closing) {
                    break;
                }
                boolean readable = takeReadable();
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    task.run();
                }
                if (!key.isValid()) {
                    report(new WatcherFailure.DeviceFailed(
                            new IllegalStateException(device.path() + ": the channel was closed"), true));
                    break;
                }
                if (state == State.WAITING_TO_RETRY && System.nanoTime() - retryAt >= 0) {
                    readAndDispatch();
                } else if (readable && state == State.ARMED) {
                    readAndDispatch();
                }
            }
        } catch (IOException | IllegalStateException e) { // also ClosedSelectorException, CancelledKeyException
            if (!closing) {
                report(new WatcherFailure.DeviceFailed(e, true));
            }
        } catch (RuntimeException e) {
            report(new WatcherFailure.DeviceFailed(e, true));
        } catch (Error e) {
            report(new WatcherFailure.DeviceFailed(e, true));
            throw e;
        } finally {
            closing = true;
            release();
        }
    }

    private void select() throws IOException {
        if (!tasks.isEmpty()) {
            selector.selectNow();
        } else if (state == State.WAITING_TO_RETRY) {
            long nanos = retryAt - System.nanoTime();
            if (nanos <= 0) {
                selector.selectNow();
            } else {
                selector.select(Math.max(1, (nanos + 999_999) / 1_000_000));
            }
        } else {
            selector.select();
        }
    }

    private boolean takeReadable() {
        Set<SelectionKey> selected = selector.selectedKeys();
        if (selected.isEmpty()) {
            return false;
        }
        boolean readable = selected.contains(key) && key.isValid() && (key.readyOps() & SelectionKey.OP_READ) != 0;
        selected.clear();
        return readable;
    }

    /**
     * At start: after a JVM restore, the current generation is dispatched as the restore; otherwise, with
     * {@link Builder#lastHandled(int)}, a change the file missed (a file opened after a change is up to
     * date). Either comes before anything is read.
     */
    private void catchUp() {
        OptionalInt handled = pending;
        pending = OptionalInt.empty();
        int current = device.currentGeneration();
        if (reportRestore) {
            dispatch(current, GenerationSource.JVM_RESTORE);
        } else if (handled.isPresent() && current != handled.getAsInt()) {
            dispatch(current, GenerationSource.DEVICE);
        }
    }

    /**
     * Reads the device and dispatches what it returns. A file with nothing to read is watched again, unless
     * a generation is still pending (a retry of a caught-up generation, which the file never reported):
     * that one is dispatched again.
     */
    private void readAndDispatch() {
        OptionalInt generation;
        try {
            generation = device.readGeneration();
        } catch (SysGenIdException e) {
            deviceFailed(e);
            return;
        } finally {
            reads++;
        }
        if (generation.isPresent()) {
            dispatch(generation.getAsInt(), GenerationSource.DEVICE);
        } else if (state == State.WAITING_TO_RETRY && pending.isPresent()) {
            dispatch(pending.getAsInt(), pendingSource);
        } else {
            state = State.ARMED;
            watch(true);
        }
    }

    private void dispatch(int generation, GenerationSource source) {
        pending = OptionalInt.of(generation);
        pendingSource = source;
        state = State.DISPATCHING;
        dispatches++;
        List<GenerationListener> current = List.copyOf(listeners);
        if (current.isEmpty()) {
            completed(generation, List.of());
            return;
        }
        Dispatch dispatch = new Dispatch(generation, current.size());
        for (GenerationListener listener : current) {
            CompletionStage<?> stage;
            try {
                stage = listener.onGeneration(generation, source);
            } catch (RuntimeException e) {
                // Errors (OutOfMemoryError, ...) are not a listener's failure to report and ack past: they
                // end the loop below without an acknowledgement.
                dispatch.done(listener, e);
                continue;
            }
            if (stage == null) {
                dispatch.done(listener, new NullPointerException("the listener returned null instead of a stage"));
            } else {
                stage.whenComplete((ignored, failure) -> dispatch.done(listener, failure));
            }
        }
        if (dispatch.dispatched()) {
            // Every listener finished while being called: acknowledge now, with no detour through the
            // selector and no change to the interest set.
            completed(generation, dispatch.failures());
        } else {
            // Some listener is still working and the device stays readable until the ack: stop watching
            // it until then, or the loop would spin.
            watch(false);
        }
    }

    /** On the loop thread, once every listener is done with {@code generation}. */
    private void completed(int generation, List<WatcherFailure.ListenerFailed> failures) {
        if (closing) {
            return;
        }
        for (WatcherFailure.ListenerFailed failure : failures) {
            listenerFailures++;
            report(failure);
        }
        if (!failures.isEmpty() && failurePolicy == ListenerFailurePolicy.LEAVE_OUTDATED) {
            retryLater();
            return;
        }
        boolean accepted;
        try {
            accepted = device.ack(generation);
        } catch (SysGenIdException e) {
            deviceFailed(e);
            return;
        }
        pending = OptionalInt.empty();
        if (accepted) {
            acknowledgements++;
            acknowledged(generation);
            state = State.ARMED;
            watch(true);
        } else {
            // A newer generation arrived: the device is still readable, so the next select hands it over.
            refusedAcknowledgements++;
            state = State.ARMED;
            watch(true);
        }
    }

    private void deviceFailed(SysGenIdException e) {
        deviceFailures++;
        report(new WatcherFailure.DeviceFailed(e, false));
        retryLater();
    }

    private void retryLater() {
        watch(false);
        state = State.WAITING_TO_RETRY;
        retryAt = System.nanoTime() + retryDelayNanos;
    }

    private void watch(boolean readable) {
        int ops = readable ? SelectionKey.OP_READ : 0;
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    private void post(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread) {
            wakeup();
        }
    }

    private void wakeup() {
        synchronized (selectorLock) {
            if (!selectorClosed) {
                selector.wakeup();
            }
        }
    }

    private void acknowledged(int generation) {
        try {
            acknowledgementHandler.accept(generation);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the sysgenid acknowledgement handler threw", e);
        }
    }

    private void report(WatcherFailure failure) {
        try {
            failureHandler.accept(failure);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the sysgenid failure handler threw", e);
        }
    }

    private void release() {
        try {
            synchronized (selectorLock) {
                selectorClosed = true;
                closeQuietly(selector);
            }
            closeQuietly(channel);
            if (ownsDevice) {
                device.close();
            }
        } finally {
            released.complete(null);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + closeable, e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** Collects the outcome of one generation's listeners, from whatever threads they complete on. */
    private final class Dispatch {
        private final int generation;
        private final AtomicInteger pending;
        private final Queue<WatcherFailure.ListenerFailed> failures = new ConcurrentLinkedQueue<>();

        /** One count per listener, and one held by the dispatching loop until it has called them all. */
        Dispatch(int generation, int listeners) {
            this.generation = generation;
            this.pending = new AtomicInteger(listeners + 1);
        }

        /** A listener is done; the last one to finish after the dispatch posts the completion. */
        void done(GenerationListener listener, Throwable failure) {
            if (failure != null) {
                failures.add(new WatcherFailure.ListenerFailed(generation, listener, unwrap(failure)));
            }
            if (pending.decrementAndGet() == 0) {
                List<WatcherFailure.ListenerFailed> all = failures();
                post(() -> completed(generation, all));
            }
        }

        /** The loop has called every listener: true if all of them had already finished. */
        boolean dispatched() {
            return pending.decrementAndGet() == 0;
        }

        List<WatcherFailure.ListenerFailed> failures() {
            return new ArrayList<>(failures);
        }
    }

    /** Settings of a {@link GenerationWatcher}. */
    public static final class Builder {
        private final SysGenIdDevice device;
        private final List<GenerationListener> listeners = new ArrayList<>();
        private SelectorProvider selectorProvider;
        private ListenerFailurePolicy failurePolicy = ListenerFailurePolicy.ACK_ANYWAY;
        private Duration retryDelay = Duration.ofSeconds(1);
        private Consumer<? super WatcherFailure> failureHandler = Builder::log;
        private IntConsumer acknowledgementHandler = generation -> { };
        private boolean ownsDevice;
        private OptionalInt lastHandled = OptionalInt.empty();
        private Duration closeTimeout = Duration.ofSeconds(5);
        private boolean reportRestore;

        private Builder(SysGenIdDevice device) {
            this.device = Objects.requireNonNull(device, "device");
        }

        /**
         * Adds a listener (more can be added to the running watcher).
         *
         * @param listener the listener to add
         * @return this builder
         */
        public Builder listener(GenerationListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The provider of the selector and the channel; default: a new
         * {@link io.sysgenid.core.epoll.EpollSelectorProvider}.
         *
         * @param provider the selector provider
         * @return this builder
         */
        public Builder selectorProvider(SelectorProvider provider) {
            this.selectorProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * What to do when a listener fails; default {@link ListenerFailurePolicy#ACK_ANYWAY}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder failurePolicy(ListenerFailurePolicy policy) {
            this.failurePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How long to wait before dispatching again after a failure; default 1 s.
         *
         * @param delay the delay, zero or positive
         * @return this builder
         */
        public Builder retryDelay(Duration delay) {
            this.retryDelay = nonNegative(delay, "retry delay");
            return this;
        }

        /**
         * Receives every failure, on the watcher's thread; default: log a warning.
         *
         * @param handler the failure handler
         * @return this builder
         */
        public Builder failureHandler(Consumer<? super WatcherFailure> handler) {
            this.failureHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Told, on the watcher's thread, each generation the device has accepted an acknowledgement for;
         * default: nothing. It must not block. What it throws is logged and ignored.
         *
         * @param handler the acknowledgement handler
         * @return this builder
         */
        public Builder acknowledgementHandler(IntConsumer handler) {
            this.acknowledgementHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * The generation this process last finished handling, for a watcher that replaces an earlier one
         * (a reconnect, a restart): a file opened after a generation change is up to date and would never
         * report it, so if the device's generation differs from {@code generation} when the watcher starts,
         * the watcher first dispatches the current generation as if it had read it, and acknowledges it as
         * usual (on an up-to-date file the acknowledgement is a no-op; if a newer generation arrived
         * meanwhile it is refused and the newer one is read and dispatched). Under
         * {@link ListenerFailurePolicy#LEAVE_OUTDATED} a failed catch-up is dispatched again after the retry
         * delay. Default: none, the generation found at start is taken as handled.
         *
         * @param generation the generation last handled (unsigned)
         * @return this builder
         */
        public Builder lastHandled(int generation) {
            this.lastHandled = OptionalInt.of(generation);
            return this;
        }

        /**
         * Whether this watcher starts after a JVM restore (CRaC, SnapStart): if so, its first dispatch is
         * the device's current generation, marked {@link GenerationSource#JVM_RESTORE}, whatever
         * {@link #lastHandled(int)} says (a restored copy must rebuild even if the number did not move), and
         * it is acknowledged as usual. A retry under {@link ListenerFailurePolicy#LEAVE_OUTDATED} keeps the
         * mark. Default false.
         *
         * @param restore true to report a restore first
         * @return this builder
         */
        public Builder reportRestore(boolean restore) {
            this.reportRestore = restore;
            return this;
        }

        /**
         * How long {@link GenerationWatcher#close()} waits for the thread before interrupting it; default
         * 5 s.
         *
         * @param timeout zero or more
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is negative
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = nonNegative(timeout, "close timeout");
            return this;
        }

        /**
         * Whether closing the watcher closes the device too; default false.
         *
         * @param owns true to close the device with the watcher
         * @return this builder
         */
        public Builder ownsDevice(boolean owns) {
            this.ownsDevice = owns;
            return this;
        }

        /**
         * Registers the device with a new selector and starts the thread.
         *
         * @return the running watcher
         * @throws SysGenIdException if the device cannot give a channel
         * @throws UncheckedIOException if the selector cannot be opened or the channel registered
         * @throws IllegalStateException if the device is closed
         */
        public GenerationWatcher start() {
            if (selectorProvider == null) {
                selectorProvider = new EpollSelectorProvider();
            }
            return new GenerationWatcher(this).startLoop();
        }

        private static Duration nonNegative(Duration duration, String what) {
            Objects.requireNonNull(duration, what);
            if (duration.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, was " + duration);
            }
            return duration;
        }

        private static void log(WatcherFailure failure) {
            String message;
            if (failure instanceof WatcherFailure.ListenerFailed listenerFailed) {
                message = "a sysgenid listener failed generation "
                        + Integer.toUnsignedString(listenerFailed.generation());
            } else {
                message = ((WatcherFailure.DeviceFailed) failure).fatal()
                        ? "the sysgenid watcher stopped" : "a sysgenid device operation failed; retrying";
            }
            LOG.log(System.Logger.Level.WARNING, message, failure.cause());
        }
    }
}
