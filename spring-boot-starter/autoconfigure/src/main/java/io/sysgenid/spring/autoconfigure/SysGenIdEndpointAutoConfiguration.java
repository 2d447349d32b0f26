package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.SysGenIdReceiver;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The {@code sysgenid} Actuator endpoint; its write operation only with {@code sysgenid.force-update-enabled}. */
@AutoConfiguration(after = SysGenIdAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, SysGenIdReceiver.class})
@ConditionalOnBean({SysGenIdReceiver.class, SysGenIdMode.class, HandlerOutcomes.class})
@ConditionalOnAvailableEndpoint(SysGenIdEndpoint.class)
@EnableConfigurationProperties(SysGenIdProperties.class)
public final class SysGenIdEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SysGenIdEndpoint sysGenIdEndpoint(SysGenIdReceiver receiver, SysGenIdMode mode, HandlerOutcomes outcomes,
            SysGenIdProperties properties) {
        return properties.forceUpdateEnabled()
                ? new ForceUpdateSysGenIdEndpoint(receiver, mode, outcomes)
                : new SysGenIdEndpoint(receiver, mode, outcomes);
    }
}
