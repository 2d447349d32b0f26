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
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Flux;

/**
 * System Generation ID watching: a {@link SysGenIdReceiver} on the source {@code sysgenid.source} selects,
 * every {@link io.sysgenid.reactor.GenerationHandler} bean as a handler, every {@link GenerationObserver}
 * bean as an observer, a {@code Flux<GenerationEvent>}, a {@link GenerationChangedEvent} per change, and
 * the {@link SysGenIdWatch} lifecycle that watches for the application's lifetime.
 */
@AutoConfiguration
@ConditionalOnClass(SysGenIdReceiver.class)
@EnableConfigurationProperties(SysGenIdProperties.class)
public final class SysGenIdAutoConfiguration {

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

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SysGenIdReceiver sysGenIdReceiver(SysGenIdProperties properties, SysGenIdMode mode,
            ObjectProvider<SimulatedSysGenId> simulator, ListableBeanFactory beans,
            ObjectProvider<GenerationObserver> observers) {
        SysGenIdReceiver.Builder builder = SysGenIdReceiver.builder()
                .device(opener(mode, simulator))
                .failurePolicy(properties.failurePolicy())
                .defaultTimeout(properties.handlerTimeout())
                .retryDelay(properties.retryDelay());
        HandlerBeans.from(beans, properties).forEach(builder::handler);
        observers.orderedStream().forEach(builder::observer);
        return builder.build();
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

    @Bean
    @ConditionalOnMissingBean(name = "sysGenIdEvents")
    Flux<GenerationEvent> sysGenIdEvents(SysGenIdReceiver receiver) {
        return receiver.events();
    }

    @Bean
    @ConditionalOnMissingBean
    SysGenIdWatch sysGenIdWatch(SysGenIdReceiver receiver, SysGenIdMode mode) {
        return new SysGenIdWatch(receiver, mode);
    }

    @Bean
    @ConditionalOnMissingBean
    HandlerOutcomes sysGenIdHandlerOutcomes() {
        return new HandlerOutcomes();
    }

    @Bean
    @ConditionalOnProperty(name = "sysgenid.application-events.enabled", matchIfMissing = true)
    ApplicationEventsHandler sysGenIdApplicationEvents(ApplicationEventPublisher publisher) {
        return new ApplicationEventsHandler(publisher);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "sysgenid.secure-random-reseed.enabled", matchIfMissing = true)
    SecureRandomReseedHandler sysGenIdSecureRandomReseed(ObjectProvider<SecureRandom> randoms) {
        return new SecureRandomReseedHandler(() -> List.copyOf(randoms.stream().toList()));
    }
}
