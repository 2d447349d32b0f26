package io.sysgenid.reactor;

import io.sysgenid.core.GenerationSource;
import io.sysgenid.core.SysGenIdAbi;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A snapshot of a {@link SysGenIdReceiver}'s state, for health checks and endpoints.
 *
 * @param connected true while the receiver has the device open and watches it (false during a JVM
 *     checkpoint, which closes it)
 * @param device the device (path or simulator name) of the current or last connection; empty before the first
 * @param abi the ioctl family of the connected device; empty when not connected
 * @param lastEvent the last generation delivered (the current one at connection, or the last change)
 * @param unacknowledged a generation read from the device and not yet acknowledged: being handled, or
 *     left outdated after failures; empty when the process is up to date or not connected
 * @param lastFailure the device failure that ended the last connection, if it ended with one
 * @param sources what reports changes: {@link GenerationSource#DEVICE} while connected, and
 *     {@link GenerationSource#JVM_RESTORE} while the receiver takes part in JVM checkpoints (a CRaC runtime,
 *     SnapStart)
 */
public record ReceiverStatus(
        boolean connected,
        Optional<String> device,
        Optional<SysGenIdAbi> abi,
        Optional<GenerationEvent> lastEvent,
        OptionalInt unacknowledged,
        Optional<Throwable> lastFailure,
        Set<GenerationSource> sources) {
    /**
     * Checks that no component is null.
     *
     * @param connected the connected, see the record's description
     * @param device the device, see the record's description
     * @param abi the abi, see the record's description
     * @param lastEvent the lastEvent, see the record's description
     * @param unacknowledged the unacknowledged, see the record's description
     * @param lastFailure the lastFailure, see the record's description
     * @param sources the sources, see the record's description
     */
    public ReceiverStatus {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(abi, "abi");
        Objects.requireNonNull(lastEvent, "lastEvent");
        Objects.requireNonNull(unacknowledged, "unacknowledged");
        Objects.requireNonNull(lastFailure, "lastFailure");
        sources = Set.copyOf(sources);
    }
}
