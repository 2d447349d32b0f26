package io.sysgenid.reactor;

import io.sysgenid.core.ListenerFailurePolicy;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.WaitResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p><b>One connection.</b> All subscribers of {@link #events()} and {@link #receive()} (and
 * {@link #start()} and {@link #orchestrate}) share one open device file and one watcher thread (core's
 * {@link io.sysgenid.core.GenerationWatcher}). The first subscriber opens the device; the last one to
 * leave closes it. The Flux is hot: a subscriber gets the generation current when it arrives (the one
 * found at connection, {@link GenerationEvent#isChange()} false, or the last change), then each change.
 * Rapid changes coalesce: while a generation is being handled, newer ones collapse into the latest, which
 * is handled next; memory stays bounded whatever the rate.
 *
 * <p><b>When the acknowledgement is written.</b> For each changed generation the receiver runs every
 * {@link GenerationHandler} phase by phase ({@link GenerationHandler#order()}), then delivers the event to
 * every subscriber attached at that moment, and writes the acknowledgement for that generation to the
 * device exactly once, only after every handler has completed and every subscriber has finished it: a
 * subscriber of {@link #events()} when its {@code onNext} has returned (operators that hand off to
 * another thread, such as {@code publishOn} or {@code flatMap}, return early: use {@link #receive()}
 * for asynchronous work), a subscriber of {@link #receive()} when it calls
 * {@link AcknowledgableGeneration#acknowledge()}, and any subscriber when it cancels. Nothing is
 * acknowledged before that, and a generation being handled when the connection ends is never
 * acknowledged.
 *
 * <p><b>Failures.</b> A handler or subscriber that fails or exceeds its timeout (cancelled) is reported
 * to the {@link GenerationObserver}s and logged with its name, the generation and the cause; the others
 * still run; then the {@link ListenerFailurePolicy} decides: {@code ACK_ANYWAY} (default) acknowledges,
 * {@code LEAVE_OUTDATED} leaves the device outdated, so orchestrators see this process has not
 * recovered, and runs the handlers again after the retry delay. A device failure (an error of the read,
 * the acknowledgement or the selector) ends the connection: every subscriber gets the error (typed, from
 * core: {@link io.sysgenid.core.SysGenIdException} and its subclasses), and the next subscription opens
 * the device again. Failing to open the device errors that subscription with core's actionable
 * exception ({@link io.sysgenid.core.DeviceNotFoundException}, ...). The receiver never pretends to
 * watch.
 *
 * <p><b>Threading.</b> Nothing here blocks a Reactor thread: the device is read and acknowledged on the
 * watcher's own thread, and {@link #orchestrate}'s blocking wait runs on the blocking scheduler
 * ({@link Schedulers#boundedElastic()} by default). Subscribers receive events on the watcher's thread
 * or on the thread that finished the last handler phase. All methods are thread-safe.
 */
public final class SysGenIdReceiver implements AutoCloseable {
    /** The name {@link #start()}'s own subscription has in outcomes and metrics. */
    public static final String START_NAME = "start";

    private final Settings settings;
    private final CopyOnWriteArrayList<GenerationHandler> handlers;
    private final AtomicLong subscribers = new AtomicLong();
    private final Object lock = new Object();

    // Guarded by lock.
    private Session session;
    private boolean closed;
    private volatile Optional<String> lastSource = Optional.empty();
    private volatile Optional<Throwable> lastFailure = Optional.empty();

    private SysGenIdReceiver(Builder builder) {
        this.handlers = new CopyOnWriteArrayList<>(builder.handlers);
        List<GenerationObserver> observers = new ArrayList<>(builder.observers);
        this.settings = new Settings(builder.opener, handlers,
                builder.failurePolicy, builder.defaultTimeout, builder.retryDelay, builder.timer,
                new Observers(observers), this);
    }

    /** A builder; by default the receiver opens {@link SysGenIdDevice#open()}. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- the Flux ----

    /**
     * The generations, each acknowledged for this subscriber when its {@code onNext} returns. Subscribing
     * opens the device if no other subscriber has; an error opening it errors the subscription.
     */
    public Flux<GenerationEvent> events() {
        return deliveries(Delivery::event, true, null);
    }

    /**
     * The generations, each to be acknowledged explicitly with
     * {@link AcknowledgableGeneration#acknowledge()}; otherwise as {@link #events()}.
     */
    public Flux<AcknowledgableGeneration> receive() {
        return deliveries(AcknowledgableGeneration::new, false, null);
    }

    /** @param name the subscriber's name in outcomes, or null for {@code subscriber-N} */
    private <T> Flux<T> deliveries(Function<Delivery, T> value, boolean finishOnReturn, String name) {
        Flux<Delivery> slots = Flux.create(sink -> attach(sink, name), FluxSink.OverflowStrategy.BUFFER);
        Function<? super Publisher<Delivery>, ? extends Publisher<T>> lift =
                Operators.lift((scannable, actual) -> new DeliverySubscriber<T>(actual, value, finishOnReturn));
        return Flux.from(lift.apply(slots));
    }

    private void attach(FluxSink<Delivery> sink, String name) {
        Session connected;
        try {
            connected = acquire();
        } catch (RuntimeException e) {
            sink.error(e);
            return;
        }
        Session.Slot slot = new Session.Slot(name != null ? name : "subscriber-" + subscribers.incrementAndGet(), sink);
        sink.onDispose(() -> {
            connected.detach(slot);
            release(connected);
        });
        try {
            connected.attach(slot);
        } catch (IllegalStateException e) {
            sink.error(lastFailure.orElse(e));
        }
    }

    /**
     * Keeps the device watched, so that the handlers run, until the returned {@link Disposable} is
     * disposed; after a device failure it reconnects with exponential backoff (from the retry delay to one
     * minute), and until then {@link #status()} shows it disconnected.
     *
     * @throws io.sysgenid.core.SysGenIdException (typed) if the device cannot be opened now
     */
    public Disposable start() {
        Session first = acquire();
        try {
            return deliveries(Delivery::event, true, START_NAME)
                    .retryWhen(Retry.backoff(Long.MAX_VALUE, settings.retryDelay().isZero()
                            ? Duration.ofMillis(100) : settings.retryDelay()).maxBackoff(Duration.ofMinutes(1)))
                    .subscribe(event -> { }, error -> { });
        } finally {
            release(first);
        }
    }

    // ---- handlers ----

    /**
     * Adds a handler for the generations read from now on; it is held (strongly) until the returned
     * {@link Disposable} is disposed.
     */
    public Disposable addHandler(GenerationHandler handler) {
        Objects.requireNonNull(handler, "handler");
        handlers.add(handler);
        return Disposables.composite(() -> handlers.remove(handler));
    }

    /** The handlers, in the order they were added. */
    public List<GenerationHandler> handlers() {
        return List.copyOf(handlers);
    }

    // ---- orchestration ----

    /**
     * {@link #orchestrate(Publisher, Publisher, Duration)} with nothing to pause or resume.
     */
    public Mono<OrchestrationResult> orchestrate(Duration timeout) {
        return orchestrate(Mono.empty(), Mono.empty(), timeout);
    }

    /**
     * The orchestrator's workflow after a clone or restore: subscribe to {@code pause}; make sure this
     * process has acknowledged the current generation (its handlers and subscribers are done); wait, on the
     * blocking scheduler, until every other tracked watcher has acknowledged or {@code timeout} has
     * passed (WAIT_WATCHERS, waited again whenever a newer generation arrives meanwhile and this process
     * has handled it); then subscribe to {@code resume}, which also runs if the wait fails or is
     * cancelled. Holds the device connection for its duration.
     *
     * @return the outcome, {@link OrchestrationResult#settled()} or timed out; errors if the device
     *     cannot be opened or fails (after {@code resume})
     */
    public Mono<OrchestrationResult> orchestrate(Publisher<?> pause, Publisher<?> resume, Duration timeout) {
        Objects.requireNonNull(pause, "pause");
        Objects.requireNonNull(resume, "resume");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the orchestration timeout must be positive, was " + timeout);
        }
        Mono<Void> resumed = Mono.from(resume).then();
        return Mono.usingWhen(
                Mono.fromCallable(this::acquire),
                connected -> Mono.usingWhen(
                        Mono.from(pause).then(Mono.just(connected)),
                        paused -> new Orchestration(connected, timeout, settings.blocking()).run(),
                        paused -> resumed,
                        (paused, error) -> resumed,
                        paused -> resumed),
                connected -> Mono.fromRunnable(() -> release(connected)),
                (connected, error) -> Mono.fromRunnable(() -> release(connected)),
                connected -> Mono.fromRunnable(() -> release(connected)));
    }

    /**
     * Moves the generation to max({@code minimum}, current + 1) through the connected device, or a device
     * opened for the purpose: needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN.
     *
     * @return completes once the device has moved; errors with core's
     *     {@link io.sysgenid.core.PermissionDeniedException} without the capability
     */
    public Mono<Void> forceUpdate(int minimum) {
        return Mono.fromRunnable(() -> {
            Session connected = connectedSession();
            if (connected != null) {
                connected.device().forceUpdate(minimum);
                return;
            }
            try (SysGenIdDevice device = settings.opener().get()) {
                device.forceUpdate(minimum);
            }
        });
    }

    // ---- state ----

    /** The receiver's state now. */
    public ReceiverStatus status() {
        Session connected = connectedSession();
        if (connected == null) {
            return new ReceiverStatus(false, lastSource, Optional.empty(), Optional.empty(), OptionalInt.empty(),
                    lastFailure);
        }
        return new ReceiverStatus(true, Optional.of(connected.source()), Optional.of(connected.device().abi()),
                Optional.of(connected.lastDelivered()), connected.unacknowledged(), Optional.empty());
    }

    /** The generation in the connected device's counter page; empty when not connected. */
    public OptionalInt currentGeneration() {
        Session connected = connectedSession();
        return connected == null ? OptionalInt.empty() : OptionalInt.of(connected.device().currentGeneration());
    }

    /** The device's watcher count; empty when not connected or when the kernel does not tell. */
    public OptionalInt watchers() {
        Session connected = connectedSession();
        return connected == null ? OptionalInt.empty() : connected.device().watchers();
    }

    /** The device's outdated-watcher count; empty when not connected or when the kernel does not tell. */
    public OptionalInt outdatedWatchers() {
        Session connected = connectedSession();
        return connected == null ? OptionalInt.empty() : connected.device().outdatedWatchers();
    }

    /**
     * Ends every subscription (they complete), cancels the generation being handled (not acknowledged)
     * and closes the device; later subscriptions error. Idempotent; does not block.
     */
    @Override
    public void close() {
        Session ending;
        synchronized (lock) {
            closed = true;
            ending = session;
            session = null;
        }
        if (ending != null) {
            ending.end(null);
        }
    }

    @Override
    public String toString() {
        Session connected = connectedSession();
        return "SysGenIdReceiver[" + (connected == null ? "not connected" : connected.source()) + ", "
                + handlers.size() + " handler(s)]";
    }

    // ---- connections ----

    private Session connectedSession() {
        synchronized (lock) {
            return session != null && session.isLive() ? session : null;
        }
    }

    /** Joins the live connection or opens one. */
    private Session acquire() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("this SysGenIdReceiver is closed");
            }
            if (session == null || !session.isLive()) {
                session = Session.open(settings);
                lastSource = Optional.of(session.source());
                lastFailure = Optional.empty();
                settings.observers().connected(session.source(), session.device().abi(), session.lastDelivered());
            }
            session.hold();
            return session;
        }
    }

    private void release(Session connected) {
        boolean last;
        synchronized (lock) {
            last = connected.unhold() && session == connected;
            if (last) {
                session = null;
            }
        }
        if (last) {
            connected.end(null);
        }
    }

    /** A session's device failed: it ends, and the next subscription opens a new one. */
    void failed(Session failed, Throwable cause) {
        synchronized (lock) {
            if (session == failed) {
                session = null;
            }
            lastFailure = Optional.of(cause);
        }
        failed.end(cause);
    }

    /** What sessions need of their receiver. */
    record Settings(
            Supplier<SysGenIdDevice> opener,
            List<GenerationHandler> handlers,
            ListenerFailurePolicy failurePolicy,
            Duration defaultTimeout,
            Duration retryDelay,
            Supplier<Scheduler> timers,
            Observers observers,
            SysGenIdReceiver receiver) {
        Scheduler timer() {
            return timers.get();
        }

        Scheduler blocking() {
            return Schedulers.boundedElastic();
        }

        void failed(Session session, Throwable cause) {
            receiver.failed(session, cause);
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

        private Builder() {
        }

        /**
         * How to open the device, called for each new connection; default {@link SysGenIdDevice#open()}.
         * The receiver owns and closes what it returns. For the simulated device:
         * {@code simulator::open}.
         */
        public Builder device(Supplier<SysGenIdDevice> opener) {
            this.opener = Objects.requireNonNull(opener, "opener");
            return this;
        }

        /** Adds a handler. */
        public Builder handler(GenerationHandler handler) {
            handlers.add(Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /** Adds an observer; observers are called in the order added. */
        public Builder observer(GenerationObserver observer) {
            observers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /** What to do with a generation some handler or subscriber failed; default ACK_ANYWAY. */
        public Builder failurePolicy(ListenerFailurePolicy policy) {
            this.failurePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The timeout of handlers that set none, and of subscribers; default 30 s. */
        public Builder defaultTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the default timeout must be positive, was " + timeout);
            }
            this.defaultTimeout = timeout;
            return this;
        }

        /**
         * How long to wait before running the handlers of a generation left outdated again, and before
         * {@link #start()} reconnects (doubling up to a minute); default 10 s.
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
         * up for each generation (so StepVerifier's virtual time applies).
         */
        public Builder timer(Scheduler timer) {
            Objects.requireNonNull(timer, "timer");
            this.timer = () -> timer;
            return this;
        }

        public SysGenIdReceiver build() {
            return new SysGenIdReceiver(this);
        }
    }

    /** One run of {@link #orchestrate}'s wait. */
    private static final class Orchestration {
        private final Session session;
        private final long deadline;
        private final long start = System.nanoTime();
        private final Scheduler blocking;

        Orchestration(Session session, Duration timeout, Scheduler blocking) {
            this.session = session;
            this.deadline = start + timeout.toNanos();
            this.blocking = blocking;
        }

        Mono<OrchestrationResult> run() {
            return Mono.defer(this::attempt);
        }

        private Mono<OrchestrationResult> attempt() {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Mono.fromCallable(() -> result(WaitResult.TIMED_OUT, session.unacknowledged().isEmpty()));
            }
            long acknowledgedBefore = session.acknowledgedCount();
            return Mono.fromCallable(() -> session.device().waitWatchers(Duration.ofNanos(left)))
                    .subscribeOn(blocking)
                    .flatMap(waited -> switch (waited) {
                        case ALL_ACKED -> Mono.fromCallable(() -> result(WaitResult.ALL_ACKED, true));
                        case TIMED_OUT -> Mono.fromCallable(() -> result(WaitResult.TIMED_OUT, true));
                        case SELF_OUTDATED -> session.acknowledgedMoreThan(acknowledgedBefore)
                                .timeout(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())), blocking)
                                .flatMap(acknowledged -> attempt())
                                .onErrorResume(java.util.concurrent.TimeoutException.class,
                                        e -> Mono.fromCallable(() -> result(WaitResult.TIMED_OUT, false)));
                    });
        }

        private OrchestrationResult result(WaitResult result, boolean selfAcknowledged) {
            return new OrchestrationResult(result, session.device().currentGeneration(),
                    session.device().outdatedWatchers(), selfAcknowledged,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
