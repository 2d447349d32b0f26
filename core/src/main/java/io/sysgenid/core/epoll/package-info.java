/**
 * An epoll(7) {@link java.nio.channels.Selector} for jnr-enxio's channels, which have only a poll(2)
 * selector on Linux.
 *
 * <pre>{@code
 * EpollSelectorProvider provider = new EpollSelectorProvider();
 * try (EpollSelector selector = provider.openSelector()) {
 *     NativeDeviceChannel channel = new NativeDeviceChannel(provider, fd, SelectionKey.OP_READ, false);
 *     channel.configureBlocking(false);
 *     channel.register(selector, SelectionKey.OP_READ);
 *     selector.select(key -> handle(key));
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.sysgenid.core.epoll.EpollSelectorProvider}: makes selectors (and only selectors);
 *       give it to the jnr-enxio channel constructors.
 *   <li>{@link io.sysgenid.core.epoll.EpollSelector}: the selector; its description covers the
 *       threading, the error behaviour and descriptor reuse.
 *   <li>{@link io.sysgenid.core.epoll.EpollSelectionKey}: a registration, whose interest set reaches
 *       the kernel when it is set.
 * </ul>
 *
 * <p>Linux only. The native calls go through jnr-ffi: on JDK 24 and later run with
 * {@code --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow} to keep the JDK
 * from warning about jffi.
 */
package io.sysgenid.core.epoll;
