package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.SysGenIdReceiver;

/**
 * Changes the auto-configured {@link SysGenIdReceiver.Builder} before the receiver is built, keeping what the
 * starter sets up (the device from {@code sysgenid.source}, the properties, the observers behind metrics,
 * health, readiness and the endpoint; handler beans are added to the receiver when it starts). Every
 * customizer bean is applied, in {@link org.springframework.core.Ordered order}, to every builder the
 * context hands out, including one injected into an application's own receiver {@code @Bean}.
 */
@FunctionalInterface
public interface SysGenIdReceiverCustomizer {
    /**
     * Customizes the builder.
     *
     * @param builder the builder, already configured from the properties
     */
    void customize(SysGenIdReceiver.Builder builder);
}
