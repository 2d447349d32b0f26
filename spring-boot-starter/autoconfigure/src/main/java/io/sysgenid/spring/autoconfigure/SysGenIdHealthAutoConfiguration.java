package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.SysGenIdReceiver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code sysgenid} health indicator ({@link SysGenIdHealthIndicator}). */
@AutoConfiguration(after = SysGenIdAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, SysGenIdReceiver.class})
@ConditionalOnBean({SysGenIdReceiver.class, SysGenIdWatch.class})
public final class SysGenIdHealthAutoConfiguration {

    SysGenIdHealthAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean(name = "sysgenidHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("sysgenid")
    SysGenIdHealthIndicator sysgenidHealthIndicator(SysGenIdReceiver receiver, SysGenIdWatch watch) {
        return new SysGenIdHealthIndicator(receiver, watch);
    }
}
