package io.sysgenid.samples.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.RealDevice;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.WaitResult;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The four workflows on the real device, {@code /dev/sysgenid}: skipped where it does not exist, unless
 * {@code -Dsysgenid.device.required=true} (as {@code scripts/guest-java-tests} sets inside the QEMU guest, as
 * root, with the module loaded). A separate file forces the generation changes, as a restore would.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NativeWorkflowsTest {
    private static final Duration LONG = Duration.ofSeconds(120);

    @BeforeAll
    static void requireTheDevice() {
        RealDevice.require();
    }

    private static int force() {
        try (SysGenIdDevice bumper = SysGenIdDevice.open()) {
            bumper.forceUpdate(0);
            return bumper.currentGeneration();
        }
    }

    private static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
        T value = queue.poll(LONG.toSeconds(), TimeUnit.SECONDS);
        assertTrue(value != null, "within " + LONG);
        return value;
    }

    private static void awaitNoOutdated(SysGenIdDevice device) throws InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!device.outdatedWatchers().equals(OptionalInt.of(0))) {
            assertTrue(System.nanoTime() < deadline, "the acknowledgement reached the kernel");
            Thread.sleep(10);
        }
    }

    @Test
    void watchdogThread() throws Exception {
        BlockingQueue<Integer> rebuilt = new LinkedBlockingQueue<>();
        try (SysGenIdDevice device = SysGenIdDevice.open(); WatchdogThread watchdog = new WatchdogThread(device, rebuilt::add)) {
            while (device.watchers().orElse(0) < 1) {
                Thread.sleep(10);
            }
            int generation = force();
            assertEquals(generation, next(rebuilt));
            awaitNoOutdated(device);
        }
    }

    @Test
    void asyncEventLoop() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (SysGenIdDevice device = SysGenIdDevice.open();
                AsyncEventLoop loop = new AsyncEventLoop(device, g -> seen.add("rebuild " + g))) {
            loop.post(() -> seen.add("job"));
            assertEquals("job", next(seen));
            int generation = force();
            assertEquals("rebuild " + generation, next(seen));
            awaitNoOutdated(device);
        }
    }

    @Test
    void cachedSecretOnTheMappedCounter() {
        try (SysGenIdDevice device = SysGenIdDevice.open()) {
            int[] made = {0};
            CachedSecret cache = new CachedSecret(device, () -> new byte[] {(byte) ++made[0]});
            byte[] before = cache.get();
            force();
            assertFalse(java.util.Arrays.equals(before, cache.get()), "rebuilt once the counter moved");
            assertEquals(1, cache.rebuilds());
            assertEquals(device.currentGeneration(), cache.generation());
        }
    }

    @Test
    void orchestratorWaitsForTheOtherWatchers() throws Exception {
        try (SysGenIdDevice self = SysGenIdDevice.open(); SysGenIdDevice other = SysGenIdDevice.open()) {
            assertEquals(OptionalInt.empty(), self.readGeneration());
            assertEquals(OptionalInt.empty(), other.readGeneration());
            int generation = force();
            Orchestrator.Outcome timedOut = new Orchestrator(self, () -> { }, () -> { }, Duration.ofMillis(500))
                    .handleUpdate(generation);
            assertEquals(WaitResult.TIMED_OUT, timedOut.result());
            assertEquals(OptionalInt.of(1), timedOut.outdatedWatchers());
            try (WatchdogThread late = new WatchdogThread(other, g -> { })) {
                Orchestrator.Outcome settled = new Orchestrator(self, () -> { }, () -> { }, Duration.ofSeconds(5))
                        .handleUpdate(generation);
                assertEquals(WaitResult.ALL_ACKED, settled.result());
                assertEquals(OptionalInt.of(0), settled.outdatedWatchers());
            }
        }
    }
}
