package io.sysgenid.spring.autoconfigure;

import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationObserver;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Scope;
import reactor.core.publisher.Flux;

/**
 * System Generation ID watching: a {@link SysGenIdReceiver} on the source {@code sysgenid.source} selects,
 * built from a prototype {@link SysGenIdReceiver.Builder} bean (every {@link GenerationObserver} bean as an
 * observer, then every {@link SysGenIdReceiverCustomizer}); every
 * {@link io.sysgenid.reactor.GenerationHandler} bean as a handler, added when watching starts; a
 * {@code Flux<GenerationEvent>}; a {@link GenerationChangedEvent} per change; and the {@link SysGenIdWatch}
 * lifecycle that watches for the application's lifetime; {@link SysGenIdReadiness} unless
 * {@code sysgenid.readiness.enabled=false}. Every bean backs off when the application
 * defines its own; an application's own receiver built from the injected builder is wired the same way.
 */
@AutoConfiguration
@ConditionalOnClass(SysGenIdReceiver.class)
@EnableConfigurationProperties(SysGenIdProperties.class)
public final class SysGenIdAutoConfiguration {

    SysGenIdAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    SysGenIdMode sysGenIdMode(SysGenIdProperties properties) {
        return SysGenIdMode.resolve(properties);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "sysgenid.source", havingValue = "simulated")
    SimulatedSysGenId simulatedSysGenId() {
        return SimulatedSysGenId.create();
    }

    @Bean
    @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
    @ConditionalOnMissingBean
    SysGenIdReceiver.Builder sysGenIdReceiverBuilder(SysGenIdProperties properties, SysGenIdMode mode,
            ObjectProvider<SimulatedSysGenId> simulator, ObjectProvider<GenerationObserver> observers,
            ObjectProvider<SysGenIdReceiverCustomizer> customizers) {
        SysGenIdReceiver.Builder builder = SysGenIdReceiver.builder()
                .device(opener(mode, simulator))
                .failurePolicy(properties.failurePolicy())
                .defaultTimeout(properties.handlerTimeout())
                .retryDelay(properties.retryDelay())
                .jvmRestores(properties.crac().enabled())
                .checkpointTimeout(properties.crac().checkpointTimeout());
        observers.orderedStream().forEach(builder::observer);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder;
    }

    private static Supplier<SysGenIdDevice> opener(SysGenIdMode mode, ObjectProvider<SimulatedSysGenId> simulator) {
        return switch (mode.kind()) {
            case SIMULATED -> () -> simulator.getObject().open();
            case DEVICE, MISSING -> () -> SysGenIdDevice.open(mode.path());
            case DISABLED -> () -> {
                throw new IllegalStateException(mode.notWatchingReason());
            };
        };
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SysGenIdReceiver sysGenIdReceiver(SysGenIdReceiver.Builder builder) {
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean(name = "sysGenIdEvents")
    Flux<GenerationEvent> sysGenIdEvents(SysGenIdReceiver receiver) {
        return receiver.events();
    }

    @Bean
    @ConditionalOnMissingBean
    SysGenIdWatch sysGenIdWatch(SysGenIdReceiver receiver, SysGenIdMode mode, ListableBeanFactory beans,
            SysGenIdProperties properties, ObjectProvider<HandlerDecorator> decorators) {
        return new SysGenIdWatch(receiver, mode, () -> HandlerBeans.from(beans, properties).stream()
                .map(handler -> decorators.orderedStream().reduce(handler, (h, d) -> d.decorate(h), (a, b) -> b))
                .toList());
    }

    @Bean
    @ConditionalOnMissingBean
    HandlerOutcomes sysGenIdHandlerOutcomes() {
        return new HandlerOutcomes();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "sysgenid.application-events.enabled", matchIfMissing = true)
    ApplicationEventsHandler sysGenIdApplicationEvents(ApplicationEventPublisher publisher) {
        return new ApplicationEventsHandler(publisher);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "sysgenid.readiness.enabled", matchIfMissing = true)
    SysGenIdReadiness sysGenIdReadiness(ApplicationEventPublisher publisher) {
        return new SysGenIdReadiness(publisher);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "sysgenid.secure-random-reseed.enabled", matchIfMissing = true)
    SecureRandomReseedHandler sysGenIdSecureRandomReseed(ObjectProvider<SecureRandom> randoms) {
        return new SecureRandomReseedHandler(() -> List.copyOf(randoms.stream().toList()));
    }
}
