package io.sysgenid.reactor;

import io.sysgenid.core.GenerationListener;
import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.ListenerFailurePolicy;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.WatcherFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * One connection of a {@link SysGenIdReceiver} to its device: the device file, the core watcher that
 * reads and acknowledges it, the subscribers attached to it, and the generation being handled (a round:
 * the handlers phase by phase, then the subscribers). It ends when its last holder leaves, when the
 * receiver closes, or when the device fails.
 */
final class Session implements GenerationListener {
    private final SysGenIdReceiver.Settings settings;
    private final SysGenIdDevice device;
    private final String source;
    private final GenerationWatcher watcher;
    private final Sinks.Many<Long> acknowledgements = Sinks.many().replay().latest();

    // Guarded by this.
    private final List<Slot> slots = new ArrayList<>();
    private GenerationEvent lastDelivered;
    private int holders;
    private boolean ended;
    private Disposable round;

    // Written by the watcher thread, read anywhere.
    private volatile Round current;
    private volatile long acknowledged;

    private Session(SysGenIdReceiver.Settings settings, SysGenIdDevice device) {
        this.settings = settings;
        this.device = device;
        this.source = device.path();
        this.lastDelivered = new GenerationEvent(device.currentGeneration(), OptionalInt.empty(), Instant.now(), source);
        this.acknowledgements.tryEmitNext(0L);
        this.watcher = GenerationWatcher.builder(device)
                .ownsDevice(true)
                .failurePolicy(ListenerFailurePolicy.LEAVE_OUTDATED)
                .retryDelay(settings.retryDelay())
                .failureHandler(this::watcherFailed)
                .acknowledgementHandler(this::acknowledged)
                .listener(this)
                .start();
    }

    /** Opens the device and starts watching it; on failure nothing stays open. */
    static Session open(SysGenIdReceiver.Settings settings) {
        SysGenIdDevice device = settings.opener().get();
        if (device == null) {
            throw new NullPointerException("the device opener returned null");
        }
        Session session;
        try {
            session = new Session(settings, device);
        } catch (RuntimeException | Error e) {
            device.close();
            throw e;
        }
        return session;
    }

    SysGenIdDevice device() {
        return device;
    }

    String source() {
        return source;
    }

    // ---- holders and subscribers (called with the receiver's lock held) ----

    synchronized boolean isLive() {
        return !ended;
    }

    synchronized void hold() {
        holders++;
    }

    /** @return true if that was the last holder */
    synchronized boolean unhold() {
        return --holders == 0;
    }

    /** Adds a subscriber: it gets the last delivered generation at once, then every round's. */
    void attach(Slot slot) {
        Delivery replay;
        synchronized (this) {
            if (ended) {
                throw new IllegalStateException("the connection to " + source + " has ended");
            }
            slots.add(slot);
            replay = Delivery.replay(lastDelivered, slot.name());
        }
        replay.sendTo(slot.sink());
    }

    /** Removes a subscriber; whatever it had not finished no longer holds the acknowledgement. */
    void detach(Slot slot) {
        synchronized (this) {
            slots.remove(slot);
        }
        slot.abandon();
    }

    // ---- rounds (the watcher thread) ----

    @Override
    public CompletionStage<?> onGeneration(int generation) {
        Round previous = current;
        boolean retry = previous != null && previous.event.generation() == generation && !previous.acknowledged;
        GenerationEvent event;
        synchronized (this) {
            if (ended) {
                return CompletableFuture.failedFuture(new IllegalStateException("the connection has ended"));
            }
            event = retry ? previous.event
                    : new GenerationEvent(generation, OptionalInt.of(lastDelivered.generation()), Instant.now(), source);
        }
        Round round = retry ? previous : new Round(event, System.nanoTime());
        current = round;
        if (!retry) {
            settings.observers().generationRead(event);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Disposable running = runHandlers(event)
                .flatMap(outcomes -> retry ? Mono.just(outcomes) : deliver(event).map(more -> concat(outcomes, more)))
                .subscribe(outcomes -> finish(event, outcomes, done), done::completeExceptionally);
        synchronized (this) {
            if (ended) {
                running.dispose();
            } else {
                this.round = running;
            }
        }
        return done;
    }

    private Mono<List<HandlerOutcome>> runHandlers(GenerationEvent event) {
        Map<Integer, List<GenerationHandler>> phases = new TreeMap<>();
        for (GenerationHandler handler : settings.handlers()) {
            phases.computeIfAbsent(handler.order(), order -> new ArrayList<>()).add(handler);
        }
        return Flux.fromIterable(phases.values())
                .concatMap(phase -> Flux.fromIterable(phase).flatMap(handler -> run(handler, event)))
                .collectList();
    }

    private Mono<HandlerOutcome> run(GenerationHandler handler, GenerationEvent event) {
        Scheduler timer = settings.timer();
        Duration timeout = handler.timeout().orElse(settings.defaultTimeout());
        return Mono.defer(() -> {
            long start = timer.now(TimeUnit.NANOSECONDS);
            return Mono.defer(() -> Mono.from(invoke(handler, event)))
                    .then(Mono.fromSupplier(() -> outcome(handler.name(), event, HandlerOutcome.Result.SUCCESS,
                            start, null)))
                    .timeout(timeout, Mono.fromSupplier(() -> outcome(handler.name(), event,
                            HandlerOutcome.Result.TIMEOUT, start, null)), timer)
                    .onErrorResume(e -> Mono.just(outcome(handler.name(), event, HandlerOutcome.Result.ERROR, start, e)))
                    .doOnNext(settings.observers()::handlerFinished);
        });
    }

    private static org.reactivestreams.Publisher<Void> invoke(GenerationHandler handler, GenerationEvent event) {
        org.reactivestreams.Publisher<Void> work = handler.handle(event);
        if (work == null) {
            throw new NullPointerException("handler " + handler.name() + " returned null instead of a publisher");
        }
        return work;
    }

    /** Hands {@code event} to every subscriber attached now and waits until each has finished it. */
    private Mono<List<HandlerOutcome>> deliver(GenerationEvent event) {
        List<Slot> targets;
        synchronized (this) {
            lastDelivered = event;
            targets = List.copyOf(slots);
        }
        if (targets.isEmpty()) {
            return Mono.just(List.of());
        }
        Scheduler timer = settings.timer();
        List<Mono<HandlerOutcome>> outcomes = new ArrayList<>(targets.size());
        for (Slot slot : targets) {
            Delivery delivery = Delivery.awaited(event, slot.name());
            long start = timer.now(TimeUnit.NANOSECONDS);
            outcomes.add(Mono.fromFuture(delivery.finished(), true)
                    .then(Mono.fromSupplier(() -> outcome(slot.name(), event, HandlerOutcome.Result.SUCCESS, start, null)))
                    .timeout(settings.defaultTimeout(), Mono.fromSupplier(() -> outcome(slot.name(), event,
                            HandlerOutcome.Result.TIMEOUT, start, null)), timer)
                    .onErrorResume(e -> Mono.just(outcome(slot.name(), event, HandlerOutcome.Result.ERROR, start, e)))
                    .doOnNext(settings.observers()::handlerFinished));
            slot.deliver(delivery);
        }
        return Flux.merge(outcomes).collectList();
    }

    private HandlerOutcome outcome(String name, GenerationEvent event, HandlerOutcome.Result result, long start,
            Throwable cause) {
        Duration duration = Duration.ofNanos(Math.max(0, settings.timer().now(TimeUnit.NANOSECONDS) - start));
        return new HandlerOutcome(name, event.generation(), result, duration, Optional.ofNullable(cause));
    }

    private void finish(GenerationEvent event, List<HandlerOutcome> outcomes, CompletableFuture<Void> done) {
        List<HandlerOutcome> failures = outcomes.stream().filter(HandlerOutcome::failed).toList();
        if (!failures.isEmpty() && settings.failurePolicy() == ListenerFailurePolicy.LEAVE_OUTDATED) {
            settings.observers().leftOutdated(event, failures);
            done.completeExceptionally(new LeftOutdated(event, failures));
        } else {
            done.complete(null);
        }
    }

    private static List<HandlerOutcome> concat(List<HandlerOutcome> first, List<HandlerOutcome> second) {
        List<HandlerOutcome> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private void acknowledged(int generation) {
        Round round = current;
        if (round == null || round.event.generation() != generation) {
            return;
        }
        round.acknowledged = true;
        long count = ++acknowledged;
        settings.observers().acknowledged(round.event, Duration.ofNanos(System.nanoTime() - round.readNanos));
        synchronized (acknowledgements) {
            acknowledgements.tryEmitNext(count);
        }
    }

    private void watcherFailed(WatcherFailure failure) {
        if (failure instanceof WatcherFailure.ListenerFailed listenerFailed && listenerFailed.listener() == this) {
            return; // a round this session failed on purpose (LEAVE_OUTDATED), already reported
        }
        settings.failed(this, failure.cause());
    }

    // ---- state ----

    /** The generation read and not yet acknowledged, if any. */
    OptionalInt unacknowledged() {
        Round round = current;
        return round == null || round.acknowledged ? OptionalInt.empty() : OptionalInt.of(round.event.generation());
    }

    synchronized GenerationEvent lastDelivered() {
        return lastDelivered;
    }

    /** How many generations this session has acknowledged. */
    long acknowledgedCount() {
        return acknowledged;
    }

    /** Emits once this session has acknowledged more than {@code count} generations; errors if it ends. */
    Mono<Long> acknowledgedMoreThan(long count) {
        return acknowledgements.asFlux().filter(n -> n > count).next();
    }

    /**
     * Ends the session: the subscribers complete ({@code cause} null) or get {@code cause}, the round in
     * progress is cancelled (its generation is not acknowledged), and the watcher closes the device on its
     * own thread. Idempotent; never blocks.
     */
    void end(Throwable cause) {
        List<Slot> left;
        Disposable running;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            left = List.copyOf(slots);
            slots.clear();
            running = round;
        }
        if (running != null) {
            running.dispose();
        }
        watcher.closeAsync();
        synchronized (acknowledgements) {
            acknowledgements.tryEmitError(cause != null ? cause
                    : new IllegalStateException("the connection to " + source + " has ended"));
        }
        for (Slot slot : left) {
            slot.end(cause);
        }
        settings.observers().disconnected(source, Optional.ofNullable(cause));
    }

    /** One generation's handling. */
    private static final class Round {
        final GenerationEvent event;
        final long readNanos;
        volatile boolean acknowledged;

        Round(GenerationEvent event, long readNanos) {
            this.event = event;
            this.readNanos = readNanos;
        }
    }

    /** The stage a round fails with when the generation is to stay outdated. */
    static final class LeftOutdated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeftOutdated(GenerationEvent event, List<HandlerOutcome> failures) {
            super("generation " + event.generationString() + " left outdated: " + failures, null, false, false);
        }
    }

    /** One subscriber of the receiver's Flux. */
    static final class Slot {
        private final String name;
        private final FluxSink<Delivery> sink;
        private Delivery pending; // guarded by this

        Slot(String name, FluxSink<Delivery> sink) {
            this.name = name;
            this.sink = sink;
        }

        String name() {
            return name;
        }

        FluxSink<Delivery> sink() {
            return sink;
        }

        void deliver(Delivery delivery) {
            synchronized (this) {
                pending = delivery;
            }
            delivery.sendTo(sink);
        }

        /** The subscriber left: it no longer holds any acknowledgement. */
        void abandon() {
            Delivery last;
            synchronized (this) {
                last = pending;
                pending = null;
            }
            if (last != null) {
                last.finish(null);
            }
        }

        void end(Throwable cause) {
            if (cause == null) {
                sink.complete();
            } else {
                sink.error(cause);
            }
        }
    }
}
