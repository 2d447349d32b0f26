package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.SysGenIdReceiver;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code sysgenid} Actuator endpoint ({@link SysGenIdEndpoint}) when it is available (exposed and not
 * turned off), and its web extension when exposed over HTTP. Its write operation follows
 * {@code management.endpoint.sysgenid.access} (default {@code read-only}).
 */
@AutoConfiguration(after = SysGenIdAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, SysGenIdReceiver.class})
@ConditionalOnBean({SysGenIdReceiver.class, SysGenIdWatch.class, HandlerOutcomes.class})
public final class SysGenIdEndpointAutoConfiguration {

    SysGenIdEndpointAutoConfiguration() {
    }

    // Actuator's conditions on the methods, not the class: they are read only once the class's own
    // @ConditionalOnClass has found Actuator, also where no auto-configuration import filter runs first.
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(SysGenIdEndpoint.class)
    SysGenIdEndpoint sysGenIdEndpoint(SysGenIdReceiver receiver, SysGenIdWatch watch, HandlerOutcomes outcomes) {
        return new SysGenIdEndpoint(receiver, watch, outcomes);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(SysGenIdEndpoint.class)
    @ConditionalOnAvailableEndpoint(endpoint = SysGenIdEndpoint.class, exposure = EndpointExposure.WEB)
    SysGenIdEndpointWebExtension sysGenIdEndpointWebExtension(SysGenIdEndpoint endpoint) {
        return new SysGenIdEndpointWebExtension(endpoint);
    }
}
