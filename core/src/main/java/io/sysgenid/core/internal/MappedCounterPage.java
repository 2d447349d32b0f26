package io.sysgenid.core.internal;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicBoolean;
import jnr.ffi.Pointer;

/**
 * The device's counter page, {@code mmap(PROT_READ, MAP_SHARED)}ed through jnr-ffi and read with
 * {@link CounterMemory#readVolatile(long)}. Not API.
 *
 * <p>{@link #release()} must not unmap while another thread may be reading: a read of an unmapped page
 * would crash the JVM. It replaces the device mapping, atomically, with an anonymous read-only page
 * holding the last value (so the device's open file is released at once), and the address is unmapped
 * by a {@link Cleaner} once no reader can reach this object.
 */
public final class MappedCounterPage {
    /** Unmaps pages once nothing can read them any more (shared with {@link MemfdCounter}). */
    static final Cleaner CLEANER = Cleaner.create();

    private final Pointer page;
    private final long address;
    private final long length;
    private final AtomicBoolean released = new AtomicBoolean();

    private MappedCounterPage(Pointer page, long length) {
        this.page = page;
        this.address = page.address();
        this.length = length;
        CLEANER.register(this, new Unmap(page.address(), length));
    }

    /**
     * Maps the first page of {@code fd} read-only and shared.
     *
     * @throws io.sysgenid.core.SysGenIdException naming {@code mmap}, the path and errno if it fails
     */
    public static MappedCounterPage map(int fd, String path) {
        Libc libc = Libc.get();
        long length = libc.getpagesize();
        Pointer page = libc.mmap(null, length, Libc.PROT_READ, Libc.MAP_SHARED, fd, 0);
        if (failed(page)) {
            throw DeviceErrors.failure("mmap", path, Libc.lastError(), 0);
        }
        return new MappedCounterPage(page, length);
    }

    /**
     * The mapped address. Reading it is safe only while this object is reachable (keep it so with
     * {@link Reference#reachabilityFence(Object)} after the read).
     */
    public long address() {
        return address;
    }

    /** The counter, with the ordering of a volatile read. */
    public int read() {
        int value = CounterMemory.readVolatile(address);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Releases the device mapping at once; concurrent and later reads see the last value, and the
     * address is unmapped once this object is unreachable. Idempotent.
     */
    public void release() {
        if (released.compareAndSet(false, true)) {
            freeze();
        }
    }

    /** Moves an anonymous read-only page holding the last value over the device mapping. */
    private void freeze() {
        Libc libc = Libc.get();
        Pointer copy = libc.mmap(null, length, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        if (!failed(copy)) {
            copy.putInt(0, page.getInt(0));
            libc.mprotect(copy, length, Libc.PROT_READ);
            Pointer moved = libc.mremap(copy, length, length, Libc.MREMAP_MAYMOVE | Libc.MREMAP_FIXED, page);
            if (!failed(moved)) {
                return;
            }
            libc.munmap(copy, length);
        }
        // Fallback: an empty page over the device mapping (a racing reader may see 0). If even that
        // fails, the device mapping stays until the cleaner unmaps it.
        libc.mmap(page, length, Libc.PROT_READ, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_FIXED, -1, 0);
    }

    static boolean failed(Pointer pointer) {
        return pointer == null || pointer.address() == -1L;
    }

    /** The cleaning action: must not refer to the page object. */
    static final class Unmap implements Runnable {
        private final long address;
        private final long length;

        Unmap(long address, long length) {
            this.address = address;
            this.length = length;
        }

        @Override
        public void run() {
            Libc.get().munmap(Pointer.wrap(Libc.runtime(), address), length);
        }
    }
}
