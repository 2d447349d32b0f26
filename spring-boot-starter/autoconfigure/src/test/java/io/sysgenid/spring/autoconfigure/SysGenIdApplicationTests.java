package io.sysgenid.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.spring.autoconfigure.app.ReseedingApplication;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;

/** A Spring Boot application on the simulated device: force an update, then handlers, ack, metrics, health. */
@SpringBootTest(classes = ReseedingApplication.class, properties = {
    "sysgenid.source=simulated", "management.endpoint.sysgenid.access=unrestricted",
    "management.endpoints.web.exposure.include=sysgenid,health"})
class SysGenIdApplicationTests {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Autowired
    SysGenIdEndpoint endpoint;

    @Autowired
    SysGenIdHealthIndicator health;

    @Autowired
    MeterRegistry registry;

    @Autowired
    SimulatedSysGenId simulator;

    @Autowired
    ReseedingApplication.InstanceId instanceId;

    @Autowired
    java.security.SecureRandom random;

    private static byte[] draw(java.security.SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }

    @Test
    void aForcedUpdateRunsTheHandlersIsAcknowledgedAndMovesMetricsAndHealth() throws Exception {
        String before = instanceId.get();
        java.security.SecureRandom twin = ReseedingApplication.twin();
        assertThat(draw(random)).as("the application's generator, before the change, is its twin").isEqualTo(draw(twin));
        long generation = registry.get("sysgenid.generation").gauge().value() > 0
                ? (long) registry.get("sysgenid.generation").gauge().value() : 0;
        assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);

        endpoint.forceUpdate(null);
        assertThat(simulator.awaitAllAcknowledged(LONG)).isTrue();

        Awaitility.await().atMost(LONG).untilAsserted(() -> {
            assertThat(instanceId.get()).isNotEqualTo(before);
            assertThat(registry.get("sysgenid.generation").gauge().value()).isEqualTo(generation + 1d);
            assertThat(registry.get("sysgenid.events").tag("source", "device").counter().count()).isEqualTo(1d);
            assertThat(registry.get("sysgenid.ack").timer().count()).isEqualTo(1);
            assertThat(registry.get("sysgenid.handler").tag("handler", "reseedingApplication.InstanceId")
                    .tag("outcome", "success").timer().count()).isEqualTo(1);
            assertThat(registry.get("sysgenid.handler").tag("handler", SecureRandomReseedHandler.NAME)
                    .tag("outcome", "success").timer().count()).isEqualTo(1);
            assertThat(registry.get("sysgenid.watchers.outdated").gauge().value()).isZero();
            assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
        });
        assertThat(endpoint.state().handlers()).containsKeys("application-events", "secure-random-reseed");
        assertThat(draw(random)).as("reseeded by the starter: no longer its twin").isNotEqualTo(draw(twin));
    }
}
