package io.sysgenid.reactor;

/**
 * A generation delivered by {@link SysGenIdReceiver#receive()}, which the subscriber must acknowledge
 * explicitly, like reactor-kafka's {@code ReceiverOffset.acknowledge()}: the receiver writes the
 * device's acknowledgement only once every handler and every subscriber has finished the generation,
 * and this subscriber has finished when it calls {@link #acknowledge()} or {@link #reject(Throwable)},
 * or cancels its subscription. Until then the device stays outdated, and a subscriber that forgets is
 * reported as timed out after the receiver's default timeout.
 *
 * <p>The generation current when the subscriber arrived ({@link GenerationEvent#isChange()} false, or a
 * change that others were already handling) is delivered for information: acknowledging it does nothing.
 *
 * <p>Both methods are thread-safe and idempotent: the first call counts.
 */
public final class AcknowledgableGeneration {
    private final Delivery delivery;

    AcknowledgableGeneration(Delivery delivery) {
        this.delivery = delivery;
    }

    /** The generation. */
    public GenerationEvent event() {
        return delivery.event();
    }

    /** True if the receiver waits for this subscriber's acknowledgement of this generation. */
    public boolean isAwaited() {
        return delivery.isAwaited();
    }

    /** This subscriber has finished with the generation. */
    public void acknowledge() {
        delivery.finish(null);
    }

    /**
     * This subscriber failed the generation: reported like a failed handler, and the receiver's
     * {@link io.sysgenid.core.ListenerFailurePolicy} decides whether the device is acknowledged anyway.
     */
    public void reject(Throwable cause) {
        delivery.finish(cause == null ? new IllegalArgumentException("rejected with no cause") : cause);
    }

    @Override
    public String toString() {
        return "AcknowledgableGeneration[" + delivery + "]";
    }
}
