package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.GenerationHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Turns the context's {@link GenerationHandler} beans into handlers: the name is the handler's own if it
 * overrides {@link GenerationHandler#name()}, else the bean name; the order comes from
 * {@link Ordered}, else {@code @Order} on the class or {@code @Bean} method, else the handler's own
 * {@link GenerationHandler#order()}; the timeout is {@code sysgenid.handlers.<name>.timeout}, else the
 * handler's own, else {@code sysgenid.handler-timeout}.
 */
final class HandlerBeans {
    private HandlerBeans() {
    }

    static List<GenerationHandler> from(ListableBeanFactory beans, SysGenIdProperties properties) {
        List<GenerationHandler> handlers = new ArrayList<>();
        for (Map.Entry<String, GenerationHandler> bean : beans.getBeansOfType(GenerationHandler.class).entrySet()) {
            GenerationHandler handler = bean.getValue();
            String name = namesItself(handler) ? handler.name() : bean.getKey();
            SysGenIdProperties.Handler settings = properties.handlers().get(name);
            Optional<Duration> timeout = settings != null && settings.timeout() != null
                    ? Optional.of(settings.timeout()) : handler.timeout();
            handlers.add(new ConfiguredHandler(handler, name, order(beans, bean.getKey(), handler), timeout));
        }
        return handlers;
    }

    private static boolean namesItself(GenerationHandler handler) {
        try {
            return handler.getClass().getMethod("name").getDeclaringClass() != GenerationHandler.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static int order(ListableBeanFactory beans, String beanName, GenerationHandler handler) {
        if (handler instanceof Ordered ordered) {
            return ordered.getOrder();
        }
        Order annotation = beans.findAnnotationOnBean(beanName, Order.class);
        return annotation != null ? annotation.value() : handler.order();
    }
}
