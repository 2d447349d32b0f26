package io.sysgenid.core;

/**
 * The device does not exist (ENOENT) or no driver answers it (ENODEV, ENXIO): the sysgenid kernel
 * module is not loaded, or the path is wrong.
 */
public class DeviceNotFoundException extends SysGenIdException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception; the core's device code does, with the message it composed.
     *
     * @param message the whole message (operation, path, errno and advice)
     * @param operation the operation that failed
     * @param path the device path
     * @param errno the errno the kernel returned, or 0 when the failure did not come from the kernel
     */
    public DeviceNotFoundException(String message, String operation, String path, int errno) {
        super(message, operation, path, errno);
    }
}
