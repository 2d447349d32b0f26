package io.sysgenid.reactor;

import io.sysgenid.core.GenerationSource;
import io.sysgenid.core.ListenerFailurePolicy;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.crac.CracRestoreSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Generation events of a System Generation ID device as a Reactor {@link Flux}, with the device's
 * acknowledgement written back once everybody is done.
 *
 * <p><b>What it promises.</b> While the receiver is connected, for every generation the device reaches it
 * runs a round for that generation or a newer one (rapid changes coalesce into the latest): every
 * {@link GenerationHandler}, phase by phase ({@link GenerationHandler#order()}), then a delivery to every
 * subscriber attached at that moment. It writes the acknowledgement for that generation exactly once, and
 * only after every handler has completed and every subscriber has finished it:
 * <ul>
 *   <li>a subscriber of {@link #events()} when its {@code onNext} has returned (operators that hand off to
 *       another thread, such as {@code publishOn} or {@code flatMap}, return early: use {@link #receive()}
 *       for asynchronous or fallible work; an exception in that {@code onNext} goes to Reactor's error
 *       handling, which the receiver does not see);</li>
 *   <li>a subscriber of {@link #receive()} when it calls {@link AcknowledgableGeneration#acknowledge()} or
 *       {@link AcknowledgableGeneration#commit()}.</li>
 * </ul>
 * A subscriber that cancels (or whose pipeline fails) after being given the generation and before
 * finishing it, rejects it, or exceeds the subscriber timeout has failed it; a handler that errors,
 * returns null or exceeds its timeout (it is cancelled) has failed it. Failures are reported with the
 * party's name, the generation and the cause, the other parties still run, and the
 * {@link ListenerFailurePolicy} decides: {@code ACK_ANYWAY} (default) acknowledges; {@code LEAVE_OUTDATED}
 * leaves the device outdated, so orchestrators see this process has not recovered, and after the retry
 * delay runs the failed handlers again and gives the generation again to the subscribers now attached
 * under each failed subscriber's name. A round that has started keeps the connection open until it has
 * written its acknowledgement, even if every subscriber leaves. A generation in hand when the connection
 * ends with a device failure or {@link #close()} is not acknowledged.
 *
 * <p><b>Across connections.</b> The receiver remembers the last generation it finished handling. The
 * first connection of a receiver takes the generation it finds as its starting point (its
 * {@linkplain GenerationEvent#replay() replay}; no round runs), unless the builder was given one
 * ({@link Builder#baseline(int)}). Every later connection (after a device failure, after the last
 * subscriber left, after {@code start()} was disposed and called again) that finds a different generation
 * runs a full round for it, as a change from the remembered one, before anything else. A file opened
 * after a change is up to date, so orchestrators do not wait for that catch-up round;
 * {@link #orchestrate} does.
 *
 * <p><b>Subscribers</b> share one connection: one open device file and core's one watcher thread. The
 * first subscriber opens the device and the last one to leave closes it. The Flux is hot: a subscriber
 * first gets a replay of the latest generation ({@link GenerationEvent#isChange()} false), then each
 * change. A subscriber holds at most one undelivered generation: one that arrives while it has no demand
 * waits for its next request, and a newer one replaces it. The round waits for such a subscriber like any
 * other, up to the subscriber timeout; then it reports a {@code TIMEOUT} whose cause says the subscriber
 * requested nothing, and the generation is still delivered, no longer awaited, when it requests. Name a
 * subscription ({@link #events(String)}, {@link #receive(String)}) to tell it apart in outcomes and
 * metrics; unnamed ones share {@value #DEFAULT_SUBSCRIBER_NAME}.
 *
 * <p><b>JVM restores.</b> A JVM restored from a checkpoint (OpenJDK CRaC; AWS Lambda SnapStart) is a copy
 * too. Where the runtime supports it ({@link CracRestoreSource#isSupported()}; {@link Builder#jvmRestores(boolean)}
 * turns it off), the receiver takes part in checkpoints through {@code org.crac}: before one it waits for
 * the round in progress (up to {@link Builder#checkpointTimeout(Duration)}; a round still unfinished then is
 * dropped, not acknowledged) and closes every descriptor it holds (the device file, the watcher's epoll
 * instance and eventfd, the mapped counter page), keeping its subscribers; after the restore it reopens the
 * device and runs one round for the restore, a change marked {@link GenerationSource#JVM_RESTORE}
 * ({@link GenerationEvent#isRestore()}), whatever the device's number says, and acknowledges it as usual.
 * Each restore of one checkpoint gives one such round, in each copy. If nothing watches the device at the
 * restore, the next connection runs it; if the device cannot be opened at the restore, subscribers get that
 * error and the next connection runs it. An {@link #orchestrate} in progress at a checkpoint may fail.
 *
 * <p><b>Errors.</b> A device failure (an error of the read, the acknowledgement or the selector) ends the
 * connection: every subscriber gets the error (typed, from core: {@link io.sysgenid.core.SysGenIdException}
 * and its subclasses), and the next subscription opens the device again. Failing to open the device errors
 * that subscription with core's actionable exception ({@link io.sysgenid.core.DeviceNotFoundException},
 * ...). Subscribing to a closed receiver errors with {@link IllegalStateException}.
 *
 * <p><b>Threading.</b> Nothing here blocks a Reactor thread: the device is read and acknowledged on the
 * watcher's own thread, and {@link #orchestrate}'s blocking wait runs on
 * {@link Schedulers#boundedElastic()}. Handlers are called, and subscribers receive, on the watcher's
 * thread or on the thread that finished the previous phase or requested. All methods are thread-safe.
 */
public final class SysGenIdReceiver implements AutoCloseable {
    /** The name of subscriptions that were not given one, in outcomes and metrics. */
    public static final String DEFAULT_SUBSCRIBER_NAME = "subscriber";

    private final Settings settings;
    private final Memory memory;
    private final Connection.Links links = new Connection.Links();
    private final Duration checkpointTimeout;
    private final CracRestoreSource restores;
    private final Object lock = new Object();

    // Guarded by lock.
    private Connection connection;
    private boolean closed;
    private boolean checkpointing;

    private SysGenIdReceiver(Builder builder) {
        this.settings = new Settings(builder.opener, new CopyOnWriteArrayList<>(builder.handlers),
                builder.failurePolicy, builder.defaultTimeout, builder.retryDelay, builder.timer,
                new Observers(new ArrayList<>(builder.observers)));
        this.memory = new Memory(builder.baseline);
        this.checkpointTimeout = builder.checkpointTimeout;
        this.restores = builder.jvmRestores && CracRestoreSource.isSupported()
                ? CracRestoreSource.register(new Checkpoints()) : null;
    }

    /** {@return a builder; by default the receiver opens {@link SysGenIdDevice#open()}} */
    public static Builder builder() {
        return new Builder();
    }

    // ---- the Flux ----

    /** {@return {@link #events(String)} under {@value #DEFAULT_SUBSCRIBER_NAME}} */
    public Flux<GenerationEvent> events() {
        return events(DEFAULT_SUBSCRIBER_NAME);
    }

    /**
     * The generations, each finished for this subscriber when its {@code onNext} returns. Subscribing
     * opens the device if no other subscriber has; an error opening it errors the subscription.
     *
     * @param name the subscription's name in outcomes and metrics; keep the set of names small
     * @return the generations, hot: a replay first, then each change
     * @throws IllegalArgumentException if {@code name} is null or blank
     */
    public Flux<GenerationEvent> events(String name) {
        return deliveries(name, Delivery::event, true);
    }

    /** {@return {@link #receive(String)} under {@value #DEFAULT_SUBSCRIBER_NAME}} */
    public Flux<AcknowledgableGeneration> receive() {
        return receive(DEFAULT_SUBSCRIBER_NAME);
    }

    /**
     * The generations, each to be finished explicitly ({@link AcknowledgableGeneration#acknowledge()},
     * {@link AcknowledgableGeneration#commit()}); otherwise as {@link #events(String)}.
     *
     * @param name the subscription's name in outcomes and metrics; keep the set of names small
     * @return the generations, hot: a replay first, then each change
     * @throws IllegalArgumentException if {@code name} is null or blank
     */
    public Flux<AcknowledgableGeneration> receive(String name) {
        return deliveries(name, AcknowledgableGeneration::new, false);
    }

    private <T> Flux<T> deliveries(String name, Function<Delivery, T> value, boolean finishOnReturn) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a subscription name must not be null or blank, was '" + name + "'");
        }
        Flux<Delivery> slots = Flux.create(sink -> attach(new Slot(name, sink), sink), FluxSink.OverflowStrategy.BUFFER);
        Function<? super Publisher<Delivery>, ? extends Publisher<T>> lift =
                Operators.lift((scannable, actual) -> new DeliverySubscriber<T>(actual, value, finishOnReturn));
        return Flux.from(lift.apply(slots));
    }

    private void attach(Slot slot, FluxSink<Delivery> sink) {
        Connection held;
        try {
            held = acquire();
        } catch (RuntimeException e) {
            sink.error(e);
            return;
        }
        sink.onDispose(() -> {
            held.detach(slot);
            held.release();
        });
        held.attach(slot);
        try {
            held.watch();
        } catch (RuntimeException e) {
            sink.error(e);
        }
    }

    /**
     * Keeps the device watched, so that the handlers run, until the returned {@link Disposable} is
     * disposed or the receiver closed (its {@code isDisposed()} is then true); after a device failure it reconnects with exponential backoff (from
     * the retry delay to one minute), and until then {@link #status()} shows it disconnected. Each
     * reconnection catches up on a generation missed meanwhile.
     *
     * @return what stops the watching
     *
     * @throws io.sysgenid.core.SysGenIdException (typed) if the device cannot be opened now
     * @throws IllegalStateException if the receiver is closed
     */
    public Disposable start() {
        AtomicReference<Connection> first = new AtomicReference<>(acquireWatching());
        Mono<Connection> hold = Mono.fromCallable(() -> {
            Connection opened = first.getAndSet(null);
            return opened != null ? opened : acquireWatching();
        });
        Duration delay = settings.retryDelay().isZero() ? Duration.ofMillis(100) : settings.retryDelay();
        Disposable watching = Mono.usingWhen(hold, Connection::ended, held -> Mono.fromRunnable(held::release))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, delay).maxBackoff(Duration.ofMinutes(1))
                        .filter(error -> !isClosed()))
                .subscribe(done -> { }, error -> { });
        return new Disposable() {
            @Override
            public void dispose() {
                watching.dispose();
                Connection unused = first.getAndSet(null);
                if (unused != null) {
                    unused.release();
                }
            }

            @Override
            public boolean isDisposed() {
                return watching.isDisposed();
            }
        };
    }

    // ---- handlers ----

    /**
     * Adds a handler for the rounds that start from now on; it is held (strongly) until the returned
     * {@link Disposable} is disposed.
     *
     * @param handler the handler
     * @return what removes it
     */
    public Disposable addHandler(GenerationHandler handler) {
        Objects.requireNonNull(handler, "handler");
        settings.handlers().add(handler);
        return Disposables.composite(() -> settings.handlers().remove(handler));
    }

    /** {@return the handlers, in the order they were added} */
    public List<GenerationHandler> handlers() {
        return List.copyOf(settings.handlers());
    }

    // ---- orchestration ----

    /**
     * {@link #orchestrate(Publisher, Publisher, Duration)} with nothing to pause or resume.
     *
     * @param timeout how long to wait in all, positive
     * @return the outcome
     */
    public Mono<OrchestrationResult> orchestrate(Duration timeout) {
        return orchestrate(Mono.empty(), Mono.empty(), timeout);
    }

    /**
     * The orchestrator's workflow after a clone or restore: subscribe to {@code pause}; wait until this
     * process has handled the device's current generation (its handlers and subscribers are done and it
     * acknowledged); wait, on the blocking scheduler, until every other tracked watcher has acknowledged
     * (WAIT_WATCHERS), starting over whenever a newer generation arrives; all within {@code timeout}; then
     * subscribe to {@code resume}, which also runs if the wait fails or is cancelled. Holds the device
     * connection for its duration.
     *
     * @param pause what to do first (subscribed to, its values ignored)
     * @param resume what to do last, whatever happened
     * @param timeout how long to wait in all, positive
     * @return the outcome, {@link OrchestrationResult#settled()} or timed out; errors if the device cannot
     *     be opened or fails (after {@code resume})
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Mono<OrchestrationResult> orchestrate(Publisher<?> pause, Publisher<?> resume, Duration timeout) {
        Objects.requireNonNull(pause, "pause");
        Objects.requireNonNull(resume, "resume");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the orchestration timeout must be positive, was " + timeout);
        }
        Mono<Void> resumed = Mono.from(resume).then();
        return Mono.usingWhen(
                Mono.fromCallable(this::acquireWatching),
                held -> Mono.usingWhen(
                        Mono.from(pause).then(Mono.just(held)),
                        paused -> new Orchestration(held, timeout, Schedulers.boundedElastic()).run(),
                        paused -> resumed,
                        (paused, error) -> resumed,
                        paused -> resumed),
                held -> Mono.fromRunnable(held::release));
    }

    /**
     * Moves the generation to max({@code minimum}, current + 1) through the connected device, or a device
     * opened for the purpose: needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN.
     *
     * @param minimum the least generation to move to (unsigned)
     * @return completes once the device has moved; errors with core's
     *     {@link io.sysgenid.core.PermissionDeniedException} without the capability
     */
    public Mono<Void> forceUpdate(int minimum) {
        return Mono.fromRunnable(() -> {
            Connection connected = connected();
            if (connected != null) {
                connected.device().forceUpdate(minimum);
                return;
            }
            synchronized (lock) {
                if (checkpointing) {
                    throw new IllegalStateException("cannot open the device during a JVM checkpoint; force the"
                            + " update after the restore");
                }
            }
            try (SysGenIdDevice device = settings.opener().get()) {
                device.forceUpdate(minimum);
            }
        });
    }

    // ---- state ----

    /** {@return the receiver's state now} */
    public ReceiverStatus status() {
        Connection last;
        synchronized (lock) {
            last = connection;
        }
        Optional<GenerationEvent> handled = memory.handled();
        Set<GenerationSource> sources = EnumSet.noneOf(GenerationSource.class);
        if (restores != null) {
            sources.add(GenerationSource.JVM_RESTORE);
        }
        Optional<SysGenIdDevice> open = last == null ? Optional.empty() : last.linkedDevice();
        if (last == null || !last.isLive() || open.isEmpty()) {
            return new ReceiverStatus(false, Optional.ofNullable(last).map(Connection::source), Optional.empty(),
                    handled, last == null ? OptionalInt.empty() : last.unacknowledged(),
                    last == null ? Optional.empty() : last.failure(), sources);
        }
        sources.add(GenerationSource.DEVICE);
        return new ReceiverStatus(true, Optional.of(last.source()), Optional.of(open.get().abi()),
                Optional.ofNullable(last.latest()), last.unacknowledged(), Optional.empty(), sources);
    }

    /** {@return the generation in the connected device's counter page; empty when not connected} */
    public OptionalInt currentGeneration() {
        Optional<SysGenIdDevice> open = openDevice();
        return open.isEmpty() ? OptionalInt.empty() : OptionalInt.of(open.get().currentGeneration());
    }

    /** {@return the device's watcher count; empty when not connected or when the kernel does not tell} */
    public OptionalInt watchers() {
        return openDevice().map(SysGenIdDevice::watchers).orElse(OptionalInt.empty());
    }

    /**
     * {@return the device's outdated-watcher count; empty when not connected or when the kernel does not
     * tell}
     */
    public OptionalInt outdatedWatchers() {
        return openDevice().map(SysGenIdDevice::outdatedWatchers).orElse(OptionalInt.empty());
    }

    /**
     * Ends every subscription (they complete) and {@link #start()}, cancels the generation in hand (not
     * acknowledged) and closes the device; later subscriptions error. Idempotent; does not block.
     */
    @Override
    public void close() {
        Connection ending;
        synchronized (lock) {
            closed = true;
            ending = connection;
        }
        if (restores != null) {
            restores.close();
        }
        if (ending != null) {
            ending.end(null);
        }
    }

    @Override
    public String toString() {
        Connection connected = connected();
        return "SysGenIdReceiver[" + (connected == null ? "not connected" : connected.source()) + ", "
                + settings.handlers().size() + " handler(s)]";
    }

    // ---- connections ----

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private Connection connected() {
        synchronized (lock) {
            return connection != null && connection.isConnected() ? connection : null;
        }
    }

    private Optional<SysGenIdDevice> openDevice() {
        Connection connected = connected();
        return connected == null ? Optional.empty() : connected.linkedDevice();
    }

    /** Holds the live connection, or opens one, and makes sure it watches the device. */
    private Connection acquireWatching() {
        Connection held = acquire();
        try {
            held.watch();
        } catch (RuntimeException e) {
            held.release();
            throw e;
        }
        return held;
    }

    /** Holds the live connection, or opens one (the caller starts it watching). */
    private Connection acquire() {
        Connection opened;
        Connection previous;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("this SysGenIdReceiver is closed");
            }
            if (connection != null && connection.tryHold()) {
                return connection;
            }
            previous = connection;
            opened = Connection.open(settings, memory, links, checkpointing);
            opened.tryHold();
            connection = opened;
        }
        if (previous != null) {
            previous.notifyEnded(); // its ending thread may not have got there yet: the end is heard first
        }
        opened.linkedDevice().ifPresent(
                open -> settings.observers().connected(opened.source(), open.abi(), opened.latest()));
        return opened;
    }

    /** Takes part in JVM checkpoints, through core's {@link CracRestoreSource}. */
    private final class Checkpoints implements CracRestoreSource.Participant {
        @Override
        public void beforeCheckpoint() throws InterruptedException {
            Connection current;
            synchronized (lock) {
                checkpointing = true;
                current = connection;
            }
            if (current != null) {
                current.suspend(checkpointTimeout);
            }
            links.closeAllAndWait(); // a connection that ended is still closing on its watcher's thread
            if (!links.isEmpty()) {
                throw new IllegalStateException("sysgenid: a watcher thread did not release the device within its"
                        + " close timeout; a handler or subscriber is blocking it (see GenerationHandler)");
            }
        }

        @Override
        public void afterRestore() {
            memory.restored();
            Connection current;
            synchronized (lock) {
                checkpointing = false;
                current = connection;
            }
            if (current != null) {
                current.resume();
            }
        }

        @Override
        public String toString() {
            return SysGenIdReceiver.this.toString();
        }
    }

    /** What connections need of their receiver. */
    record Settings(
            Supplier<SysGenIdDevice> opener,
            List<GenerationHandler> handlers,
            ListenerFailurePolicy failurePolicy,
            Duration defaultTimeout,
            Duration retryDelay,
            Supplier<Scheduler> timers,
            Observers observers) {
        Scheduler timer() {
            return timers.get();
        }
    }

    /**
     * The last generation this receiver finished handling, across its connections; and whether a JVM
     * restore is still to be handled (set at the restore, cleared by the first round handled after it).
     */
    static final class Memory {
        private final OptionalInt baseline;
        private GenerationEvent handled; // guarded by this
        private boolean restoreOwed; // guarded by this

        Memory(OptionalInt baseline) {
            this.baseline = baseline;
        }

        /** The last handled; on the first connection, the baseline or else {@code current}. */
        synchronized GenerationEvent handled(int current, String source) {
            if (handled == null) {
                handled = GenerationEvent.baseline(baseline.orElse(current), source);
            }
            return handled;
        }

        synchronized void handled(GenerationEvent event) {
            handled = event;
            restoreOwed = false;
        }

        synchronized void restored() {
            restoreOwed = true;
        }

        synchronized boolean restoreOwed() {
            return restoreOwed;
        }

        synchronized Optional<GenerationEvent> handled() {
            return Optional.ofNullable(handled);
        }

        synchronized int handledGeneration() {
            return handled.generation();
        }
    }

    /** Settings of a {@link SysGenIdReceiver}. */
    public static final class Builder {
        private Supplier<SysGenIdDevice> opener = SysGenIdDevice::open;
        private final List<GenerationHandler> handlers = new ArrayList<>();
        private final List<GenerationObserver> observers = new ArrayList<>();
        private ListenerFailurePolicy failurePolicy = ListenerFailurePolicy.ACK_ANYWAY;
        private Duration defaultTimeout = Duration.ofSeconds(30);
        private Duration retryDelay = Duration.ofSeconds(10);
        private Supplier<Scheduler> timer = Schedulers::parallel;
        private OptionalInt baseline = OptionalInt.empty();
        private boolean jvmRestores = true;
        private Duration checkpointTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * How to open the device, called for each new connection; default {@link SysGenIdDevice#open()}.
         * The receiver owns and closes what it returns. For the simulated device:
         * {@code simulator::open}.
         *
         * @param opener opens one file of the device
         * @return this builder
         */
        public Builder device(Supplier<SysGenIdDevice> opener) {
            this.opener = Objects.requireNonNull(opener, "opener");
            return this;
        }

        /**
         * Adds a handler.
         *
         * @param handler the handler
         * @return this builder
         */
        public Builder handler(GenerationHandler handler) {
            handlers.add(Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Adds an observer; observers are called in the order added.
         *
         * @param observer the observer
         * @return this builder
         */
        public Builder observer(GenerationObserver observer) {
            observers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /**
         * What to do with a generation some handler or subscriber failed; default ACK_ANYWAY.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder failurePolicy(ListenerFailurePolicy policy) {
            this.failurePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The timeout of handlers that set none, and of subscribers; default 30 s.
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder defaultTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the default timeout must be positive, was " + timeout);
            }
            this.defaultTimeout = timeout;
            return this;
        }

        /**
         * How long to wait before trying a generation left outdated again, and before {@link #start()}
         * reconnects (doubling up to a minute); default 10 s.
         *
         * @param delay zero or more
         * @return this builder
         * @throws IllegalArgumentException if {@code delay} is negative
         */
        public Builder retryDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("the retry delay must not be negative, was " + delay);
            }
            this.retryDelay = delay;
            return this;
        }

        /**
         * The scheduler that times handlers and subscribers; default {@link Schedulers#parallel()}, looked
         * up for each round (so StepVerifier's virtual time applies).
         *
         * @param timer the scheduler
         * @return this builder
         */
        public Builder timer(Scheduler timer) {
            Objects.requireNonNull(timer, "timer");
            this.timer = () -> timer;
            return this;
        }

        /**
         * The generation this process's state was built for (unsigned), for a process that knows it (for
         * example, read from the device before building its secrets): if the first connection finds
         * another, it runs a round for it as a change. Default: the generation the first connection finds.
         *
         * @param generation the generation (unsigned)
         * @return this builder
         */
        public Builder baseline(int generation) {
            this.baseline = OptionalInt.of(generation);
            return this;
        }

        /**
         * Whether to take part in JVM checkpoints and report restores (see the class description) when the
         * runtime supports them ({@link CracRestoreSource#isSupported()}); default true.
         *
         * @param enabled false to ignore JVM checkpoints (a checkpoint then fails on the open device)
         * @return this builder
         */
        public Builder jvmRestores(boolean enabled) {
            this.jvmRestores = enabled;
            return this;
        }

        /**
         * How long a JVM checkpoint waits for the round in progress to finish before dropping it; default
         * 30 s.
         *
         * @param timeout zero or more
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is negative
         */
        public Builder checkpointTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("the checkpoint timeout must not be negative, was " + timeout);
            }
            this.checkpointTimeout = timeout;
            return this;
        }

        /** {@return a receiver with these settings; it opens nothing yet, and registers for JVM checkpoints if enabled and supported} */
        public SysGenIdReceiver build() {
            return new SysGenIdReceiver(this);
        }
    }
}
