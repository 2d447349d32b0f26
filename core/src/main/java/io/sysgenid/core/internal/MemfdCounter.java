package io.sysgenid.core.internal;

import java.lang.ref.Reference;
import jnr.ffi.Pointer;

/**
 * A counter page of its own: a one-page memfd that its owner writes through a shared writable mapping and
 * that readers map read-only with {@link #mapReadOnly(String)}, exactly as they map the device. The
 * simulated device's counter. Not API; {@link #write(int)} is not thread-safe (the owner serializes).
 */
public final class MemfdCounter {
    private final int fd;
    private final long address;

    private MemfdCounter(int fd, Pointer page, long length) {
        this.fd = fd;
        this.address = page.address();
        MappedCounterPage.CLEANER.register(this, new MappedCounterPage.Unmap(address, length));
    }

    /** @throws io.sysgenid.core.SysGenIdException naming the failed call, {@code path} and errno */
    public static MemfdCounter create(String path, int initial) {
        Libc libc = Libc.get();
        long length = libc.getpagesize();
        int fd = libc.memfd_create("sysgenid-simulated", Libc.MFD_CLOEXEC);
        if (fd < 0) {
            throw DeviceErrors.failure("memfd_create", path, Libc.lastError(), 0);
        }
        if (libc.ftruncate(fd, length) < 0) {
            int errno = Libc.lastError();
            libc.close(fd);
            throw DeviceErrors.failure("ftruncate", path, errno, 0);
        }
        Pointer page = libc.mmap(null, length, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
        if (MappedCounterPage.failed(page)) {
            int errno = Libc.lastError();
            libc.close(fd);
            throw DeviceErrors.failure("mmap", path, errno, 0);
        }
        MemfdCounter counter = new MemfdCounter(fd, page, length);
        counter.write(initial);
        return counter;
    }

    /** Publishes {@code value} to every mapping. */
    public void write(int value) {
        CounterMemory.writeVolatile(address, value);
        Reference.reachabilityFence(this);
    }

    /** A read-only mapping of the page, released like the device's. */
    public MappedCounterPage mapReadOnly(String path) {
        return MappedCounterPage.map(fd, path);
    }

    /** Closes the memfd (no new mappings); existing mappings stay valid. */
    public void close() {
        Libc.get().close(fd);
    }
}
