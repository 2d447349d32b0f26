package io.sysgenid.reactor;

/**
 * A generation the receiver ended without writing its acknowledgement to the device: parties failed
 * under {@link io.sysgenid.core.ListenerFailurePolicy#LEAVE_OUTDATED} (the receiver tries again after its
 * retry delay), or the connection to the device ended first (the next connection handles the generation
 * again). Signalled by {@link AcknowledgableGeneration#commit()}.
 */
public final class GenerationNotAcknowledgedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The generation, unsigned. */
    private final int generation;

    GenerationNotAcknowledgedException(int generation, String why) {
        super("generation " + Integer.toUnsignedString(generation) + " was not acknowledged: " + why);
        this.generation = generation;
    }

    /** {@return the generation (unsigned)} */
    public int generation() {
        return generation;
    }
}
