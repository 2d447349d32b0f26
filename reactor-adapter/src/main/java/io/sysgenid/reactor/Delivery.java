package io.sysgenid.reactor;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One generation on its way to one subscriber, and how that subscriber finished it. Its life:
 * offered (waiting for demand) → handed over ({@code onNext}) → finished, first finish wins. A replay is
 * finished from the start: nobody waits for it.
 */
final class Delivery {
    /** How a delivery ended; {@link #DROPPED} means the subscriber left before it was handed over. */
    enum End { SUCCESS, ERROR, CANCELLED, TIMEOUT, DROPPED }

    /** An end and its cause. */
    record Finish(End end, Throwable cause) {}

    private final GenerationEvent event;
    private final String subscriber;
    private final Mono<Void> concluded;
    private final AtomicReference<Finish> finish = new AtomicReference<>();
    private final Sinks.One<Finish> finished = Sinks.one();
    private volatile boolean handed;

    private Delivery(GenerationEvent event, String subscriber, Mono<Void> concluded, Finish initial) {
        this.event = event;
        this.subscriber = subscriber;
        this.concluded = concluded;
        if (initial != null) {
            finish(initial);
        }
    }

    /**
     * A change the round waits for.
     *
     * @param concluded completes once the device accepted the round's acknowledgement (or refused it for a
     *     newer generation); errors if the round ended without one
     */
    static Delivery awaited(GenerationEvent event, String subscriber, Mono<Void> concluded) {
        return new Delivery(event, subscriber, concluded, null);
    }

    /** The current generation for a subscriber that just arrived. */
    static Delivery replay(GenerationEvent event, String subscriber) {
        return new Delivery(event.asReplay(), subscriber, Mono.empty(), new Finish(End.SUCCESS, null));
    }

    GenerationEvent event() {
        return event;
    }

    String subscriber() {
        return subscriber;
    }

    /** True while a round waits for this delivery. */
    boolean isAwaited() {
        return finish.get() == null;
    }

    boolean isDropped() {
        Finish how = finish.get();
        return how != null && how.end() == End.DROPPED;
    }

    boolean wasHanded() {
        return handed;
    }

    /** The subscriber's {@code onNext} is about to receive it. */
    void handed() {
        handed = true;
    }

    /** The first call decides how the delivery ended; later ones are ignored. */
    void finish(Finish how) {
        if (finish.compareAndSet(null, how)) {
            finished.tryEmitValue(how);
        }
    }

    void succeed() {
        finish(new Finish(End.SUCCESS, null));
    }

    void fail(Throwable cause) {
        finish(new Finish(End.ERROR, cause));
    }

    /**
     * The subscriber is gone: a failure if it had been handed the generation and not finished it, nothing
     * (it was never given the generation) otherwise.
     */
    void abandon() {
        finish(handed
                ? new Finish(End.CANCELLED, new CancellationException("subscriber '" + subscriber
                        + "' cancelled before finishing generation " + event.generationString()))
                : new Finish(End.DROPPED, null));
    }

    /** See {@link #awaited}. */
    Mono<Void> concluded() {
        return concluded;
    }

    /** Completes with how the delivery ended. */
    Mono<Finish> finished() {
        return finished.asMono();
    }

    @Override
    public String toString() {
        Finish how = finish.get();
        return event + " to " + subscriber + (how == null ? (handed ? ", handed over" : ", offered")
                : ", " + how.end().name().toLowerCase(java.util.Locale.ROOT));
    }
}
