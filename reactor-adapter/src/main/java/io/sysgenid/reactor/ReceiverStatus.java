package io.sysgenid.reactor;

import io.sysgenid.core.SysGenIdAbi;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A snapshot of a {@link SysGenIdReceiver}'s state, for health checks and endpoints.
 *
 * @param connected true while the receiver has the device open and watches it
 * @param source the device (path or simulator name) of the current or last connection; empty before the first
 * @param abi the ioctl family of the connected device; empty when not connected
 * @param lastEvent the last generation delivered (the current one at connection, or the last change)
 * @param unacknowledged a generation read from the device and not yet acknowledged: being handled, or
 *     left outdated after failures; empty when the process is up to date or not connected
 * @param lastFailure the device failure that ended the last connection, if it ended with one
 */
public record ReceiverStatus(
        boolean connected,
        Optional<String> source,
        Optional<SysGenIdAbi> abi,
        Optional<GenerationEvent> lastEvent,
        OptionalInt unacknowledged,
        Optional<Throwable> lastFailure) {
    /**
     * Checks that no component is null.
     *
     * @param connected the connected, see the record's description
     * @param source the source, see the record's description
     * @param abi the abi, see the record's description
     * @param lastEvent the lastEvent, see the record's description
     * @param unacknowledged the unacknowledged, see the record's description
     * @param lastFailure the lastFailure, see the record's description
     */
    public ReceiverStatus {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(abi, "abi");
        Objects.requireNonNull(lastEvent, "lastEvent");
        Objects.requireNonNull(unacknowledged, "unacknowledged");
        Objects.requireNonNull(lastFailure, "lastFailure");
    }
}
