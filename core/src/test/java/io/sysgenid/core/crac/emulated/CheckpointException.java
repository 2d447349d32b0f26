package io.sysgenid.core.crac.emulated;

/** As {@code jdk.crac.CheckpointException}: the resources' failures are its suppressed exceptions. */
public class CheckpointException extends Exception {
    private static final long serialVersionUID = 1L;
}
