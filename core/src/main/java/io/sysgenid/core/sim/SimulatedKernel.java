package io.sysgenid.core.sim;

/** Which kernel's sysgenid a {@link SimulatedSysGenId} behaves like. */
public enum SimulatedKernel {
    /**
     * This project's module: both ioctl families; a file becomes a watcher when it reads, polls or turns
     * tracking on; sysfs publishes {@code generation}, {@code watchers} and {@code outdated_watchers}.
     * Handles detect {@link io.sysgenid.core.SysGenIdAbi#SEED_V4}.
     */
    MODULE,
    /**
     * A deployed (v6–v8, Amazon Linux) kernel: only the 0xE4 family, unknown ioctls are EINVAL, a file is a
     * watcher only while tracking is on, no counts in sysfs. Handles detect
     * {@link io.sysgenid.core.SysGenIdAbi#DEPLOYED} (and turn tracking on).
     */
    DEPLOYED,
    /**
     * The v4 patch as posted: only the 0x2d family, unknown ioctls are ENOTTY, every open file is a
     * watcher, no sysfs counts. Handles detect {@link io.sysgenid.core.SysGenIdAbi#SEED_V4}.
     */
    SEED_V4
}
