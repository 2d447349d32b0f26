package io.sysgenid.core;

import java.util.OptionalInt;

/**
 * A sysgenid device operation failed. The message names the operation, the device path and, when the
 * kernel refused, the errno name and number, and says what to do where there is something to do.
 *
 * <p>Subclasses mark the failures a caller can act on: {@link DeviceNotFoundException},
 * {@link PermissionDeniedException}, {@link UnsupportedAbiException}. Unchecked: most of these are
 * configuration problems that no caller can handle locally.
 */
public class SysGenIdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The operation that failed. */
    private final String operation;
    /** The device path. */
    private final String path;
    /** The errno, or 0 when the failure did not come from a system call. */
    private final int errno;

    /**
     * Creates the exception; the core's device code does, with the message it composed.
     *
     * @param message the whole message (operation, path, errno and advice)
     * @param operation the operation that failed, for example {@code "open"}
     * @param path the device path
     * @param errno the errno the kernel returned, or 0 when the failure did not come from the kernel
     */
    public SysGenIdException(String message, String operation, String path, int errno) {
        super(message);
        this.operation = operation;
        this.path = path;
        this.errno = errno;
    }

    /** {@return the operation that failed, for example {@code "open"} or {@code "ioctl SYSGENID_WAIT_WATCHERS (0x2d02)"}} */
    public String operation() {
        return operation;
    }

    /** {@return the device path, for example {@code "/dev/sysgenid"}} */
    public String path() {
        return path;
    }

    /** {@return the errno the kernel returned, empty when the failure did not come from a system call} */
    public OptionalInt errno() {
        return errno == 0 ? OptionalInt.empty() : OptionalInt.of(errno);
    }
}
