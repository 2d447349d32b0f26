package io.sysgenid.core.sim;

/** The device operations a {@link SimulatedSysGenId} can be told to fail ({@link SimulatedSysGenId#failNext}). */
public enum SimulatedOperation {
    OPEN,
    READ,
    /** The write that acknowledges. */
    ACK,
    GET_OUTDATED_WATCHERS,
    WAIT_WATCHERS,
    FORCE_UPDATE,
    SET_TRACKING
}
