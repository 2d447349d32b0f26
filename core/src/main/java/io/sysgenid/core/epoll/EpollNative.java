package io.sysgenid.core.epoll;

import java.io.IOException;
import java.nio.ByteBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int32_t;

/**
 * The epoll, eventfd and close system calls (through libc, bound with jnr-ffi), their constants and
 * the layout of {@code struct epoll_event} on this machine. Not API.
 *
 * <p>The constants are the asm-generic Linux values, which x86, ARM, PowerPC, s390x, RISC-V and
 * LoongArch share; MIPS and SPARC use other {@code O_NONBLOCK}/{@code O_CLOEXEC} values and are
 * refused by {@link #checkSupported()}.
 */
final class EpollNative {
    static final int EPOLLIN = 0x001;
    static final int EPOLLPRI = 0x002;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;

    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;

    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int EPOLL_CLOEXEC = O_CLOEXEC;
    static final int EFD_CLOEXEC = O_CLOEXEC;
    static final int EFD_NONBLOCK = O_NONBLOCK;

    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EEXIST = 17;
    static final int ENOENT = 2;

    private EpollNative() {}

    /**
     * The libc functions. Public only at the class-file level, which jnr-ffi's generated
     * implementation (defined in its own class loader) needs; the enclosing class keeps it out of the
     * API.
     */
    public interface LibEpoll {
        int epoll_create1(int flags);

        /** {@code event} is a direct buffer holding one {@code struct epoll_event} at position 0. */
        int epoll_ctl(int epfd, int op, int fd, ByteBuffer event);

        /** {@code events} is a direct buffer of at least {@code maxEvents} structs, from position 0. */
        int epoll_wait(int epfd, ByteBuffer events, int maxEvents, int timeoutMillis);

        int eventfd(@u_int32_t int initialValue, int flags);

        @ssize_t long read(int fd, @Out long[] value, @size_t long count);

        @ssize_t long write(int fd, @In long[] value, @size_t long count);

        int close(int fd);

        @IgnoreError
        String strerror(int errno);
    }

    /** The binding, loaded on first use (not when an {@link EpollSelectorProvider} is created). */
    static LibEpoll lib() {
        return Holder.LIB;
    }

    /** errno of the last call made through {@link #lib()} on this thread. */
    static int lastError() {
        return Holder.RUNTIME.getLastError();
    }

    /** An IOException naming the call and the errno, e.g. {@code "epoll_ctl(MOD, fd 7): EBADF..."}. */
    static IOException error(String call, int errno) {
        String text;
        try {
            text = lib().strerror(errno);
        } catch (RuntimeException e) {
            text = null;
        }
        return new IOException(call + " failed: errno " + errno + (text == null ? "" : " (" + text + ")"));
    }

    /**
     * Throws {@link UnsupportedOperationException} unless this is Linux on an architecture whose
     * constants and {@code struct epoll_event} layout this class knows.
     */
    static void checkSupported() {
        Platform platform = Platform.getNativePlatform();
        Platform.OS os = platform.getOS();
        if (os != Platform.OS.LINUX && os != Platform.OS.ZLINUX) {
            throw new UnsupportedOperationException(
                    "EpollSelector needs Linux (epoll(7)); this is " + os
                            + ": use jnr-enxio's NativeSelectorProvider instead");
        }
        EventLayout.forCpu(platform.getCPU());
    }

    /** The layout of {@code struct epoll_event {uint32_t events; uint64_t data;}} on one CPU. */
    static final class EventLayout {
        /** glibc and the kernel declare it packed on x86_64 (12 bytes, data at offset 4). */
        static final EventLayout PACKED = new EventLayout(12, 4);
        /** i386 aligns a uint64 to 4 bytes: the natural layout is the packed one. */
        static final EventLayout I386 = PACKED;
        /** Everywhere else, natural alignment: 4 bytes of padding before data (16 bytes). */
        static final EventLayout NATURAL = new EventLayout(16, 8);

        final int size;
        final int dataOffset;
        static final int EVENTS_OFFSET = 0;

        private EventLayout(int size, int dataOffset) {
            this.size = size;
            this.dataOffset = dataOffset;
        }

        static EventLayout current() {
            return forCpu(Platform.getNativePlatform().getCPU());
        }

        static EventLayout forCpu(Platform.CPU cpu) {
            switch (cpu) {
                case X86_64:
                    return PACKED;
                case I386:
                    return I386;
                case AARCH64:
                case ARM:
                case PPC:
                case PPC64:
                case PPC64LE:
                case S390X:
                case RISCV64:
                case LOONGARCH64:
                    return NATURAL;
                default:
                    throw new UnsupportedOperationException(
                            "EpollSelector does not know the epoll/eventfd constants of CPU " + cpu);
            }
        }
    }

    /** Lazy holder: libc is bound on first use. */
    private static final class Holder {
        static final LibEpoll LIB = LibraryLoader.create(LibEpoll.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIB);

        private Holder() {}
    }
}
