package io.sysgenid.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sysgenid.core.DeviceNotFoundException;
import io.sysgenid.core.ListenerFailurePolicy;
import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.reactivestreams.Publisher;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The core auto-configuration: sources, beans, handlers and properties. */
@ExtendWith(OutputCaptureExtension.class)
class SysGenIdAutoConfigurationTests {
    static final Duration LONG = Duration.ofSeconds(30);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SysGenIdAutoConfiguration.class));

    private final ApplicationContextRunner simulated = runner.withPropertyValues("sysgenid.source=simulated");

    static boolean acknowledged(SimulatedSysGenId simulator) {
        try {
            return simulator.awaitAllAcknowledged(LONG);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static <T> T next(BlockingQueue<T> queue) {
        try {
            T value = queue.poll(LONG.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(value).as("within " + LONG).isNotNull();
            return value;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void autoWithNoDeviceStartsWatchesNothingAndWarnsOnce(CapturedOutput output) {
        runAutoWithNoDevice();
        assertThat(output.getOut().split("/nonexistent/sysgenid does not exist", -1)).as(output.getOut()).hasSize(2);
        assertThat(output.getOut()).contains("VM clones and snapshot restores are NOT detected");
    }

    private void runAutoWithNoDevice() {
        runner.withPropertyValues("sysgenid.device-path=/nonexistent/sysgenid").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SysGenIdReceiver.class).hasSingleBean(SysGenIdWatch.class)
                    .doesNotHaveBean(SimulatedSysGenId.class);
            SysGenIdMode mode = context.getBean(SysGenIdMode.class);
            assertThat(mode.kind()).isEqualTo(SysGenIdMode.Kind.MISSING);
            assertThat(context.getBean(SysGenIdReceiver.class).status().connected()).isFalse();
            StepVerifier.create(context.getBean("sysGenIdEvents", Flux.class))
                    .expectError(DeviceNotFoundException.class).verify(LONG);
        });
    }

    @Test
    void deviceSourceFailsStartupWithCoresActionableError() {
        runner.withPropertyValues("sysgenid.source=device", "sysgenid.device-path=/nonexistent/sysgenid").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(DeviceNotFoundException.class)
                    .hasMessageContaining("load the sysgenid kernel module");
            assertThat(context.getStartupFailure()).hasStackTraceContaining("cannot watch /nonexistent/sysgenid (sysgenid.source=device)");
            FailureAnalysis analysis = new SysGenIdWatchFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).startsWith("sysgenid.source=device requires the System Generation ID"
                    + " device, but /nonexistent/sysgenid cannot be watched").contains("ENOENT");
            assertThat(analysis.getAction()).startsWith("Load the sysgenid kernel module").contains("sysgenid.source=simulated");
        });
    }

    @Test
    void noneWatchesNothingAndSaysWhyToSubscribers() {
        runner.withPropertyValues("sysgenid.source=none").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(SysGenIdMode.class).kind()).isEqualTo(SysGenIdMode.Kind.DISABLED);
            StepVerifier.create(context.getBean(SysGenIdReceiver.class).events())
                    .expectErrorMessage("sysgenid.source=none: VM clones and snapshot restores are not watched")
                    .verify(LONG);
        });
    }

    @Test
    void simulatedWatchesAnInProcessDeviceFromStartupToShutdown() {
        simulated.run(context -> {
            SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
            SysGenIdReceiver receiver = context.getBean(SysGenIdReceiver.class);
            assertThat(receiver.status().connected()).isTrue();
            assertThat(simulator.openFiles()).isEqualTo(1);
            simulator.bump();
            assertThat(acknowledged(simulator)).isTrue();
            assertThat(receiver.status().lastEvent()).hasValueSatisfying(event -> assertThat(event.isChange()).isTrue());
        });
    }

    @Test
    void handlerBeansRunInOrderWithTheirNamesAndTheApplicationEventComesLast() {
        simulated.withUserConfiguration(Handlers.class).run(context -> {
            SysGenIdReceiver receiver = context.getBean(SysGenIdReceiver.class);
            Map<String, Integer> orders = new java.util.TreeMap<>();
            receiver.handlers().forEach(handler -> orders.put(handler.name(), handler.order()));
            assertThat(orders).containsEntry("annotated", -10).containsEntry("ordered", 5)
                    .containsEntry("self-named", 7).containsEntry(ApplicationEventsHandler.NAME, Ordered.LOWEST_PRECEDENCE)
                    .containsEntry(SecureRandomReseedHandler.NAME, Ordered.HIGHEST_PRECEDENCE);
            Handlers handlers = context.getBean(Handlers.class);
            int generation = context.getBean(SimulatedSysGenId.class).bump();
            assertThat(List.of(next(handlers.calls), next(handlers.calls), next(handlers.calls), next(handlers.calls)))
                    .containsExactly("annotated " + generation, "ordered " + generation, "self-named " + generation,
                            "event " + generation);
            assertThat(acknowledged(context.getBean(SimulatedSysGenId.class))).isTrue();
        });
    }

    @Test
    void leaveOutdatedFromThePropertiesKeepsAFailedGenerationUnacknowledged() {
        simulated.withPropertyValues("sysgenid.failure-policy=leave-outdated", "sysgenid.retry-delay=1h")
                .withBean("broken", GenerationHandler.class,
                        () -> event -> Mono.error(new IllegalStateException("broken")))
                .run(context -> {
                    SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
                    int generation = simulator.bump();
                    SysGenIdReceiver receiver = context.getBean(SysGenIdReceiver.class);
                    org.awaitility.Awaitility.await().atMost(LONG).until(() -> receiver.status().unacknowledged()
                            .equals(java.util.OptionalInt.of(generation)));
                    assertThat(context.getBean(HandlerOutcomes.class).last().get("broken").result())
                            .isEqualTo(io.sysgenid.reactor.HandlerOutcome.Result.ERROR);
                    assertThat(simulator.outdatedWatchers()).isEqualTo(1);
                });
    }

    @Test
    void propertiesBindWithTheirDefaults() {
        runner.withPropertyValues("sysgenid.source=none").run(context -> {
            SysGenIdProperties properties = context.getBean(SysGenIdProperties.class);
            assertThat(properties.source()).isEqualTo(SysGenIdProperties.Source.NONE);
            assertThat(properties.devicePath()).hasToString("/dev/sysgenid");
            assertThat(properties.handlerTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(properties.failurePolicy()).isEqualTo(ListenerFailurePolicy.ACK_ANYWAY);
            assertThat(properties.retryDelay()).isEqualTo(Duration.ofSeconds(10));
            assertThat(properties.handlers()).isEmpty();
        });
    }

    @Test
    void anApplicationsOwnReceiverAndSimulatorReplaceTheAutoConfiguredOnes() {
        SimulatedSysGenId own = SimulatedSysGenId.create();
        simulated.withBean(SimulatedSysGenId.class, () -> own).run(context -> {
            assertThat(context.getBean(SimulatedSysGenId.class)).isSameAs(own);
            assertThat(own.openFiles()).isEqualTo(1);
        });
        SysGenIdReceiver receiver = SysGenIdReceiver.builder().device(own::open).build();
        runner.withBean(SysGenIdReceiver.class, () -> receiver).run(context ->
                assertThat(context.getBean(SysGenIdReceiver.class)).isSameAs(receiver));
        own.close();
    }

    @Test
    void theApplicationEventsAndSecureRandomHandlersCanBeTurnedOff() {
        simulated.withPropertyValues("sysgenid.application-events.enabled=false",
                "sysgenid.secure-random-reseed.enabled=false").run(context -> {
                    assertThat(context).doesNotHaveBean(ApplicationEventsHandler.class)
                            .doesNotHaveBean(SecureRandomReseedHandler.class);
                    assertThat(context.getBean(SysGenIdReceiver.class).handlers()).isEmpty();
                });
    }

    @Test
    void withoutTheReactorAdapterNothingIsConfigured() {
        runner.withClassLoader(new org.springframework.boot.test.context.FilteredClassLoader(SysGenIdReceiver.class))
                .run(context -> assertThat(context).doesNotHaveBean(SysGenIdWatch.class)
                        .doesNotHaveBean(SysGenIdProperties.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class Handlers {
        final BlockingQueue<String> calls = new LinkedBlockingQueue<>();

        private GenerationHandler recording(String name) {
            return event -> Mono.fromRunnable(() -> calls.add(name + " " + event.generation()));
        }

        @Bean
        @Order(-10)
        GenerationHandler annotated() {
            return recording("annotated");
        }

        @Bean
        GenerationHandler ordered() {
            return new OrderedHandler(recording("ordered"));
        }

        @Bean
        GenerationHandler selfNamedBean() {
            return GenerationHandler.of("self-named", 7, Duration.ofSeconds(1),
                    event -> Mono.fromRunnable(() -> calls.add("self-named " + event.generation())));
        }

        @Bean
        ApplicationListener<GenerationChangedEvent> listener() {
            return event -> calls.add("event " + event.event().generation());
        }
    }

    record OrderedHandler(GenerationHandler delegate) implements GenerationHandler, Ordered {
        @Override
        public Publisher<Void> handle(GenerationEvent event) {
            return delegate.handle(event);
        }

        @Override
        public int getOrder() {
            return 5;
        }
    }

    static Function<GenerationEvent, Publisher<Void>> nothing() {
        return event -> Mono.empty();
    }
}
