package io.sysgenid.core.internal;

/**
 * A nonblocking eventfd: readable (level-triggered) from {@link #signal()} until {@link #drain()}. The
 * simulated device's readiness, so that its handles are polled by the same selectors as the real
 * device. Not API; not thread-safe (the simulator calls it under its lock).
 */
public final class EventFd {
    private final Libc libc = Libc.get();
    private final int fd;

    private EventFd(int fd) {
        this.fd = fd;
    }

    /** @throws io.sysgenid.core.SysGenIdException naming eventfd and errno if the kernel refuses */
    public static EventFd open(String path) {
        int fd = Libc.get().eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        if (fd < 0) {
            throw DeviceErrors.failure("eventfd", path, Libc.lastError(), 0);
        }
        return new EventFd(fd);
    }

    public int fd() {
        return fd;
    }

    /** Makes the descriptor readable. */
    public void signal() {
        libc.write(fd, new long[] {1}, Long.BYTES);
    }

    /** Makes the descriptor unreadable (reads the whole count; EAGAIN if it was not signalled). */
    public void drain() {
        libc.read(fd, new long[1], Long.BYTES);
    }

    public void close() {
        libc.close(fd);
    }
}
