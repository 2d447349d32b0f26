package io.sysgenid.reactor;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A generation of a System Generation ID device, as a {@link SysGenIdReceiver} delivers it.
 *
 * <p>Generations are the kernel's unsigned 32-bit counter carried in an {@code int}: compare them with
 * {@code ==} and {@code !=} only, print them with {@link #generationString()}.
 *
 * <p>Two kinds reach a subscriber: a <b>change</b> ({@link #isChange()}), which the receiver is handling
 * and waits for the subscriber to finish; and a <b>replay</b> ({@link #replay()}), the generation current
 * when the subscriber arrived, for information only: it needs no rebuild and is never waited for.
 *
 * @param generation the generation
 * @param previous the generation this process had handled before this one; empty for the generation
 *     found when the receiver first connected. Rapid changes coalesce, so it need not be
 *     {@code generation - 1}.
 * @param replay true for the generation current when the subscriber arrived
 * @param readAt when the generation was read from the device
 * @param source the device it came from (its path, or the simulator's name)
 */
public record GenerationEvent(int generation, OptionalInt previous, boolean replay, Instant readAt, String source) {
    /**
     * Checks that no component is null.
     *
     * @param generation the generation, see the record's description
     * @param previous the previous, see the record's description
     * @param replay the replay, see the record's description
     * @param readAt the readAt, see the record's description
     * @param source the source, see the record's description
     */
    public GenerationEvent {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(readAt, "readAt");
        Objects.requireNonNull(source, "source");
    }

    /** The generation found when the receiver first connected: no previous, a replay. */
    static GenerationEvent baseline(int generation, String source) {
        return new GenerationEvent(generation, OptionalInt.empty(), true, Instant.now(), source);
    }

    /** A change from {@code previous}, read now. */
    static GenerationEvent change(int generation, OptionalInt previous, String source) {
        return new GenerationEvent(generation, previous, false, Instant.now(), source);
    }

    /** This event as a replay for a subscriber that arrives after it. */
    GenerationEvent asReplay() {
        return replay ? this : new GenerationEvent(generation, previous, true, readAt, source);
    }

    /**
     * True for a generation change (a VM clone, snapshot restore or forced update) that this process is
     * handling; false for a replay, which needs no rebuild.
     *
     * @return whether this is a change
     */
    public boolean isChange() {
        return !replay;
    }

    /** {@return the generation as an unsigned decimal string} */
    public String generationString() {
        return Integer.toUnsignedString(generation);
    }

    @Override
    public String toString() {
        return "GenerationEvent[" + generationString()
                + (previous.isPresent() ? " after " + Integer.toUnsignedString(previous.getAsInt()) : "")
                + (replay ? " (replay)" : "") + ", " + source + ", read at " + readAt + "]";
    }
}
