package io.sysgenid.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sysgenid.core.RealDevice;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.reactor.SysGenIdReceiver;
import io.sysgenid.spring.autoconfigure.app.ReseedingApplication;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The application on the real device ({@code sysgenid.source=device}): skipped where {@code /dev/sysgenid}
 * does not exist, unless {@code -Dsysgenid.device.required=true} (as {@code scripts/guest-java-tests} sets
 * inside the QEMU guest, as root, with the module freshly loaded).
 */
@SpringBootTest(classes = ReseedingApplication.class, properties = {
    "sysgenid.source=device", "management.endpoint.sysgenid.access=unrestricted",
    "management.endpoints.web.exposure.include=sysgenid,health"})
class NativeSpringApplicationTests {
    private static final Duration LONG = Duration.ofSeconds(120);

    @Autowired
    SysGenIdEndpoint endpoint;

    @Autowired
    SysGenIdHealthIndicator health;

    @Autowired
    MeterRegistry registry;

    @Autowired
    SysGenIdReceiver receiver;

    @Autowired
    ReseedingApplication.InstanceId instanceId;

    private String meters() {
        StringBuilder all = new StringBuilder("meters:");
        registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("sysgenid"))
                .forEach(m -> all.append("\n  ").append(m.getId()).append(" ").append(m.getClass().getSimpleName()));
        return all.toString();
    }

    @BeforeAll
    static void requireTheDevice() {
        RealDevice.require();
    }

    @Test
    void aForcedUpdateOnTheRealDeviceRunsTheHandlersAndIsAcknowledged() {
        assertThat(receiver.status().device()).hasValue(SysGenIdDevice.DEFAULT_PATH.toString());
        Awaitility.await().atMost(LONG).until(() -> receiver.watchers().orElse(0) >= 1);
        String before = instanceId.get();
        double generation = registry.get("sysgenid.generation").gauge().value();
        assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);

        endpoint.forceUpdate(null);

        Awaitility.await().atMost(LONG).untilAsserted(() -> {
            assertThat(instanceId.get()).isNotEqualTo(before);
            assertThat(registry.get("sysgenid.generation").gauge().value()).isEqualTo(generation + 1);
            assertThat(registry.find("sysgenid.ack").timer()).as(this::meters).isNotNull()
                    .extracting(io.micrometer.core.instrument.Timer::count).isEqualTo(1L);
            assertThat(registry.get("sysgenid.watchers.outdated").gauge().value()).isZero();
            assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
        });
        assertThat(endpoint.state().abi()).isEqualTo("SEED_V4");
        assertThat(endpoint.state().outdatedWatchers()).isZero();
    }
}
