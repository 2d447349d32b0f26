package io.sysgenid.reactor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The handling of one generation: every handler phase by phase ({@link GenerationHandler#order()}), then
 * a delivery to every subscriber, each party within its timeout. An attempt yields every party's outcome;
 * it never errors. A retry (after failures under LEAVE_OUTDATED) involves only the parties that failed:
 * the failed handlers still registered, and the subscribers now attached under each failed subscriber's
 * name (a name with none attached fails again).
 */
final class Round {
    private final GenerationEvent event;
    private final long readNanos = System.nanoTime();
    private final SysGenIdReceiver.Settings settings;

    // Set between attempts, on the thread that concludes one; attempts never overlap.
    private volatile Set<GenerationHandler> failedHandlers;
    private volatile Set<String> failedSubscribers;
    private volatile Sinks.Empty<Void> concluded = Sinks.empty();

    Round(GenerationEvent event, SysGenIdReceiver.Settings settings) {
        this.event = event;
        this.settings = settings;
    }

    GenerationEvent event() {
        return event;
    }

    int generation() {
        return event.generation();
    }

    Duration sinceRead() {
        return Duration.ofNanos(System.nanoTime() - readNanos);
    }

    boolean isRetry() {
        return failedHandlers != null;
    }

    /**
     * Runs one attempt.
     *
     * @param subscribers the slots to deliver to: given null on the first attempt (every slot), or the
     *     names of the subscribers that failed the last one
     */
    Mono<List<HandlerOutcome>> attempt(Function<Set<String>, List<Slot>> subscribers) {
        Sinks.Empty<Void> thisAttempt = Sinks.empty();
        concluded = thisAttempt;
        Set<GenerationHandler> retryHandlers = failedHandlers;
        Set<String> retrySubscribers = failedSubscribers;
        Map<Integer, List<GenerationHandler>> phases = new TreeMap<>();
        for (GenerationHandler handler : settings.handlers()) {
            if (retryHandlers == null || retryHandlers.contains(handler)) {
                phases.computeIfAbsent(handler.order(), order -> new ArrayList<>()).add(handler);
            }
        }
        Set<GenerationHandler> failed = ConcurrentHashMap.newKeySet();
        Set<String> failedNames = ConcurrentHashMap.newKeySet();
        return Flux.fromIterable(phases.values())
                .concatMap(phase -> Flux.fromIterable(phase).flatMap(handler -> run(handler)
                        .doOnNext(outcome -> {
                            if (outcome.failed()) {
                                failed.add(handler);
                            }
                        })))
                .concatWith(Flux.defer(() -> deliver(subscribers.apply(retrySubscribers), retrySubscribers,
                        thisAttempt)).doOnNext(outcome -> {
                            if (outcome.failed()) {
                                failedNames.add(outcome.name());
                            }
                        }))
                .collectList()
                .doOnNext(all -> {
                    failedHandlers = failed;
                    failedSubscribers = failedNames;
                });
    }

    private Mono<HandlerOutcome> run(GenerationHandler handler) {
        Scheduler timer = settings.timer();
        Duration timeout = handler.timeout().orElse(settings.defaultTimeout());
        return Mono.defer(() -> {
            long start = timer.now(TimeUnit.NANOSECONDS);
            return Mono.defer(() -> Mono.from(invoke(handler)))
                    .then(Mono.fromSupplier(() -> outcome(handler.name(), HandlerOutcome.Result.SUCCESS, start, null)))
                    .timeout(timeout, Mono.fromSupplier(() -> outcome(handler.name(), HandlerOutcome.Result.TIMEOUT,
                            start, new TimeoutException("handler '" + handler.name() + "' did not finish generation "
                                    + event.generationString() + " within " + timeout + "; cancelled"))), timer)
                    .onErrorResume(e -> Mono.just(outcome(handler.name(), HandlerOutcome.Result.ERROR, start, e)))
                    .doOnNext(settings.observers()::handlerFinished);
        });
    }

    private Publisher<Void> invoke(GenerationHandler handler) {
        Publisher<Void> work = handler.handle(event);
        if (work == null) {
            throw new NullPointerException("handler '" + handler.name() + "' returned null instead of a publisher");
        }
        return work;
    }

    /** Offers the generation to {@code targets} and waits for each to finish it or time out. */
    private Flux<HandlerOutcome> deliver(List<Slot> targets, Set<String> retryNames, Sinks.Empty<Void> attempt) {
        Scheduler timer = settings.timer();
        Duration timeout = settings.defaultTimeout();
        long start = timer.now(TimeUnit.NANOSECONDS);
        List<Mono<HandlerOutcome>> outcomes = new ArrayList<>();
        if (retryNames != null) {
            for (String name : retryNames) {
                if (targets.stream().noneMatch(slot -> slot.name().equals(name))) {
                    outcomes.add(Mono.fromSupplier(() -> outcome(name, HandlerOutcome.Result.CANCELLED, start,
                            new IllegalStateException("subscriber '" + name + "' failed generation "
                                    + event.generationString() + " and no subscriber of that name is attached to"
                                    + " be given it again"))).doOnNext(settings.observers()::handlerFinished));
                }
            }
        }
        List<Delivery> deliveries = new ArrayList<>(targets.size());
        for (Slot slot : targets) {
            Delivery delivery = Delivery.awaited(event, slot.name(), attempt.asMono());
            deliveries.add(delivery);
            outcomes.add(delivery.finished()
                    .timeout(timeout, Mono.fromRunnable(() -> delivery.finish(new Delivery.Finish(Delivery.End.TIMEOUT,
                            timedOut(delivery, timeout)))).then(delivery.finished()), timer)
                    .flatMap(finish -> finish.end() == Delivery.End.DROPPED ? Mono.empty()
                            : Mono.just(outcome(slot.name(), result(finish.end()), start, finish.cause())))
                    .doOnNext(settings.observers()::handlerFinished));
        }
        for (int i = 0; i < targets.size(); i++) {
            targets.get(i).offer(deliveries.get(i));
        }
        return Flux.merge(outcomes);
    }

    private Throwable timedOut(Delivery delivery, Duration timeout) {
        String what = delivery.wasHanded()
                ? "did not finish generation " + event.generationString() + " within " + timeout
                : "requested nothing: generation " + event.generationString() + " waited " + timeout
                        + " for its demand and was not delivered in time (it is delivered when requested)";
        return new TimeoutException("subscriber '" + delivery.subscriber() + "' " + what);
    }

    private static HandlerOutcome.Result result(Delivery.End end) {
        return switch (end) {
            case SUCCESS -> HandlerOutcome.Result.SUCCESS;
            case ERROR -> HandlerOutcome.Result.ERROR;
            case TIMEOUT -> HandlerOutcome.Result.TIMEOUT;
            case CANCELLED, DROPPED -> HandlerOutcome.Result.CANCELLED;
        };
    }

    private HandlerOutcome outcome(String name, HandlerOutcome.Result result, long start, Throwable cause) {
        Duration duration = Duration.ofNanos(Math.max(0, settings.timer().now(TimeUnit.NANOSECONDS) - start));
        return new HandlerOutcome(name, event.generation(), result, duration, Optional.ofNullable(cause));
    }

    // ---- how the attempt ended: told to subscribers that commit() ----

    /** The device accepted the acknowledgement, or refused it for a newer generation. */
    void acknowledged() {
        concluded.tryEmitEmpty();
    }

    /** The attempt ended without an acknowledgement. */
    void notAcknowledged(String why) {
        concluded.tryEmitError(new GenerationNotAcknowledgedException(event.generation(), why));
    }

    @Override
    public String toString() {
        return "Round[" + event + (isRetry() ? ", retry" : "") + "]";
    }
}
