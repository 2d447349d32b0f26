package io.sysgenid.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.sysgenid.reactor.SysGenIdReceiver;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Micrometer meters for System Generation ID watching ({@link SysGenIdMetrics}). */
@AutoConfiguration(before = SysGenIdAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, SysGenIdReceiver.class})
public final class SysGenIdMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SysGenIdMetrics sysGenIdMetrics(ObjectProvider<SysGenIdReceiver> receiver) {
        return new SysGenIdMetrics(receiver::getIfAvailable);
    }
}
