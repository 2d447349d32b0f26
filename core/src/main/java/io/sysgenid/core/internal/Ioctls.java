package io.sysgenid.core.internal;

/**
 * The sysgenid ioctl requests ({@code _IO(magic, nr)}, argument by value), from
 * {@code kmod/include/uapi/linux/sysgenid.h}. Not API.
 */
public final class Ioctls {
    /** v4: returns the number of outdated watchers. */
    public static final int GET_OUTDATED_WATCHERS = 0x2d01;
    /** v4: wait for the watchers; a timeout is EINTR. */
    public static final int WAIT_WATCHERS = 0x2d02;
    /** v4: move the generation to max(argument, current + 1). */
    public static final int FORCE_GEN_UPDATE = 0x2d03;
    /** Deployed: 0 stops tracking this file as a watcher, anything else starts it. */
    public static final int SET_WATCHER_TRACKING = 0xE401;
    /** Deployed: wait for the watchers; a timeout is ETIME. */
    public static final int WAIT_WATCHERS_V2 = 0xE402;
    /** Deployed: as FORCE_GEN_UPDATE. */
    public static final int TRIGGER_GEN_UPDATE = 0xE403;

    private Ioctls() {}

    /** {@code "SYSGENID_WAIT_WATCHERS (0x2d02)"}, for messages. */
    public static String name(int request) {
        String name = switch (request) {
            case GET_OUTDATED_WATCHERS -> "SYSGENID_GET_OUTDATED_WATCHERS";
            case WAIT_WATCHERS -> "SYSGENID_WAIT_WATCHERS";
            case FORCE_GEN_UPDATE -> "SYSGENID_FORCE_GEN_UPDATE";
            case SET_WATCHER_TRACKING -> "SYSGENID_SET_WATCHER_TRACKING";
            case WAIT_WATCHERS_V2 -> "SYSGENID_WAIT_WATCHERS_V2";
            case TRIGGER_GEN_UPDATE -> "SYSGENID_TRIGGER_GEN_UPDATE";
            default -> "ioctl";
        };
        return name + " (0x" + Integer.toHexString(request) + ")";
    }
}
