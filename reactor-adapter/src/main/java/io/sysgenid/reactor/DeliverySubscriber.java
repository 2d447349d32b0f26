package io.sysgenid.reactor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.util.context.Context;

/**
 * Sits right before the subscriber of {@link SysGenIdReceiver#events()} or
 * {@link SysGenIdReceiver#receive()}: marks each {@link Delivery} handed over before the subscriber's
 * {@code onNext} and, for {@code events()}, finishes it once that {@code onNext} has returned. A cancel
 * issued from inside that {@code onNext} (a {@code take(1)}, a {@code next()}) reaches the receiver after
 * the delivery is finished, so it does not count as leaving it unfinished. A subscriber that throws from
 * {@code onNext} (which Reactive Streams forbids, rule 2.13) fails the delivery, is cancelled and gets the
 * error.
 */
final class DeliverySubscriber<T> implements CoreSubscriber<Delivery>, Subscription, Scannable {
    private final CoreSubscriber<? super T> actual;
    private final Function<Delivery, T> value;
    private final boolean finishOnReturn;
    private static final int IDLE = 0;
    private static final int IN_ON_NEXT = 1;
    private static final int CANCEL_AFTER_ON_NEXT = 2;
    private static final int CANCELLED = 3;

    private final AtomicInteger state = new AtomicInteger(IDLE);
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
        if (delivery.isDropped()) {
            return; // its subscriber left while it was being emitted: this subscription is ending
        }
        delivery.handed();
        boolean deferCancel = finishOnReturn && state.compareAndSet(IDLE, IN_ON_NEXT);
        try {
            actual.onNext(value.apply(delivery));
        } catch (RuntimeException e) {
            Exceptions.throwIfFatal(e);
            delivery.fail(e);
            state.set(CANCELLED);
            upstream.cancel();
            actual.onError(e);
            return;
        }
        if (finishOnReturn) {
            delivery.succeed();
        }
        if (deferCancel && state.getAndSet(IDLE) == CANCEL_AFTER_ON_NEXT) {
            state.set(CANCELLED);
            upstream.cancel();
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
        for (;;) {
            int now = state.get();
            if (now == IN_ON_NEXT) {
                if (state.compareAndSet(IN_ON_NEXT, CANCEL_AFTER_ON_NEXT)) {
                    return;
                }
            } else if (now == IDLE) {
                if (state.compareAndSet(IDLE, CANCELLED)) {
                    upstream.cancel();
                    return;
                }
            } else {
                return;
            }
        }
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
