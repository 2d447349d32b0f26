package io.sysgenid.core.epoll;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * A {@link SelectorProvider} whose selectors are {@link EpollSelector}s, for jnr-enxio channels.
 *
 * <p>Create the channels to select on with this provider, for instance
 * {@code new NativeDeviceChannel(provider, fd, SelectionKey.OP_READ, false)}, then
 * {@code configureBlocking(false)} and register them with a selector from {@link #openSelector()}
 * (or {@code channel.provider().openSelector()}). The selector also accepts jnr-enxio channels made
 * by another provider (jnr-enxio's socket channels can only be made with its own), see
 * {@link EpollSelector}.
 *
 * <p>This provider makes selectors only: the JDK's own channels (sockets, datagrams, pipes) come from
 * {@link SelectorProvider#provider()}, jnr-enxio's from its channel classes. Creating a provider is
 * cheap and loads no native code; it holds no state and is safe for use by any number of threads.
 * Instances are independent: there is no shared default instance.
 */
public final class EpollSelectorProvider extends SelectorProvider {
    /** A provider; it does not check the platform ({@link #openSelector()} does). */
    public EpollSelectorProvider() {}

    /**
     * A new, open {@link EpollSelector}: an epoll instance and an eventfd, both close-on-exec.
     *
     * @throws UnsupportedOperationException if this is not Linux (or is Linux on MIPS or SPARC)
     * @throws IOException if the kernel refuses the epoll instance or the eventfd (for instance
     *     {@code EMFILE}); nothing is left open then
     */
    @Override
    public EpollSelector openSelector() throws IOException {
        return new EpollSelector(this);
    }

    /** @throws UnsupportedOperationException always: see the class description */
    @Override
    public DatagramChannel openDatagramChannel() {
        throw unsupported("DatagramChannel");
    }

    /** @throws UnsupportedOperationException always: see the class description */
    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) {
        throw unsupported("DatagramChannel");
    }

    /** @throws UnsupportedOperationException always: see the class description */
    @Override
    public Pipe openPipe() {
        throw unsupported("Pipe");
    }

    /** @throws UnsupportedOperationException always: see the class description */
    @Override
    public ServerSocketChannel openServerSocketChannel() {
        throw unsupported("ServerSocketChannel");
    }

    /** @throws UnsupportedOperationException always: see the class description */
    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) {
        throw unsupported("ServerSocketChannel");
    }

    /** @throws UnsupportedOperationException always: see the class description */
    @Override
    public SocketChannel openSocketChannel() {
        throw unsupported("SocketChannel");
    }

    /** @throws UnsupportedOperationException always: see the class description */
    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) {
        throw unsupported("SocketChannel");
    }

    @Override
    public String toString() {
        return "EpollSelectorProvider";
    }

    private static UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(
                "EpollSelectorProvider makes selectors only; open a " + what
                        + " with the JDK (SelectorProvider.provider()) or wrap a descriptor in a jnr-enxio channel"
                        + " (e.g. new NativeDeviceChannel(thisProvider, fd, ops, false))");
    }
}
