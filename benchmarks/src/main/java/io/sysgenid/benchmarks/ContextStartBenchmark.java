package io.sysgenid.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the starter adds to an application's start: the same application context started and closed with
 * the starter's auto-configuration ({@code with}: the simulated device, so watching really starts) and
 * without it ({@code without}: every sysgenid auto-configuration excluded), in one run. The figure to
 * read is the difference between the two.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(1)
public class ContextStartBenchmark {
    private static final String SYSGENID_AUTO_CONFIGURATIONS = String.join(",",
            "io.sysgenid.spring.autoconfigure.SysGenIdAutoConfiguration",
            "io.sysgenid.spring.autoconfigure.SysGenIdMetricsAutoConfiguration",
            "io.sysgenid.spring.autoconfigure.SysGenIdHealthAutoConfiguration",
            "io.sysgenid.spring.autoconfigure.SysGenIdEndpointAutoConfiguration",
            "io.sysgenid.spring.autoconfigure.SysGenIdObservationAutoConfiguration",
            "io.sysgenid.spring.autoconfigure.SysGenIdGenerationAgeAutoConfiguration",
            "io.sysgenid.spring.autoconfigure.SysGenIdWarmUpAutoConfiguration");

    @Param({"without", "with"})
    public String starter;

    /** A minimal application: Spring Boot's auto-configuration and nothing of its own. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class Application {
    }

    @Benchmark
    public void startAndClose() {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(Application.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .properties("spring.main.banner-mode=off", "logging.level.root=warn", "sysgenid.source=simulated",
                        "management.endpoints.web.exposure.include=*",
                        // The warm-up of the change path runs on its own thread after the start, not in it;
                        // here it would pile up behind every iteration's start and close.
                        "sysgenid.warm-up.enabled=false");
        if (starter.equals("without")) {
            builder.properties("spring.autoconfigure.exclude=" + SYSGENID_AUTO_CONFIGURATIONS);
        }
        try (ConfigurableApplicationContext context = builder.run()) {
            if (starter.equals("with") && !context.containsBean("sysGenIdWatch")) {
                throw new IllegalStateException("the starter's auto-configuration did not apply");
            }
        }
    }
}
