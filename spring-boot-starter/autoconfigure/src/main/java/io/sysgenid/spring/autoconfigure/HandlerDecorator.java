package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.GenerationHandler;

/** Wraps each handler bean before the receiver gets it (observations); keeps its name, order and timeout. */
@FunctionalInterface
interface HandlerDecorator {
    GenerationHandler decorate(GenerationHandler handler);
}
