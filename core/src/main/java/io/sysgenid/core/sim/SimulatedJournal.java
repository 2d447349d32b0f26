package io.sysgenid.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link SimulatedSysGenId} did, in order, for tests that check invariants against the device's
 * own record: every generation change, and every acknowledgement with its effect. Entries and
 * {@link #tick()} share one sequence, so a test can place its own events (a handler finishing, a
 * subscriber acknowledging) in the same total order. Thread-safe; kept only when the builder asks for it
 * ({@link SimulatedSysGenId.Builder#journal(boolean)}), since it grows with every operation.
 */
public final class SimulatedJournal {
    /** What happened. */
    public enum Kind {
        /** The generation moved to {@code generation}. */
        CHANGE,
        /** File {@code file} acknowledged {@code generation}, which it had not acknowledged before. */
        ACK,
        /** File {@code file} acknowledged {@code generation}, which it had already acknowledged: no effect. */
        REPEATED_ACK,
        /** File {@code file} wrote {@code generation}, not the current one (EINVAL). */
        REFUSED_ACK,
        /** File {@code file}'s write of {@code generation} failed with an injected error. */
        FAILED_ACK,
        /** File {@code file} was opened at {@code generation}. */
        OPEN,
        /** File {@code file} was closed. */
        CLOSE
    }

    /**
     * One entry.
     *
     * @param sequence its place in the order shared with {@link #tick()}
     * @param kind what happened
     * @param file the file's number, from 1 in the order files were opened; 0 for a change
     * @param generation the generation concerned (unsigned)
     */
    public record Entry(long sequence, Kind kind, int file, int generation) {}

    private final AtomicLong sequence = new AtomicLong();
    private final List<Entry> entries = new ArrayList<>();
    private final boolean keep;

    SimulatedJournal(boolean keep) {
        this.keep = keep;
    }

    /** {@return the next number in the order the entries share, for an event outside the simulator} */
    public long tick() {
        return sequence.incrementAndGet();
    }

    /** {@return every entry so far, in order} */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    synchronized void add(Kind kind, int file, int generation) {
        if (keep) {
            entries.add(new Entry(tick(), kind, file, generation));
        }
    }
}
