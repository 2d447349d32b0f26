package io.sysgenid.reactor;

import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.FluxSink;

/**
 * One subscription's place in a connection: it holds at most one delivery that waits for demand (a newer
 * one replaces it) and emits in order, one emission at a time, only while the subscriber has requested.
 * When the subscriber leaves, what it was given and had not finished is abandoned (a failure), and what it
 * was never given is dropped.
 */
final class Slot {
    private final String name;
    private final FluxSink<Delivery> sink;
    private final AtomicInteger wip = new AtomicInteger();

    // Guarded by this.
    private Delivery pending;
    private Delivery emitted;
    private boolean left;

    Slot(String name, FluxSink<Delivery> sink) {
        this.name = name;
        this.sink = sink;
        sink.onRequest(n -> drain());
    }

    String name() {
        return name;
    }

    /** Offers {@code delivery}; it replaces a delivery still waiting for demand. */
    void offer(Delivery delivery) {
        Delivery replaced;
        synchronized (this) {
            if (left) {
                replaced = delivery;
            } else {
                replaced = pending;
                pending = delivery;
            }
        }
        if (replaced != null) {
            replaced.abandon();
        }
        drain();
    }

    /**
     * Offers the replay a new subscriber starts with, unless a change has already been offered to it (a
     * round that reached it first): a replay never overtakes or replaces a change.
     */
    void offerReplay(Delivery replay) {
        synchronized (this) {
            if (left || pending != null || emitted != null) {
                return;
            }
            pending = replay;
        }
        drain();
    }

    /** The subscriber left (cancelled, or the connection ended). */
    void leave() {
        Delivery waiting;
        Delivery last;
        synchronized (this) {
            left = true;
            waiting = pending;
            last = emitted;
            pending = null;
            emitted = null;
        }
        if (waiting != null) {
            waiting.abandon();
        }
        if (last != null) {
            last.abandon();
        }
    }

    /** Ends the subscription from the receiver's side: completes it, or errors it with {@code cause}. */
    void end(Throwable cause) {
        leave();
        if (cause == null) {
            sink.complete();
        } else {
            sink.error(cause);
        }
    }

    /** Emits the waiting delivery if the subscriber has demand; emissions never overlap or reorder. */
    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            for (Delivery next; (next = take()) != null; ) {
                sink.next(next);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private synchronized Delivery take() {
        if (left || pending == null || sink.requestedFromDownstream() == 0) {
            return null;
        }
        emitted = pending;
        pending = null;
        return emitted;
    }

    @Override
    public String toString() {
        return "Slot[" + name + "]";
    }
}
