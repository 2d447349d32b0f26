package io.sysgenid.spring.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import io.sysgenid.reactor.SysGenIdReceiver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer observations of rounds and handler runs ({@link SysGenIdObservations}), when the application has
 * an {@link ObservationRegistry} bean (Actuator's observation auto-configuration makes one).
 */
@AutoConfiguration(after = {ObservationAutoConfiguration.class, SysGenIdAutoConfiguration.class})
@ConditionalOnClass({ObservationRegistry.class, SysGenIdReceiver.class})
@ConditionalOnBean({ObservationRegistry.class, SysGenIdReceiver.class})
public final class SysGenIdObservationAutoConfiguration {

    SysGenIdObservationAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    SysGenIdObservations sysGenIdObservations(ObservationRegistry registry) {
        return new SysGenIdObservations(registry);
    }

    @Bean
    HandlerDecorator sysGenIdObservedHandlers(SysGenIdObservations observations) {
        return observations::observed;
    }
}
