package io.sysgenid.core.epoll;

import static io.sysgenid.core.epoll.Fds.drain;
import static io.sysgenid.core.epoll.Fds.signal;
import static java.nio.channels.SelectionKey.OP_ACCEPT;
import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.epoll.Fds.PipeEnds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jnr.enxio.channels.NativeDeviceChannel;
import jnr.enxio.channels.NativeSelectorProvider;
import jnr.enxio.channels.NativeServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// A separate thread: a selection that ignores interrupts would otherwise hang the build.
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EpollSelectorTest {
    /** Long enough to see that a selection blocked; the tests assert at least {@link #SHORT_MIN}. */
    private static final long SHORT = 60;
    private static final long SHORT_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(SHORT - 5);
    /** A selection that must return at once is given this timeout and must not use most of it. */
    private static final long LONG = 10_000;
    private static final long PROMPT_NANOS = TimeUnit.SECONDS.toNanos(5);

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
        Thread.interrupted();
    }

    // ---- readiness ----

    @Test
    void pipeSourceBecomesReadableWhenWrittenTo() throws IOException {
        PipeEnds pipe = fds.pipe();
        SelectionKey key = pipe.source.register(selector, OP_READ);
        assertEquals(0, selector.selectNow());

        Fds.write(pipe.sink, 3);
        assertEquals(1, selector.select(LONG));
        assertEquals(Set.of(key), selector.selectedKeys());
        assertEquals(OP_READ, key.readyOps());
        assertTrue(key.isReadable());

        ByteBuffer buffer = ByteBuffer.allocate(16);
        assertEquals(3, pipe.source.read(buffer));
    }

    @Test
    void pipeSinkIsWritableUntilFullAndAgainOnceDrained() throws IOException {
        PipeEnds pipe = fds.pipe();
        SelectionKey key = pipe.sink.register(selector, OP_WRITE);
        assertEquals(1, selector.selectNow());
        assertEquals(OP_WRITE, key.readyOps());
        selector.selectedKeys().clear();

        Fds.fill(pipe.sink);
        assertEquals(0, selector.selectNow());
        assertTrue(selector.selectedKeys().isEmpty());

        assertTrue(Fds.empty(pipe.source) > 0);
        assertEquals(1, selector.select(LONG));
        assertEquals(OP_WRITE, key.readyOps());
    }

    @Test
    void eventFdBecomesReadableWhenSignalled() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        SelectionKey key = channel.register(selector, OP_READ, "attachment");
        assertEquals(0, selector.selectNow());

        signal(channel);
        assertEquals(1, selector.select(LONG));
        assertSame(key, selector.selectedKeys().iterator().next());
        assertEquals("attachment", key.attachment());
        assertEquals(OP_READ, key.readyOps());

        ByteBuffer value = ByteBuffer.allocate(8);
        assertEquals(8, channel.read(value));
    }

    @Test
    void readinessIsLevelTriggered() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        SelectionKey key = channel.register(selector, OP_READ);
        signal(channel);
        for (int i = 0; i < 3; i++) {
            assertEquals(1, selector.select(LONG), "round " + i);
            assertEquals(Set.of(key), selector.selectedKeys());
            selector.selectedKeys().clear();
        }
        assertEquals(1, drain(channel));
        assertEquals(0, selector.selectNow());
        assertTrue(selector.selectedKeys().isEmpty());
    }

    @Test
    void hangUpMakesTheInterestSetReady() throws IOException {
        PipeEnds pipe = fds.pipe();
        SelectionKey key = pipe.source.register(selector, OP_READ);
        pipe.sink.close();
        assertEquals(1, selector.select(LONG));
        assertEquals(OP_READ, key.readyOps());
        assertEquals(-1, pipe.source.read(ByteBuffer.allocate(8)), "end of stream");
    }

    @Test
    void errorMakesTheInterestSetReady() throws IOException {
        PipeEnds pipe = fds.pipe();
        Fds.fill(pipe.sink);
        SelectionKey key = pipe.sink.register(selector, OP_WRITE);
        assertEquals(0, selector.selectNow());
        pipe.source.close(); // EPOLLERR on the write end
        assertEquals(1, selector.select(LONG));
        assertEquals(OP_WRITE, key.readyOps());
    }

    // ---- timeouts ----

    @Test
    void selectWithTimeoutReturnsZeroWhenItExpires() throws IOException {
        fds.eventFd().register(selector, OP_READ);
        long start = System.nanoTime();
        assertEquals(0, selector.select(SHORT));
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed >= SHORT_MIN_NANOS, "returned after " + elapsed + " ns");
        assertTrue(selector.selectedKeys().isEmpty());
    }

    @Test
    void selectNowReturnsZeroWhenNothingIsReady() throws IOException {
        fds.eventFd().register(selector, OP_READ);
        assertEquals(0, selector.selectNow());
        assertEquals(0, selector.selectNow());
    }

    @Test
    void negativeTimeoutsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> selector.select(-1));
        assertThrows(IllegalArgumentException.class, () -> selector.select(k -> {}, -1));
    }

    // ---- wakeup ----

    @Test
    void wakeupBeforeSelectMakesTheNextSelectReturnAtOnce() throws IOException {
        fds.eventFd().register(selector, OP_READ);
        assertSame(selector, selector.wakeup());
        assertReturnsPromptly(() -> selector.select());
    }

    @Test
    void wakeupBeforeATimedSelectMakesItReturnAtOnce() throws IOException {
        selector.wakeup();
        assertReturnsPromptly(() -> selector.select(LONG));
    }

    @Test
    void wakeupIsConsumedByOneSelection() throws IOException {
        selector.wakeup();
        selector.wakeup();
        selector.wakeup();
        assertReturnsPromptly(() -> selector.select());
        assertBlocksForTheTimeout();
    }

    @Test
    void selectNowClearsAPendingWakeup() throws IOException {
        selector.wakeup();
        assertEquals(0, selector.selectNow());
        assertBlocksForTheTimeout();
    }

    @Test
    void wakeupFromAnotherThreadEndsABlockedSelect() throws Exception {
        fds.eventFd().register(selector, OP_READ);
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread selecting = start(() -> result.complete(selector.select()));
        Fds.awaitBlockedInEpollWait(selecting);
        selector.wakeup();
        assertEquals(0, result.get(5, TimeUnit.SECONDS));
        selecting.join();
        assertBlocksForTheTimeout(); // the wakeup was consumed
    }

    @Test
    void wakeupWithAReadyKeyStillReportsTheKey() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        SelectionKey key = channel.register(selector, OP_READ);
        signal(channel);
        selector.wakeup();
        assertEquals(1, selector.select());
        assertEquals(Set.of(key), selector.selectedKeys());
        drain(channel);
        assertBlocksForTheTimeout();
    }

    @Test
    void wakeupAfterCloseIsHarmless() throws IOException {
        selector.close();
        assertSame(selector, selector.wakeup());
    }

    // ---- interrupts ----

    @Test
    void interruptedThreadDoesNotBlockAndStaysInterrupted() throws IOException {
        fds.eventFd().register(selector, OP_READ);
        Thread.currentThread().interrupt();
        assertReturnsPromptly(() -> selector.select());
        assertTrue(Thread.interrupted(), "interrupt status kept (and cleared here)");
        assertBlocksForTheTimeout();
    }

    @Test
    void interruptWakesABlockedSelectAndKeepsTheStatus() throws Exception {
        fds.eventFd().register(selector, OP_READ);
        CompletableFuture<Integer> result = new CompletableFuture<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        CompletableFuture<Long> nextSelectNanos = new CompletableFuture<>();
        Thread selecting = start(() -> {
            result.complete(selector.select());
            interruptedAfter.set(Thread.interrupted());
            long start = System.nanoTime();
            selector.select(SHORT);
            nextSelectNanos.complete(System.nanoTime() - start);
        });
        Fds.awaitBlockedInEpollWait(selecting);
        selecting.interrupt();
        assertEquals(0, result.get(5, TimeUnit.SECONDS));
        long next = nextSelectNanos.get(5, TimeUnit.SECONDS);
        assertTrue(interruptedAfter.get(), "interrupt status after select");
        assertTrue(next >= SHORT_MIN_NANOS, "the next select blocked only " + next + " ns");
    }

    // ---- interest sets ----

    @Test
    void interestChangeFromAnotherThreadReachesABlockedSelectWithoutWakeup() throws Exception {
        NativeDeviceChannel channel = fds.eventFd();
        SelectionKey key = channel.register(selector, 0);
        signal(channel);
        assertEquals(0, selector.selectNow());

        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread selecting = start(() -> result.complete(selector.select(LONG)));
        Fds.awaitBlockedInEpollWait(selecting);
        long start = System.nanoTime();
        key.interestOps(OP_READ);
        assertEquals(1, result.get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start < PROMPT_NANOS);
        assertEquals(Set.of(key), selector.selectedKeys());
        assertEquals(OP_READ, key.readyOps());
    }

    @Test
    void registrationFromAnotherThreadReachesABlockedSelectWithoutWakeup() throws Exception {
        NativeDeviceChannel channel = fds.eventFd();
        signal(channel);
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread selecting = start(() -> result.complete(selector.select(LONG)));
        Fds.awaitBlockedInEpollWait(selecting);
        SelectionKey key = channel.register(selector, OP_READ);
        assertEquals(1, result.get(5, TimeUnit.SECONDS));
        assertEquals(Set.of(key), selector.selectedKeys());
    }

    @Test
    void interestSetZeroReportsNothingNotEvenAHangUp() throws IOException {
        PipeEnds pipe = fds.pipe();
        SelectionKey key = pipe.source.register(selector, 0);
        pipe.sink.close(); // EPOLLHUP, which epoll reports whatever the events asked for
        assertBlocksForTheTimeout();
        assertTrue(selector.selectedKeys().isEmpty());

        key.interestOps(OP_READ);
        assertEquals(1, selector.selectNow());
        key.interestOps(0);
        selector.selectedKeys().clear();
        assertBlocksForTheTimeout();
    }

    @Test
    void removedInterestIsNotReported() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        SelectionKey key = channel.register(selector, OP_READ | OP_WRITE);
        signal(channel);
        assertEquals(1, selector.selectNow());
        assertEquals(OP_READ | OP_WRITE, key.readyOps());
        selector.selectedKeys().clear();

        key.interestOps(OP_WRITE);
        assertEquals(1, selector.selectNow());
        assertEquals(OP_WRITE, key.readyOps());
    }

    @Test
    void interestOpsOutsideTheValidSetAreRejected() throws IOException {
        PipeEnds pipe = fds.pipe();
        assertEquals(OP_READ, pipe.source.validOps());
        assertThrows(IllegalArgumentException.class, () -> pipe.source.register(selector, OP_WRITE));
        SelectionKey key = pipe.source.register(selector, OP_READ);
        assertThrows(IllegalArgumentException.class, () -> key.interestOps(OP_WRITE));
        assertThrows(IllegalArgumentException.class, () -> key.interestOpsOr(OP_ACCEPT));
        assertEquals(OP_READ, key.interestOps());
    }

    @Test
    void interestOpsOrAndAndReturnTheOldSet() throws IOException {
        SelectionKey key = fds.eventFd().register(selector, OP_READ);
        assertEquals(OP_READ, key.interestOpsOr(OP_WRITE));
        assertEquals(OP_READ | OP_WRITE, key.interestOps());
        assertEquals(OP_READ | OP_WRITE, key.interestOpsAnd(~OP_READ));
        assertEquals(OP_WRITE, key.interestOps());
        assertEquals(1, selector.selectNow());
        assertEquals(OP_WRITE, key.readyOps());
    }

    @Test
    void readinessFollowsTheValidAndInterestSets() throws IOException {
        // An eventfd posing as a server socket: EPOLLIN is OP_ACCEPT for it.
        int acceptFd = fds.rawEventFd();
        NativeServerSocketChannel acceptor = new NativeServerSocketChannel(provider, acceptFd, OP_ACCEPT | OP_READ);
        acceptor.configureBlocking(false);
        fds.forget(acceptFd);
        try {
            SelectionKey acceptKey = acceptor.register(selector, OP_ACCEPT);
            // An eventfd posing as a connecting socket: EPOLLOUT is OP_CONNECT for it.
            NativeDeviceChannel connector = fds.wrap(fds.rawEventFd(), OP_CONNECT | OP_WRITE);
            SelectionKey connectKey = connector.register(selector, OP_CONNECT);
            signal(acceptFd);

            assertEquals(2, selector.selectNow());
            assertEquals(OP_ACCEPT, acceptKey.readyOps());
            assertTrue(acceptKey.isAcceptable());
            assertEquals(OP_CONNECT, connectKey.readyOps());
            assertTrue(connectKey.isConnectable());
        } finally {
            acceptor.close();
        }
    }

    // ---- selected-key set ----

    @Test
    void aSelectedKeyIsNotAddedTwiceAndItsReadySetAccumulates() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        SelectionKey key = channel.register(selector, OP_WRITE);
        assertEquals(1, selector.selectNow());
        assertEquals(OP_WRITE, key.readyOps());

        assertEquals(0, selector.selectNow(), "nothing new");
        assertEquals(1, selector.selectedKeys().size());

        key.interestOps(OP_READ | OP_WRITE);
        signal(channel);
        assertEquals(1, selector.selectNow(), "OP_READ is new");
        assertEquals(OP_READ | OP_WRITE, key.readyOps());
        assertEquals(1, selector.selectedKeys().size());

        // Ready sets are merged while the key stays selected: OP_READ is kept although it is over.
        drain(channel);
        assertEquals(0, selector.selectNow());
        assertEquals(OP_READ | OP_WRITE, key.readyOps());

        // Once removed, the key gets a fresh ready set.
        selector.selectedKeys().remove(key);
        assertEquals(1, selector.selectNow());
        assertEquals(OP_WRITE, key.readyOps());
    }

    @Test
    void selectedKeysAllowRemovalButNotAddition() throws IOException {
        NativeDeviceChannel a = fds.eventFd();
        NativeDeviceChannel b = fds.eventFd();
        NativeDeviceChannel c = fds.eventFd();
        SelectionKey ka = a.register(selector, OP_WRITE);
        SelectionKey kb = b.register(selector, OP_WRITE);
        SelectionKey kc = c.register(selector, OP_WRITE);
        assertEquals(3, selector.selectNow());
        Set<SelectionKey> selected = selector.selectedKeys();
        assertThrows(UnsupportedOperationException.class, () -> selected.add(ka));
        assertThrows(UnsupportedOperationException.class, () -> selected.addAll(List.of(ka)));
        assertThrows(UnsupportedOperationException.class, () -> selected.addAll(List.of()));

        assertTrue(selected.remove(ka));
        assertFalse(selected.remove(ka));
        Iterator<SelectionKey> iterator = selected.iterator();
        SelectionKey first = iterator.next();
        iterator.remove();
        assertEquals(1, selected.size());
        assertTrue(selected.contains(first == kb ? kc : kb));
        selected.clear();
        assertTrue(selected.isEmpty());
    }

    @Test
    void keySetIsUnmodifiableAndTracksRegistrations() throws IOException {
        NativeDeviceChannel a = fds.eventFd();
        NativeDeviceChannel b = fds.eventFd();
        assertTrue(selector.keys().isEmpty());
        SelectionKey ka = a.register(selector, OP_READ);
        SelectionKey kb = b.register(selector, 0);
        Set<SelectionKey> keys = selector.keys();
        assertEquals(Set.of(ka, kb), keys);
        assertThrows(UnsupportedOperationException.class, () -> keys.add(ka));
        assertThrows(UnsupportedOperationException.class, () -> keys.remove(ka));
        assertThrows(UnsupportedOperationException.class, keys::clear);
        assertSame(ka, a.keyFor(selector));
        assertSame(selector, ka.selector());
        assertSame(a, ka.channel());

        // Registering again updates the key.
        assertSame(ka, a.register(selector, OP_WRITE, "again"));
        assertEquals(OP_WRITE, ka.interestOps());
        assertEquals("again", ka.attachment());
    }

    // ---- select(Consumer) ----

    @Test
    void selectNowWithActionGivesEachReadyKeyWithoutTouchingTheSelectedSet() throws IOException {
        NativeDeviceChannel a = fds.eventFd();
        NativeDeviceChannel b = fds.eventFd();
        NativeDeviceChannel idle = fds.eventFd();
        SelectionKey ka = a.register(selector, OP_READ);
        SelectionKey kb = b.register(selector, OP_READ);
        idle.register(selector, OP_READ);
        signal(a);
        signal(b);

        List<SelectionKey> seen = new ArrayList<>();
        List<Integer> ready = new ArrayList<>();
        assertEquals(2, selector.selectNow(k -> {
            seen.add(k);
            ready.add(k.readyOps());
        }));
        assertEquals(Set.of(ka, kb), new HashSet<>(seen));
        assertEquals(List.of(OP_READ, OP_READ), ready);
        assertTrue(selector.selectedKeys().isEmpty());
    }

    @Test
    void selectWithActionReplacesTheReadySetOfASelectedKey() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        SelectionKey key = channel.register(selector, OP_READ | OP_WRITE);
        signal(channel);
        assertEquals(1, selector.selectNow());
        assertEquals(OP_READ | OP_WRITE, key.readyOps());
        drain(channel);

        List<Integer> ready = new ArrayList<>();
        assertEquals(1, selector.select(k -> ready.add(k.readyOps()), LONG));
        assertEquals(List.of(OP_WRITE), ready);
        assertEquals(Set.of(key), selector.selectedKeys(), "left as it was");
    }

    @Test
    void selectWithActionAndTimeoutReturnsZeroWhenItExpires() throws IOException {
        fds.eventFd().register(selector, OP_READ);
        long start = System.nanoTime();
        assertEquals(0, selector.select(k -> {
            throw new AssertionError("no key is ready");
        }, SHORT));
        assertTrue(System.nanoTime() - start >= SHORT_MIN_NANOS);
    }

    @Test
    void selectWithActionBlocksUntilReadyOrWokenUp() throws Exception {
        NativeDeviceChannel channel = fds.eventFd();
        SelectionKey key = channel.register(selector, OP_READ);
        List<SelectionKey> seen = new ArrayList<>();
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread selecting = start(() -> result.complete(selector.select(seen::add)));
        Fds.awaitBlockedInEpollWait(selecting);
        signal(channel);
        assertEquals(1, result.get(5, TimeUnit.SECONDS));
        selecting.join();
        assertEquals(List.of(key), seen);

        drain(channel);
        selector.wakeup();
        assertEquals(0, selector.select(k -> {
            throw new AssertionError("woken up, nothing ready");
        }));
    }

    @Test
    void actionArgumentsAreChecked() {
        assertThrows(NullPointerException.class, () -> selector.select((java.util.function.Consumer<SelectionKey>) null));
        assertThrows(NullPointerException.class, () -> selector.select(null, 1));
        assertThrows(NullPointerException.class, () -> selector.selectNow(null));
    }

    @Test
    void actionThatClosesTheSelectorEndsTheSelectionWithClosedSelectorException() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        channel.register(selector, OP_READ);
        signal(channel);
        assertThrows(ClosedSelectorException.class, () -> selector.selectNow(k -> {
            try {
                selector.close();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }));
        assertFalse(selector.isOpen());
        assertFalse(channel.isRegistered());
    }

    @Test
    void reentrantSelectionFromAnActionIsRefused() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        channel.register(selector, OP_READ);
        signal(channel);
        assertThrows(IllegalStateException.class, () -> selector.selectNow(k -> {
            try {
                selector.selectNow();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }));
        assertEquals(1, selector.selectNow(k -> {}), "still usable");
    }

    @Test
    void anActionsExceptionIsRelayedAndAPendingWakeupIsStillConsumed() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        channel.register(selector, OP_READ);
        signal(channel);
        selector.wakeup();
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> selector.select(k -> {
            drain(channel);
            throw new IllegalStateException("from the action");
        }));
        assertEquals("from the action", thrown.getMessage());
        assertBlocksForTheTimeout();
    }

    // ---- cancellation and closing ----

    @Test
    void cancelledKeyIsDeregisteredByTheNextSelectionAndTheChannelCanRegisterAgain() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        SelectionKey key = channel.register(selector, OP_READ);
        signal(channel);
        assertEquals(1, selector.selectNow());
        key.cancel();
        assertFalse(key.isValid());
        key.cancel(); // idempotent
        assertThrows(CancelledKeyException.class, key::interestOps);
        assertThrows(CancelledKeyException.class, key::readyOps);
        assertThrows(CancelledKeyException.class, () -> key.interestOps(OP_READ));
        assertTrue(selector.keys().contains(key), "until the next selection operation");
        assertTrue(channel.isRegistered());
        assertThrows(CancelledKeyException.class, () -> channel.register(selector, OP_READ));

        assertEquals(0, selector.selectNow(), "a cancelled key is not reported");
        assertFalse(selector.keys().contains(key));
        assertFalse(selector.selectedKeys().contains(key));
        assertFalse(channel.isRegistered());
        assertNull(channel.keyFor(selector));

        SelectionKey again = channel.register(selector, OP_READ);
        assertTrue(again != key);
        assertEquals(1, selector.selectNow());
        assertEquals(Set.of(again), selector.selectedKeys());
    }

    @Test
    void closingARegisteredChannelCancelsItsKeyAndItIsNotReported() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        NativeDeviceChannel other = fds.eventFd();
        SelectionKey key = channel.register(selector, OP_READ);
        SelectionKey otherKey = other.register(selector, OP_READ);
        signal(channel);
        signal(other);
        channel.close();
        assertFalse(key.isValid());
        assertEquals(1, selector.selectNow());
        assertEquals(Set.of(otherKey), selector.selectedKeys());
        assertEquals(Set.of(otherKey), selector.keys());
    }

    @Test
    void closingTheChannelOfASelectedKeyRemovesItFromTheSelectedSet() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        SelectionKey key = channel.register(selector, OP_READ);
        signal(channel);
        assertEquals(1, selector.selectNow());
        channel.close();
        assertTrue(selector.selectedKeys().contains(key), "until the next selection operation");
        assertEquals(0, selector.selectNow());
        assertTrue(selector.selectedKeys().isEmpty());
        assertTrue(selector.keys().isEmpty());
    }

    @Test
    void closingTheSelectorInvalidatesItsKeysAndLeavesTheChannelsOpen() throws IOException {
        NativeDeviceChannel a = fds.eventFd();
        PipeEnds pipe = fds.pipe();
        SelectionKey ka = a.register(selector, OP_READ);
        SelectionKey ks = pipe.sink.register(selector, OP_WRITE);
        assertEquals(1, selector.selectNow());

        selector.close();
        selector.close(); // idempotent
        assertFalse(selector.isOpen());
        assertFalse(ka.isValid());
        assertFalse(ks.isValid());
        assertFalse(a.isRegistered());
        assertFalse(pipe.sink.isRegistered());
        assertTrue(a.isOpen());
        assertTrue(pipe.sink.isOpen());
        assertThrows(CancelledKeyException.class, () -> ka.interestOps(0));

        try (EpollSelector another = provider.openSelector()) {
            signal(a);
            a.register(another, OP_READ);
            assertEquals(1, another.selectNow());
        }
    }

    @Test
    void aClosedSelectorRefusesEverything() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        selector.close();
        assertThrows(ClosedSelectorException.class, () -> channel.register(selector, OP_READ));
        assertThrows(ClosedSelectorException.class, selector::select);
        assertThrows(ClosedSelectorException.class, () -> selector.select(1));
        assertThrows(ClosedSelectorException.class, selector::selectNow);
        assertThrows(ClosedSelectorException.class, () -> selector.select(k -> {}));
        assertThrows(ClosedSelectorException.class, () -> selector.select(k -> {}, 1));
        assertThrows(ClosedSelectorException.class, () -> selector.selectNow(k -> {}));
        assertThrows(ClosedSelectorException.class, selector::keys);
        assertThrows(ClosedSelectorException.class, selector::selectedKeys);
        assertFalse(channel.isRegistered());
    }

    @Test
    void closingTheSelectorEndsASelectBlockedInAnotherThread() throws Exception {
        SelectionKey key = fds.eventFd().register(selector, OP_READ);
        CompletableFuture<Integer> result = new CompletableFuture<>();
        CompletableFuture<Throwable> next = new CompletableFuture<>();
        Thread selecting = start(() -> {
            result.complete(selector.select());
            try {
                selector.select();
                next.complete(null);
            } catch (Throwable t) {
                next.complete(t);
            }
        });
        Fds.awaitBlockedInEpollWait(selecting);
        selector.close();
        assertEquals(0, result.get(5, TimeUnit.SECONDS));
        assertTrue(next.get(5, TimeUnit.SECONDS) instanceof ClosedSelectorException);
        assertFalse(key.isValid());
    }

    // ---- channels ----

    @Test
    void channelsOtherThanJnrEnxiosAreRefused() throws IOException {
        Pipe jdkPipe = Pipe.open();
        try {
            jdkPipe.source().configureBlocking(false);
            assertThrows(IllegalSelectorException.class, () -> jdkPipe.source().register(selector, OP_READ));
        } finally {
            jdkPipe.source().close();
            jdkPipe.sink().close();
        }
    }

    @Test
    void jnrChannelsOfAnotherProviderAreAccepted() throws IOException {
        int fd = fds.rawEventFd();
        NativeDeviceChannel channel = new NativeDeviceChannel(NativeSelectorProvider.getInstance(), fd, OP_READ, false);
        fds.forget(fd);
        try {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, OP_READ);
            signal(fd);
            assertEquals(1, selector.selectNow());
            assertEquals(Set.of(key), selector.selectedKeys());
        } finally {
            channel.close();
        }
    }

    @Test
    void blockingChannelsAreRefused() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        channel.configureBlocking(true);
        assertThrows(IllegalBlockingModeException.class, () -> channel.register(selector, OP_READ));
    }

    @Test
    void twoOpenChannelsCannotRegisterTheSameDescriptor() throws IOException {
        NativeDeviceChannel channel = fds.eventFd();
        channel.register(selector, OP_READ);
        // A second wrapper of the same descriptor; never closed, so the descriptor is closed once.
        NativeDeviceChannel twin = new NativeDeviceChannel(provider, channel.getFD(), OP_READ, false);
        twin.configureBlocking(false);
        assertThrows(IllegalArgumentException.class, () -> twin.register(selector, OP_READ));
        assertFalse(twin.isRegistered());
        assertEquals(1, selector.keys().size());
    }

    @Test
    void regularFilesCannotBeRegistered() throws IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("epoll", ".txt");
        try {
            int fd = openReadOnly(file);
            NativeDeviceChannel channel = fds.wrap(fd, OP_READ);
            java.io.UncheckedIOException e =
                    assertThrows(java.io.UncheckedIOException.class, () -> channel.register(selector, OP_READ));
            assertTrue(e.getMessage().contains("epoll_ctl(ADD"), e.getMessage());
            assertFalse(channel.isRegistered());
            assertTrue(selector.keys().isEmpty());
            assertEquals(0, selector.selectNow());
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void manyChannelsWithAFewReady() throws IOException {
        int count = 500;
        List<NativeDeviceChannel> channels = new ArrayList<>();
        List<SelectionKey> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NativeDeviceChannel channel = fds.eventFd();
            channels.add(channel);
            keys.add(channel.register(selector, OP_READ, i));
        }
        assertEquals(0, selector.selectNow());
        signal(channels.get(7));
        signal(channels.get(250));
        signal(channels.get(499));
        assertEquals(3, selector.select(LONG));
        assertEquals(Set.of(keys.get(7), keys.get(250), keys.get(499)), selector.selectedKeys());

        // All ready: more than one epoll_wait's worth, gathered over a few selections.
        channels.forEach(Fds::signal);
        int rounds = 0;
        while (selector.selectedKeys().size() < count) {
            assertTrue(++rounds <= 50, "selected " + selector.selectedKeys().size() + " after 50 rounds");
            selector.selectNow();
        }
        assertEquals(new HashSet<>(keys), selector.selectedKeys());

        Set<SelectionKey> consumed = new HashSet<>();
        rounds = 0;
        while (consumed.size() < count) {
            assertTrue(++rounds <= 50, "consumed " + consumed.size() + " after 50 rounds");
            selector.selectNow(k -> {
                assertTrue(consumed.add(k), "consumed twice: " + k);
                drain((NativeDeviceChannel) k.channel());
            });
        }
        assertEquals(0, selector.selectNow(k -> {}));
    }

    // ---- helpers ----

    private static int openReadOnly(java.nio.file.Path file) {
        int fd = Fds.libc().open(file.toString(), Fds.O_CLOEXEC, 0);
        assertTrue(fd >= 0, "open: errno " + Fds.errno());
        return fd;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private interface Selection {
        int run() throws IOException;
    }

    private static Thread start(ThrowingRunnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                t.printStackTrace();
            }
        }, "selecting");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void assertReturnsPromptly(Selection selection) throws IOException {
        long start = System.nanoTime();
        assertEquals(0, selection.run());
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed < PROMPT_NANOS, "took " + elapsed + " ns");
    }

    private void assertBlocksForTheTimeout() throws IOException {
        long start = System.nanoTime();
        assertEquals(0, selector.select(SHORT));
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed >= SHORT_MIN_NANOS, "select(" + SHORT + ") returned after " + elapsed + " ns");
    }
}
