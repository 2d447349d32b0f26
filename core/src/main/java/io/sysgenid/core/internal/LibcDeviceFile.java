package io.sysgenid.core.internal;

import java.nio.file.Path;
import java.util.OptionalInt;

/** A real device file, opened {@code O_RDWR | O_NONBLOCK | O_CLOEXEC} through libc. Not API. */
public final class LibcDeviceFile implements DeviceFile {
    private final Libc libc;
    private final int fd;
    private final String path;
    private final SysfsAttributes sysfs;

    private LibcDeviceFile(Libc libc, int fd, Path path) {
        this.libc = libc;
        this.fd = fd;
        this.path = path.toString();
        this.sysfs = SysfsAttributes.forDevice(path);
    }

    /** Opens {@code path}. @throws io.sysgenid.core.SysGenIdException (typed by errno) if open(2) fails */
    public static LibcDeviceFile open(Path path) {
        Libc libc = Libc.get();
        int fd = libc.open(path.toString(), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd < 0) {
            throw DeviceErrors.failure(DeviceErrors.OPEN, path.toString(), Libc.lastError(), 0);
        }
        return new LibcDeviceFile(libc, fd, path);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public long read() {
        int[] buffer = new int[1];
        long n;
        do {
            n = libc.read(fd, buffer, Integer.BYTES);
        } while (n < 0 && Libc.lastError() == Errnos.EINTR);
        if (n < 0) {
            return -Libc.lastError();
        }
        return n == Integer.BYTES ? Integer.toUnsignedLong(buffer[0]) : -Errnos.EIO;
    }

    @Override
    public long write(int value) {
        long n;
        do {
            n = libc.write(fd, new int[] {value}, Integer.BYTES);
        } while (n < 0 && Libc.lastError() == Errnos.EINTR);
        return n < 0 ? -Libc.lastError() : n;
    }

    @Override
    public long ioctl(int request, long argument) {
        int result = libc.ioctl(fd, request, argument);
        return result < 0 ? -Libc.lastError() : result;
    }

    @Override
    public int pollDescriptor() {
        return fd;
    }

    @Override
    public MappedCounterPage mapCounter() {
        return MappedCounterPage.map(fd, path);
    }

    @Override
    public OptionalInt attribute(String name) {
        return sysfs.read(name);
    }

    @Override
    public void close() {
        libc.close(fd);
    }
}
