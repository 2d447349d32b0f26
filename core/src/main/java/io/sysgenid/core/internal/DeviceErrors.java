package io.sysgenid.core.internal;

import io.sysgenid.core.DeviceNotFoundException;
import io.sysgenid.core.PermissionDeniedException;
import io.sysgenid.core.SysGenIdException;
import io.sysgenid.core.UnsupportedAbiException;

/** Turns a failed operation and its errno into the typed exception with an actionable message. Not API. */
public final class DeviceErrors {
    /** The operation name used for open failures. */
    public static final String OPEN = "open";

    private DeviceErrors() {}

    /**
     * The exception for {@code operation} on {@code path} failing with {@code errno}.
     *
     * @param request the ioctl request for ioctl operations, 0 otherwise (it picks the advice)
     */
    public static SysGenIdException failure(String operation, String path, int errno, int request) {
        String base = operation + " " + path + " failed: " + Errnos.describe(errno);
        boolean open = OPEN.equals(operation);
        boolean bump = request == Ioctls.FORCE_GEN_UPDATE || request == Ioctls.TRIGGER_GEN_UPDATE;
        if (open && errno == Errnos.ENOENT) {
            return new DeviceNotFoundException(base + ": " + path + " does not exist: load the sysgenid kernel"
                    + " module (modprobe sysgenid; see kmod/ in the sysgenid-reactor sources) or use the"
                    + " simulated device (io.sysgenid.core.sim.SimulatedSysGenId)", operation, path, errno);
        }
        if (open && (errno == Errnos.ENODEV || errno == Errnos.ENXIO)) {
            return new DeviceNotFoundException(base + ": " + path + " exists but no driver answers it: load the"
                    + " sysgenid kernel module (modprobe sysgenid) or use the simulated device"
                    + " (io.sysgenid.core.sim.SimulatedSysGenId)", operation, path, errno);
        }
        if (open && (errno == Errnos.EACCES || errno == Errnos.EPERM)) {
            return new PermissionDeniedException(base + ": the process needs read-write access to " + path
                    + ": add the user to the sysgenid group (udev rule kmod/udev/60-sysgenid.rules makes the"
                    + " device root:sysgenid 0660) or run as root", operation, path, errno);
        }
        if (bump && (errno == Errnos.EACCES || errno == Errnos.EPERM)) {
            return new PermissionDeniedException(base + ": bumping the generation needs CAP_CHECKPOINT_RESTORE"
                    + " or CAP_SYS_ADMIN (in the initial user namespace for this project's module), whatever"
                    + " the device's mode", operation, path, errno);
        }
        return new SysGenIdException(base, operation, path, errno);
    }

    /** The exception for an operation the device's ioctl families do not offer. */
    public static UnsupportedAbiException unsupported(String operation, String path, int errno, String why) {
        return new UnsupportedAbiException(operation + " " + path + " failed: " + Errnos.describe(errno) + ": "
                + why, operation, path, errno);
    }

    /** The operation name of an ioctl, for messages: {@code "ioctl SYSGENID_WAIT_WATCHERS (0x2d02)"}. */
    public static String ioctl(int request) {
        return "ioctl " + Ioctls.name(request);
    }
}
