package io.sysgenid.spring.autoconfigure;

import static io.sysgenid.spring.autoconfigure.SysGenIdAutoConfigurationTests.LONG;
import static io.sysgenid.spring.autoconfigure.SysGenIdAutoConfigurationTests.acknowledged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.reactor.GenerationHandler;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The health indicator and the Actuator endpoint. */
class SysGenIdHealthAndEndpointTests {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
                    HealthContributorAutoConfiguration.class, SysGenIdAutoConfiguration.class,
                    SysGenIdHealthAutoConfiguration.class, SysGenIdEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=sysgenid");

    private static Health health(org.springframework.context.ApplicationContext context) {
        return context.getBean(SysGenIdHealthIndicator.class).health(true);
    }

    @Test
    void healthIsUpWhenAcknowledgedAndOutOfServiceWhileAGenerationIsHeld() {
        Sinks.Empty<Void> gate = Sinks.empty();
        runner.withPropertyValues("sysgenid.source=simulated")
                .withBean("slow", GenerationHandler.class, () -> event -> gate.asMono())
                .run(context -> {
                    Health up = health(context);
                    assertThat(up.getStatus()).isEqualTo(Status.UP);
                    assertThat(up.getDetails()).containsEntry("sources", java.util.List.of("device", "jvm-restore"));
                    assertThat(up.getDetails()).containsEntry("watching", true).containsEntry("abi", "SEED_V4")
                            .containsEntry("outdatedWatchers", 0).containsEntry("source", "simulated");
                    SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
                    int generation = simulator.bump();
                    Awaitility.await().atMost(LONG).until(() -> health(context).getStatus().equals(Status.OUT_OF_SERVICE));
                    assertThat(health(context).getDetails()).containsEntry("unacknowledged", (long) generation);
                    gate.tryEmitEmpty();
                    assertThat(acknowledged(simulator)).isTrue();
                    Awaitility.await().atMost(LONG).until(() -> health(context).getStatus().equals(Status.UP));
                });
    }

    @Test
    void healthIsUnknownWithAReasonWhenNothingIsWatched() {
        runner.withPropertyValues("sysgenid.source=none").run(context -> {
            Health health = health(context);
            assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
            assertThat(health.getDetails()).containsEntry("watching", false).containsKey("reason");
        });
        runner.withPropertyValues("sysgenid.device-path=/nonexistent/sysgenid").run(context -> {
            Health health = health(context);
            assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
            assertThat((String) health.getDetails().get("reason")).contains("NOT detected");
        });
    }

    @Test
    void healthIsDownWhileTheDeviceConnectionIsLost() {
        runner.withPropertyValues("sysgenid.source=simulated", "sysgenid.retry-delay=1h").run(context -> {
            SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
            // the acknowledgement, not the read: a change may reach the watcher through the counter page
            // without a read(), so a READ fault is not certain to be hit
            simulator.failNext(io.sysgenid.core.sim.SimulatedOperation.ACK, 5);
            simulator.bump();
            Awaitility.await().atMost(LONG).until(() -> health(context).getStatus().equals(Status.DOWN));
            assertThat(health(context).getDetails()).containsKey("error");
        });
    }

    @Test
    void theHealthIndicatorCanBeDisabled() {
        runner.withPropertyValues("sysgenid.source=none", "management.health.sysgenid.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SysGenIdHealthIndicator.class));
    }

    @Test
    void theEndpointReportsTheState() {
        runner.withPropertyValues("sysgenid.source=simulated")
                .withBean("reseedCache", GenerationHandler.class, () -> event -> Mono.empty())
                .run(context -> {
                    SysGenIdEndpoint endpoint = context.getBean(SysGenIdEndpoint.class);
                    SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
                    int generation = simulator.bump();
                    assertThat(acknowledged(simulator)).isTrue();
                    Awaitility.await().atMost(LONG).until(() -> endpoint.state().handlers().containsKey("reseedCache"));
                    SysGenIdEndpoint.State state = endpoint.state();
                    assertThat(state.source()).isEqualTo("simulated");
                    assertThat(state.watching()).isTrue();
                    assertThat(state.sources()).containsExactly("device", "jvm-restore");
                    assertThat(state.lastEvent().source()).isEqualTo("device");
                    assertThat(state.abi()).isEqualTo("SEED_V4");
                    assertThat(state.generation()).isEqualTo(generation);
                    assertThat(state.watchers()).isEqualTo(1);
                    assertThat(state.outdatedWatchers()).isZero();
                    assertThat(state.unacknowledged()).isNull();
                    assertThat(state.lastEvent().generation()).isEqualTo(generation);
                    assertThat(state.lastEvent().previous()).isEqualTo(generation - 1L);
                    assertThat(state.handlers().get("reseedCache").outcome()).isEqualTo("success");
                });
    }

    @Test
    void theForceUpdateOperationMovesTheGenerationAndAnswersWithStatusCodes() {
        runner.withPropertyValues("sysgenid.source=simulated").run(context -> {
            SysGenIdEndpointWebExtension web = context.getBean(SysGenIdEndpointWebExtension.class);
            SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
            int before = simulator.generation();
            WebEndpointResponse<Object> response = web.forceUpdate(null);
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(simulator.generation()).isEqualTo(before + 1);
            assertThat(web.forceUpdate("100").getStatus()).isEqualTo(200);
            assertThat(simulator.generation()).isEqualTo(100);
            assertThat(web.forceUpdate("4294967295").getStatus()).isEqualTo(200);
            assertThat(Integer.toUnsignedLong(simulator.generation())).isEqualTo(4294967295L);

            simulator.setPrivileged(false);
            WebEndpointResponse<Object> refused = web.forceUpdate(null);
            assertThat(refused.getStatus()).isEqualTo(403);
            assertThat(((Map<?, ?>) refused.getBody()).get("error").toString()).contains("EACCES");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMinimumOutsideTheUnsigned32BitRangeIsA400NamingFieldValueAndRange() {
        runner.withPropertyValues("sysgenid.source=simulated").run(context -> {
            SysGenIdEndpointWebExtension web = context.getBean(SysGenIdEndpointWebExtension.class);
            SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
            int before = simulator.generation();
            for (String bad : new String[] {"-5", "abc", "99999999999", "4294967296", "1.5", "true", ""}) {
                WebEndpointResponse<Object> response = web.forceUpdate(bad);
                assertThat(response.getStatus()).as(bad).isEqualTo(400);
                assertThat((Map<String, Object>) response.getBody()).as(bad).containsEntry("field", "minimum")
                        .containsEntry("value", bad).containsEntry("allowed", "0..4294967295")
                        .containsEntry("error", "minimum must be an integer from 0 to 4294967295, was '" + bad + "'");
            }
            assertThat(simulator.generation()).as("unmoved").isEqualTo(before);
            assertThatThrownBy(() -> context.getBean(SysGenIdEndpoint.class).forceUpdate(-5L))
                    .isInstanceOf(InvalidEndpointRequestException.class).hasMessageContaining("was '-5'");
        });
    }

    @Test
    void forcingWhenNothingIsWatchedIsA503() {
        runner.withPropertyValues("sysgenid.source=none").run(context ->
                assertThat(context.getBean(SysGenIdEndpointWebExtension.class).forceUpdate(null).getStatus())
                        .isEqualTo(503));
        runner.withPropertyValues("sysgenid.device-path=/nonexistent/sysgenid").run(context -> {
            WebEndpointResponse<Object> response = context.getBean(SysGenIdEndpointWebExtension.class).forceUpdate(null);
            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(((Map<?, ?>) response.getBody()).get("error").toString()).contains("does not exist");
            assertThat(context.getBean(SysGenIdEndpointWebExtension.class).state().getStatus()).isEqualTo(200);
        });
    }

    private static List<String> webOperations(org.springframework.context.ApplicationContext context) {
        return context.getBean(WebEndpointsSupplier.class).getEndpoints().stream()
                .filter(endpoint -> endpoint.getEndpointId().toString().equals("sysgenid"))
                .flatMap(endpoint -> endpoint.getOperations().stream())
                .map(operation -> operation.getRequestPredicate().getHttpMethod().name()).sorted().toList();
    }

    @Test
    void theWriteOperationIsOpenOnlyWithUnrestrictedAccess() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                // lenient enum values ("unrestricted"), as SpringApplication's environment converts them
                .withInitializer(context -> context.getEnvironment().setConversionService(
                        (org.springframework.core.convert.support.ConfigurableConversionService)
                                org.springframework.boot.convert.ApplicationConversionService.getSharedInstance()))
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
                        WebEndpointAutoConfiguration.class, SysGenIdAutoConfiguration.class,
                        SysGenIdEndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=sysgenid", "sysgenid.source=simulated");
        web.run(context -> assertThat(webOperations(context)).containsExactly("GET"));
        web.withPropertyValues("management.endpoint.sysgenid.access=unrestricted")
                .run(context -> assertThat(webOperations(context)).containsExactly("GET", "POST"));
        web.withPropertyValues("management.endpoint.sysgenid.access=none")
                .run(context -> assertThat(context).doesNotHaveBean(SysGenIdEndpoint.class));
    }

    @Test
    void theEndpointIsAbsentUnlessExposed() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, SysGenIdAutoConfiguration.class,
                        SysGenIdEndpointAutoConfiguration.class))
                .withPropertyValues("sysgenid.source=none")
                .run(context -> assertThat(context).doesNotHaveBean(SysGenIdEndpoint.class));
    }
}
