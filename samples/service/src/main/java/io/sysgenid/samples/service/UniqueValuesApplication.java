package io.sysgenid.samples.service;

import java.security.SecureRandom;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A service that hands out values that must be unique per VM (UUIDs, session tokens, an instance id) and
 * rebuilds them when the VM is cloned or restored from a snapshot. Everything sysgenid comes from the
 * starter: {@link UniqueValues} is a handler bean, {@link GenerationLog} a subscriber that acknowledges
 * explicitly, the application's {@link SecureRandom} bean is reseeded by the starter, and (with Actuator)
 * the starter adds readiness, metrics, health and the {@code sysgenid} Actuator endpoint.
 */
@SpringBootApplication
public class UniqueValuesApplication {
    /** The application's one generator of secrets; the starter reseeds every {@link SecureRandom} bean. */
    @Bean
    SecureRandom secureRandom() {
        return new SecureRandom();
    }

    public static void main(String[] args) {
        SpringApplication.run(UniqueValuesApplication.class, args);
    }
}
