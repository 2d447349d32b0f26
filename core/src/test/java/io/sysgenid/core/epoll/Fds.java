package io.sysgenid.core.epoll;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channel;
import java.nio.channels.SelectionKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jnr.enxio.channels.NativeDeviceChannel;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Pipes and eventfds for the selector tests, wrapped as jnr-enxio channels of a given provider, and
 * closed by {@link #close()} (channels first, then any descriptor left raw).
 */
final class Fds implements AutoCloseable {
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_DUPFD_CLOEXEC = 1030;
    static final int F_SETPIPE_SZ = 1031;
    static final int EAGAIN = 11;

    /** libc for the tests (public only at class-file level, for jnr-ffi). */
    public interface TestLibc {
        int pipe2(@Out int[] fds, int flags);

        int eventfd(int initialValue, int flags);

        int dup(int fd);

        @Variadic(fixedCount = 2)
        int fcntl(int fd, int command, int argument);

        @ssize_t long read(int fd, @Out byte[] buffer, @size_t long count);

        @ssize_t long write(int fd, @In byte[] buffer, @size_t long count);

        @ssize_t long read(int fd, @Out long[] buffer, @size_t long count);

        @ssize_t long write(int fd, @In long[] buffer, @size_t long count);

        int close(int fd);

        @Variadic(fixedCount = 2)
        int open(String path, int flags, int mode);
    }

    private static final class Holder {
        static final TestLibc LIBC = LibraryLoader.create(TestLibc.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    static TestLibc libc() {
        return Holder.LIBC;
    }

    static int errno() {
        return Holder.RUNTIME.getLastError();
    }

    /** A pipe's two ends, as channels. */
    static final class PipeEnds {
        final NativeDeviceChannel source;
        final NativeDeviceChannel sink;

        PipeEnds(NativeDeviceChannel source, NativeDeviceChannel sink) {
            this.source = source;
            this.sink = sink;
        }
    }

    private final EpollSelectorProvider provider;
    private final List<Channel> channels = new ArrayList<>();
    private final List<Integer> rawFds = new ArrayList<>();

    Fds(EpollSelectorProvider provider) {
        this.provider = provider;
    }

    /** A nonblocking eventfd, raw (closed by {@link #close()} unless wrapped or {@link #forget}). */
    int rawEventFd() {
        int fd = libc().eventfd(0, O_NONBLOCK | O_CLOEXEC);
        assertTrue(fd >= 0, "eventfd: errno " + errno());
        rawFds.add(fd);
        return fd;
    }

    /** A nonblocking eventfd channel (valid ops: read and write) of the provider, not yet registered. */
    NativeDeviceChannel eventFd() throws IOException {
        return wrap(rawEventFd(), SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    /** Wraps a raw descriptor of this object as a nonblocking channel, which then owns it. */
    NativeDeviceChannel wrap(int fd, int validOps) throws IOException {
        NativeDeviceChannel channel = new NativeDeviceChannel(provider, fd, validOps, false);
        channel.configureBlocking(false);
        rawFds.remove(Integer.valueOf(fd));
        channels.add(channel);
        return channel;
    }

    /** Stops tracking a descriptor (the test closed it itself). */
    void forget(int fd) {
        rawFds.remove(Integer.valueOf(fd));
    }

    /** A pipe whose buffer is one page, so that {@link #fill} is quick. */
    PipeEnds pipe() throws IOException {
        int[] fds = new int[2];
        assertTrue(libc().pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0, "pipe2: errno " + errno());
        rawFds.add(fds[0]);
        rawFds.add(fds[1]);
        libc().fcntl(fds[1], F_SETPIPE_SZ, 4096);
        return new PipeEnds(wrap(fds[0], SelectionKey.OP_READ), wrap(fds[1], SelectionKey.OP_WRITE));
    }

    static void signal(int fd) {
        long n = libc().write(fd, new long[] {1}, Long.BYTES);
        assertTrue(n == Long.BYTES, "write(eventfd " + fd + "): errno " + errno());
    }

    static void signal(NativeDeviceChannel channel) {
        signal(channel.getFD());
    }

    /** Reads an eventfd's count (0 if it was not signalled). */
    static long drain(int fd) {
        long[] value = new long[1];
        long n = libc().read(fd, value, Long.BYTES);
        if (n < 0) {
            assertTrue(errno() == EAGAIN, "read(eventfd " + fd + "): errno " + errno());
            return 0;
        }
        return value[0];
    }

    static long drain(NativeDeviceChannel channel) {
        return drain(channel.getFD());
    }

    static void write(NativeDeviceChannel sink, int bytes) {
        long n = libc().write(sink.getFD(), new byte[bytes], bytes);
        assertTrue(n == bytes, "write(pipe): " + n + ", errno " + errno());
    }

    /** Writes into a nonblocking pipe until it is full. */
    static void fill(NativeDeviceChannel sink) {
        byte[] page = new byte[4096];
        for (int i = 0; i < 1024; i++) {
            if (libc().write(sink.getFD(), page, page.length) < 0) {
                assertTrue(errno() == EAGAIN, "write(pipe): errno " + errno());
                return;
            }
        }
        fail("the pipe never filled");
    }

    /** Reads a nonblocking pipe until it is empty; returns the byte count. */
    static long empty(NativeDeviceChannel source) {
        byte[] page = new byte[65536];
        long total = 0;
        for (;;) {
            long n = libc().read(source.getFD(), page, page.length);
            if (n <= 0) {
                return total;
            }
            total += n;
        }
    }

    /** The open descriptors of this process, and what each names. */
    static java.util.Map<String, String> openDescriptors() {
        java.util.Map<String, String> open = new java.util.TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    open.put(fd.getFileName().toString(), Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed meanwhile (the directory's own descriptor among them)
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open;
    }

    /**
     * Waits (at most 5 s) until {@code thread} is inside epoll_wait, or has ended. Tests that use it are
     * correct without it (a wakeup or an interest change reaches a selection operation wherever it is),
     * it only makes them exercise the blocked case.
     */
    static void awaitBlockedInEpollWait(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && thread.isAlive()) {
            if (Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getMethodName().equals("epoll_wait"))) {
                return;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        if (thread.isAlive()) {
            fail(thread + " did not reach epoll_wait: " + Arrays.toString(thread.getStackTrace()));
        }
    }

    @Override
    public void close() {
        for (Channel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                // the test closed it already, or its descriptor
            }
        }
        channels.clear();
        for (int fd : rawFds) {
            libc().close(fd);
        }
        rawFds.clear();
    }
}
