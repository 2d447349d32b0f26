package io.sysgenid.core.internal;

import java.util.OptionalInt;

/**
 * One open file of a sysgenid device at the level of the kernel's file operations: every call returns
 * what the system call would, a negative errno for a failure. The real device ({@link LibcDeviceFile})
 * and the simulated one implement it, so {@link DeviceHandle} runs the same logic over both. Not API.
 *
 * <p>Implementations are thread-safe. {@link #close()} is called once, after every other call returned.
 */
public interface DeviceFile {
    /** The device path, for messages. */
    String path();

    /** A 4-byte nonblocking read: the counter as an unsigned value (0 to 0xFFFFFFFF), or -errno. */
    long read();

    /** A 4-byte write of {@code value}: 4, or -errno. */
    long write(int value);

    /** {@code ioctl(fd, request, argument)}: the non-negative result, or -errno. */
    long ioctl(int request, long argument);

    /**
     * A file descriptor, owned by this file, that polls readable exactly while this file is outdated
     * (the device itself, or an eventfd the simulator drives). Asking for it counts as polling.
     */
    int pollDescriptor();

    /** Maps the counter page. @throws io.sysgenid.core.SysGenIdException if the mapping fails */
    MappedCounterPage mapCounter();

    /**
     * A counter attribute the kernel publishes (sysfs {@code generation}, {@code watchers},
     * {@code outdated_watchers}); empty when this kernel does not publish it.
     */
    OptionalInt attribute(String name);

    /** Releases the file. */
    void close();
}
