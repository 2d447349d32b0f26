package io.sysgenid.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The gauge {@code sysgenid.generation.age}: how long ago the generation last changed (the VM was last
 * restored or cloned), in seconds, from the module's sysfs attribute {@code last_change_ns}
 * ({@code CLOCK_MONOTONIC} nanoseconds, the clock {@link System#nanoTime()} reads on Linux). Registered
 * only where that attribute exists (the module is loaded and new enough); not on the simulated device.
 */
@AutoConfiguration(after = {MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
        SysGenIdAutoConfiguration.class})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({MeterRegistry.class, SysGenIdProperties.class})
public final class SysGenIdGenerationAgeAutoConfiguration {
    /** The gauge's name. */
    public static final String NAME = "sysgenid.generation.age";

    SysGenIdGenerationAgeAutoConfiguration() {
    }

    @Bean
    MeterBinder sysGenIdGenerationAge(SysGenIdProperties properties) {
        return registry -> bind(registry, properties);
    }

    private static void bind(MeterRegistry registry, SysGenIdProperties properties) {
        if (properties.source() == SysGenIdProperties.Source.SIMULATED) {
            return;
        }
        Path attribute = attribute(properties.devicePath());
        if (Double.isNaN(age(attribute))) {
            return;
        }
        TimeGauge.builder(NAME, attribute, TimeUnit.NANOSECONDS, SysGenIdGenerationAgeAutoConfiguration::age)
                .description("Time since the system generation last changed (VM restore or clone),"
                        + " from the kernel's record of the change")
                .register(registry);
    }

    /** {@code /sys/class/misc/NAME/last_change_ns} for the device {@code /dev/NAME}. */
    static Path attribute(Path device) {
        return Path.of("/sys/class/misc", device.getFileName().toString(), "last_change_ns");
    }

    /** Nanoseconds since the change, NaN if the attribute cannot be read. */
    static double age(Path attribute) {
        try {
            long changed = Long.parseLong(Files.readString(attribute).trim());
            return Math.max(0, System.nanoTime() - changed);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
