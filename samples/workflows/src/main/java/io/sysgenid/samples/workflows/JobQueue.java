package io.sysgenid.samples.workflows;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.SelectorProvider;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import jnr.enxio.channels.NativeDeviceChannel;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * "The other parts of your app" in workflow 2: a queue of jobs any thread may post to, signalled through an
 * eventfd, so the event loop serves it from the same epoll set as the sysgenid device. Thread-safe.
 */
final class JobQueue implements AutoCloseable {
    /** The libc calls an eventfd needs. */
    public interface EventFdCalls {
        int eventfd(int initial, int flags);

        @ssize_t long read(int fd, @Out long[] value, @size_t long count);

        @ssize_t long write(int fd, @In long[] value, @size_t long count);
    }

    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final EventFdCalls LIBC = LibraryLoader.create(EventFdCalls.class).load("c");

    private final int fd;
    private final NativeDeviceChannel channel;
    private final Queue<Runnable> jobs = new ConcurrentLinkedQueue<>();

    JobQueue(SelectorProvider provider) throws IOException {
        fd = LIBC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (fd < 0) {
            throw new IOException("eventfd failed");
        }
        channel = new NativeDeviceChannel(provider, fd, SelectionKey.OP_READ, false);
        channel.configureBlocking(false);
    }

    NativeDeviceChannel channel() {
        return channel;
    }

    /** Queues a job and wakes the loop. */
    void post(Runnable job) {
        jobs.add(job);
        LIBC.write(fd, new long[] {1}, Long.BYTES);
    }

    /** On the loop: clears the eventfd and runs every queued job. @return how many ran */
    int runPending() {
        LIBC.read(fd, new long[1], Long.BYTES);
        int ran = 0;
        for (Runnable job; (job = jobs.poll()) != null; ran++) {
            job.run();
        }
        return ran;
    }

    @Override
    public void close() throws IOException {
        channel.close(); // closes the eventfd
    }
}
