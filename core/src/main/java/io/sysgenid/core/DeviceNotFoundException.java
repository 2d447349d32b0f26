package io.sysgenid.core;

/**
 * The device does not exist (ENOENT) or no driver answers it (ENODEV, ENXIO): the sysgenid kernel
 * module is not loaded, or the path is wrong.
 */
public class DeviceNotFoundException extends SysGenIdException {
    private static final long serialVersionUID = 1L;

    public DeviceNotFoundException(String message, String operation, String path, int errno) {
        super(message, operation, path, errno);
    }
}
