package io.sysgenid.reactor;

import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.util.context.Context;

/**
 * Sits right before the subscriber of {@link SysGenIdReceiver#events()} or
 * {@link SysGenIdReceiver#receive()}: hands it the public value of each {@link Delivery} and, for
 * {@code events()}, finishes the delivery once the subscriber's {@code onNext} has returned.
 */
final class DeliverySubscriber<T> implements CoreSubscriber<Delivery>, Subscription, Scannable {
    private final CoreSubscriber<? super T> actual;
    private final Function<Delivery, T> value;
    private final boolean finishOnReturn;
    private Subscription upstream;

    DeliverySubscriber(CoreSubscriber<? super T> actual, Function<Delivery, T> value, boolean finishOnReturn) {
        this.actual = actual;
        this.value = value;
        this.finishOnReturn = finishOnReturn;
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        this.upstream = subscription;
        actual.onSubscribe(this);
    }

    @Override
    public void onNext(Delivery delivery) {
        try {
            actual.onNext(value.apply(delivery));
        } catch (RuntimeException | Error e) {
            delivery.finish(e);
            throw e;
        }
        if (finishOnReturn) {
            delivery.finish(null);
        }
    }

    @Override
    public void onError(Throwable t) {
        actual.onError(t);
    }

    @Override
    public void onComplete() {
        actual.onComplete();
    }

    @Override
    public void request(long n) {
        upstream.request(n);
    }

    @Override
    public void cancel() {
        upstream.cancel();
    }

    @Override
    public Context currentContext() {
        return actual.currentContext();
    }

    @Override
    public Object scanUnsafe(Attr key) {
        if (key == Attr.PARENT) {
            return upstream;
        }
        if (key == Attr.ACTUAL) {
            return actual;
        }
        if (key == Attr.RUN_STYLE) {
            return Attr.RunStyle.SYNC;
        }
        return null;
    }
}
