package io.sysgenid.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sysgenid.core.GenerationSource;
import io.sysgenid.core.crac.OpenDescriptors;
import io.sysgenid.core.crac.emulated.Core;
import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * JVM checkpoints and restores through a Spring application context: Spring's own CRaC support stops and
 * starts the lifecycle beans (the starter's {@link SysGenIdWatch} among them) and the receiver takes part
 * itself; together they must run the handlers exactly once per restore and leave the device watched.
 * {@code org.crac} is driven through core's emulated runtime.
 */
class SysGenIdCracTests {
    static final Duration LONG = Duration.ofSeconds(io.sysgenid.core.RealDevice.required() ? 120 : 30);

    final SimulatedSysGenId simulator = SimulatedSysGenId.builder().journal(true).build();
    private final List<GenerationEvent> handled = new CopyOnWriteArrayList<>();
    private final ApplicationContextRunner runner = source(new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SysGenIdAutoConfiguration.class)))
            .withBean("recording", GenerationHandler.class,
                    () -> GenerationHandler.of("recording", event -> Mono.fromRunnable(() -> handled.add(event))))
            .withBean(LifecycleProbe.class, LifecycleProbe::new);

    /** Counts Spring's own stops of the lifecycle beans, which its CRaC support does around a checkpoint. */
    static final class LifecycleProbe implements org.springframework.context.SmartLifecycle {
        final java.util.concurrent.atomic.AtomicInteger stops = new java.util.concurrent.atomic.AtomicInteger();
        private volatile boolean running;

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            stops.incrementAndGet();
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }

    /** The device: the simulated one here, the real one in {@link NativeSysGenIdCracTests}. */
    ApplicationContextRunner source(ApplicationContextRunner runner) {
        return runner.withPropertyValues("sysgenid.source=simulated").withBean(SimulatedSysGenId.class, () -> simulator);
    }

    /** Moves the device's generation. */
    void bump(ConfigurableApplicationContext context) {
        simulator.bump();
    }

    /** Waits until every watcher of the device has acknowledged. */
    void awaitAcknowledged(ConfigurableApplicationContext context) throws InterruptedException {
        assertThat(simulator.awaitAllAcknowledged(LONG)).isTrue();
    }

    @AfterEach
    void close() {
        simulator.close();
    }

    private List<GenerationSource> sources() {
        return handled.stream().map(GenerationEvent::source).toList();
    }

    private void restoreOnce(ConfigurableApplicationContext context, OpenDescriptors before, int restoresSoFar)
            throws Exception {
        AtomicReference<Set<String>> atCheckpoint = new AtomicReference<>();
        Core.checkpointRestore(() -> atCheckpoint.set(OpenDescriptors.ofTheLibrary(
                OpenDescriptors.now().addedSince(before))));
        assertThat(atCheckpoint.get()).as("descriptors of ours open at the checkpoint").isEmpty();
        Awaitility.await().atMost(LONG).until(() -> handled.size() == restoresSoFar + 1);
        awaitAcknowledged(context);
    }

    private void moveAndAwait(ConfigurableApplicationContext context, int expected) throws Exception {
        bump(context);
        Awaitility.await().atMost(LONG).until(() -> handled.size() == expected);
        awaitAcknowledged(context);
        assertThat(context.getBean(SysGenIdWatch.class).isRunning()).isTrue();
        assertThat(context.getBean(SysGenIdReceiver.class).status().connected()).as("the device is watched").isTrue();
    }

    @Test
    void eachRestoreRunsTheHandlersOnceAndTheDeviceIsWatchedAfterIt() {
        OpenDescriptors before = OpenDescriptors.now();
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            SysGenIdReceiver receiver = context.getBean(SysGenIdReceiver.class);
            assertThat(receiver.status().sources()).contains(GenerationSource.JVM_RESTORE, GenerationSource.DEVICE);
            for (int restore = 0; restore < 3; restore++) {
                restoreOnce(context, before, restore);
            }
            moveAndAwait(context, 4); // a second round for any restore would have run before the device's change
            assertThat(context.getBean(LifecycleProbe.class).stops).as("Spring stopped its lifecycle beans").hasValue(3);
            assertThat(sources()).containsExactly(GenerationSource.JVM_RESTORE, GenerationSource.JVM_RESTORE,
                    GenerationSource.JVM_RESTORE, GenerationSource.DEVICE);
            assertThat(handled.get(0).isRestore()).isTrue();
        });
    }

    @Test
    void aSubscriberKeepsItsStreamThroughTheRestoreAndGetsItOnce() {
        OpenDescriptors before = OpenDescriptors.now();
        List<GenerationEvent> received = new CopyOnWriteArrayList<>();
        runner.run(context -> {
            @SuppressWarnings("unchecked")
            Flux<GenerationEvent> events = context.getBean("sysGenIdEvents", Flux.class);
            Disposable subscription = events.filter(GenerationEvent::isChange).subscribe(received::add);
            try {
                restoreOnce(context, before, 0);
                moveAndAwait(context, 2);
                Awaitility.await().atMost(LONG).until(() -> received.size() == 2);
                assertThat(received).extracting(GenerationEvent::source)
                        .containsExactly(GenerationSource.JVM_RESTORE, GenerationSource.DEVICE);
                assertThat(subscription.isDisposed()).isFalse();
            } finally {
                subscription.dispose();
            }
        });
    }

    @Test
    void turnedOffTheReceiverTakesNoPartAndReportsNoRestore() {
        runner.withPropertyValues("sysgenid.crac.enabled=false").run(context -> {
            SysGenIdReceiver receiver = context.getBean(SysGenIdReceiver.class);
            assertThat(receiver.status().sources()).containsExactly(GenerationSource.DEVICE);
            Core.checkpointRestore(() -> { }); // Spring still stops and starts the watch
            moveAndAwait(context, 1);
            assertThat(sources()).containsExactly(GenerationSource.DEVICE);
        });
    }
}
