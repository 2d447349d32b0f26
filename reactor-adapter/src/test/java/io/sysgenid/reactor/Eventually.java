package io.sysgenid.reactor;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits for conditions that other threads make true; a synchronization, not a timing check. */
final class Eventually {
    private Eventually() {
    }

    static void until(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + Recorder.LONG.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + Recorder.LONG + ": " + what.get());
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
