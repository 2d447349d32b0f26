package io.sysgenid.spring.autoconfigure;

import static io.sysgenid.spring.autoconfigure.SysGenIdAutoConfigurationTests.LONG;
import static io.sysgenid.spring.autoconfigure.SysGenIdAutoConfigurationTests.acknowledged;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sysgenid.core.sim.SimulatedKernel;
import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.reactor.GenerationHandler;
import io.sysgenid.reactor.SysGenIdReceiver;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;

/** Micrometer meters, through Spring Boot's own metrics auto-configuration and a simple registry. */
class SysGenIdMetricsAutoConfigurationTests {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                    SysGenIdAutoConfiguration.class, SysGenIdMetricsAutoConfiguration.class))
            .withPropertyValues("sysgenid.source=simulated");

    @Test
    void gaugesFollowTheDeviceAndTimersEachHandlerAndTheAcknowledgement() {
        runner.withBean("reseedCache", GenerationHandler.class, () -> event -> Mono.empty())
                .withBean("failing", GenerationHandler.class, () -> event -> Mono.error(new IllegalStateException("x")))
                .run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
                    int start = simulator.forceUpdate((int) 4_000_000_000L);
                    assertThat(acknowledged(simulator)).isTrue();
                    Awaitility.await().atMost(LONG).untilAsserted(() ->
                            assertThat(registry.get("sysgenid.generation").gauge().value()).isEqualTo(4_000_000_000d));
                    assertThat(start).isEqualTo((int) 4_000_000_000L);
                    assertThat(registry.get("sysgenid.watchers").gauge().value()).isEqualTo(1d);
                    assertThat(registry.get("sysgenid.watchers.outdated").gauge().value()).isZero();
                    assertThat(registry.get("sysgenid.events").tag("source", "device").counter().count()).isEqualTo(1d);
                    assertThat(registry.get("sysgenid.events").tag("source", "jvm-restore").counter().count()).isZero();
                    assertThat(registry.get("sysgenid.ack").tag("source", "device").timer().count()).isEqualTo(1);
                    Timer succeeded = registry.get("sysgenid.handler").tag("handler", "reseedCache")
                            .tag("outcome", "success").timer();
                    assertThat(succeeded.count()).isEqualTo(1);
                    assertThat(registry.get("sysgenid.handler").tag("handler", "failing").tag("outcome", "error")
                            .timer().count()).isEqualTo(1);

                    context.getBean(SysGenIdWatch.class).stop();
                    Awaitility.await().atMost(LONG).until(() -> registry.find("sysgenid.generation").gauge() == null);
                    assertThat(registry.find("sysgenid.watchers").gauge()).isNull();
                    assertThat(registry.find("sysgenid.watchers.outdated").gauge()).isNull();
                });
    }

    @Test
    void aJvmRestoreIsCountedUnderItsOwnSource() {
        runner.run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            io.sysgenid.core.crac.emulated.Core.checkpointRestore(() -> { });
            Awaitility.await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
                assertThat(registry.get("sysgenid.events").tag("source", "jvm-restore").counter().count()).isEqualTo(1d);
                assertThat(registry.get("sysgenid.ack").tag("source", "jvm-restore").timer().count()).isEqualTo(1);
            });
            assertThat(registry.get("sysgenid.events").tag("source", "device").counter().count()).isZero();
        });
    }

    @Test
    void watcherGaugesAreAbsentWhereTheKernelDoesNotTellTheCounts() {
        SimulatedSysGenId deployed = SimulatedSysGenId.builder().kernel(SimulatedKernel.DEPLOYED).build();
        runner.withBean(SimulatedSysGenId.class, () -> deployed).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(context.getBean(SysGenIdReceiver.class).status().connected()).isTrue();
            assertThat(registry.get("sysgenid.generation").gauge().value()).isZero();
            assertThat(registry.find("sysgenid.watchers").gauge()).as("unknown, so absent").isNull();
            assertThat(registry.find("sysgenid.watchers.outdated").gauge()).as("unknown, so absent").isNull();
        });
        deployed.close();
    }

    @Test
    void aReconnectionRegistersTheGaugesAgain() {
        runner.withPropertyValues("sysgenid.retry-delay=10ms").run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
            simulator.failNext(io.sysgenid.core.sim.SimulatedOperation.ACK, 5); // certain to be hit, unlike READ
            int generation = simulator.bump();
            Awaitility.await().atMost(LONG).until(() -> registry.find("sysgenid.generation").gauge() != null
                    && registry.get("sysgenid.generation").gauge().value() == generation
                    && context.getBean(SysGenIdReceiver.class).status().connected());
            assertThat(registry.get("sysgenid.watchers").gauge()).isNotNull();
        });
    }

    @Test
    void withoutMicrometerThereAreNoMeters() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SysGenIdAutoConfiguration.class,
                        SysGenIdMetricsAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .withPropertyValues("sysgenid.source=simulated")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SysGenIdMetrics.class));
    }
}
