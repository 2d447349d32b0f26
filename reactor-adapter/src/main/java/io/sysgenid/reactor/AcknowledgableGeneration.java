package io.sysgenid.reactor;

import reactor.core.publisher.Mono;

/**
 * A generation delivered by {@link SysGenIdReceiver#receive()}, which the subscriber finishes
 * explicitly, in the manner of reactor-kafka's {@code ReceiverOffset}: the receiver writes the device's
 * acknowledgement only once every handler and every subscriber has finished the generation, and this
 * subscriber has finished it when it calls {@link #acknowledge()} (or {@link #commit()}), or failed it
 * when it calls {@link #reject(Throwable)}, cancels its subscription, lets its pipeline end with an
 * error, or exceeds the receiver's subscriber timeout. Acknowledge before you cancel: a {@code take(1)}
 * or {@code next()} that cancels first fails the generation.
 *
 * <p>A {@linkplain GenerationEvent#replay() replay} (the generation current when the subscriber arrived)
 * is delivered for information: nobody waits for it, and acknowledging it does nothing.
 *
 * <p>Every method is thread-safe and may be called from any thread; the first of {@code acknowledge},
 * {@code commit} and {@code reject} counts, later calls do nothing. None blocks.
 */
public final class AcknowledgableGeneration {
    private final Delivery delivery;

    AcknowledgableGeneration(Delivery delivery) {
        this.delivery = delivery;
    }

    /** {@return the generation} */
    public GenerationEvent event() {
        return delivery.event();
    }

    /** {@return true while the receiver waits for this subscriber to finish this generation} */
    public boolean isAwaited() {
        return delivery.isAwaited();
    }

    /** This subscriber has finished with the generation. */
    public void acknowledge() {
        delivery.succeed();
    }

    /**
     * {@link #acknowledge()}, then waits for the device: the returned Mono completes once the device has
     * accepted the acknowledgement of this generation (or refused it because a newer generation arrived,
     * which the receiver handles next; nothing is left to do for this one), and errors with a
     * {@link GenerationNotAcknowledgedException} if the receiver ended the generation without
     * acknowledging it: another party failed under {@link io.sysgenid.core.ListenerFailurePolicy#LEAVE_OUTDATED},
     * or the connection to the device ended first. For a replay it completes at once.
     *
     * @return completes once the device is done with this generation
     */
    public Mono<Void> commit() {
        acknowledge();
        return delivery.concluded();
    }

    /**
     * This subscriber failed the generation: reported like a failed handler, and the receiver's
     * {@link io.sysgenid.core.ListenerFailurePolicy} decides whether the device is acknowledged anyway.
     *
     * @param cause why; null is reported as an {@link IllegalArgumentException} saying no cause was given
     */
    public void reject(Throwable cause) {
        delivery.fail(cause == null ? new IllegalArgumentException("rejected with no cause") : cause);
    }

    @Override
    public String toString() {
        return "AcknowledgableGeneration[" + delivery + "]";
    }
}
