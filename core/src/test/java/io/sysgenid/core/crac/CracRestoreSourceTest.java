package io.sysgenid.core.crac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.GenerationListener;
import io.sysgenid.core.GenerationSource;
import io.sysgenid.core.GenerationWatcher;
import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.core.crac.emulated.Core;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Core's restore source, driven through {@code org.crac} with the emulated runtime: a participant that
 * closes its {@link GenerationWatcher} before the checkpoint and starts a new one reporting the restore
 * after it, as the Reactor receiver does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CracRestoreSourceTest {
    private final SimulatedSysGenId simulator = SimulatedSysGenId.create();
    private final BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    private final GenerationListener listener = new GenerationListener() {
        @Override
        public CompletionStage<?> onGeneration(int generation) {
            throw new AssertionError("the watcher calls the two-argument method");
        }

        @Override
        public CompletionStage<?> onGeneration(int generation, GenerationSource source) {
            heard.add(source.tagValue() + " " + generation);
            return CompletableFuture.completedFuture(null);
        }
    };
    private GenerationWatcher watcher;
    private CracRestoreSource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
        if (watcher != null) {
            watcher.close();
        }
        simulator.close();
    }

    private GenerationWatcher watch(boolean restored) {
        return GenerationWatcher.builder(simulator.open()).ownsDevice(true).reportRestore(restored)
                .closeTimeout(Duration.ofSeconds(10)).listener(listener).start();
    }

    private String next() throws InterruptedException {
        String value = heard.poll(30, TimeUnit.SECONDS);
        assertNotNull(value, "nothing heard within 30 s");
        return value;
    }

    @Test
    void theRuntimeIsTheEmulatedOne() {
        assertTrue(CracRestoreSource.isSupported(), "org.crac.Core.Compat names core's emulated runtime");
    }

    @Test
    void aWatcherClosedAtTheCheckpointLeavesNothingOpenAndItsSuccessorReportsTheRestore() throws Exception {
        OpenDescriptors before = OpenDescriptors.now();
        watcher = watch(false);
        AtomicInteger restores = new AtomicInteger();
        source = CracRestoreSource.register(new CracRestoreSource.Participant() {
            @Override
            public void beforeCheckpoint() {
                watcher.close();
            }

            @Override
            public void afterRestore() {
                restores.incrementAndGet();
                watcher = watch(true);
            }
        });
        assertFalse(OpenDescriptors.now().addedSince(before).isEmpty());
        AtomicReference<Set<String>> atCheckpoint = new AtomicReference<>();
        for (int i = 1; i <= 2; i++) {
            Core.checkpointRestore(() -> atCheckpoint.set(OpenDescriptors.now().addedSince(before)));
            assertEquals(Set.of(), atCheckpoint.get(), "open at checkpoint " + i);
            assertEquals("jvm-restore 0", next(), "restore " + i + " is reported once, as a restore");
            assertTrue(simulator.awaitAllAcknowledged(Duration.ofSeconds(30)));
        }
        int moved = simulator.bump();
        assertEquals("device " + moved, next());
        assertEquals(2, restores.get());
        assertTrue(heard.isEmpty(), "heard more: " + heard);
    }

    @Test
    void aClosedSourceIsNoLongerTold() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        source = CracRestoreSource.register(new CracRestoreSource.Participant() {
            @Override
            public void beforeCheckpoint() {
                calls.incrementAndGet();
            }

            @Override
            public void afterRestore() {
                calls.incrementAndGet();
            }
        });
        Core.checkpointRestore(() -> { });
        assertEquals(2, calls.get());
        source.close();
        Core.checkpointRestore(() -> { });
        assertEquals(2, calls.get());
    }
}
