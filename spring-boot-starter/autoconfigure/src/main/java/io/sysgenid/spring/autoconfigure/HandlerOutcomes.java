package io.sysgenid.spring.autoconfigure;

import io.sysgenid.reactor.GenerationObserver;
import io.sysgenid.reactor.HandlerOutcome;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The last outcome of every handler and subscriber, for the Actuator endpoint. Thread-safe. */
public final class HandlerOutcomes implements GenerationObserver {
    private final Map<String, HandlerOutcome> last = new ConcurrentHashMap<>();

    /** Creates an empty record of outcomes. */
    public HandlerOutcomes() {
    }

    @Override
    public void handlerFinished(HandlerOutcome outcome) {
        last.put(outcome.name(), outcome);
    }

    /** {@return the last outcome by handler name, sorted by name} */
    public Map<String, HandlerOutcome> last() {
        return new TreeMap<>(last);
    }
}
