package io.sysgenid.core;

/** The ioctl family a device was found to answer when it was opened. */
public enum SysGenIdAbi {
    /**
     * The original (v4, magic 0x2d) family: {@code GET_OUTDATED_WATCHERS} answers; a wait that times out
     * is reported as EINTR. This project's module answers it (and the deployed family too).
     */
    SEED_V4,
    /**
     * The deployed (v6–v8, magic 0xE4) family, as Amazon Linux kernels ship it: no outdated-watcher ioctl,
     * watcher tracking is opt-in (the device turns it on at open), a wait that times out is ETIME.
     */
    DEPLOYED
}
