package io.sysgenid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sysgenid.core.epoll.EpollSelectorProvider;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jnr.enxio.channels.NativeDeviceChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link SysGenIdDevice} must have, row by row of {@code ABI.md} as far as Java
 * reaches it. Subclasses supply the device: the simulated one ({@code SimulatedSysGenIdConformanceTest})
 * and the real one ({@code NativeSysGenIdConformanceTest}, run inside a QEMU guest with the module).
 * Packaged in sysgenid-core's test-jar so that other environments can run it.
 *
 * <p>The tests use generations relative to what they find (a real device has lived through other
 * bumps) and counts relative to a baseline. They assume no other process acknowledges, bumps or opens
 * watchers while they run, and that {@link #bump(int)} is privileged (root in the guest).
 *
 * <p>Handles opened with {@link #open()} are closed after each test. A handle becomes a watcher the way
 * the kernel says; {@link #watcher()} opens one that is a watcher on every kernel (it reads once).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
public abstract class SysGenIdDeviceContract {
    private static final Duration LONG = Duration.ofSeconds(20);

    private final List<SysGenIdDevice> opened = new ArrayList<>();
    private ExecutorService executor;

    /** Opens a new file of the device under test. */
    protected abstract SysGenIdDevice openDevice();

    /**
     * Moves the generation to max({@code minimum}, current + 1) with the privilege the FORCE/TRIGGER
     * ioctl needs. Default: {@link SysGenIdDevice#forceUpdate(int)} on a file opened for it and closed.
     */
    protected void bump(int minimum) {
        try (SysGenIdDevice bumper = openDevice()) {
            bumper.forceUpdate(minimum);
        }
    }

    /** The provider of the selectors the readiness test uses. */
    protected SelectorProvider selectorProvider() {
        return new EpollSelectorProvider();
    }

    /** Opens a handle that is closed after the test. */
    protected final SysGenIdDevice open() {
        SysGenIdDevice device = openDevice();
        opened.add(device);
        return device;
    }

    /** Opens a handle and makes it a watcher (a read does on every kernel this project knows). */
    protected final SysGenIdDevice watcher() {
        SysGenIdDevice device = open();
        assertEquals(OptionalInt.empty(), device.readGeneration(), "a new file is up to date");
        return device;
    }

    protected final void bump() {
        bump(0);
    }

    @AfterEach
    void closeHandles() {
        if (executor != null) {
            executor.shutdownNow();
        }
        opened.forEach(SysGenIdDevice::close);
        opened.clear();
    }

    private <T> Future<T> async(java.util.concurrent.Callable<T> task) {
        if (executor == null) {
            executor = Executors.newCachedThreadPool();
        }
        return executor.submit(task);
    }

    private static int known(OptionalInt count, String what) {
        assumeTrue(count.isPresent(), () -> "this kernel does not publish " + what);
        return count.getAsInt();
    }

    private static int generation(SysGenIdDevice device) {
        OptionalInt generation = device.readGeneration();
        assertTrue(generation.isPresent(), "the file is outdated: read returns the generation");
        return generation.getAsInt();
    }

    // ---- open, read, write ----

    @Test
    void aNewFileIsUpToDate() {
        SysGenIdDevice device = open();
        assertNotNull(device.abi());
        assertTrue(device.isOpen());
        assertEquals(OptionalInt.empty(), device.readGeneration());
        assertEquals(OptionalInt.empty(), device.readGeneration());
    }

    @Test
    void acknowledgingTheCurrentGenerationWhenUpToDateIsANoOp() {
        SysGenIdDevice device = watcher();
        assertTrue(device.ack(device.currentGeneration()));
        assertEquals(OptionalInt.empty(), device.readGeneration());
    }

    @Test
    void afterABumpReadReturnsTheNewGenerationUntilAcknowledged() {
        SysGenIdDevice device = watcher();
        int before = device.currentGeneration();
        bump();
        int generation = generation(device);
        assertNotEquals(before, generation);
        assertEquals(device.currentGeneration(), generation);
        assertEquals(OptionalInt.of(generation), device.readGeneration(), "read never acknowledges");
        assertEquals(OptionalInt.of(generation), device.readGeneration(), "read never acknowledges");
        assertTrue(device.ack(generation));
        assertEquals(OptionalInt.empty(), device.readGeneration());
    }

    @Test
    void acknowledgingAnotherValueIsRefused() {
        SysGenIdDevice device = watcher();
        bump();
        int generation = generation(device);
        assertFalse(device.ack(generation + 1));
        assertFalse(device.ack(generation - 1));
        assertEquals(OptionalInt.of(generation), device.readGeneration(), "a refused ack changes nothing");
        assertTrue(device.ack(generation));
        assertFalse(device.ack(generation + 1), "up to date, but not the current value");
        assertEquals(OptionalInt.empty(), device.readGeneration());
    }

    @Test
    void rapidBumpsCoalesceIntoTheLatestGeneration() {
        SysGenIdDevice device = watcher();
        bump();
        bump();
        bump();
        int generation = generation(device);
        assertEquals(device.currentGeneration(), generation);
        assertTrue(device.ack(generation), "one ack of the latest generation suffices");
        assertEquals(OptionalInt.empty(), device.readGeneration());
    }

    // ---- FORCE / TRIGGER and the mapped counter ----

    @Test
    void forceUpdateMovesToTheLargerOfTheMinimumAndCurrentPlusOne() {
        SysGenIdDevice device = open();
        int start = device.currentGeneration();
        bump(0);
        assertEquals(start + 1, device.currentGeneration(), "a minimum below the current value: + 1");
        bump(start + 11);
        assertEquals(start + 11, device.currentGeneration(), "a minimum above: the minimum");
        bump(start + 11);
        assertEquals(start + 12, device.currentGeneration(), "a minimum equal to the current value: + 1");
        device.forceUpdate(start + 12);
        assertEquals(start + 13, device.currentGeneration(), "through the handle itself");
    }

    @Test
    void theMappedCounterFollowsEveryBumpWithoutReadingOrAcknowledging() {
        SysGenIdDevice probe = open();
        SysGenIdDevice other = open();
        for (int i = 0; i < 3; i++) {
            int before = probe.currentGeneration();
            bump();
            assertNotEquals(before, probe.currentGeneration());
            assertEquals(other.currentGeneration(), probe.currentGeneration());
        }
    }

    // ---- poll / epoll ----

    @Test
    void readinessIsLevelTriggeredUntilTheAcknowledgement() throws Exception {
        SysGenIdDevice device = watcher();
        SelectorProvider provider = selectorProvider();
        try (Selector selector = provider.openSelector(); NativeDeviceChannel channel = device.openChannel(provider)) {
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            assertEquals(0, selector.selectNow(), "up to date: not readable");
            bump();
            assertEquals(1, selector.select(LONG.toMillis()), "outdated: readable");
            assertTrue(key.isReadable());
            selector.selectedKeys().clear();
            int generation = generation(device);
            assertEquals(1, selector.selectNow(), "still readable after the read");
            selector.selectedKeys().clear();
            assertTrue(device.ack(generation));
            assertEquals(0, selector.selectNow(), "acknowledged: not readable");
        }
    }

    // ---- watcher counts ----

    @Test
    void outdatedWatchersAreCountedAndEachAcknowledgementReleasesOne() {
        SysGenIdDevice first = watcher();
        SysGenIdDevice second = watcher();
        known(first.outdatedWatchers(), "the outdated-watcher count");
        OptionalInt watchers = first.watchers();
        watchers.ifPresent(n -> assertTrue(n >= 2, "both files are watchers, found " + n));
        bump();
        int generation = generation(first);
        assertEquals(generation, generation(second));
        int outdated = first.outdatedWatchers().getAsInt();
        assertTrue(outdated >= 2, "both files are outdated, found " + outdated);
        assertTrue(first.ack(generation));
        assertEquals(outdated - 1, first.outdatedWatchers().getAsInt());
        assertTrue(second.ack(generation));
        assertEquals(outdated - 2, second.outdatedWatchers().getAsInt());
        assertEquals(watchers, first.watchers(), "acknowledging does not change who watches");
    }

    @Test
    void closingAFileStopsCountingItAndIsIdempotent() {
        SysGenIdDevice stays = watcher();
        SysGenIdDevice leaves = watcher();
        known(stays.outdatedWatchers(), "the outdated-watcher count");
        bump();
        generation(leaves);
        int generation = generation(stays);
        int outdated = stays.outdatedWatchers().getAsInt();
        OptionalInt watchers = stays.watchers();
        leaves.close();
        leaves.close();
        assertFalse(leaves.isOpen());
        assertEquals(outdated - 1, stays.outdatedWatchers().getAsInt(), "a closed file is not waited for");
        watchers.ifPresent(n -> assertEquals(n - 1, stays.watchers().getAsInt()));
        assertTrue(stays.ack(generation));
    }

    @Test
    void aClosedHandleRefusesEveryOperationButCloseAndAReopenedFileIsUpToDate() {
        SysGenIdDevice device = watcher();
        bump();
        device.close();
        assertThrows(IllegalStateException.class, device::readGeneration);
        assertThrows(IllegalStateException.class, () -> device.ack(0));
        assertThrows(IllegalStateException.class, device::currentGeneration);
        assertThrows(IllegalStateException.class, () -> device.waitWatchers(Duration.ofMillis(1)));
        assertThrows(IllegalStateException.class, () -> device.openChannel(selectorProvider()));
        device.close();
        SysGenIdDevice reopened = watcher();
        assertEquals(OptionalInt.empty(), reopened.readGeneration(), "a new file starts up to date");
    }

    @Test
    void trackingOffStopsCountingTheFileAndOnCountsItAgain() {
        SysGenIdDevice device = open();
        try {
            device.setTracking(true);
        } catch (UnsupportedAbiException e) {
            abort("this kernel has no watcher tracking: " + e.getMessage());
        }
        known(device.outdatedWatchers(), "the outdated-watcher count");
        OptionalInt watchers = device.watchers();
        bump();
        int outdated = device.outdatedWatchers().getAsInt();
        assertTrue(outdated >= 1);
        device.setTracking(false);
        assertEquals(outdated - 1, device.outdatedWatchers().getAsInt(), "untracked: not waited for");
        watchers.ifPresent(n -> assertEquals(n - 1, device.watchers().getAsInt()));
        device.setTracking(true);
        assertEquals(outdated, device.outdatedWatchers().getAsInt(), "tracked again, still outdated");
        assertTrue(device.ack(generation(device)));
    }

    // ---- WAIT_WATCHERS ----

    @Test
    void waitReturnsAllAckedOnceEveryWatcherHasAcknowledged() throws Exception {
        SysGenIdDevice watcher = watcher();
        SysGenIdDevice orchestrator = watcher();
        bump();
        int generation = generation(orchestrator);
        assertTrue(orchestrator.ack(generation));
        Future<WaitResult> wait = async(() -> orchestrator.waitWatchers(LONG));
        assertTrue(watcher.ack(generation(watcher)));
        assertEquals(WaitResult.ALL_ACKED, wait.get());
        assertEquals(WaitResult.ALL_ACKED, orchestrator.waitWatchers(LONG), "nothing outdated: at once");
    }

    @Test
    void waitTimesOutWhileAWatcherIsOutdated() {
        SysGenIdDevice watcher = watcher();
        SysGenIdDevice orchestrator = watcher();
        bump();
        assertTrue(orchestrator.ack(generation(orchestrator)));
        long start = System.nanoTime();
        assertEquals(WaitResult.TIMED_OUT, orchestrator.waitWatchers(Duration.ofMillis(50)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(45), "waited the timeout");
        assertTrue(watcher.ack(generation(watcher)));
    }

    @Test
    void waitReportsSelfOutdatedWhenTheCallerIsOutdatedOnEntry() {
        SysGenIdDevice orchestrator = watcher();
        bump();
        assertEquals(WaitResult.SELF_OUTDATED, orchestrator.waitWatchers(LONG));
        assertTrue(orchestrator.ack(generation(orchestrator)));
    }

    @Test
    void waitReportsSelfOutdatedWhenAGenerationArrivesDuringTheWait() throws Exception {
        SysGenIdDevice watcher = watcher();
        SysGenIdDevice orchestrator = watcher();
        bump();
        assertTrue(orchestrator.ack(generation(orchestrator)));
        // The watcher stays outdated, so the wait cannot end ALL_ACKED; whether the next bump lands
        // before or during the wait, the caller is outdated and must hear so.
        Future<WaitResult> wait = async(() -> orchestrator.waitWatchers(LONG));
        bump();
        assertEquals(WaitResult.SELF_OUTDATED, wait.get());
        assertTrue(watcher.ack(generation(watcher)));
        assertTrue(orchestrator.ack(generation(orchestrator)));
    }

    @Test
    void closingAnOutdatedWatcherReleasesTheWait() throws Exception {
        SysGenIdDevice watcher = watcher();
        SysGenIdDevice orchestrator = watcher();
        bump();
        generation(watcher);
        assertTrue(orchestrator.ack(generation(orchestrator)));
        Future<WaitResult> wait = async(() -> orchestrator.waitWatchers(LONG));
        watcher.close();
        assertEquals(WaitResult.ALL_ACKED, wait.get());
    }

    /** A file that read once, then turned tracking off; aborts the test on kernels without tracking. */
    private SysGenIdDevice untrackedWatcher() {
        SysGenIdDevice untracked = watcher();
        try {
            untracked.setTracking(false);
        } catch (UnsupportedAbiException e) {
            abort("this kernel has no watcher tracking: " + e.getMessage());
        }
        return untracked;
    }

    @Test
    void untrackedFilesAreNotWaitedFor() {
        SysGenIdDevice untracked = untrackedWatcher();
        bump();
        SysGenIdDevice orchestrator = watcher();
        assertEquals(WaitResult.ALL_ACKED, orchestrator.waitWatchers(LONG));
        assertTrue(untracked.ack(generation(untracked)), "an untracked file still reads and acknowledges");
    }

    @Test
    void turningTrackingOffSticksThroughLaterReadsAndPolls() throws Exception {
        SysGenIdDevice untracked = untrackedWatcher();
        bump();
        assertTrue(untracked.readGeneration().isPresent(), "an untracked file still sees the change");
        try (java.nio.channels.spi.AbstractSelector selector = new io.sysgenid.core.epoll.EpollSelectorProvider()
                .openSelector()) {
            untracked.openChannel(selector.provider()).register(selector, java.nio.channels.SelectionKey.OP_READ);
            assertEquals(1, selector.selectNow(), "and polls readable");
        }
        SysGenIdDevice orchestrator = watcher();
        assertEquals(WaitResult.ALL_ACKED, orchestrator.waitWatchers(LONG),
                "reading and polling did not make it a watcher again: the explicit choice sticks");
    }

    // ---- the whole path: GenerationWatcher on this device ----

    @Test
    void aGenerationWatcherHandlesEachBumpAndNeverSpins() throws Exception {
        SysGenIdDevice device = open();
        BlockingQueue<Integer> seen = new LinkedBlockingQueue<>();
        GenerationWatcher watcher = GenerationWatcher.builder(device)
                .selectorProvider(selectorProvider())
                .listener(GenerationListener.synchronous(seen::add))
                .start();
        try {
            for (int i = 0; i < 3; i++) {
                bump();
                Integer generation = seen.poll(LONG.toSeconds(), TimeUnit.SECONDS);
                assertEquals(device.currentGeneration(), generation);
                // opened after the bump, so up to date; closed before the next one, which would leave it
                // outdated where every file is a watcher
                try (SysGenIdDevice orchestrator = openDevice()) {
                    assertEquals(WaitResult.ALL_ACKED, orchestrator.waitWatchers(LONG), "the watcher acknowledged");
                }
            }
        } finally {
            watcher.close();
        }
        WatcherStats stats = watcher.stats();
        assertEquals(3, stats.acknowledgements());
        assertTrue(stats.wakeups() <= 3 * 3, "a few wakeups per generation, no spinning: " + stats);
        assertTrue(stats.reads() <= 3 * 2, "one read per generation (two if a wakeup was stale): " + stats);
    }

    @Test
    void waitRejectsATimeoutThatIsNotPositive() {
        SysGenIdDevice device = open();
        assertThrows(IllegalArgumentException.class, () -> device.waitWatchers(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> device.waitWatchers(Duration.ofMillis(-1)));
    }
}
