package io.sysgenid.core;

/**
 * The kernel refused for lack of permission (EACCES, EPERM): opening needs read-write access to the
 * device node; bumping the generation needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN.
 */
public class PermissionDeniedException extends SysGenIdException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception; the core's device code does, with the message it composed.
     *
     * @param message the whole message (operation, path, errno and advice)
     * @param operation the operation that failed
     * @param path the device path
     * @param errno the errno the kernel returned, or 0 when the failure did not come from the kernel
     */
    public PermissionDeniedException(String message, String operation, String path, int errno) {
        super(message, operation, path, errno);
    }
}
