package io.sysgenid.spring.autoconfigure;

import static io.sysgenid.spring.autoconfigure.SysGenIdAutoConfigurationTests.LONG;
import static io.sysgenid.spring.autoconfigure.SysGenIdAutoConfigurationTests.acknowledged;
import static io.sysgenid.spring.autoconfigure.SysGenIdAutoConfigurationTests.next;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.sysgenid.core.sim.SimulatedOperation;
import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import io.sysgenid.reactor.GenerationObserver;
import io.sysgenid.reactor.HandlerOutcome;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Spring Boot's conventions: safe defaults without the device or without Actuator, customizers, back-offs,
 * lazy handler beans, readiness, observations and the new meters.
 */
@ExtendWith(OutputCaptureExtension.class)
class SysGenIdConventionsTests {
    private static final AutoConfigurations ALL = AutoConfigurations.of(SysGenIdAutoConfiguration.class,
            SysGenIdMetricsAutoConfiguration.class, SysGenIdObservationAutoConfiguration.class,
            SysGenIdHealthAutoConfiguration.class, SysGenIdEndpointAutoConfiguration.class);

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(ALL);

    private final ApplicationContextRunner actuator = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                    ObservationAutoConfiguration.class, EndpointAutoConfiguration.class,
                    HealthContributorAutoConfiguration.class))
            .withConfiguration(ALL)
            .withPropertyValues("management.endpoints.web.exposure.include=sysgenid");

    /** A device path that exists: {@code auto} takes it for the device. */
    @TempDir
    Path directory;

    /** The simulator behind {@code auto}, through a customizer, so that opening it can fail with EACCES. */
    private ApplicationContextRunner autoOnAnUnopenableDevice(ApplicationContextRunner base) throws Exception {
        Path device = Files.createFile(directory.resolve("sysgenid"));
        SimulatedSysGenId simulator = SimulatedSysGenId.builder().path(device.toString()).build();
        simulator.failNext(SimulatedOperation.OPEN, 13);
        return base.withPropertyValues("sysgenid.device-path=" + device)
                .withBean(SysGenIdReceiverCustomizer.class, () -> builder -> builder.device(simulator::open));
    }

    // ---- defaults that must not hurt ----

    @Test
    void autoWithADeviceItCannotOpenStartsWarnsOnceWithPathErrnoAndFixAndHealthIsDown(CapturedOutput output)
            throws Exception {
        autoOnAnUnopenableDevice(actuator).run(context -> {
            assertThat(context).hasNotFailed();
            SysGenIdWatch watch = context.getBean(SysGenIdWatch.class);
            assertThat(watch.isRunning()).isTrue();
            assertThat(watch.startFailure()).isPresent();
            Health health = context.getBean(SysGenIdHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) health.getDetails().get("reason")).contains("EACCES").contains("sysgenid group");
            assertThat(context.getBean(SysGenIdEndpoint.class).state().reason()).contains("EACCES");
            assertThat(context.getBean(MeterRegistry.class).get("sysgenid.watching").gauge().value()).isZero();
        });
        String[] warnings = output.getOut().split("exists but cannot be watched", -1);
        assertThat(warnings).as(output.getOut()).hasSize(2);
        assertThat(warnings[1]).contains("EACCES").contains("add the user to the sysgenid group")
                .contains(directory.resolve("sysgenid").toString());
    }

    @Test
    void deviceWithADeviceItCannotOpenFailsStartupThroughTheFailureAnalyzer() throws Exception {
        autoOnAnUnopenableDevice(runner).withPropertyValues("sysgenid.source=device").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new SysGenIdWatchFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("sysgenid.source=device requires").contains("EACCES");
            assertThat(analysis.getAction()).startsWith("Give the application's user read-write access to")
                    .contains("SupplementaryGroups=sysgenid");
        });
    }

    @Test
    void theFailureAnalyzerIsRegistered() {
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class, null,
                SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> { })))
                .anyMatch(SysGenIdWatchFailureAnalyzer.class::isInstance);
    }

    @Test
    void withoutActuatorMicrometerOrTheHealthModuleTheStarterStillWatches() {
        for (FilteredClassLoader without : List.of(
                new FilteredClassLoader("org.springframework.boot.actuate"),
                new FilteredClassLoader("io.micrometer", "org.springframework.boot.micrometer"),
                new FilteredClassLoader("org.springframework.boot.health"),
                new FilteredClassLoader("org.springframework.boot.actuate", "io.micrometer",
                        "org.springframework.boot.micrometer", "org.springframework.boot.health"))) {
            runner.withClassLoader(without).withPropertyValues("sysgenid.source=simulated").run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(SysGenIdReceiver.class)
                        .hasSingleBean(SysGenIdReadiness.class);
                SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
                simulator.bump();
                assertThat(acknowledged(simulator)).isTrue();
            });
        }
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "io.micrometer",
                        "org.springframework.boot.micrometer", "org.springframework.boot.health"))
                .withPropertyValues("sysgenid.source=simulated")
                .run(context -> assertThat(context).doesNotHaveBean(SysGenIdMetrics.class)
                        .doesNotHaveBean(SysGenIdObservations.class).doesNotHaveBean(SysGenIdHealthIndicator.class)
                        .doesNotHaveBean(SysGenIdEndpoint.class));
    }

    @Test
    void withActuatorEverythingIsThereWithNoConfiguration() {
        actuator.withPropertyValues("sysgenid.source=simulated").run(context -> assertThat(context)
                .hasSingleBean(SysGenIdMetrics.class).hasSingleBean(SysGenIdObservations.class)
                .hasSingleBean(SysGenIdHealthIndicator.class).hasSingleBean(SysGenIdEndpoint.class)
                .hasSingleBean(SysGenIdEndpointWebExtension.class));
    }

    @Test
    void metricsNeedAMeterRegistryBeanAndObservationsAnObservationRegistryBean() {
        runner.withPropertyValues("sysgenid.source=simulated").run(context -> assertThat(context)
                .doesNotHaveBean(SysGenIdMetrics.class).doesNotHaveBean(SysGenIdObservations.class));
    }

    // ---- conventions ----

    @Test
    void customizersChangeTheReceiverAndKeepHandlersMetricsAndOutcomes() {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        GenerationObserver extra = new GenerationObserver() {
            @Override
            public void acknowledged(GenerationEvent event, Duration sinceRead) {
                seen.add("acknowledged " + event.generation());
            }
        };
        actuator.withPropertyValues("sysgenid.source=simulated")
                .withBean(SysGenIdReceiverCustomizer.class, () -> builder -> builder.observer(extra))
                .withBean("mine", GenerationHandler.class, () -> event -> Mono.empty())
                .run(context -> {
                    int generation = context.getBean(SimulatedSysGenId.class).bump();
                    assertThat(next(seen)).isEqualTo("acknowledged " + generation);
                    assertThat(context.getBean(HandlerOutcomes.class).last()).containsKey("mine");
                    assertThat(context.getBean(MeterRegistry.class).get("sysgenid.handler").tag("handler", "mine")
                            .timer().count()).isEqualTo(1);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnReceiver {
        @Bean
        SysGenIdReceiver myReceiver(SysGenIdReceiver.Builder builder) {
            return builder.build();
        }
    }

    @Test
    void anApplicationsReceiverFromTheBuilderIsWiredTheSameWay() {
        actuator.withPropertyValues("sysgenid.source=simulated").withUserConfiguration(OwnReceiver.class)
                .withBean("mine", GenerationHandler.class, () -> event -> Mono.empty())
                .run(context -> {
                    assertThat(context).hasSingleBean(SysGenIdReceiver.class).hasBean("myReceiver");
                    SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
                    simulator.bump();
                    assertThat(acknowledged(simulator)).isTrue();
                    Awaitility.await().atMost(LONG).until(() ->
                            context.getBean(HandlerOutcomes.class).last().containsKey("mine"));
                    assertThat(context.getBean(MeterRegistry.class).get("sysgenid.handler").tag("handler", "mine")
                            .timer().count()).isEqualTo(1);
                });
    }

    @Test
    void everyBeanBacksOffWhenTheApplicationDefinesOne() {
        ApplicationEventsHandler events = new ApplicationEventsHandler(event -> { });
        SecureRandomReseedHandler reseed = new SecureRandomReseedHandler(List::of);
        SysGenIdReadiness readiness = new SysGenIdReadiness(event -> { });
        HandlerOutcomes outcomes = new HandlerOutcomes();
        SysGenIdMode mode = new SysGenIdMode(SysGenIdProperties.Source.NONE, SysGenIdMode.Kind.DISABLED,
                Path.of("/dev/sysgenid"));
        actuator.withPropertyValues("sysgenid.source=simulated")
                .withBean(ApplicationEventsHandler.class, () -> events)
                .withBean(SecureRandomReseedHandler.class, () -> reseed)
                .withBean(SysGenIdReadiness.class, () -> readiness)
                .withBean(HandlerOutcomes.class, () -> outcomes)
                .withBean(SysGenIdMode.class, () -> mode)
                .run(context -> {
                    assertThat(context.getBean(ApplicationEventsHandler.class)).isSameAs(events);
                    assertThat(context.getBean(SecureRandomReseedHandler.class)).isSameAs(reseed);
                    assertThat(context.getBean(SysGenIdReadiness.class)).isSameAs(readiness);
                    assertThat(context.getBean(HandlerOutcomes.class)).isSameAs(outcomes);
                    assertThat(context.getBean(SysGenIdMode.class)).isSameAs(mode);
                });
        SysGenIdReceiver receiver = SysGenIdReceiver.builder().build();
        actuator.withPropertyValues("sysgenid.source=none")
                .withBean(SysGenIdReceiver.class, () -> receiver)
                .withBean(SysGenIdMetrics.class, () -> new SysGenIdMetrics(() -> receiver))
                .withBean(SysGenIdObservations.class, () -> new SysGenIdObservations(ObservationRegistry.NOOP))
                .withBean(SysGenIdWatch.class, () -> new SysGenIdWatch(receiver, mode))
                .withBean(SysGenIdEndpoint.class, () -> new SysGenIdEndpoint(receiver,
                        new SysGenIdWatch(receiver, mode), outcomes))
                .withBean("sysgenidHealthIndicator", SysGenIdHealthIndicator.class,
                        () -> new SysGenIdHealthIndicator(receiver, new SysGenIdWatch(receiver, mode)))
                .run(context -> assertThat(context).hasSingleBean(SysGenIdReceiver.class)
                        .hasSingleBean(SysGenIdMetrics.class).hasSingleBean(SysGenIdObservations.class)
                        .hasSingleBean(SysGenIdWatch.class).hasSingleBean(SysGenIdEndpoint.class)
                        .hasSingleBean(SysGenIdHealthIndicator.class));
        receiver.close();
    }

    /** A handler that needs the receiver and the Flux bean: no cycle, because handlers are looked up late. */
    static class NeedsTheReceiver implements GenerationHandler {
        final BlockingQueue<Integer> seen = new LinkedBlockingQueue<>();
        final SysGenIdReceiver receiver;

        NeedsTheReceiver(SysGenIdReceiver receiver, Flux<GenerationEvent> sysGenIdEvents) {
            this.receiver = receiver;
        }

        @Override
        public Publisher<Void> handle(GenerationEvent event) {
            return Mono.fromRunnable(() -> seen.add(event.generation()));
        }
    }

    @Test
    void aHandlerMayInjectTheReceiverAndTheFlux() {
        runner.withPropertyValues("sysgenid.source=simulated")
                .withBean(NeedsTheReceiver.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    int generation = context.getBean(SimulatedSysGenId.class).bump();
                    assertThat(next(context.getBean(NeedsTheReceiver.class).seen)).isEqualTo(generation);
                });
    }

    static final class SelfNamed implements GenerationHandler {
        @Override
        public Publisher<Void> handle(GenerationEvent event) {
            return Mono.empty();
        }

        @Override
        public String name() {
            return "self-named";
        }
    }

    static class Anonymous implements GenerationHandler {
        @Override
        public Publisher<Void> handle(GenerationEvent event) {
            return Mono.empty();
        }
    }

    /** Wraps two handler beans in JDK proxies and one in a class-based proxy, as an aspect would. */
    static class Proxying implements BeanPostProcessor {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (bean instanceof GenerationHandler && beanName.startsWith("proxied")) {
                ProxyFactory factory = new ProxyFactory(bean);
                factory.setProxyTargetClass(beanName.endsWith("Class"));
                if (!beanName.endsWith("Class")) {
                    factory.addInterface(GenerationHandler.class);
                }
                return factory.getProxy();
            }
            return bean;
        }
    }

    @Test
    void aHandlerBehindAnAopProxyKeepsItsNameAndItsTimeoutSetting() {
        runner.withPropertyValues("sysgenid.source=simulated", "sysgenid.handlers.proxiedAnonymous.timeout=4s")
                .withBean(Proxying.class)
                .withBean("proxiedAnonymous", GenerationHandler.class, Anonymous::new)
                .withBean("proxiedSelfNamed", GenerationHandler.class, SelfNamed::new)
                .withBean("proxiedClass", GenerationHandler.class, Anonymous::new)
                .run(context -> {
                    assertThat(org.springframework.aop.support.AopUtils.isAopProxy(context.getBean("proxiedClass")))
                            .isTrue();
                    Map<String, Duration> handlers = new TreeMap<>();
                    context.getBean(SysGenIdReceiver.class).handlers()
                            .forEach(h -> handlers.put(h.name(), h.timeout().orElse(Duration.ZERO)));
                    assertThat(handlers).containsEntry("proxiedAnonymous", Duration.ofSeconds(4))
                            .containsEntry("self-named", Duration.ZERO).containsEntry("proxiedClass", Duration.ZERO);
                });
    }

    @Test
    void unknownHandlerNamesAreReportedAtStartup(CapturedOutput output) {
        runner.withPropertyValues("sysgenid.source=simulated", "sysgenid.handlers.nosuch.timeout=4s",
                        "sysgenid.handlers.mine.timeout=4s")
                .withBean("mine", GenerationHandler.class, () -> event -> Mono.empty())
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(output.getOut()).contains("sysgenid.handlers.nosuch: no handler has this name")
                .doesNotContain("sysgenid.handlers.mine:");
    }

    @Test
    void aZeroOrNegativeTimeoutFailsBinding() {
        for (String bad : List.of("sysgenid.handler-timeout=0s", "sysgenid.handler-timeout=-1s",
                "sysgenid.handlers.x.timeout=0ms", "sysgenid.handlers.x.timeout=-5s")) {
            runner.withPropertyValues("sysgenid.source=none", bad).run(context -> {
                assertThat(context).as(bad).hasFailed();
                assertThat(context.getStartupFailure()).as(bad)
                        .hasStackTraceContaining(BindException.class.getName())
                        .hasStackTraceContaining(bad.startsWith("sysgenid.handler-timeout")
                                ? "sysgenid.handler-timeout must be positive"
                                : "sysgenid.handlers.<name>.timeout must be positive");
            });
        }
    }

    // ---- readiness, observations, meters ----

    @Test
    void readinessRefusesTrafficWhileAGenerationIsHandledAndAcceptsOnceAcknowledged() {
        Sinks.Empty<Void> gate = Sinks.empty();
        BlockingQueue<Integer> started = new LinkedBlockingQueue<>();
        runner.withPropertyValues("sysgenid.source=simulated")
                .withBean(ApplicationAvailabilityBean.class)
                .withBean("slow", GenerationHandler.class,
                        () -> event -> gate.asMono().doOnSubscribe(s -> started.add(event.generation())))
                .run(context -> {
                    ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
                    // as Spring Boot does once the application is ready
                    AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
                    assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
                    int generation = context.getBean(SimulatedSysGenId.class).bump();
                    assertThat(next(started)).isEqualTo(generation);
                    assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
                    gate.tryEmitEmpty();
                    assertThat(acknowledged(context.getBean(SimulatedSysGenId.class))).isTrue();
                    Awaitility.await().atMost(LONG).until(() ->
                            availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC);
                });
    }

    @Test
    void readinessCanBeTurnedOff() {
        runner.withPropertyValues("sysgenid.source=simulated", "sysgenid.readiness.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SysGenIdReadiness.class));
    }

    @Test
    void roundsAndHandlerRunsAreObservationsWithLowCardinalityKeys() {
        actuator.withPropertyValues("sysgenid.source=simulated")
                .withBean("mine", GenerationHandler.class, () -> event -> Mono.empty())
                .withBean("failing", GenerationHandler.class, () -> event -> Mono.error(new IllegalStateException("x")))
                .run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
                    simulator.bump();
                    assertThat(acknowledged(simulator)).isTrue();
                    Awaitility.await().atMost(LONG).untilAsserted(() -> {
                        assertThat(registry.get(SysGenIdObservations.ROUND).tag("outcome", "acknowledged").timer()
                                .count()).isEqualTo(1);
                        assertThat(registry.get(SysGenIdObservations.HANDLER).tag("handler", "mine")
                                .tag("outcome", "success").timer().count()).isEqualTo(1);
                        assertThat(registry.get(SysGenIdObservations.HANDLER).tag("handler", "failing")
                                .tag("outcome", "error").timer().count()).isEqualTo(1);
                    });
                    assertThat(registry.find(SysGenIdObservations.ROUND).timers()).allSatisfy(timer ->
                            assertThat(timer.getId().getTags()).extracting(t -> t.getKey())
                                    .doesNotContain("generation"));
                });
    }

    @Test
    void watchingDisconnectsAndOutdatedGenerationsAreCounted() {
        actuator.withPropertyValues("sysgenid.source=simulated", "sysgenid.failure-policy=leave-outdated",
                        "sysgenid.retry-delay=1h")
                .withBean("broken", GenerationHandler.class, () -> event -> Mono.error(new IllegalStateException("x")))
                .run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("sysgenid.watching").gauge().value()).isEqualTo(1);
                    assertThat(registry.get("sysgenid.generations.outdated").counter().count()).isZero();
                    context.getBean(SimulatedSysGenId.class).bump();
                    Awaitility.await().atMost(LONG).until(() ->
                            registry.get("sysgenid.generations.outdated").counter().count() == 1);
                    context.getBean(SysGenIdWatch.class).stop();
                    Awaitility.await().atMost(LONG).until(() ->
                            registry.get("sysgenid.disconnects").tag("cause", "closed").counter().count() == 1);
                    assertThat(registry.get("sysgenid.watching").gauge().value()).isZero();
                    assertThat(registry.get("sysgenid.disconnects").tag("cause", "failure").counter().count()).isZero();
                });
        actuator.withPropertyValues("sysgenid.source=none").run(context ->
                assertThat(context.getBean(MeterRegistry.class).get("sysgenid.watching").gauge().value()).isZero());
    }

    // ---- timeouts ----

    @Test
    void timeoutsComeFromThePropertiesThenTheHandlerThenTheDefault() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        BlockingQueue<String> started = new LinkedBlockingQueue<>();
        runner.withPropertyValues("sysgenid.source=simulated", "sysgenid.handler-timeout=7s",
                        "sysgenid.handlers.byProperty.timeout=3s", "sysgenid.application-events.enabled=false",
                        "sysgenid.secure-random-reseed.enabled=false")
                .withBean(SysGenIdReceiverCustomizer.class, () -> builder -> builder.timer(time))
                .withBean("byDefault", GenerationHandler.class, () -> hanging("byDefault", null, started))
                .withBean("byProperty", GenerationHandler.class, () -> hanging("byProperty", Duration.ofSeconds(5), started))
                .withBean("byHandler", GenerationHandler.class, () -> hanging("byHandler", Duration.ofSeconds(1), started))
                .run(context -> {
                    context.getBean(SimulatedSysGenId.class).bump();
                    assertThat(List.of(next(started), next(started), next(started)))
                            .containsExactlyInAnyOrder("byDefault", "byProperty", "byHandler");
                    time.advanceTimeBy(Duration.ofSeconds(7));
                    assertThat(acknowledged(context.getBean(SimulatedSysGenId.class))).isTrue();
                    Map<String, HandlerOutcome> outcomes = context.getBean(HandlerOutcomes.class).last();
                    assertThat(outcomes.get("byHandler").duration()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(outcomes.get("byProperty").duration()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(outcomes.get("byDefault").duration()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(outcomes.values()).extracting(HandlerOutcome::result)
                            .containsOnly(HandlerOutcome.Result.TIMEOUT);
                });
        time.dispose();
    }

    private static GenerationHandler hanging(String name, Duration timeout, BlockingQueue<String> started) {
        return GenerationHandler.of(name, 0, timeout, event -> {
            started.add(name);
            return Mono.never();
        });
    }
}
