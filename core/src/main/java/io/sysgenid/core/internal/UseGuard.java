package io.sysgenid.core.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the calls in progress on a resource so that closing it releases it only after the last one
 * returned (a descriptor closed under a running system call could be reused by another open). Not API.
 */
final class UseGuard {
    private static final int CLOSED = 0x8000_0000;

    private final AtomicInteger state = new AtomicInteger();

    /** Starts a call: false if the resource is closed. */
    boolean enter() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Ends a call: true if the caller must now release the resource (closed and this was the last call). */
    boolean exit() {
        return state.decrementAndGet() == CLOSED;
    }

    /**
     * Marks the resource closed: true if the caller must release it now (no call in progress), false if
     * it was already closed or the last call in progress will.
     */
    boolean close() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                return s == 0;
            }
        }
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }
}
