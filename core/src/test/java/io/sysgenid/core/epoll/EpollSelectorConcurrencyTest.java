package io.sysgenid.core.epoll;

import static io.sysgenid.core.epoll.Fds.drain;
import static io.sysgenid.core.epoll.Fds.signal;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import jnr.enxio.channels.NativeDeviceChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// A separate thread: a selection that ignores interrupts would otherwise hang the build.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EpollSelectorConcurrencyTest {
    /** What the selecting thread does with a ready key; the key's attachment. */
    private static final class Target {
        final NativeDeviceChannel channel;
        final Semaphore consumed = new Semaphore(0);
        final CountDownLatch seen = new CountDownLatch(1);
        long total;

        Target(NativeDeviceChannel channel) {
            this.channel = channel;
        }
    }

    /**
     * One thread selects; writers signal their eventfds and wait for each signal to be consumed; a
     * toggler adds and removes OP_WRITE on the writers' keys; a registrar registers new channels while
     * the selection blocks, waits for them to be reported, cancels them and closes them.
     */
    @Test
    void selectingWhileOtherThreadsWriteChangeInterestAndRegister() throws Exception {
        int writers = 4;
        int rounds = 300;
        int registrations = 100;
        EpollSelectorProvider provider = new EpollSelectorProvider();
        try (EpollSelector selector = provider.openSelector(); Fds fds = new Fds(provider)) {
            List<Target> targets = new ArrayList<>();
            List<SelectionKey> writerKeys = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Target target = new Target(fds.eventFd());
                targets.add(target);
                writerKeys.add(target.channel.register(selector, OP_READ, target));
            }
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();

            Thread selecting = thread("selecting", failure, () -> {
                while (!done.get()) {
                    selector.select(key -> {
                        Target target = (Target) key.attachment();
                        if (key.isReadable()) {
                            long value = drain(target.channel);
                            if (value > 0) {
                                target.total += value;
                                target.consumed.release((int) value);
                                target.seen.countDown();
                            }
                        }
                    }, 1_000);
                }
            });

            List<Thread> workers = new ArrayList<>();
            for (Target target : targets) {
                workers.add(thread("writer", failure, () -> {
                    for (int r = 0; r < rounds; r++) {
                        signal(target.channel);
                        assertTrue(target.consumed.tryAcquire(10, TimeUnit.SECONDS), "signal " + r + " not consumed");
                    }
                }));
            }
            workers.add(thread("toggler", failure, () -> {
                for (int r = 0; r < rounds; r++) {
                    for (SelectionKey key : writerKeys) {
                        key.interestOpsOr(OP_WRITE);
                        key.interestOpsAnd(~OP_WRITE);
                    }
                }
            }));
            workers.add(thread("registrar", failure, () -> {
                for (int r = 0; r < registrations; r++) {
                    NativeDeviceChannel channel = fds.eventFd();
                    Target target = new Target(channel);
                    signal(channel);
                    SelectionKey key = channel.register(selector, OP_READ, target); // no wakeup
                    assertTrue(target.seen.await(10, TimeUnit.SECONDS), "registration " + r + " not seen");
                    key.cancel();
                    channel.close();
                }
            }));

            for (Thread worker : workers) {
                worker.join(TimeUnit.SECONDS.toMillis(50));
            }
            done.set(true);
            selector.wakeup();
            selecting.join(TimeUnit.SECONDS.toMillis(5));
            if (failure.get() != null) {
                throw new AssertionError("a thread failed", failure.get());
            }
            for (Target target : targets) {
                assertEquals(rounds, target.total);
            }
            for (SelectionKey key : writerKeys) {
                assertEquals(OP_READ, key.interestOps());
            }
            selector.selectNow();
            assertEquals(writers, selector.keys().size(), "the registrar's keys are gone");
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread thread(String name, AtomicReference<Throwable> failure, Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Opening and closing selectors, with and without keys, leaks no descriptor. */
    @Test
    void aThousandSelectorsLeakNoDescriptor() throws IOException {
        EpollSelectorProvider provider = new EpollSelectorProvider();
        try (Fds fds = new Fds(provider)) {
            NativeDeviceChannel channel = fds.eventFd();
            signal(channel);
            cycle(provider, fds, channel); // loads every class first: a jar opened by the class loader stays open
            Map<String, String> before = Fds.openDescriptors();
            for (int i = 0; i < 1000; i++) {
                cycle(provider, fds, channel);
            }
            Map<String, String> after = Fds.openDescriptors();
            // Each cycle opens four descriptors: a leak would show by the thousand. Allow for the odd
            // descriptor another thread of the JVM opens meanwhile (a jar, a timer).
            Map<String, String> added = new TreeMap<>(after);
            added.keySet().removeAll(before.keySet());
            assertTrue(added.size() <= 3, "descriptors opened and not closed: " + added);
            assertTrue(added.values().stream().noneMatch(name -> name.contains("eventpoll") || name.contains("eventfd")),
                    "epoll or eventfd descriptors left open: " + added);
        }
    }

    private static void cycle(EpollSelectorProvider provider, Fds fds, NativeDeviceChannel channel) throws IOException {
        EpollSelector selector = provider.openSelector();
        NativeDeviceChannel closedWhileRegistered = fds.eventFd();
        try {
            SelectionKey key = channel.register(selector, OP_READ);
            closedWhileRegistered.register(selector, OP_READ);
            assertEquals(1, selector.selectNow());
            closedWhileRegistered.close();
            selector.wakeup();
            assertEquals(1, selector.select(k -> {}, 1_000));
            assertTrue(key.isValid());
        } finally {
            selector.close();
        }
        assertTrue(!channel.isRegistered());
    }
}
