package io.sysgenid.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The generation age gauge: from the module's last_change_ns, absent where that attribute is not. */
class SysGenIdGenerationAgeTests {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                    SysGenIdAutoConfiguration.class, SysGenIdGenerationAgeAutoConfiguration.class));

    @Test
    void absentOnTheSimulatedDevice() {
        runner.withPropertyValues("sysgenid.source=simulated").run(context ->
                assertThat(context.getBean(MeterRegistry.class).find(SysGenIdGenerationAgeAutoConfiguration.NAME)
                        .timeGauge()).isNull());
    }

    @Test
    void absentWhereTheKernelHasNoSuchAttribute() {
        runner.withPropertyValues("sysgenid.source=auto", "sysgenid.device-path=/dev/sysgenid-absent-in-tests")
                .run(context -> assertThat(context.getBean(MeterRegistry.class)
                        .find(SysGenIdGenerationAgeAutoConfiguration.NAME).timeGauge()).isNull());
    }

    @Test
    void theAttributeOfADeviceAndTheAgeItGives(@TempDir Path dir) throws Exception {
        assertThat(SysGenIdGenerationAgeAutoConfiguration.attribute(Path.of("/dev/sysgenid")))
                .isEqualTo(Path.of("/sys/class/misc/sysgenid/last_change_ns"));
        Path attribute = dir.resolve("last_change_ns");
        long before = System.nanoTime();
        Files.writeString(attribute, (before - TimeUnit.SECONDS.toNanos(5)) + "\n");
        double age = SysGenIdGenerationAgeAutoConfiguration.age(attribute);
        long after = System.nanoTime();
        assertThat(age).isBetween((double) TimeUnit.SECONDS.toNanos(5),
                (double) (after - before + TimeUnit.SECONDS.toNanos(5)));
        assertThat(SysGenIdGenerationAgeAutoConfiguration.age(dir.resolve("absent"))).isNaN();
    }
}
