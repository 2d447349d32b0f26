package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.GenerationHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Turns the context's {@link GenerationHandler} beans into handlers: the name is the handler's own if its
 * class (the target class, behind an AOP proxy) overrides {@link GenerationHandler#name()}, else the bean
 * name; the order comes from {@link Ordered}, else {@code @Order} on the class or {@code @Bean} method, else
 * the handler's own {@link GenerationHandler#order()}; the timeout is {@code sysgenid.handlers.<name>.timeout},
 * else the handler's own, else {@code sysgenid.handler-timeout}. Names under {@code sysgenid.handlers} that
 * match no handler are logged as a warning.
 */
final class HandlerBeans {
    private static final Log LOG = LogFactory.getLog(HandlerBeans.class);

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
        Set<String> unknown = new TreeSet<>(properties.handlers().keySet());
        handlers.forEach(handler -> unknown.remove(handler.name()));
        if (!unknown.isEmpty()) {
            Set<String> known = new TreeSet<>();
            handlers.forEach(handler -> known.add(handler.name()));
            LOG.warn("sysgenid.handlers." + String.join(", sysgenid.handlers.", unknown)
                    + ": no handler has this name, so the setting applies to nothing. The handlers are: " + known);
        }
        return handlers;
    }

    private static boolean namesItself(GenerationHandler handler) {
        try {
            return AopProxyUtils.ultimateTargetClass(handler).getMethod("name").getDeclaringClass()
                    != GenerationHandler.class;
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
