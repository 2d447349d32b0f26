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
 * @param generation the generation
 * @param previous the generation delivered before this one by the same connection to the device; empty
 *     for the generation found when the connection opened ({@link #isChange()} is then false). Rapid
 *     changes coalesce, so it need not be {@code generation - 1}.
 * @param readAt when the generation was read from the device
 * @param source the device it came from (its path, or the simulator's name)
 */
public record GenerationEvent(int generation, OptionalInt previous, Instant readAt, String source) {
    public GenerationEvent {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(readAt, "readAt");
        Objects.requireNonNull(source, "source");
    }

    /**
     * True if the generation changed (a VM clone, snapshot restore or forced update) while this process
     * was watching; false for the generation current when the connection opened, which needs no rebuild
     * and is never acknowledged.
     */
    public boolean isChange() {
        return previous.isPresent();
    }

    /** The generation as an unsigned decimal string. */
    public String generationString() {
        return Integer.toUnsignedString(generation);
    }

    @Override
    public String toString() {
        return "GenerationEvent[" + generationString()
                + (previous.isPresent() ? " after " + Integer.toUnsignedString(previous.getAsInt()) : " (current)")
                + ", " + source + ", read at " + readAt + "]";
    }
}
