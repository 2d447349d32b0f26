package io.sysgenid.benchmarks;

import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.reactor.GenerationHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;

/**
 * The host's view of "restore to safe": a Spring Boot application with the starter and the sample's kind
 * of handlers (the starter's SecureRandom reseed, a new instance id, revoked tokens) on the simulated
 * device; the first generation change after start (the path has never run, as in a clone restored from a
 * snapshot of a warmed-up service) against later ones. Prints "first NANOS" then "later NANOS" per change:
 * bump to acknowledgement, as the simulator sees it. With {@code -Dbenchmarks.profile=...} (see
 * {@link HostLatency}) async-profiler records the first change only.
 *
 * <p>Usage: {@code ColdChange LATER}
 */
public final class ColdChange {
    private ColdChange() {
    }

    /** The application: a SecureRandom bean, an instance id and a token cache, each rebuilt on a change. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class Application {
        @Bean
        SecureRandom secureRandom() {
            return new SecureRandom();
        }

        @Bean
        GenerationHandler instanceId() {
            AtomicReference<String> id = new AtomicReference<>(UUID.randomUUID().toString());
            return GenerationHandler.of("instance-id", event -> Mono.fromRunnable(() ->
                    id.set(UUID.randomUUID().toString())));
        }

        @Bean
        GenerationHandler revokeTokens() {
            Map<String, String> tokens = new ConcurrentHashMap<>(Map.of("session", "secret"));
            return GenerationHandler.of("revoke-tokens", event -> Mono.fromRunnable(tokens::clear));
        }
    }

    public static void main(String[] args) throws Exception {
        int later = Integer.parseInt(args[0]);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
                .web(WebApplicationType.NONE).logStartupInfo(false)
                .properties("spring.main.banner-mode=off", "logging.level.root=warn", "sysgenid.source=simulated")
                .run()) {
            SimulatedSysGenId simulator = context.getBean(SimulatedSysGenId.class);
            // Let start-up's background work (the starter's warm-up) finish: a clone is restored from a
            // snapshot of a service that has been running for a while.
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals("sysgenid-warm-up")) {
                    t.join();
                }
            }
            Thread.sleep(500);
            HostLatency.Profiler.start();
            System.out.println("first " + change(simulator));
            HostLatency.Profiler.stop();
            for (int i = 0; i < later; i++) {
                Thread.sleep(2);
                System.out.println("later " + change(simulator));
            }
        }
    }

    private static long change(SimulatedSysGenId simulator) throws InterruptedException {
        long start = System.nanoTime();
        simulator.bump();
        if (!simulator.awaitAllAcknowledged(Duration.ofSeconds(30))) {
            throw new IllegalStateException("not acknowledged");
        }
        return System.nanoTime() - start;
    }
}
