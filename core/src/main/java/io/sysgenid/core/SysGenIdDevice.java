package io.sysgenid.core;

import io.sysgenid.core.internal.DeviceHandle;
import io.sysgenid.core.internal.LibcDeviceFile;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import jnr.enxio.channels.NativeDeviceChannel;

/**
 * One open file of a System Generation ID device: the real {@code /dev/sysgenid} ({@link #open()}) or
 * a simulated one ({@link io.sysgenid.core.sim.SimulatedSysGenId#open()}).
 *
 * <p><b>Generations</b> are the kernel's unsigned 32-bit counter carried in an {@code int}: compare them
 * with {@code ==} and {@code !=} only (the counter wraps), print them with
 * {@link Integer#toUnsignedString(int)}.
 *
 * <p><b>Watchers.</b> The file is a watcher once the kernel counts it: on the v4 family of this project's
 * module from its first read or poll (an epoll registration polls) or {@link #setTracking(boolean)
 * setTracking(true)}; on a {@link SysGenIdAbi#DEPLOYED deployed} kernel from open, because open turns
 * tracking on so that orchestrators wait for this file. A watcher that was open during a generation
 * change is outdated until it {@link #ack(int) acknowledges}; orchestrators
 * {@link #waitWatchers(Duration) wait} for it. A file that only reads {@link #currentGeneration()} on a
 * deployed kernel should call {@code setTracking(false)}.
 *
 * <p><b>Threading.</b> Every method is thread-safe. {@link #waitWatchers(Duration)} blocks the calling
 * thread in the kernel, and {@link Thread#interrupt()} does not end it. No other method blocks.
 *
 * <p><b>Errors.</b> A call the kernel refuses throws a {@link SysGenIdException} (unchecked) whose message
 * names the operation, the path and the errno; its subclasses {@link DeviceNotFoundException},
 * {@link PermissionDeniedException} and {@link UnsupportedAbiException} mark what a caller can act on.
 * Every method except {@link #close()}, {@link #abi()}, {@link #path()} and {@link #isOpen()} throws
 * {@link IllegalStateException} once the device is closed.
 */
public interface SysGenIdDevice extends AutoCloseable {
    /** The path of the device the kernel module creates. */
    Path DEFAULT_PATH = Path.of("/dev/sysgenid");

    /**
     * Opens {@link #DEFAULT_PATH}.
     *
     * @return the open device
     * @see #open(Path)
     */
    static SysGenIdDevice open() {
        return open(DEFAULT_PATH);
    }

    /**
     * Opens a device {@code O_RDWR | O_NONBLOCK | O_CLOEXEC}, detects its ioctl family and maps its counter
     * page. Detection: {@code GET_OUTDATED_WATCHERS} answers → {@link SysGenIdAbi#SEED_V4}; it answers EINVAL
     * or ENOTTY → {@link SysGenIdAbi#DEPLOYED}, and {@code SET_WATCHER_TRACKING(1)} is issued so that
     * orchestrators wait for this file.
     *
     * @param path the device file
     * @return the open device
     * @throws DeviceNotFoundException if the path does not exist or no driver answers it
     * @throws PermissionDeniedException if the process may not open it read-write
     * @throws UnsupportedAbiException if the file answers neither ioctl family (not a sysgenid device)
     * @throws SysGenIdException for any other failure of open, the ioctls or mmap
     */
    static SysGenIdDevice open(Path path) {
        return DeviceHandle.open(LibcDeviceFile.open(path));
    }

    /** {@return the device path, for messages} */
    String path();

    /** {@return the ioctl family found at open} */
    SysGenIdAbi abi();

    /**
     * A nonblocking read: the current generation if this file has not acknowledged it (the same value on
     * every call until {@link #ack(int)}), empty if it is up to date. A read never acknowledges; on this
     * project's module it makes the file a watcher.
     *
     * @return the generation to handle, or empty if this file is up to date
     * @throws SysGenIdException if the read fails otherwise than with EAGAIN
     */
    OptionalInt readGeneration();

    /**
     * Acknowledges {@code generation} (writes it). Acknowledging the current value of an up-to-date file
     * is a no-op that succeeds.
     *
     * @param generation the generation handled, as read
     * @return true if acknowledged; false if {@code generation} is not the current one (EINVAL), typically
     *     because a newer generation arrived: read again and handle that one
     * @throws SysGenIdException if the write fails otherwise
     */
    boolean ack(int generation);

    /**
     * Blocks until no tracked watcher is outdated, this file becomes outdated, or {@code timeout} passes.
     * A signal is retried with the time left. On the v4 family a timeout arrives as EINTR: it is told from
     * {@link WaitResult#SELF_OUTDATED} by a nonblocking read of this file (which, on this project's module,
     * makes the file a watcher).
     *
     * @param timeout positive; sent in milliseconds, rounded up, at most {@link Integer#MAX_VALUE} ms
     *     (the kernel reads 0 as "forever", which this method never sends)
     * @return why the wait ended
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     * @throws SysGenIdException if the ioctl fails otherwise
     */
    WaitResult waitWatchers(Duration timeout);

    /**
     * Moves the generation to max({@code minimum}, current + 1) (unsigned): it always moves by at least
     * one. Uses {@code FORCE_GEN_UPDATE} (v4) or {@code TRIGGER_GEN_UPDATE} (deployed).
     *
     * @param minimum the least generation to move to (unsigned)
     * @throws PermissionDeniedException without CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN (EACCES)
     * @throws SysGenIdException if the ioctl fails otherwise
     */
    void forceUpdate(int minimum);

    /**
     * How many watchers are outdated: {@code GET_OUTDATED_WATCHERS} on the v4 family, sysfs
     * {@code outdated_watchers} otherwise.
     *
     * @return the count, or empty if this kernel does not tell (never a made-up 0)
     * @throws SysGenIdException if the ioctl fails
     */
    OptionalInt outdatedWatchers();

    /**
     * How many files are watchers (sysfs {@code watchers}).
     *
     * @return the count, or empty if this kernel does not tell (never a made-up 0)
     */
    OptionalInt watchers();

    /**
     * Starts ({@code true}) or stops ({@code false}) counting this file as a watcher
     * ({@code SET_WATCHER_TRACKING}). A file that stops being a watcher is no longer waited for. On this
     * project's module the choice sticks: later reads and polls no longer make the file a watcher. (This
     * class opens the device read-write; the module never counts read-only files.)
     *
     * @param tracking whether the kernel counts this file as a watcher
     * @throws UnsupportedAbiException on a v4-only kernel, where every open file is a watcher
     * @throws SysGenIdException if the ioctl fails otherwise
     */
    void setTracking(boolean tracking);

    /**
     * The current generation, read from the mapped counter page: no system call, the cost of a volatile
     * read. It says "changed" reliably but never "certainly unchanged": the hypervisor's change can reach
     * the counter late. Reading it does not make the file a watcher and does not acknowledge anything.
     *
     * @return the generation in the counter page
     */
    int currentGeneration();

    /**
     * A new non-blocking jnr-enxio channel, created with {@code provider}, that polls readable (OP_READ)
     * exactly while this file is outdated, level-triggered until {@link #ack(int)}: register it with a
     * {@link java.nio.channels.Selector} of the same provider. It holds a duplicate of the descriptor
     * (of the device, or of the simulator's eventfd) and must stay non-blocking; do not read from it,
     * use {@link #readGeneration()}. Closing it leaves the device open; closing the device closes every
     * channel it created. Registering it polls, which on this project's module makes the file a watcher.
     * Because the descriptor is a duplicate, epoll keeps the registration while the device is open: close
     * the selector first, or cancel the key and run a selection operation before closing the channel
     * alone, or a level-triggered ready device keeps waking that selector.
     *
     * @param provider the selector provider the channel is for
     * @return the new channel
     * @throws SysGenIdException if the descriptor cannot be duplicated
     */
    NativeDeviceChannel openChannel(SelectorProvider provider);

    /** {@return false once {@link #close()} was called} */
    boolean isOpen();

    /**
     * Closes the file, its channels and its counter mapping, so the kernel stops counting it as a watcher.
     * Idempotent. A {@link #waitWatchers(Duration)} in progress keeps the descriptor until it returns; a
     * {@link #currentGeneration()} racing with close returns the last value or throws
     * {@link IllegalStateException}, and never crashes.
     */
    @Override
    void close();
}
