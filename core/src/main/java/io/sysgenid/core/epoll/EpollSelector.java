package io.sysgenid.core.epoll;

import static io.sysgenid.core.epoll.EpollNative.EAGAIN;
import static io.sysgenid.core.epoll.EpollNative.EEXIST;
import static io.sysgenid.core.epoll.EpollNative.EFD_CLOEXEC;
import static io.sysgenid.core.epoll.EpollNative.EFD_NONBLOCK;
import static io.sysgenid.core.epoll.EpollNative.EINTR;
import static io.sysgenid.core.epoll.EpollNative.EPOLLERR;
import static io.sysgenid.core.epoll.EpollNative.EPOLLHUP;
import static io.sysgenid.core.epoll.EpollNative.EPOLLIN;
import static io.sysgenid.core.epoll.EpollNative.EPOLLOUT;
import static io.sysgenid.core.epoll.EpollNative.EPOLLPRI;
import static io.sysgenid.core.epoll.EpollNative.EPOLL_CLOEXEC;
import static io.sysgenid.core.epoll.EpollNative.EPOLL_CTL_ADD;
import static io.sysgenid.core.epoll.EpollNative.EPOLL_CTL_DEL;
import static io.sysgenid.core.epoll.EpollNative.EPOLL_CTL_MOD;

import io.sysgenid.core.epoll.EpollNative.EventLayout;
import io.sysgenid.core.epoll.EpollNative.LibEpoll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelectionKey;
import java.nio.channels.spi.AbstractSelector;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import jnr.enxio.channels.NativeDeviceChannel;
import jnr.enxio.channels.NativeSelectableChannel;

/**
 * A {@link Selector} over Linux epoll(7) for jnr-enxio channels: any {@link AbstractSelectableChannel}
 * that implements {@link NativeSelectableChannel} ({@code NativeDeviceChannel}, {@code NativeSocketChannel},
 * {@code NativeServerSocketChannel}, ...). jnr-enxio itself only has a poll(2) selector on Linux. Open one
 * with {@link EpollSelectorProvider#openSelector()}.
 *
 * <p>It follows the {@link Selector} contract as the JDK's epoll selector does: level-triggered
 * readiness, the {@code select(Consumer)} operations, a {@link #wakeup()} that makes the next selection
 * operation return at once if none is in progress, {@link Thread#interrupt()} waking a blocked
 * selection (the interrupt status stays set), cancelled keys leaving the epoll set, the key set and
 * the selected-key set at the next selection operation.
 *
 * <p><b>Channels.</b> {@link #register register} accepts any jnr-enxio channel, whatever provider made
 * it (jnr-enxio's socket channels can only be made with its own provider), and throws
 * {@link IllegalSelectorException} for any other channel, the JDK's among them. The channel's
 * descriptor must support epoll: registering a regular file fails with {@link UncheckedIOException}
 * ({@code EPERM}). Two open channels cannot register the same descriptor number
 * ({@link IllegalArgumentException}). {@code OP_READ} waits for {@code EPOLLIN}, plus {@code EPOLLPRI}
 * for {@link NativeDeviceChannel}s (devices and sysfs attributes signal with it; on a socket it would
 * mean out-of-band data that {@code read} does not consume). See {@link EpollSelectionKey} for the
 * ready sets.
 *
 * <p><b>Interest sets</b> are applied to the epoll set at once, by the thread that changes them; a
 * selection operation blocked in another thread sees them (and new registrations) without a wakeup.
 *
 * <p><b>Closing a registered channel.</b> A jnr-enxio channel closes its descriptor before it cancels
 * its keys, so the kernel has already dropped the registration (unless the descriptor is shared, see
 * below) and this selector forgets the key at its next selection operation. A descriptor number reused
 * meanwhile by a new registration is not confused with the old one: each registration tags its epoll
 * entry with its own generation, and the old key never touches the new entry. If the open file is still
 * referenced elsewhere (the descriptor was {@code dup}ed, or inherited by a child process), the kernel
 * keeps the old registration alive and nothing can remove it but closing this selector (epoll(7),
 * "Questions and answers" 6); this selector ignores its events, but a level-triggered ready file keeps
 * waking the selection operations. To avoid that, cancel the key and run a selection operation (e.g.
 * {@link #selectNow()}) before closing such a channel.
 *
 * <p><b>Thread safety.</b> A selector is safe for use by any number of threads. Selection operations
 * synchronize on the selector and then on the selected-key set, as the JDK's do; a second thread that
 * selects waits for the first. {@link #register register}, {@link SelectionKey#interestOps(int)},
 * {@link SelectionKey#cancel()} and {@link #wakeup()} never wait for a selection operation.
 * {@link #close()} wakes a blocked selection and waits for it to end. The key set is a weakly
 * consistent concurrent view: iterating it while other threads register channels does not throw. The
 * selected-key set is, as the specification says, not thread-safe: use it from the selecting thread,
 * or synchronize on it.
 *
 * <p><b>Errors.</b> Selection operations throw {@link ClosedSelectorException} once the selector is
 * closed and {@link IOException} if {@code epoll_wait} fails (other than {@code EINTR}, on which they
 * retry with the time left). Failures of {@code epoll_ctl} for channels that are being closed
 * ({@code EBADF}, {@code ENOENT}) are ignored; for open channels they are thrown as
 * {@link UncheckedIOException} by the call that changes the interest set.
 *
 * <p><b>Virtual threads.</b> A selection operation blocks in a native call, which pins the carrier
 * thread of a virtual thread: select from a platform thread.
 */
public final class EpollSelector extends AbstractSelector {
    /** epoll_event.data of the wakeup eventfd; a key's data is generation << 32 | fd, generation > 0. */
    private static final long WAKEUP_DATA = -1L;
    private static final int INITIAL_EVENTS = 64;
    private static final int MAX_EVENTS = 1024;
    private static final long[] ONE = {1L};

    private final LibEpoll lib;
    private final EventLayout layout;
    private final int epfd;
    private final int wakeupFd;

    /**
     * Guards epoll_ctl, {@link #ctlEvent}, the writes to {@link #fdToKey}, the keys' kernel state and
     * the closing of {@link #epfd}: interest changes from any thread never race the close.
     */
    private final Object ctlLock = new Object();
    private final ByteBuffer ctlEvent;
    private boolean ctlClosed;
    private int nextGeneration = 1;
    /** The key owning each registered descriptor number; read without the lock by the selecting thread. */
    private final ConcurrentHashMap<Integer, EpollSelectionKey> fdToKey = new ConcurrentHashMap<>();

    private final Set<SelectionKey> keys = ConcurrentHashMap.newKeySet();
    private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keys);
    private final Set<SelectionKey> selectedKeys = new HashSet<>();
    private final Set<SelectionKey> publicSelectedKeys = new UngrowableSet(selectedKeys);

    // Guarded by this (the selecting thread).
    private ByteBuffer events;
    private int eventCapacity;
    private boolean inSelect;

    private final Object wakeupLock = new Object();
    /** True while the eventfd is signalled. Guarded by wakeupLock. */
    private boolean wakeupPending;
    private boolean wakeupClosed;

    EpollSelector(EpollSelectorProvider provider) throws IOException {
        super(provider);
        EpollNative.checkSupported();
        this.lib = EpollNative.lib();
        this.layout = EventLayout.current();
        this.ctlEvent = ByteBuffer.allocateDirect(layout.size).order(ByteOrder.nativeOrder());
        this.eventCapacity = INITIAL_EVENTS;
        this.events = allocateEvents(eventCapacity);

        int ep = lib.epoll_create1(EPOLL_CLOEXEC);
        if (ep < 0) {
            throw EpollNative.error("epoll_create1(EPOLL_CLOEXEC)", EpollNative.lastError());
        }
        int efd = lib.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (efd < 0) {
            int errno = EpollNative.lastError();
            lib.close(ep);
            throw EpollNative.error("eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)", errno);
        }
        if (ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, WAKEUP_DATA) < 0) {
            int errno = EpollNative.lastError();
            lib.close(efd);
            lib.close(ep);
            throw EpollNative.error("epoll_ctl(ADD, eventfd " + efd + ")", errno);
        }
        this.epfd = ep;
        this.wakeupFd = efd;
    }

    // ---- key sets ----

    /**
     * The key set: unmodifiable, weakly consistent (safe to iterate while other threads register).
     *
     * @throws ClosedSelectorException if this selector is closed
     */
    @Override
    public Set<SelectionKey> keys() {
        ensureOpen();
        return publicKeys;
    }

    /**
     * The selected-key set: keys may be removed, not added ({@link UnsupportedOperationException}). Not
     * thread-safe.
     *
     * @throws ClosedSelectorException if this selector is closed
     */
    @Override
    public Set<SelectionKey> selectedKeys() {
        ensureOpen();
        return publicSelectedKeys;
    }

    // ---- selection operations ----

    @Override
    public int selectNow() throws IOException {
        return lockAndDoSelect(null, 0);
    }

    @Override
    public int select(long timeout) throws IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout: " + timeout);
        }
        return lockAndDoSelect(null, timeout == 0 ? -1 : timeout);
    }

    @Override
    public int select() throws IOException {
        return lockAndDoSelect(null, -1);
    }

    /**
     * As specified by {@link Selector#select(Consumer, long)}. The action runs in the selecting thread,
     * synchronized on this selector and its selected-key set; it is given only valid keys whose ready
     * set (replaced, not merged) intersects their interest set, and the selected-key set is left alone.
     * A selection operation started by the action throws {@link IllegalStateException}.
     */
    @Override
    public int select(Consumer<SelectionKey> action, long timeout) throws IOException {
        Objects.requireNonNull(action, "action");
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout: " + timeout);
        }
        return lockAndDoSelect(action, timeout == 0 ? -1 : timeout);
    }

    /** As {@link #select(Consumer, long)} with no timeout. */
    @Override
    public int select(Consumer<SelectionKey> action) throws IOException {
        return select(action, 0);
    }

    /** As {@link #select(Consumer, long)}, without blocking. */
    @Override
    public int selectNow(Consumer<SelectionKey> action) throws IOException {
        Objects.requireNonNull(action, "action");
        return lockAndDoSelect(action, 0);
    }

    /**
     * Makes the selection operation in progress, or else the next one, return at once. Repeated calls
     * before that operation count once; {@link #selectNow()} clears a pending wakeup. Does nothing once
     * the selector is closed.
     */
    @Override
    public Selector wakeup() {
        synchronized (wakeupLock) {
            if (!wakeupPending && !wakeupClosed) {
                if (lib.write(wakeupFd, ONE, Long.BYTES) < 0) {
                    int errno = EpollNative.lastError();
                    if (errno != EAGAIN) {
                        throw new UncheckedIOException(EpollNative.error("write(eventfd " + wakeupFd + ")", errno));
                    }
                }
                wakeupPending = true;
            }
        }
        return this;
    }

    private int lockAndDoSelect(Consumer<SelectionKey> action, long timeoutMillis) throws IOException {
        synchronized (this) {
            ensureOpen();
            if (inSelect) {
                throw new IllegalStateException("a selection operation is in progress on this selector in this thread");
            }
            inSelect = true;
            try {
                synchronized (publicSelectedKeys) {
                    return doSelect(action, timeoutMillis);
                }
            } finally {
                inSelect = false;
            }
        }
    }

    /** @param timeoutMillis -1: no timeout; 0: do not block */
    private int doSelect(Consumer<SelectionKey> action, long timeoutMillis) throws IOException {
        processDeregistrations();
        boolean blocking = timeoutMillis != 0;
        int count;
        if (blocking) {
            begin(); // an interrupt calls wakeup()
        }
        try {
            count = epollWait(timeoutMillis);
        } finally {
            if (blocking) {
                end();
            }
        }
        processDeregistrations();
        int updated = processEvents(count, action, !blocking);
        if (count == eventCapacity && eventCapacity < MAX_EVENTS) {
            eventCapacity = Math.min(MAX_EVENTS, eventCapacity * 2);
            events = allocateEvents(eventCapacity);
        }
        return updated;
    }

    private int epollWait(long timeoutMillis) throws IOException {
        int timeout = (int) Math.min(timeoutMillis, Integer.MAX_VALUE);
        long deadline = timeout > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout) : 0;
        for (;;) {
            int n = lib.epoll_wait(epfd, events, eventCapacity, timeout);
            if (n >= 0) {
                return n;
            }
            int errno = EpollNative.lastError();
            if (errno != EINTR) {
                throw EpollNative.error("epoll_wait(epfd " + epfd + ")", errno);
            }
            if (timeout > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                timeout = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
            }
        }
    }

    private int processEvents(int count, Consumer<SelectionKey> action, boolean clearWakeup) {
        int size = layout.size;
        int dataOffset = layout.dataOffset;
        // The wakeup first, so that an action that throws does not leave it pending.
        for (int i = 0; i < count && !clearWakeup; i++) {
            clearWakeup = events.getLong(i * size + dataOffset) == WAKEUP_DATA;
        }
        if (clearWakeup) {
            clearWakeup();
        }
        int updated = 0;
        for (int i = 0; i < count; i++) {
            int offset = i * size;
            long data = events.getLong(offset + dataOffset);
            if (data == WAKEUP_DATA) {
                continue;
            }
            EpollSelectionKey key = fdToKey.get((int) data);
            // Another generation: a stale entry of a closed descriptor whose number has been reused.
            if (key == null || key.generation() != (int) (data >>> 32) || !key.isValid()) {
                continue;
            }
            int ready = translateReadyOps(events.getInt(offset + EventLayout.EVENTS_OFFSET), key.interestOpsUnchecked());
            updated += action != null ? act(key, ready, action) : addSelected(key, ready);
        }
        return updated;
    }

    private int act(EpollSelectionKey key, int ready, Consumer<SelectionKey> action) {
        key.setReadyOps(ready);
        if (ready == 0) {
            return 0;
        }
        action.accept(key);
        ensureOpen(); // the action may have closed the selector
        return 1;
    }

    private int addSelected(EpollSelectionKey key, int ready) {
        if (selectedKeys.contains(key)) {
            int old = key.readyOpsUnchecked();
            int merged = old | ready;
            if (merged == old) {
                return 0;
            }
            key.setReadyOps(merged);
            return 1;
        }
        key.setReadyOps(ready);
        if (ready == 0) {
            return 0;
        }
        selectedKeys.add(key);
        return 1;
    }

    static int translateReadyOps(int epollEvents, int interest) {
        if ((epollEvents & (EPOLLERR | EPOLLHUP)) != 0) {
            return interest; // let the next read or write see the error or the end of stream
        }
        int ready = 0;
        if ((epollEvents & (EPOLLIN | EPOLLPRI)) != 0) {
            ready |= interest & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if ((epollEvents & EPOLLOUT) != 0) {
            ready |= interest & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
        }
        return ready;
    }

    private void clearWakeup() {
        synchronized (wakeupLock) {
            if (wakeupPending && !wakeupClosed) {
                lib.read(wakeupFd, new long[1], Long.BYTES); // EAGAIN if already drained: fine
                wakeupPending = false;
            }
        }
    }

    // ---- registration ----

    @Override
    protected SelectionKey register(AbstractSelectableChannel channel, int ops, Object attachment) {
        if (!(channel instanceof NativeSelectableChannel)) {
            throw new IllegalSelectorException();
        }
        ensureOpen();
        int fd = ((NativeSelectableChannel) channel).getFD();
        EpollSelectionKey key;
        synchronized (ctlLock) {
            if (ctlClosed) {
                throw new ClosedSelectorException();
            }
            EpollSelectionKey old = fdToKey.get(fd);
            if (old != null) {
                if (old.isValid() && old.channel().isOpen()) {
                    throw new IllegalArgumentException("descriptor " + fd
                            + " is already registered with this selector by another open channel: " + old.channel());
                }
                // The old channel is closed (or its key cancelled): its descriptor number now names
                // this channel's file. The old key must not touch the kernel again; if the file is the
                // same, its entry is taken over below (EEXIST, then MOD).
                old.ownsFd = false;
                old.kernelEvents = 0;
            }
            key = new EpollSelectionKey(this, channel, fd, nextGeneration());
            key.ownsFd = true;
            fdToKey.put(fd, key);
            keys.add(key);
        }
        key.attach(attachment);
        try {
            key.interestOps(ops);
        } catch (RuntimeException | Error e) {
            synchronized (ctlLock) {
                if (key.ownsFd) {
                    fdToKey.remove(fd, key);
                    key.ownsFd = false;
                }
            }
            keys.remove(key);
            // Invalidate it; the channel never saw it, so it must not be deregistered from the channel
            // (AbstractSelectableChannel.removeKey fails on a channel without keys on JDK 17).
            key.abandoned = true;
            key.cancel();
            throw e;
        }
        return key;
    }

    private int nextGeneration() {
        int generation = nextGeneration;
        nextGeneration = generation == Integer.MAX_VALUE ? 1 : generation + 1;
        return generation;
    }

    /** Brings the key's epoll registration in line with {@code ops}; called by the key, under its lock. */
    void applyInterest(EpollSelectionKey key, int ops) {
        int wanted = 0;
        if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            wanted |= EPOLLIN;
            if (key.channel() instanceof NativeDeviceChannel) {
                wanted |= EPOLLPRI;
            }
        }
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            wanted |= EPOLLOUT;
        }
        synchronized (ctlLock) {
            if (ctlClosed || !key.ownsFd || wanted == key.kernelEvents) {
                return;
            }
            int fd = key.fd();
            if (wanted == 0) {
                // Out of the epoll set, so that EPOLLHUP/EPOLLERR (always reported) do not spin the
                // selector. EBADF/ENOENT: the channel was closed and the kernel dropped the entry.
                ctl(epfd, EPOLL_CTL_DEL, fd, 0, 0);
                key.kernelEvents = 0;
                return;
            }
            long data = ((long) key.generation() << 32) | (fd & 0xFFFF_FFFFL);
            String op = key.kernelEvents == 0 ? "ADD" : "MOD";
            int rc = ctl(epfd, key.kernelEvents == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, wanted, data);
            int errno = rc < 0 ? EpollNative.lastError() : 0;
            if (rc < 0 && errno == EEXIST && key.kernelEvents == 0) {
                // The entry of a closed channel's key for this very file: take it over.
                op = "MOD";
                rc = ctl(epfd, EPOLL_CTL_MOD, fd, wanted, data);
                errno = rc < 0 ? EpollNative.lastError() : 0;
            }
            if (rc < 0) {
                key.kernelEvents = 0;
                if (key.channel().isOpen()) {
                    throw new UncheckedIOException(
                            EpollNative.error("epoll_ctl(" + op + ", fd " + fd + ", " + key.channel() + ")", errno));
                }
                return; // the channel is closing; its key is being cancelled
            }
            key.kernelEvents = wanted;
        }
    }

    /** epoll_ctl with {@link #ctlEvent}; returns its result, errno in {@link EpollNative#lastError()}. */
    private int ctl(int epollFd, int op, int fd, int epollEvents, long data) {
        ByteBuffer event = ctlEvent;
        synchronized (ctlLock) {
            event.putInt(EventLayout.EVENTS_OFFSET, epollEvents);
            event.putLong(layout.dataOffset, data);
            return lib.epoll_ctl(epollFd, op, fd, event);
        }
    }

    /** Deregisters the keys cancelled since the last call (selecting thread). */
    private void processDeregistrations() {
        Set<SelectionKey> cancelled = cancelledKeys();
        SelectionKey[] batch;
        synchronized (cancelled) {
            if (cancelled.isEmpty()) {
                return;
            }
            batch = cancelled.toArray(new SelectionKey[0]);
            cancelled.clear();
        }
        for (SelectionKey k : batch) {
            EpollSelectionKey key = (EpollSelectionKey) k;
            synchronized (ctlLock) {
                if (key.ownsFd) {
                    if (key.kernelEvents != 0 && !ctlClosed) {
                        // The descriptor number still belongs to this key (a reuse would have moved it
                        // to the new key): EBADF/ENOENT if the channel closed it, ignored.
                        ctl(epfd, EPOLL_CTL_DEL, key.fd(), 0, 0);
                    }
                    fdToKey.remove(key.fd(), key);
                    key.ownsFd = false;
                }
                key.kernelEvents = 0;
            }
            keys.remove(key);
            selectedKeys.remove(key);
            if (!key.abandoned) {
                deregister(key);
            }
        }
    }

    // ---- closing ----

    /**
     * Wakes a blocked selection operation, waits for it to end, closes the epoll instance and the
     * eventfd and deregisters every key (invalidating it; the channels stay open).
     *
     * @throws IOException if closing a descriptor fails; the selector is closed all the same
     */
    @Override
    protected void implCloseSelector() throws IOException {
        wakeup();
        synchronized (this) {
            synchronized (publicSelectedKeys) {
                synchronized (wakeupLock) {
                    wakeupClosed = true;
                }
                synchronized (ctlLock) {
                    ctlClosed = true; // interest changes from other threads no longer reach the kernel
                    fdToKey.clear();
                    for (SelectionKey k : keys) {
                        ((EpollSelectionKey) k).ownsFd = false;
                        ((EpollSelectionKey) k).kernelEvents = 0;
                    }
                }
                IOException failure = null;
                if (lib.close(epfd) < 0) {
                    failure = EpollNative.error("close(epoll " + epfd + ")", EpollNative.lastError());
                }
                if (lib.close(wakeupFd) < 0 && failure == null) {
                    failure = EpollNative.error("close(eventfd " + wakeupFd + ")", EpollNative.lastError());
                }
                // No key can be added any more (register checks ctlClosed under ctlLock).
                for (SelectionKey k : keys) {
                    deregister((AbstractSelectionKey) k);
                }
                keys.clear();
                selectedKeys.clear();
                Set<SelectionKey> cancelled = cancelledKeys();
                synchronized (cancelled) {
                    cancelled.clear();
                }
                if (failure != null) {
                    throw failure;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "EpollSelector[" + (isOpen() ? "epfd=" + epfd + ", keys=" + keys.size() : "closed") + "]";
    }

    private void ensureOpen() {
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
    }

    private ByteBuffer allocateEvents(int capacity) {
        return ByteBuffer.allocateDirect(capacity * layout.size).order(ByteOrder.nativeOrder());
    }

    /** A view that supports removal but not addition, as the selected-key set must. */
    private static final class UngrowableSet extends AbstractSet<SelectionKey> {
        private final Set<SelectionKey> set;

        UngrowableSet(Set<SelectionKey> set) {
            this.set = set;
        }

        @Override
        public int size() {
            return set.size();
        }

        @Override
        public boolean isEmpty() {
            return set.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return set.contains(o);
        }

        @Override
        public Iterator<SelectionKey> iterator() {
            return set.iterator();
        }

        @Override
        public boolean remove(Object o) {
            return set.remove(o);
        }

        @Override
        public void clear() {
            set.clear();
        }

        @Override
        public boolean add(SelectionKey key) {
            throw new UnsupportedOperationException("keys cannot be added to the selected-key set");
        }

        @Override
        public boolean addAll(Collection<? extends SelectionKey> c) {
            throw new UnsupportedOperationException("keys cannot be added to the selected-key set");
        }
    }
}
