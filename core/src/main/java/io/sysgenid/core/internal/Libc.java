package io.sysgenid.core.internal;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int32_t;
import jnr.ffi.types.u_int64_t;

/**
 * The libc calls this library makes, bound with jnr-ffi. Constants are the Linux values, identical on
 * x86_64 and aarch64 (asm-generic). Not API: internal to sysgenid-core.
 *
 * <p>Every call records errno; read it with {@link #lastError()} on the calling thread.
 */
public interface Libc {
    int O_RDWR = 0x2;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;

    int PROT_READ = 0x1;
    int PROT_WRITE = 0x2;
    int MAP_SHARED = 0x1;
    int MAP_PRIVATE = 0x2;
    int MAP_FIXED = 0x10;
    int MAP_ANONYMOUS = 0x20;
    int MREMAP_MAYMOVE = 0x1;
    int MREMAP_FIXED = 0x2;

    int EFD_NONBLOCK = O_NONBLOCK;
    int EFD_CLOEXEC = O_CLOEXEC;
    int F_DUPFD_CLOEXEC = 1030;
    int MFD_CLOEXEC = 0x1;

    @Variadic(fixedCount = 2)
    int open(String path, int flags, int mode);

    int close(int fd);

    @ssize_t long read(int fd, @Out int[] buffer, @size_t long count);

    @ssize_t long read(int fd, @Out long[] buffer, @size_t long count);

    @ssize_t long write(int fd, @In int[] buffer, @size_t long count);

    @ssize_t long write(int fd, @In long[] buffer, @size_t long count);

    /** {@code ioctl(fd, request, argument)} with the argument passed by value, as every sysgenid ioctl takes it. */
    @Variadic(fixedCount = 2)
    int ioctl(int fd, @u_int64_t long request, @u_int64_t long argument);

    Pointer mmap(Pointer address, @size_t long length, int prot, int flags, int fd, @off_t long offset);

    int munmap(Pointer address, @size_t long length);

    int mprotect(Pointer address, @size_t long length, int prot);

    @Variadic(fixedCount = 4)
    Pointer mremap(Pointer oldAddress, @size_t long oldSize, @size_t long newSize, int flags, Pointer newAddress);

    int eventfd(@u_int32_t int initialValue, int flags);

    @Variadic(fixedCount = 2)
    int fcntl(int fd, int command, int argument);

    int getpagesize();

    int memfd_create(String name, int flags);

    int ftruncate(int fd, @off_t long length);

    /** The process-wide binding (jnr generates a class per load, so it is loaded once). */
    static Libc get() {
        return Holder.LIBC;
    }

    /** errno of the last call made through {@link #get()} on this thread. */
    static int lastError() {
        return Holder.RUNTIME.getLastError();
    }

    /** The jnr runtime of the binding, for wrapping addresses as pointers. */
    static Runtime runtime() {
        return Holder.RUNTIME;
    }

    /** Lazy holder: libc is bound on first use, not when this interface loads. */
    final class Holder {
        static final Libc LIBC = LibraryLoader.create(Libc.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

        private Holder() {}
    }
}
