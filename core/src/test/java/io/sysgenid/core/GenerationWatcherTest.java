package io.sysgenid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.sim.SimulatedOperation;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jnr.enxio.channels.NativeSelectorProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GenerationWatcherTest {
    private static final Duration LONG = Duration.ofSeconds(10);
    /** How long the no-spin tests watch an idle loop: an observation window, not a synchronization. */
    private static final Duration WINDOW = Duration.ofMillis(200);

    private final SimulatedSysGenId simulator = SimulatedSysGenId.create();
    private final BlockingQueue<WatcherFailure> failures = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> seen = new LinkedBlockingQueue<>();
    private final List<GenerationWatcher> watchers = new ArrayList<>();
    private SysGenIdDevice device;

    @BeforeEach
    void openDevice() {
        device = simulator.open();
    }

    @AfterEach
    void closeEverything() {
        watchers.forEach(GenerationWatcher::close);
        simulator.close();
    }

    private GenerationWatcher.Builder builder() {
        return GenerationWatcher.builder(device).failureHandler(failures::add);
    }

    private GenerationWatcher start(GenerationWatcher.Builder builder) {
        GenerationWatcher watcher = builder.start();
        watchers.add(watcher);
        return watcher;
    }

    private GenerationListener recording() {
        return GenerationListener.synchronous(seen::add);
    }

    private void assertAcknowledged() throws InterruptedException {
        assertTrue(simulator.awaitAllAcknowledged(LONG), "the watcher acknowledged");
    }

    private int nextSeen() throws InterruptedException {
        Integer generation = seen.poll(LONG.toSeconds(), TimeUnit.SECONDS);
        assertTrue(generation != null, "a listener was called");
        return generation;
    }

    @Test
    void dispatchesEachNewGenerationAndAcknowledgesIt() throws Exception {
        GenerationWatcher watcher = start(builder().listener(recording()));
        for (int i = 0; i < 3; i++) {
            int generation = simulator.bump();
            assertEquals(generation, nextSeen());
            assertAcknowledged();
        }
        watcher.close();
        WatcherStats stats = watcher.stats();
        assertEquals(3, stats.dispatches());
        assertEquals(3, stats.acknowledgements());
        assertEquals(0, stats.refusedAcknowledgements());
        assertTrue(failures.isEmpty(), failures::toString);
    }

    @Test
    void theAcknowledgementHandlerHearsOfEachAcceptedAcknowledgementAfterIt() throws Exception {
        BlockingQueue<String> acknowledged = new LinkedBlockingQueue<>();
        start(builder().listener(recording()).acknowledgementHandler(generation ->
                acknowledged.add(generation + " outdated=" + simulator.outdatedWatchers())));
        int first = simulator.bump();
        assertEquals(first + " outdated=0", acknowledged.poll(LONG.toSeconds(), TimeUnit.SECONDS));
        int second = simulator.bump();
        assertEquals(second + " outdated=0", acknowledged.poll(LONG.toSeconds(), TimeUnit.SECONDS));
        assertTrue(acknowledged.isEmpty());
    }

    @Test
    void theAcknowledgementWaitsForAnAsynchronousListener() throws Exception {
        CompletableFuture<Void> work = new CompletableFuture<>();
        CountDownLatch called = new CountDownLatch(1);
        start(builder().listener(generation -> {
            called.countDown();
            return work;
        }));
        simulator.bump();
        assertTrue(called.await(LONG.toSeconds(), TimeUnit.SECONDS));
        assertFalse(simulator.awaitAllAcknowledged(Duration.ofMillis(100)), "not acknowledged while the work runs");
        assertEquals(1, simulator.outdatedWatchers());
        CompletableFuture.runAsync(() -> work.complete(null));
        assertAcknowledged();
    }

    @Test
    void theAcknowledgementWaitsForEveryListener() throws Exception {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        CountDownLatch called = new CountDownLatch(2);
        start(builder()
                .listener(generation -> {
                    called.countDown();
                    return first;
                })
                .listener(generation -> {
                    called.countDown();
                    return second;
                }));
        simulator.bump();
        assertTrue(called.await(LONG.toSeconds(), TimeUnit.SECONDS));
        second.complete(null);
        assertFalse(simulator.awaitAllAcknowledged(Duration.ofMillis(100)), "one listener is still working");
        first.complete(null);
        assertAcknowledged();
    }

    @Test
    void aFailingListenerIsReportedAndTheGenerationAcknowledgedAnywayByDefault() throws Exception {
        RuntimeException boom = new IllegalStateException("boom");
        GenerationListener failing = generation -> {
            throw boom;
        };
        GenerationWatcher watcher = start(builder().listener(failing).listener(recording()));
        int generation = simulator.bump();
        assertEquals(generation, nextSeen(), "the other listeners still run");
        WatcherFailure failure = failures.poll(LONG.toSeconds(), TimeUnit.SECONDS);
        WatcherFailure.ListenerFailed listenerFailed = assertInstanceOf(WatcherFailure.ListenerFailed.class, failure);
        assertEquals(generation, listenerFailed.generation());
        assertEquals(failing, listenerFailed.listener());
        assertEquals(boom, listenerFailed.cause());
        assertAcknowledged();
        watcher.close();
        assertEquals(1, watcher.stats().listenerFailures());
    }

    @Test
    void anExceptionalStageAndANullStageAreFailuresToo() throws Exception {
        IOException broken = new IOException("broken");
        start(builder()
                .listener(generation -> CompletableFuture.failedFuture(broken))
                .listener(generation -> CompletableFuture.supplyAsync(() -> {
                    throw new IllegalArgumentException("late");
                }))
                .listener(generation -> null));
        simulator.bump();
        Set<Class<?>> causes = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 3; i++) {
            WatcherFailure failure = failures.poll(LONG.toSeconds(), TimeUnit.SECONDS);
            causes.add(assertInstanceOf(WatcherFailure.ListenerFailed.class, failure).cause().getClass());
        }
        assertEquals(Set.of(IOException.class, IllegalArgumentException.class, NullPointerException.class), causes,
                "the CompletionException wrapper is removed");
        assertAcknowledged();
    }

    @Test
    void leaveOutdatedKeepsTheDeviceOutdatedAfterAFailure() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(builder()
                .failurePolicy(ListenerFailurePolicy.LEAVE_OUTDATED)
                .retryDelay(Duration.ofHours(1))
                .listener(generation -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("cannot reseed");
                }));
        simulator.bump();
        assertInstanceOf(WatcherFailure.ListenerFailed.class, failures.poll(LONG.toSeconds(), TimeUnit.SECONDS));
        assertFalse(simulator.awaitAllAcknowledged(WINDOW), "orchestrators keep waiting for this process");
        assertEquals(1, simulator.outdatedWatchers());
        assertEquals(1, calls.get(), "no retry before the delay");
    }

    @Test
    void leaveOutdatedDispatchesTheGenerationAgainAfterTheRetryDelay() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(builder()
                .failurePolicy(ListenerFailurePolicy.LEAVE_OUTDATED)
                .retryDelay(Duration.ofMillis(20))
                .listener(generation -> {
                    seen.add(generation);
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("not yet");
                    }
                    return CompletableFuture.completedFuture(null);
                }));
        int generation = simulator.bump();
        assertEquals(generation, nextSeen());
        assertEquals(generation, nextSeen(), "dispatched again");
        assertAcknowledged();
        assertEquals(1, failures.size());
    }

    @Test
    void generationsArrivingWhileAListenerWorksCoalesceIntoTheNewest() throws Exception {
        CompletableFuture<Void> firstWork = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        GenerationWatcher watcher = start(builder().listener(generation -> {
            seen.add(generation);
            return calls.incrementAndGet() == 1 ? firstWork : CompletableFuture.completedFuture(null);
        }));
        int first = simulator.bump();
        assertEquals(first, nextSeen());
        simulator.bump();
        int newest = simulator.bump();
        firstWork.complete(null); // the ack of `first` is refused: the watcher reads `newest`
        assertEquals(newest, nextSeen());
        assertAcknowledged();
        watcher.close();
        assertNull(seen.poll(), "the intermediate generation was never dispatched");
        assertEquals(1, watcher.stats().refusedAcknowledgements());
        assertEquals(1, watcher.stats().acknowledgements());
    }

    @Test
    void theLoopNeitherSpinsNorWakesWhileIdleOrWhileAListenerWorks() throws Exception {
        CompletableFuture<Void> work = new CompletableFuture<>();
        CountDownLatch called = new CountDownLatch(1);
        GenerationWatcher watcher = start(builder().listener(generation -> {
            called.countDown();
            return work;
        }));
        Thread loop = TestProcess.threadsNamed(GenerationWatcher.THREAD_NAME).get(0);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        // Idle: nothing to read.
        WatcherStats idle = watcher.stats();
        long reads = simulator.reads();
        long cpu = threads.getThreadCpuTime(loop.getId());
        assertFalse(called.await(WINDOW.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(idle, watcher.stats(), "no wakeup while idle");
        assertEquals(reads, simulator.reads());
        assertTrue(threads.getThreadCpuTime(loop.getId()) - cpu < TimeUnit.MILLISECONDS.toNanos(50), "no CPU while idle");

        // Outdated, level-triggered readable, the listener still working: the loop must not watch the device.
        simulator.bump();
        assertTrue(called.await(LONG.toSeconds(), TimeUnit.SECONDS));
        WatcherStats busy = watcher.stats();
        reads = simulator.reads();
        cpu = threads.getThreadCpuTime(loop.getId());
        assertFalse(simulator.awaitAllAcknowledged(WINDOW));
        assertEquals(busy, watcher.stats(), "no wakeup while the device stays readable");
        assertEquals(reads, simulator.reads(), "no reads while the device stays readable");
        assertTrue(threads.getThreadCpuTime(loop.getId()) - cpu < TimeUnit.MILLISECONDS.toNanos(50), "no spinning");
        assertEquals(1, busy.reads());

        work.complete(null);
        assertAcknowledged();
    }

    @Test
    void closeStopsTheThreadAndReleasesItsDescriptorsButNotTheDevice() {
        Map<Integer, String> descriptors = TestProcess.descriptors();
        GenerationWatcher watcher = start(builder());
        assertEquals(1, TestProcess.threadsNamed(GenerationWatcher.THREAD_NAME).size());
        assertTrue(watcher.isRunning());
        assertFalse(TestProcess.openedSince(descriptors).isEmpty(), "a selector and a channel");
        watcher.close();
        watcher.close();
        assertFalse(watcher.isRunning());
        assertEquals(List.of(), TestProcess.threadsNamed(GenerationWatcher.THREAD_NAME));
        assertEquals(Map.of(), TestProcess.openedSince(descriptors));
        assertTrue(device.isOpen(), "the device belongs to the caller");
    }

    @Test
    void closeAlsoClosesADeviceTheWatcherOwns() {
        device.close();
        Map<Integer, String> descriptors = TestProcess.descriptors();
        device = simulator.open();
        GenerationWatcher watcher = start(builder().ownsDevice(true));
        watcher.close();
        assertFalse(device.isOpen());
        assertEquals(Map.of(), TestProcess.openedSince(descriptors));
        assertEquals(0, simulator.openFiles());
    }

    @Test
    void closeAsyncReturnsAtOnceAndCompletesOnceTheLoopHasReleasedEverything() throws Exception {
        device.close();
        Map<Integer, String> descriptors = TestProcess.descriptors();
        device = simulator.open();
        GenerationWatcher watcher = start(builder().ownsDevice(true));
        Thread loop = TestProcess.threadsNamed(GenerationWatcher.THREAD_NAME).get(0);
        CompletableFuture<Void> released = watcher.closeAsync().toCompletableFuture();
        assertFalse(watcher.isRunning(), "stopping from the moment it is asked");
        released.get(LONG.toSeconds(), TimeUnit.SECONDS);
        assertFalse(device.isOpen());
        loop.join(LONG.toMillis());
        assertFalse(loop.isAlive(), "the thread ends right after releasing");
        assertEquals(Map.of(), TestProcess.openedSince(descriptors));
        assertTrue(watcher.closeAsync().toCompletableFuture().isDone(), "idempotent");
        watcher.close();
    }

    @Test
    void aListenerMayCloseTheWatcherAndTheGenerationIsThenNotAcknowledged() throws Exception {
        AtomicReference<GenerationWatcher> self = new AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        GenerationWatcher watcher = start(builder().listener(generation -> {
            self.get().close();
            closed.countDown();
            return CompletableFuture.completedFuture(null);
        }));
        self.set(watcher);
        Thread loop = TestProcess.threadsNamed(GenerationWatcher.THREAD_NAME).get(0);
        simulator.bump();
        assertTrue(closed.await(LONG.toSeconds(), TimeUnit.SECONDS));
        loop.join(LONG.toMillis());
        assertFalse(loop.isAlive());
        assertEquals(1, simulator.outdatedWatchers());
        assertEquals(0, watcher.stats().acknowledgements());
    }

    @Test
    void aDeviceFailureIsReportedAndRetried() throws Exception {
        start(builder().retryDelay(Duration.ofMillis(10)).listener(recording()));
        simulator.failNext(SimulatedOperation.READ, 5);
        int generation = simulator.bump();
        WatcherFailure.DeviceFailed failure = assertInstanceOf(WatcherFailure.DeviceFailed.class,
                failures.poll(LONG.toSeconds(), TimeUnit.SECONDS));
        assertFalse(failure.fatal());
        assertTrue(failure.cause().getMessage().contains("read /dev/sysgenid (simulated) failed: EIO (5"),
                failure.cause().getMessage());
        assertEquals(generation, nextSeen());
        assertAcknowledged();
    }

    @Test
    void oneThreadServesEveryListener() throws Exception {
        Set<String> threadNames = ConcurrentHashMap.newKeySet();
        CountDownLatch called = new CountDownLatch(5);
        GenerationWatcher.Builder builder = builder();
        for (int i = 0; i < 5; i++) {
            builder.listener(GenerationListener.synchronous(generation -> {
                threadNames.add(Thread.currentThread().getName());
                called.countDown();
            }));
        }
        start(builder);
        simulator.bump();
        assertTrue(called.await(LONG.toSeconds(), TimeUnit.SECONDS));
        assertEquals(Set.of(GenerationWatcher.THREAD_NAME), threadNames);
        assertEquals(1, TestProcess.threadsNamed(GenerationWatcher.THREAD_NAME).size());
        assertAcknowledged();
    }

    @Test
    void listenersCanBeAddedAndRemovedWhileRunning() throws Exception {
        GenerationListener first = GenerationListener.synchronous(generation -> seen.add(-1));
        GenerationWatcher watcher = start(builder().listener(first));
        watcher.addListener(recording());
        assertTrue(watcher.removeListener(first));
        int generation = simulator.bump();
        assertEquals(generation, nextSeen());
        assertAcknowledged();
        watcher.close();
        assertNull(seen.poll());
    }

    @Test
    void anotherSelectorProviderCanBeInjected() throws Exception {
        Map<Integer, String> descriptors = TestProcess.descriptors();
        GenerationWatcher watcher = start(builder()
                .selectorProvider(NativeSelectorProvider.getInstance()) // jnr-enxio's poll(2) selector
                .listener(recording()));
        int generation = simulator.bump();
        assertEquals(generation, nextSeen());
        assertAcknowledged();
        watcher.close();
        assertEquals(Map.of(), TestProcess.openedSince(descriptors));
    }

    @Test
    void aClosedDeviceCannotBeWatched() {
        device.close();
        assertThrows(IllegalStateException.class, () -> builder().start());
        assertEquals(List.of(), TestProcess.threadsNamed(GenerationWatcher.THREAD_NAME));
    }

    @Test
    void aGenerationPendingAtStartIsDispatched() throws Exception {
        device.readGeneration(); // a watcher, then outdated before any watcher exists
        int generation = simulator.bump();
        start(builder().listener(recording()));
        assertEquals(generation, nextSeen());
        assertAcknowledged();
    }

    @Test
    void aWatcherToldTheLastHandledGenerationCatchesUpOnAChangeItsFreshFileCannotSee() throws Exception {
        simulator.bump(); // while no watcher of this process had the device open
        start(builder().lastHandled(0).listener(recording()));
        assertEquals(1, nextSeen(), "the missed change is dispatched first");
        assertAcknowledged();
        int next = simulator.bump();
        assertEquals(next, nextSeen(), "then the file is watched as usual");
    }

    @Test
    void noCatchUpWhenTheLastHandledGenerationIsCurrentOrNoneIsGiven() throws Exception {
        simulator.bump();
        start(GenerationWatcher.builder(simulator.open()).ownsDevice(true).lastHandled(1).listener(recording()));
        start(GenerationWatcher.builder(simulator.open()).ownsDevice(true).listener(recording()));
        int next = simulator.bump();
        assertEquals(next, nextSeen(), "no catch-up dispatch came first");
        assertEquals(next, nextSeen());
        assertTrue(seen.isEmpty(), seen::toString);
    }

    @Test
    void aFailedCatchUpIsDispatchedAgainUnderLeaveOutdatedThoughTheFileIsUpToDate() throws Exception {
        simulator.bump();
        AtomicInteger calls = new AtomicInteger();
        start(builder().lastHandled(0).failurePolicy(ListenerFailurePolicy.LEAVE_OUTDATED)
                .retryDelay(Duration.ofMillis(10))
                .listener(generation -> {
                    seen.add(generation);
                    return calls.incrementAndGet() < 3
                            ? CompletableFuture.failedFuture(new IllegalStateException("not yet"))
                            : CompletableFuture.completedFuture(null);
                }));
        assertEquals(List.of(1, 1, 1), List.of(nextSeen(), nextSeen(), nextSeen()));
        assertEquals(2, failures.size());
    }

    @Test
    void closeIsBoundedInterruptsABlockedListenerAndStillReleasesEverything() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        GenerationWatcher watcher = start(builder().closeTimeout(Duration.ofMillis(50))
                .listener(GenerationListener.synchronous(generation -> {
                    blocked.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                    }
                })));
        simulator.bump();
        assertTrue(blocked.await(LONG.toSeconds(), TimeUnit.SECONDS));
        watcher.close();
        assertEquals(Boolean.TRUE, interrupted.get(), "the blocked listener was interrupted");
        assertFalse(watcher.isRunning());
        assertEquals(1, simulator.outdatedWatchers(), "a generation in hand at close is not acknowledged");
    }

    @Test
    void closeReturnsWhenTheCallerIsInterruptedAndKeepsItsInterruptStatus() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GenerationWatcher watcher = start(builder().closeTimeout(Duration.ofHours(1))
                .listener(GenerationListener.synchronous(generation -> {
                    blocked.countDown();
                    while (release.getCount() > 0) {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            // a listener that ignores interrupts
                        }
                    }
                })));
        simulator.bump();
        assertTrue(blocked.await(LONG.toSeconds(), TimeUnit.SECONDS));
        Thread.currentThread().interrupt();
        watcher.close();
        assertTrue(Thread.interrupted(), "the caller's interrupt status is kept");
        release.countDown();
        watcher.closeAsync().toCompletableFuture().get(LONG.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void anErrorThrownByAListenerStopsTheWatcherWithoutAcknowledging() throws Exception {
        GenerationWatcher watcher = start(builder().listener(generation -> {
            throw new OutOfMemoryError("simulated");
        }));
        simulator.bump();
        WatcherFailure failure = failures.poll(LONG.toSeconds(), TimeUnit.SECONDS);
        assertInstanceOf(WatcherFailure.DeviceFailed.class, failure);
        assertTrue(((WatcherFailure.DeviceFailed) failure).fatal());
        watcher.closeAsync().toCompletableFuture().get(LONG.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, simulator.outdatedWatchers(), "not acknowledged after an Error");
        assertEquals(0, watcher.stats().acknowledgements());
    }
}
