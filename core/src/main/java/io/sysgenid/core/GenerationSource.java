package io.sysgenid.core;

/**
 * What reported a generation change. Both kinds reach the same listeners through the same
 * {@link GenerationWatcher} and mean the same thing: this process may be a copy, and whatever must be
 * unique per copy has to be rebuilt.
 */
public enum GenerationSource {
    /**
     * The device: the kernel moved the generation (a VM clone or snapshot restore that the module saw, or
     * a forced update), or a new watcher caught up on a change its process had missed.
     */
    DEVICE("device"),
    /**
     * A JVM restore: a CRaC or AWS Lambda SnapStart restore reported through {@code org.crac}. The
     * generation is the device's current one, whatever it is; on a VM that was not cloned it may not have
     * moved.
     */
    JVM_RESTORE("jvm-restore");

    private final String tagValue;

    GenerationSource(String tagValue) {
        this.tagValue = tagValue;
    }

    /** {@return a short lowercase name, fit for a metric tag or a log line: {@code device}, {@code jvm-restore}} */
    public String tagValue() {
        return tagValue;
    }
}
