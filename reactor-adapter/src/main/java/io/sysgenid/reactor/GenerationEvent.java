package io.sysgenid.reactor;

import io.sysgenid.core.GenerationSource;
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
 * @param source what reported it: the device ({@link GenerationSource#DEVICE}), or a JVM restore
 *     ({@link GenerationSource#JVM_RESTORE}: CRaC, SnapStart), whose generation is the device's current one
 *     whether or not it moved
 * @param device the device it was read from (its path, or the simulator's name)
 */
public record GenerationEvent(int generation, OptionalInt previous, boolean replay, Instant readAt,
        GenerationSource source, String device) {
    /**
     * Checks that no component is null.
     *
     * @param generation the generation, see the record's description
     * @param previous the previous, see the record's description
     * @param replay the replay, see the record's description
     * @param readAt the readAt, see the record's description
     * @param source the source, see the record's description
     * @param device the device, see the record's description
     */
    public GenerationEvent {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(readAt, "readAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(device, "device");
    }

    /** The generation found when the receiver first connected: no previous, a replay. */
    static GenerationEvent baseline(int generation, String device) {
        return new GenerationEvent(generation, OptionalInt.empty(), true, Instant.now(), GenerationSource.DEVICE,
                device);
    }

    /** A change from {@code previous}, reported by {@code source} now. */
    static GenerationEvent change(int generation, OptionalInt previous, GenerationSource source, String device) {
        return new GenerationEvent(generation, previous, false, Instant.now(), source, device);
    }

    /** This event as a replay for a subscriber that arrives after it. */
    GenerationEvent asReplay() {
        return replay ? this : new GenerationEvent(generation, previous, true, readAt, source, device);
    }

    /**
     * True for a change reported by a JVM restore (CRaC, SnapStart): this process is a restored copy.
     *
     * @return whether {@link #source()} is {@link GenerationSource#JVM_RESTORE}
     */
    public boolean isRestore() {
        return source == GenerationSource.JVM_RESTORE;
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
                + (replay ? " (replay)" : "") + ", " + source.tagValue() + ", " + device + ", read at " + readAt + "]";
    }
}
