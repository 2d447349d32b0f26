package io.sysgenid.core.sim;

/** The device operations a {@link SimulatedSysGenId} can be told to fail ({@link SimulatedSysGenId#failNext}). */
public enum SimulatedOperation {
    /** Opening a file of the device. */
    OPEN,
    /** The nonblocking read of the generation. */
    READ,
    /** The write that acknowledges. */
    ACK,
    /** The {@code GET_OUTDATED_WATCHERS} ioctl. */
    GET_OUTDATED_WATCHERS,
    /** The {@code WAIT_WATCHERS} ioctl. */
    WAIT_WATCHERS,
    /** The FORCE or TRIGGER ioctl that bumps the generation. */
    FORCE_UPDATE,
    /** The {@code SET_WATCHER_TRACKING} ioctl. */
    SET_TRACKING
}
