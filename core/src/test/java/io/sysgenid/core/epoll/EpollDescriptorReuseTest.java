package io.sysgenid.core.epoll;

import static io.sysgenid.core.epoll.Fds.drain;
import static io.sysgenid.core.epoll.Fds.libc;
import static io.sysgenid.core.epoll.Fds.signal;
import static java.nio.channels.SelectionKey.OP_READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jnr.enxio.channels.NativeDeviceChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A jnr-enxio channel closes its descriptor before its key is cancelled, and the selector deregisters
 * the key later still: meanwhile the descriptor number may name a new file, registered or not.
 */
// A separate thread: a selection that ignores interrupts would otherwise hang the build.
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EpollDescriptorReuseTest {
    private EpollSelectorProvider provider;
    private EpollSelector selector;
    private Fds fds;

    @BeforeEach
    void open() throws IOException {
        provider = new EpollSelectorProvider();
        selector = provider.openSelector();
        fds = new Fds(provider);
    }

    @AfterEach
    void close() throws IOException {
        selector.close();
        fds.close();
    }

    @Test
    void aReusedNumberRegisteredBeforeTheOldKeyIsDeregisteredKeepsItsRegistration() throws IOException {
        NativeDeviceChannel old = fds.eventFd();
        SelectionKey oldKey = old.register(selector, OP_READ);
        int number = old.getFD();
        old.close(); // the kernel drops the old entry; the old key is only cancelled

        NativeDeviceChannel reused = fds.wrap(eventFdNumbered(number), SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        SelectionKey key = reused.register(selector, OP_READ);
        assertEquals(Set.of(oldKey, key), selector.keys(), "the old key until the next selection");

        signal(reused);
        assertEquals(1, selector.select(5_000));
        assertEquals(Set.of(key), selector.selectedKeys());
        assertEquals(Set.of(key), selector.keys());
        assertFalse(oldKey.isValid());

        // Deregistering the old key must not have removed the new registration of the same number.
        selector.selectedKeys().clear();
        assertEquals(1, drain(reused));
        assertEquals(0, selector.selectNow());
        signal(reused);
        assertEquals(1, selector.select(5_000));
        assertEquals(Set.of(key), selector.selectedKeys());
    }

    @Test
    void aReusedNumberRegisteredAfterTheOldKeyIsDeregisteredWorks() throws IOException {
        NativeDeviceChannel old = fds.eventFd();
        old.register(selector, OP_READ);
        int number = old.getFD();
        old.close();
        assertEquals(0, selector.selectNow()); // deregisters (epoll_ctl DEL: EBADF, ignored)
        assertTrue(selector.keys().isEmpty());

        NativeDeviceChannel reused = fds.wrap(eventFdNumbered(number), SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        SelectionKey key = reused.register(selector, OP_READ);
        signal(reused);
        assertEquals(1, selector.select(5_000));
        assertEquals(Set.of(key), selector.selectedKeys());
    }

    @Test
    void anUnregisteredFileThatReusesTheNumberIsNotReportedForTheOldKey() throws IOException {
        NativeDeviceChannel old = fds.eventFd();
        SelectionKey oldKey = old.register(selector, OP_READ);
        int number = old.getFD();
        old.close();
        int stranger = eventFdNumbered(number); // not registered with the selector
        signal(stranger);
        assertEquals(0, selector.selectNow());
        assertTrue(selector.selectedKeys().isEmpty());
        assertFalse(selector.keys().contains(oldKey));
        assertEquals(0, selector.select(50));
    }

    @Test
    void theStaleEntryOfAFileKeptOpenByADupIsIgnored() throws IOException {
        NativeDeviceChannel old = fds.eventFd();
        SelectionKey oldKey = old.register(selector, OP_READ);
        int number = old.getFD();
        int dup = libc().dup(number); // keeps the old file, and so its epoll entry, alive
        assertTrue(dup >= 0);
        try {
            old.close();
            NativeDeviceChannel reused = fds.wrap(eventFdNumbered(number), SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            SelectionKey key = reused.register(selector, OP_READ);

            signal(dup); // the old file is ready: its stale entry fires, with the old key's generation
            assertEquals(0, selector.selectNow());
            assertTrue(selector.selectedKeys().isEmpty(), "not reported for the new key");
            assertFalse(selector.keys().contains(oldKey));
            assertEquals(1, drain(dup));

            signal(reused);
            assertEquals(1, selector.select(5_000));
            assertEquals(Set.of(key), selector.selectedKeys());
        } finally {
            libc().close(dup);
        }
    }

    @Test
    void theSameFileReturningUnderTheSameNumberTakesTheStaleEntryOver() throws IOException {
        NativeDeviceChannel old = fds.eventFd();
        old.register(selector, OP_READ);
        int number = old.getFD();
        int dup = libc().dup(number);
        assertTrue(dup >= 0);
        try {
            old.close(); // the entry (file, number) stays in the epoll set: the file is open as dup
            int again = libc().fcntl(dup, Fds.F_DUPFD_CLOEXEC, number); // the same file, the same number
            if (again != number && again >= 0) {
                libc().close(again);
            }
            assumeTrue(again == number, "descriptor " + number + " was taken by another thread");
            NativeDeviceChannel reused = fds.wrap(again, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            SelectionKey key = reused.register(selector, OP_READ); // epoll_ctl ADD: EEXIST, then MOD

            signal(dup);
            assertEquals(1, selector.select(5_000));
            assertEquals(Set.of(key), selector.selectedKeys());
            assertEquals(OP_READ, key.readyOps());

            // After the old key's deregistration the entry still belongs to the new key.
            selector.selectedKeys().clear();
            assertEquals(1, drain(dup));
            assertEquals(0, selector.selectNow());
            signal(dup);
            assertEquals(1, selector.select(5_000));
            assertEquals(Set.of(key), selector.selectedKeys());

            // And cancelling the new key removes the entry: the file, still ready, no longer wakes
            // the selector.
            key.cancel();
            assertEquals(0, selector.selectNow());
            long start = System.nanoTime();
            assertEquals(0, selector.select(60));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(55), "woken by a stale entry");
        } finally {
            libc().close(dup);
        }
    }

    /**
     * An eventfd whose descriptor number is {@code number}, which has just been closed: the kernel
     * gives the lowest free number, so a new eventfd gets it unless another thread opened a file
     * meanwhile; then F_DUPFD moves it to {@code number} if that is still free. Skips the test if the
     * number is taken.
     */
    private int eventFdNumbered(int number) {
        int fd = fds.rawEventFd();
        if (fd != number) {
            int moved = libc().fcntl(fd, Fds.F_DUPFD_CLOEXEC, number);
            libc().close(fd);
            fds.forget(fd);
            if (moved != number && moved >= 0) {
                libc().close(moved);
            }
            assumeTrue(moved == number, "descriptor " + number + " was taken by another thread");
            fd = moved;
        }
        return fd;
    }
}
