package io.sysgenid.reactor;

import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.FluxSink;

/**
 * One generation on its way to one subscriber. An awaited delivery holds the device's acknowledgement
 * until it is finished; a replay (the generation current when the subscriber arrived) holds nothing.
 */
final class Delivery {
    private final GenerationEvent event;
    private final String subscriber;
    private final boolean awaited;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    private Delivery(GenerationEvent event, String subscriber, boolean awaited) {
        this.event = event;
        this.subscriber = subscriber;
        this.awaited = awaited;
    }

    static Delivery awaited(GenerationEvent event, String subscriber) {
        return new Delivery(event, subscriber, true);
    }

    static Delivery replay(GenerationEvent event, String subscriber) {
        return new Delivery(event, subscriber, false);
    }

    GenerationEvent event() {
        return event;
    }

    String subscriber() {
        return subscriber;
    }

    boolean isAwaited() {
        return awaited;
    }

    /** The subscriber is done: {@code cause} null for success. The first call counts. */
    void finish(Throwable cause) {
        if (cause == null) {
            finished.complete(null);
        } else {
            finished.completeExceptionally(cause);
        }
    }

    /** Completes when the subscriber is done, exceptionally if it rejected the generation. */
    CompletableFuture<Void> finished() {
        return finished;
    }

    /** Hands the delivery to its subscriber's sink. */
    void sendTo(FluxSink<Delivery> sink) {
        sink.next(this);
    }

    @Override
    public String toString() {
        return event + " to " + subscriber + (awaited ? "" : " (replay)")
                + (finished.isDone() ? ", finished" : "");
    }
}
