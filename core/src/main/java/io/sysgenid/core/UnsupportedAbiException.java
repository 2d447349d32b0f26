package io.sysgenid.core;

/**
 * The file does not speak the ABI an operation needs: at open, neither the v4 nor the deployed ioctl
 * family answered (it is not a sysgenid device); later, the operation exists only in the other family
 * (for example watcher tracking on a v4-only kernel).
 */
public class UnsupportedAbiException extends SysGenIdException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception; the core's device code does, with the message it composed.
     *
     * @param message the whole message (operation, path, errno and advice)
     * @param operation the operation that failed
     * @param path the device path
     * @param errno the errno the kernel returned, or 0 when the failure did not come from the kernel
     */
    public UnsupportedAbiException(String message, String operation, String path, int errno) {
        super(message, operation, path, errno);
    }
}
