package io.sysgenid.core.epoll;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelectionKey;

/**
 * The registration of one jnr-enxio channel with an {@link EpollSelector}.
 *
 * <p><b>Interest set.</b> {@link #interestOps(int)} (and {@link #interestOpsOr(int)},
 * {@link #interestOpsAnd(int)}) change the kernel's epoll set <em>before they return</em>, with
 * {@code epoll_ctl}, from whichever thread calls them. A selection operation blocked in another thread
 * sees the change at once: a channel that is already ready for a newly added operation wakes it, no
 * {@link Selector#wakeup()} needed. An interest set of 0 removes the descriptor from the epoll set, so
 * that hang-ups and errors (which epoll always reports) are not reported for it either.
 *
 * <p><b>Thread safety.</b> Every method may be called from any thread. The interest-set methods
 * serialize on the key; they never wait for a selection operation in progress.
 *
 * <p><b>Ready set.</b> Set by the selector as the JDK's selectors do: {@code EPOLLIN} (and
 * {@code EPOLLPRI}) make {@code OP_READ} and {@code OP_ACCEPT} ready, {@code EPOLLOUT} makes
 * {@code OP_WRITE} and {@code OP_CONNECT} ready, each only if it is in the interest set;
 * {@code EPOLLHUP} and {@code EPOLLERR} make every operation of the interest set ready, so that the
 * next read or write reports the end of stream or the error.
 */
public final class EpollSelectionKey extends AbstractSelectionKey {
    private final EpollSelector selector;
    private final AbstractSelectableChannel channel;
    private final int fd;
    private final int generation;

    private volatile int interestOps;
    private volatile int readyOps;

    // Guarded by the selector's control lock.
    /** The epoll events of the kernel's registration for this key; 0 if not in the epoll set. */
    int kernelEvents;
    /** True while this key owns {@link #fd} in the selector's descriptor table. */
    boolean ownsFd;

    /** Set (before {@link #cancel()}) when the registration failed: the channel never held this key. */
    boolean abandoned;

    EpollSelectionKey(EpollSelector selector, AbstractSelectableChannel channel, int fd, int generation) {
        this.selector = selector;
        this.channel = channel;
        this.fd = fd;
        this.generation = generation;
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    /** @throws CancelledKeyException if this key has been cancelled */
    @Override
    public int interestOps() {
        ensureValid();
        return interestOps;
    }

    /**
     * Sets the interest set and updates the epoll set before returning (see the class description).
     *
     * @throws IllegalArgumentException if {@code ops} has a bit outside the channel's
     *     {@link SelectableChannel#validOps() valid operations}
     * @throws CancelledKeyException if this key has been cancelled
     * @throws java.io.UncheckedIOException if the kernel refuses the new registration of an open
     *     channel (for instance {@code EPERM} for a regular file, {@code ENOSPC} past
     *     {@code max_user_watches}); the interest set is then unchanged
     */
    @Override
    public synchronized SelectionKey interestOps(int ops) {
        ensureValid();
        if ((ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException(
                    "interest set 0x" + Integer.toHexString(ops) + " has operations outside the channel's valid set 0x"
                            + Integer.toHexString(channel.validOps()));
        }
        int old = interestOps;
        if (ops != old) {
            // The field first: the selecting thread masks what epoll reports with it, so an event of
            // the old registration is never reported for an operation no longer of interest.
            interestOps = ops;
            try {
                selector.applyInterest(this, ops);
            } catch (RuntimeException | Error e) {
                interestOps = old;
                throw e;
            }
        }
        return this;
    }

    /** Atomically adds {@code ops} to the interest set; see {@link #interestOps(int)}. */
    @Override
    public synchronized int interestOpsOr(int ops) {
        ensureValid();
        int old = interestOps;
        interestOps(old | ops);
        return old;
    }

    /** Atomically keeps only {@code ops} of the interest set; see {@link #interestOps(int)}. */
    @Override
    public synchronized int interestOpsAnd(int ops) {
        ensureValid();
        int old = interestOps;
        interestOps(old & ops);
        return old;
    }

    /** @throws CancelledKeyException if this key has been cancelled */
    @Override
    public int readyOps() {
        ensureValid();
        return readyOps;
    }

    @Override
    public String toString() {
        return "EpollSelectionKey[fd=" + fd + (isValid() ? ", interest=" + interestOps + ", ready=" + readyOps : ", cancelled")
                + "]";
    }

    int fd() {
        return fd;
    }

    int generation() {
        return generation;
    }

    /** The interest set without the validity check, for the selecting thread. */
    int interestOpsUnchecked() {
        return interestOps;
    }

    int readyOpsUnchecked() {
        return readyOps;
    }

    void setReadyOps(int ops) {
        readyOps = ops;
    }

    private void ensureValid() {
        if (!isValid()) {
            throw new CancelledKeyException();
        }
    }
}
