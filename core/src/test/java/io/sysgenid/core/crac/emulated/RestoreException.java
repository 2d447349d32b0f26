package io.sysgenid.core.crac.emulated;

/** As {@code jdk.crac.RestoreException}: the resources' failures are its suppressed exceptions. */
public class RestoreException extends Exception {
    private static final long serialVersionUID = 1L;
}
