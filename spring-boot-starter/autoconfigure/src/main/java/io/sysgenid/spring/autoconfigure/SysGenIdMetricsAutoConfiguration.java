package io.sysgenid.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.sysgenid.reactor.SysGenIdReceiver;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for System Generation ID watching ({@link SysGenIdMetrics}), when the application has a
 * {@link MeterRegistry} bean (Actuator's metrics auto-configuration makes one).
 */
@AutoConfiguration(after = {MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
        SysGenIdAutoConfiguration.class})
@ConditionalOnClass({MeterRegistry.class, SysGenIdReceiver.class})
@ConditionalOnBean(MeterRegistry.class)
public final class SysGenIdMetricsAutoConfiguration {

    SysGenIdMetricsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(SysGenIdReceiver.class)
    SysGenIdMetrics sysGenIdMetrics(ObjectProvider<SysGenIdReceiver> receiver) {
        return new SysGenIdMetrics(receiver::getIfAvailable);
    }
}
