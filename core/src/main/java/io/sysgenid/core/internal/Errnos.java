package io.sysgenid.core.internal;

/**
 * The errno values the sysgenid ABI uses (Linux, identical on x86_64 and aarch64) and their names
 * for messages. Not API.
 */
public final class Errnos {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int ETIME = 62;
    public static final int ENOBUFS = 105;

    private Errnos() {}

    /** {@code "ENOENT (2, No such file or directory)"}. */
    public static String describe(int errno) {
        jnr.constants.platform.Errno constant = jnr.constants.platform.Errno.valueOf(errno);
        if (!constant.defined()) {
            return "errno " + errno;
        }
        return constant.name() + " (" + errno + ", " + constant.description() + ")";
    }
}
