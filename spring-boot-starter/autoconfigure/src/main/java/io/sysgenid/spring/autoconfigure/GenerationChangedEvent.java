package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.GenerationEvent;
import org.springframework.context.ApplicationEvent;

/**
 * Published for each generation change, after the handlers of lower order and before the acknowledgement:
 * listeners ({@code @EventListener}) run on a bounded-elastic thread, may block, and the device is
 * acknowledged only once they have all returned. A listener that throws fails the generation like a
 * handler (handler name {@code application-events}).
 */
public class GenerationChangedEvent extends ApplicationEvent {
    private static final long serialVersionUID = 1L;

    private final transient GenerationEvent event;

    /**
     * Creates the event.
     *
     * @param source the object that published it
     * @param event the generation
     */
    public GenerationChangedEvent(Object source, GenerationEvent event) {
        super(source);
        this.event = event;
    }

    /** {@return the generation} */
    public GenerationEvent event() {
        return event;
    }

    @Override
    public String toString() {
        return "GenerationChangedEvent[" + event + "]";
    }
}
