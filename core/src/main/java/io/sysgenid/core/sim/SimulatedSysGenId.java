package io.sysgenid.core.sim;

import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.internal.DeviceErrors;
import io.sysgenid.core.internal.DeviceFile;
import io.sysgenid.core.internal.DeviceHandle;
import io.sysgenid.core.internal.Errnos;
import io.sysgenid.core.internal.EventFd;
import io.sysgenid.core.internal.Ioctls;
import io.sysgenid.core.internal.MappedCounterPage;
import io.sysgenid.core.internal.MemfdCounter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-process sysgenid device with the state machine of the kernel's (see {@code ABI.md}), for tests and
 * for machines without the module. {@link #open()} hands out {@link SysGenIdDevice} handles that behave
 * like open files of {@code /dev/sysgenid}: the same ABI detection, errno rules, EINTR/ETIME waits and
 * level-triggered readiness, which is a real file descriptor (an eventfd per handle, signalled while the
 * handle is outdated), so selectors and {@link io.sysgenid.core.GenerationWatcher} run their real code.
 * The counter is a real shared page too (a memfd the simulator writes), which every handle maps
 * read-only the way it maps the device, so {@link SysGenIdDevice#currentGeneration()} runs the real
 * mmap path. The simulator holds that memfd's descriptor until {@link #close()}.
 *
 * <p>The simulator plays both the kernel and the hypervisor: {@link #bump()} is a VM generation change,
 * {@link #forceUpdate(int)} the privileged ioctl. A handle's own {@link SysGenIdDevice#forceUpdate(int)}
 * succeeds while the simulator is {@linkplain Builder#privileged(boolean) privileged} and fails with
 * EACCES otherwise. {@link #failNext(SimulatedOperation, int)} injects device errors.
 *
 * <p>Watchers follow this project's module: a file watches from its first read or poll, unless it chose
 * with {@code SET_WATCHER_TRACKING}, a choice that sticks. (Every handle opens read-write, so the module's
 * rule that read-only files never watch has no case here.)
 *
 * <p>Differences from a kernel: asking a handle for a {@linkplain SysGenIdDevice#openChannel channel}
 * counts as polling (the simulator cannot see an epoll registration), and the counter wraps as an
 * unsigned 32-bit value on every simulated kernel.
 *
 * <p>Thread-safe. {@link #close()} closes every handle still open. Instances are independent: each is one
 * device with its own counter.
 */
public final class SimulatedSysGenId implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final SimulatedKernel kernel;
    private final String path;
    private final List<SimulatedFile> files = new ArrayList<>();
    private final List<SysGenIdDevice> handles = new ArrayList<>();
    private final Map<SimulatedOperation, ArrayDeque<Integer>> faults = new EnumMap<>(SimulatedOperation.class);
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final SimulatedJournal journal;
    private int filesOpened;
    /** The counter page handles map, as they map the device's. */
    private final MemfdCounter page;

    /** The generation, readable without the lock. */
    private volatile int counter;
    private int generation;
    private boolean privileged;
    private boolean closed;

    private SimulatedSysGenId(Builder builder) {
        this.kernel = builder.kernel;
        this.path = builder.path;
        this.privileged = builder.privileged;
        this.generation = builder.startGeneration;
        this.counter = builder.startGeneration;
        this.page = MemfdCounter.create(path, builder.startGeneration);
        this.journal = new SimulatedJournal(builder.journal);
    }

    /** {@return a simulated {@link SimulatedKernel#MODULE module} at generation 0, privileged} */
    public static SimulatedSysGenId create() {
        return builder().build();
    }

    /** {@return a builder of a simulated device} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a new file of the device (up to date, not yet a watcher except on {@link SimulatedKernel#SEED_V4})
     * and returns its handle.
     *
     * @return the handle of the new file
     * @throws io.sysgenid.core.SysGenIdException (typed) if an OPEN failure was injected, as the real open
     *     would throw it
     * @throws IllegalStateException if the simulator is closed
     */
    public SysGenIdDevice open() {
        SimulatedFile file;
        lock.lock();
        try {
            checkOpen();
            Integer fault = takeFault(SimulatedOperation.OPEN);
            if (fault != null) {
                throw DeviceErrors.failure(DeviceErrors.OPEN, path, fault, 0);
            }
            file = new SimulatedFile(EventFd.open(path), ++filesOpened);
            files.add(file);
            journal.add(SimulatedJournal.Kind.OPEN, file.number, generation);
        } finally {
            lock.unlock();
        }
        SysGenIdDevice handle = DeviceHandle.open(file);
        lock.lock();
        try {
            if (!closed) {
                handles.removeIf(h -> !h.isOpen());
                handles.add(handle);
                return handle;
            }
        } finally {
            lock.unlock();
        }
        handle.close(); // the simulator was closed meanwhile
        throw new IllegalStateException(path + ": the simulator is closed");
    }

    /** {@return the kernel this simulator behaves like} */
    public SimulatedKernel kernel() {
        return kernel;
    }

    /** {@return the current generation} */
    public int generation() {
        return counter;
    }

    /**
     * A VM generation change: the generation moves by one.
     *
     * @return the new generation
     */
    public int bump() {
        return forceUpdate(0);
    }

    /**
     * Moves the generation to max({@code minimum}, current + 1) (unsigned), as the privileged ioctl does,
     * whatever {@link #setPrivileged(boolean)} says.
     *
     * @param minimum the least generation to move to (unsigned)
     * @return the new generation
     */
    public int forceUpdate(int minimum) {
        lock.lock();
        try {
            advance(minimum);
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many files are watchers now (always known here, whatever the simulated kernel publishes)} */
    public int watchers() {
        lock.lock();
        try {
            return (int) files.stream().filter(f -> f.watcher).count();
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many watchers are outdated now} */
    public int outdatedWatchers() {
        lock.lock();
        try {
            return outdatedCount();
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many files are open} */
    public int openFiles() {
        lock.lock();
        try {
            return files.size();
        } finally {
            lock.unlock();
        }
    }

    /** {@return the record of changes and acknowledgements (empty unless the builder asked to keep it)} */
    public SimulatedJournal journal() {
        return journal;
    }

    /** {@return how many reads all handles have made (to check that a reader does not spin)} */
    public long reads() {
        return reads.get();
    }

    /** {@return how many acknowledgements (writes) all handles have made, accepted or not} */
    public long writes() {
        return writes.get();
    }

    /**
     * Blocks until no watcher is outdated or {@code timeout} passes, like an orchestrator's wait without
     * a file of its own.
     *
     * @param timeout how long to wait at most
     * @return true if no watcher is outdated
     * @throws InterruptedException if the calling thread is interrupted
     */
    public boolean awaitAllAcknowledged(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (outdatedCount() > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether handles may bump the generation (otherwise their FORCE/TRIGGER ioctl is EACCES).
     *
     * @param privileged true to let handles bump the generation
     */
    public void setPrivileged(boolean privileged) {
        lock.lock();
        try {
            this.privileged = privileged;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes the next {@code operation} of any handle (or the next {@link #open()}) fail with {@code errno}
     * (a Linux errno value, for example 5 for EIO). Calls queue up: each failure is used once.
     *
     * @param operation the operation to fail
     * @param errno the errno it fails with, positive
     */
    public void failNext(SimulatedOperation operation, int errno) {
        Objects.requireNonNull(operation, "operation");
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive, was " + errno);
        }
        lock.lock();
        try {
            faults.computeIfAbsent(operation, o -> new ArrayDeque<>()).add(errno);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every failure injected with {@link #failNext} and not used yet. */
    public void clearFaults() {
        lock.lock();
        try {
            faults.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every handle still open; {@link #open()} then throws. Idempotent. */
    @Override
    public void close() {
        List<SysGenIdDevice> open;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(handles);
            handles.clear();
            page.close();
        } finally {
            lock.unlock();
        }
        open.forEach(SysGenIdDevice::close);
    }

    @Override
    public String toString() {
        return "SimulatedSysGenId[" + path + ", " + kernel + ", generation " + Integer.toUnsignedString(counter) + "]";
    }

    // ---- the kernel's state machine; every method below runs under the lock ----

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(path + ": the simulator is closed");
        }
    }

    private Integer takeFault(SimulatedOperation operation) {
        ArrayDeque<Integer> queue = faults.get(operation);
        return queue == null ? null : queue.poll();
    }

    private int outdatedCount() {
        int n = 0;
        for (SimulatedFile f : files) {
            if (f.watcher && f.acked != generation) {
                n++;
            }
        }
        return n;
    }

    private void advance(int minimum) {
        int next = generation + 1;
        if (Integer.compareUnsigned(minimum, next) > 0) {
            next = minimum;
        }
        if (next == generation) { // minimum 0xFFFFFFFF at 0xFFFFFFFF: it must still move
            next++;
        }
        generation = next;
        counter = next;
        page.write(next);
        journal.add(SimulatedJournal.Kind.CHANGE, 0, next);
        for (SimulatedFile f : files) {
            f.updateReadiness();
        }
        changed.signalAll();
    }

    private long waitWatchers(SimulatedFile file, long millis, boolean v4) {
        long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
        boolean interrupted = false;
        try {
            for (;;) {
                if (file.acked != generation) {
                    return -Errnos.EINTR;
                }
                if (outdatedCount() == 0) {
                    return 0;
                }
                if (millis != 0 && nanos <= 0) {
                    return v4 ? -Errnos.EINTR : -Errnos.ETIME;
                }
                try {
                    if (millis == 0) {
                        changed.await();
                    } else {
                        nanos = changed.awaitNanos(nanos);
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // like the kernel's wait, not interruptible by Thread.interrupt
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One open file: its acknowledged generation, watcher state and readiness eventfd. */
    private final class SimulatedFile implements DeviceFile {
        private final EventFd ready;
        private final int number;
        private int acked = generation;
        private boolean watcher = kernel == SimulatedKernel.SEED_V4;
        /** SET_WATCHER_TRACKING was called: reads and polls no longer change whether this file watches. */
        private boolean trackingChosen;
        private boolean signalled;
        private boolean released;

        SimulatedFile(EventFd ready, int number) {
            this.ready = ready;
            this.number = number;
        }

        /** Readable exactly while outdated. */
        void updateReadiness() {
            boolean outdated = acked != generation;
            if (outdated && !signalled) {
                ready.signal();
            } else if (!outdated && signalled) {
                ready.drain();
            }
            signalled = outdated;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public long read() {
            lock.lock();
            try {
                reads.incrementAndGet();
                Integer fault = takeFault(SimulatedOperation.READ);
                if (fault != null) {
                    return -fault;
                }
                if (kernel == SimulatedKernel.MODULE && !trackingChosen) {
                    watcher = true;
                }
                return acked != generation ? Integer.toUnsignedLong(generation) : -Errnos.EAGAIN;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long write(int value) {
            writes.incrementAndGet();
            lock.lock();
            try {
                Integer fault = takeFault(SimulatedOperation.ACK);
                if (fault != null) {
                    journal.add(SimulatedJournal.Kind.FAILED_ACK, number, value);
                    return -fault;
                }
                if (value != generation) {
                    journal.add(SimulatedJournal.Kind.REFUSED_ACK, number, value);
                    return -Errnos.EINVAL;
                }
                if (acked != generation) {
                    acked = generation;
                    updateReadiness();
                    changed.signalAll();
                    journal.add(SimulatedJournal.Kind.ACK, number, value);
                } else {
                    journal.add(SimulatedJournal.Kind.REPEATED_ACK, number, value);
                }
                return Integer.BYTES;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long ioctl(int request, long argument) {
            lock.lock();
            try {
                SimulatedOperation operation = operation(request);
                if (operation == null) {
                    return kernel == SimulatedKernel.DEPLOYED ? -Errnos.EINVAL : -Errnos.ENOTTY;
                }
                Integer fault = takeFault(operation);
                if (fault != null) {
                    return -fault;
                }
                switch (operation) {
                    case GET_OUTDATED_WATCHERS:
                        return outdatedCount();
                    case WAIT_WATCHERS:
                        return waitWatchers(this, argument, request == Ioctls.WAIT_WATCHERS);
                    case FORCE_UPDATE:
                        if (!privileged) {
                            return -Errnos.EACCES;
                        }
                        advance((int) argument);
                        return 0;
                    case SET_TRACKING:
                        watcher = argument != 0;
                        trackingChosen = true;
                        changed.signalAll();
                        return 0;
                    default:
                        throw new AssertionError(operation);
                }
            } finally {
                lock.unlock();
            }
        }

        /** The operation a request is on this kernel, null if this kernel does not know it. */
        private SimulatedOperation operation(int request) {
            boolean v4 = kernel != SimulatedKernel.DEPLOYED;
            boolean deployed = kernel != SimulatedKernel.SEED_V4;
            switch (request) {
                case Ioctls.GET_OUTDATED_WATCHERS:
                    return v4 ? SimulatedOperation.GET_OUTDATED_WATCHERS : null;
                case Ioctls.WAIT_WATCHERS:
                    return v4 ? SimulatedOperation.WAIT_WATCHERS : null;
                case Ioctls.FORCE_GEN_UPDATE:
                    return v4 ? SimulatedOperation.FORCE_UPDATE : null;
                case Ioctls.SET_WATCHER_TRACKING:
                    return deployed ? SimulatedOperation.SET_TRACKING : null;
                case Ioctls.WAIT_WATCHERS_V2:
                    return deployed ? SimulatedOperation.WAIT_WATCHERS : null;
                case Ioctls.TRIGGER_GEN_UPDATE:
                    return deployed ? SimulatedOperation.FORCE_UPDATE : null;
                default:
                    return null;
            }
        }

        @Override
        public int pollDescriptor() {
            lock.lock();
            try {
                if (kernel == SimulatedKernel.MODULE && !trackingChosen) {
                    watcher = true;
                }
                return ready.fd();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public MappedCounterPage mapCounter() {
            return page.mapReadOnly(path);
        }

        @Override
        public OptionalInt attribute(String name) {
            if (kernel != SimulatedKernel.MODULE) {
                return OptionalInt.empty();
            }
            lock.lock();
            try {
                switch (name) {
                    case "generation":
                        return OptionalInt.of(generation);
                    case "watchers":
                        return OptionalInt.of((int) files.stream().filter(f -> f.watcher).count());
                    case "outdated_watchers":
                        return OptionalInt.of(outdatedCount());
                    default:
                        return OptionalInt.empty();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (released) {
                    return;
                }
                released = true;
                files.remove(this);
                journal.add(SimulatedJournal.Kind.CLOSE, number, generation);
                ready.close();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Settings of a {@link SimulatedSysGenId}. */
    public static final class Builder {
        private SimulatedKernel kernel = SimulatedKernel.MODULE;
        private String path = "/dev/sysgenid (simulated)";
        private int startGeneration;
        private boolean privileged = true;
        private boolean journal;

        private Builder() {}

        /**
         * Whether to keep a {@link SimulatedJournal} of changes and acknowledgements; default false.
         *
         * @param keep true to keep it
         * @return this builder
         */
        public Builder journal(boolean keep) {
            this.journal = keep;
            return this;
        }

        /**
         * The kernel to behave like; default {@link SimulatedKernel#MODULE}.
         *
         * @param kernel the kernel
         * @return this builder
         */
        public Builder kernel(SimulatedKernel kernel) {
            this.kernel = Objects.requireNonNull(kernel, "kernel");
            return this;
        }

        /**
         * The path named in messages; default {@code "/dev/sysgenid (simulated)"}.
         *
         * @param path the path
         * @return this builder
         */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * The generation at start (unsigned); default 0, as after the module loads.
         *
         * @param generation the first generation
         * @return this builder
         */
        public Builder startGeneration(int generation) {
            this.startGeneration = generation;
            return this;
        }

        /**
         * Whether handles may bump the generation; default true.
         *
         * @param privileged true to let handles bump the generation
         * @return this builder
         */
        public Builder privileged(boolean privileged) {
            this.privileged = privileged;
            return this;
        }

        /** {@return the simulated device} */
        public SimulatedSysGenId build() {
            return new SimulatedSysGenId(this);
        }
    }
}
