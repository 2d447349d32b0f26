package io.sysgenid.samples.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A service that hands out values that must be unique per VM (UUIDs, session tokens, an instance id) and
 * rebuilds them when the VM is cloned or restored from a snapshot. Everything sysgenid comes from the
 * starter: {@link UniqueValues} is a handler bean, and the starter adds metrics, health and the
 * {@code sysgenid} Actuator endpoint.
 */
@SpringBootApplication
public class UniqueValuesApplication {
    public static void main(String[] args) {
        SpringApplication.run(UniqueValuesApplication.class, args);
    }
}
