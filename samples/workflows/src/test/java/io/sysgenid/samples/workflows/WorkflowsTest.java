package io.sysgenid.samples.workflows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.WaitResult;
import io.sysgenid.core.sim.SimulatedKernel;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The four workflows on the simulated device. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkflowsTest {
    static final Duration LONG = Duration.ofSeconds(30);

    private final SimulatedSysGenId simulator = SimulatedSysGenId.create();

    @AfterEach
    void close() {
        simulator.close();
    }

    static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
        T value = queue.poll(LONG.toSeconds(), TimeUnit.SECONDS);
        assertTrue(value != null, "within " + LONG);
        return value;
    }

    private void awaitAcknowledged() throws InterruptedException {
        assertTrue(simulator.awaitAllAcknowledged(LONG), "every watcher acknowledged");
    }

    @Test
    void theWatchdogRebuildsForEachGenerationThenAcknowledges() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (SysGenIdDevice device = simulator.open();
                WatchdogThread watchdog = new WatchdogThread(device,
                        g -> seen.add(g + " outdated while rebuilding: " + simulator.outdatedWatchers()))) {
            for (int i = 0; i < 3; i++) {
                int generation = simulator.bump();
                assertEquals(generation + " outdated while rebuilding: 1", next(seen));
                awaitAcknowledged();
            }
        }
        assertEquals(0, simulator.openFiles(), "the watchdog released the device's channel");
    }

    @Test
    void theEventLoopServesItsOtherDescriptorsAndTheDeviceOnOneThread() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (SysGenIdDevice device = simulator.open();
                AsyncEventLoop loop = new AsyncEventLoop(device, g -> seen.add("rebuild " + g + " on "
                        + Thread.currentThread().getName()))) {
            loop.post(() -> seen.add("job on " + Thread.currentThread().getName()));
            assertEquals("job on event-loop", next(seen));
            int generation = simulator.bump();
            assertEquals("rebuild " + generation + " on event-loop", next(seen));
            awaitAcknowledged();
            loop.post(() -> seen.add("another job"));
            assertEquals("another job", next(seen));
            assertTrue(seen.isEmpty(), "the device was handled once");
        }
    }

    @Test
    void theCachedSecretIsRebuiltExactlyWhenTheMappedCounterMoves() {
        AtomicInteger made = new AtomicInteger();
        try (SysGenIdDevice device = simulator.open()) {
            CachedSecret cache = new CachedSecret(device, () -> new byte[] {(byte) made.incrementAndGet()});
            byte[] first = cache.get();
            assertArrayEquals(first, cache.get(), "unchanged while the counter is");
            assertEquals(0, simulator.watchers(), "a probe is not a watcher, so nobody waits for it");
            simulator.bump();
            simulator.bump();
            byte[] second = cache.get();
            assertFalse(java.util.Arrays.equals(first, second));
            assertEquals(1, cache.rebuilds(), "two changes seen at once: one rebuild");
            assertEquals(simulator.generation(), cache.generation());
            assertArrayEquals(second, cache.get());
        }
    }

    @Test
    void onADeployedKernelTheProbeTurnsTrackingOff() {
        try (SimulatedSysGenId deployed = SimulatedSysGenId.builder().kernel(SimulatedKernel.DEPLOYED).build();
                SysGenIdDevice device = deployed.open()) {
            assertEquals(1, deployed.watchers(), "open turns tracking on, on a deployed kernel");
            new CachedSecret(device, () -> new byte[1]);
            assertEquals(0, deployed.watchers());
        }
    }

    @Test
    void theOrchestratorWaitsForAnotherWatcherThatAcknowledgesLate() throws Exception {
        BlockingQueue<String> steps = new LinkedBlockingQueue<>();
        try (SysGenIdDevice self = simulator.open(); SysGenIdDevice other = simulator.open()) {
            assertEquals(OptionalInt.empty(), self.readGeneration());
            assertEquals(OptionalInt.empty(), other.readGeneration());
            Orchestrator orchestrator = new Orchestrator(self, () -> steps.add("pause"), () -> steps.add("resume"),
                    Duration.ofSeconds(20));
            int generation = simulator.bump();
            CountDownLatch waiting = new CountDownLatch(1);
            Thread late = new Thread(() -> {
                try {
                    waiting.await();
                    Thread.sleep(300);
                    steps.add("other acks");
                    other.ack(generation);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            late.start();
            waiting.countDown();
            Orchestrator.Outcome outcome = orchestrator.handleUpdate(self.readGeneration().orElseThrow());
            late.join();
            assertEquals(WaitResult.ALL_ACKED, outcome.result());
            assertEquals(OptionalInt.of(0), outcome.outdatedWatchers());
            assertEquals("pause", next(steps));
            assertEquals("other acks", next(steps));
            assertEquals("resume", next(steps));
        }
    }

    @Test
    void theOrchestratorResumesAfterItsTimeoutAndSaysWhoIsOutdated() {
        try (SysGenIdDevice self = simulator.open(); SysGenIdDevice other = simulator.open()) {
            self.readGeneration();
            other.readGeneration();
            AtomicInteger resumed = new AtomicInteger();
            int generation = simulator.bump();
            Orchestrator.Outcome outcome = new Orchestrator(self, () -> { }, resumed::incrementAndGet,
                    Duration.ofMillis(300)).handleUpdate(generation);
            assertEquals(WaitResult.TIMED_OUT, outcome.result());
            assertEquals(OptionalInt.of(1), outcome.outdatedWatchers());
            assertEquals(1, resumed.get());
            assertTrue(outcome.waited().compareTo(Duration.ofMillis(300)) >= 0);
        }
    }

    @Test
    void theOrchestratorAcknowledgesAGenerationThatArrivesDuringItsWait() throws Exception {
        try (SysGenIdDevice self = simulator.open(); SysGenIdDevice other = simulator.open()) {
            self.readGeneration();
            other.readGeneration();
            int first = simulator.bump();
            Thread restoreAgain = new Thread(() -> {
                try {
                    Thread.sleep(200);
                    int second = simulator.bump();
                    Thread.sleep(200);
                    other.ack(second);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            restoreAgain.start();
            Orchestrator.Outcome outcome = new Orchestrator(self, () -> { }, () -> { }, Duration.ofSeconds(20))
                    .handleUpdate(first);
            restoreAgain.join();
            assertEquals(WaitResult.ALL_ACKED, outcome.result());
            assertEquals(first + 1, outcome.generation(), "it handled the newer generation too");
            assertEquals(0, simulator.outdatedWatchers());
        }
    }

    @Test
    void everyMainRunsOnTheSimulatedDeviceAndFailsClearlyWithoutTheRealOne() {
        for (Main main : new Main[] {WatchdogThread::run, AsyncEventLoop::run, CachedSecret::run, Orchestrator::run}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            assertEquals(0, main.run(new String[] {"--simulated", "--changes", "2"}, out), bytes::toString);
            assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("generation 2"), bytes::toString);

            bytes.reset();
            assertEquals(1, main.run(new String[] {"/nonexistent/sysgenid"}, out));
            String error = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(error.startsWith("error: ") && error.contains("load the sysgenid kernel module"), error);
            assertFalse(error.contains("\tat "), "one line, not a stack trace: " + error);
        }
    }

    @Test
    void theOrchestratorMainReportsThatEveryWatcherAcknowledged() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertEquals(0, Orchestrator.run(new String[] {"--simulated", "--changes", "1"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("every watcher acknowledged"), out);
        assertNotEquals(-1, out.indexOf("service paused"));
        assertTrue(out.indexOf("service paused") < out.indexOf("service resumed"), out);
    }

    interface Main {
        int run(String[] args, PrintStream out);
    }
}
