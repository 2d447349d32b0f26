package io.sysgenid.core.internal;

import io.sysgenid.core.SysGenIdAbi;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.SysGenIdException;
import io.sysgenid.core.WaitResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jnr.enxio.channels.NativeDeviceChannel;

/**
 * The {@link SysGenIdDevice} over a {@link DeviceFile}: ABI detection, errno to result or exception,
 * the EINTR rules of the wait, channels and the counter page, one implementation for the real and the
 * simulated device. Not API: obtain instances from {@link SysGenIdDevice#open(java.nio.file.Path)} or
 * the simulator.
 */
public final class DeviceHandle implements SysGenIdDevice {
    private static final long MAX_WAIT_MILLIS = Integer.MAX_VALUE;
    private static final Duration MAX_WAIT = Duration.ofMillis(MAX_WAIT_MILLIS);

    private final DeviceFile file;
    private final SysGenIdAbi abi;
    private final UseGuard guard = new UseGuard();
    private final Set<DeviceChannel> channels = ConcurrentHashMap.newKeySet();
    private final MappedCounterPage page;
    /**
     * The page's address, read here directly (one load fewer on the hot path), and 0 once closed. Plain:
     * the 0 only makes reads after close fail fast; a read racing with close reads the frozen page.
     */
    private long counterAddress;

    private DeviceHandle(DeviceFile file, SysGenIdAbi abi, MappedCounterPage page) {
        this.file = file;
        this.abi = abi;
        this.page = page;
        this.counterAddress = page.address();
    }

    /**
     * Detects the ioctl family of an open file and maps its counter; closes the file if either fails.
     *
     * @throws SysGenIdException (typed) as described by {@link SysGenIdDevice#open(java.nio.file.Path)}
     */
    public static SysGenIdDevice open(DeviceFile file) {
        try {
            SysGenIdAbi abi = detectAbi(file);
            return new DeviceHandle(file, abi, file.mapCounter());
        } catch (RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    private static SysGenIdAbi detectAbi(DeviceFile file) {
        long v4 = file.ioctl(Ioctls.GET_OUTDATED_WATCHERS, 0);
        if (v4 >= 0) {
            return SysGenIdAbi.SEED_V4;
        }
        if (!isUnknownIoctl(v4)) {
            throw DeviceErrors.failure(DeviceErrors.ioctl(Ioctls.GET_OUTDATED_WATCHERS), file.path(), (int) -v4, 0);
        }
        long tracking = file.ioctl(Ioctls.SET_WATCHER_TRACKING, 1);
        if (tracking >= 0) {
            return SysGenIdAbi.DEPLOYED;
        }
        if (isUnknownIoctl(tracking)) {
            throw DeviceErrors.unsupported(DeviceErrors.ioctl(Ioctls.SET_WATCHER_TRACKING), file.path(),
                    (int) -tracking, "not a sysgenid device: it answers neither the v4 ioctls ("
                            + Ioctls.name(Ioctls.GET_OUTDATED_WATCHERS) + " answered " + Errnos.describe((int) -v4)
                            + ") nor the deployed ones");
        }
        throw DeviceErrors.failure(DeviceErrors.ioctl(Ioctls.SET_WATCHER_TRACKING), file.path(), (int) -tracking, 0);
    }

    private static boolean isUnknownIoctl(long result) {
        return result == -Errnos.EINVAL || result == -Errnos.ENOTTY;
    }

    @Override
    public String path() {
        return file.path();
    }

    @Override
    public SysGenIdAbi abi() {
        return abi;
    }

    @Override
    public OptionalInt readGeneration() {
        enter();
        try {
            return read();
        } finally {
            exit();
        }
    }

    private OptionalInt read() {
        long result = file.read();
        if (result >= 0) {
            return OptionalInt.of((int) result);
        }
        if (result == -Errnos.EAGAIN) {
            return OptionalInt.empty();
        }
        throw DeviceErrors.failure("read", file.path(), (int) -result, 0);
    }

    @Override
    public boolean ack(int generation) {
        enter();
        try {
            long result = file.write(generation);
            if (result == -Errnos.EINVAL) {
                return false;
            }
            if (result < 0) {
                throw DeviceErrors.failure("write (acknowledge " + Integer.toUnsignedString(generation) + ")",
                        file.path(), (int) -result, 0);
            }
            return true;
        } finally {
            exit();
        }
    }

    @Override
    public WaitResult waitWatchers(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        int request = abi == SysGenIdAbi.SEED_V4 ? Ioctls.WAIT_WATCHERS : Ioctls.WAIT_WATCHERS_V2;
        long deadline = System.nanoTime() + (timeout.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : timeout).toNanos();
        enter();
        try {
            for (;;) {
                long remaining = deadline - System.nanoTime();
                long millis = Math.max(1, Math.min(MAX_WAIT_MILLIS, (remaining + 999_999) / 1_000_000));
                long result = file.ioctl(request, millis);
                if (result >= 0) {
                    return WaitResult.ALL_ACKED;
                }
                if (result == -Errnos.ETIME) {
                    return WaitResult.TIMED_OUT;
                }
                if (result != -Errnos.EINTR) {
                    throw DeviceErrors.failure(DeviceErrors.ioctl(request), file.path(), (int) -result, 0);
                }
                if (read().isPresent()) {
                    return WaitResult.SELF_OUTDATED;
                }
                if (System.nanoTime() - deadline >= 0) {
                    return WaitResult.TIMED_OUT;
                }
                // a signal: wait for the time left
            }
        } finally {
            exit();
        }
    }

    @Override
    public void forceUpdate(int minimum) {
        int request = abi == SysGenIdAbi.SEED_V4 ? Ioctls.FORCE_GEN_UPDATE : Ioctls.TRIGGER_GEN_UPDATE;
        enter();
        try {
            long result = file.ioctl(request, Integer.toUnsignedLong(minimum));
            if (result < 0) {
                throw DeviceErrors.failure(DeviceErrors.ioctl(request), file.path(), (int) -result, request);
            }
        } finally {
            exit();
        }
    }

    @Override
    public OptionalInt outdatedWatchers() {
        enter();
        try {
            if (abi != SysGenIdAbi.SEED_V4) {
                return file.attribute("outdated_watchers");
            }
            long result = file.ioctl(Ioctls.GET_OUTDATED_WATCHERS, 0);
            if (result < 0) {
                throw DeviceErrors.failure(DeviceErrors.ioctl(Ioctls.GET_OUTDATED_WATCHERS), file.path(),
                        (int) -result, 0);
            }
            return OptionalInt.of((int) result);
        } finally {
            exit();
        }
    }

    @Override
    public OptionalInt watchers() {
        enter();
        try {
            return file.attribute("watchers");
        } finally {
            exit();
        }
    }

    @Override
    public void setTracking(boolean tracking) {
        enter();
        try {
            long result = file.ioctl(Ioctls.SET_WATCHER_TRACKING, tracking ? 1 : 0);
            if (isUnknownIoctl(result)) {
                throw DeviceErrors.unsupported(DeviceErrors.ioctl(Ioctls.SET_WATCHER_TRACKING), file.path(),
                        (int) -result, "this kernel speaks only the v4 ABI, where every open file is a watcher");
            }
            if (result < 0) {
                throw DeviceErrors.failure(DeviceErrors.ioctl(Ioctls.SET_WATCHER_TRACKING), file.path(),
                        (int) -result, 0);
            }
        } finally {
            exit();
        }
    }

    @Override
    public int currentGeneration() {
        long address = counterAddress;
        if (address == 0) {
            throw closed();
        }
        int value = CounterMemory.readVolatile(address);
        Reference.reachabilityFence(this); // keeps the page, and so the mapping, alive through the read
        return value;
    }

    @Override
    public NativeDeviceChannel openChannel(SelectorProvider provider) {
        Objects.requireNonNull(provider, "provider");
        enter();
        try {
            int fd = Libc.get().fcntl(file.pollDescriptor(), Libc.F_DUPFD_CLOEXEC, 0);
            if (fd < 0) {
                throw DeviceErrors.failure("dup", file.path(), Libc.lastError(), 0);
            }
            DeviceChannel channel = new DeviceChannel(provider, fd);
            try {
                channel.configureBlocking(false);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new UncheckedIOException(e);
            }
            channels.add(channel); // release() runs after this call exits, so it will close it
            return channel;
        } finally {
            exit();
        }
    }

    @Override
    public boolean isOpen() {
        return !guard.isClosed();
    }

    @Override
    public void close() {
        counterAddress = 0; // fail fast from now on; the page itself goes when the last call returns
        if (guard.close()) {
            release();
        }
    }

    @Override
    public String toString() {
        return "SysGenIdDevice[" + file.path() + ", " + abi + (isOpen() ? "" : ", closed") + "]";
    }

    private void enter() {
        if (!guard.enter()) {
            throw closed();
        }
    }

    private IllegalStateException closed() {
        return new IllegalStateException(file.path() + " is closed");
    }

    private void exit() {
        if (guard.exit()) {
            release();
        }
    }

    private void release() {
        page.release();
        for (DeviceChannel channel : new ArrayList<>(channels)) {
            closeQuietly(channel);
        }
        file.close();
    }

    private static void closeQuietly(NativeDeviceChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // a close(2) failure of a duplicate descriptor leaves nothing to clean up
        }
    }

    /** A channel on a duplicated descriptor that leaves the device's set when closed. */
    private final class DeviceChannel extends NativeDeviceChannel {
        DeviceChannel(SelectorProvider provider, int fd) {
            super(provider, fd, SelectionKey.OP_READ, false);
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            channels.remove(this);
            super.implCloseSelectableChannel();
        }
    }
}
