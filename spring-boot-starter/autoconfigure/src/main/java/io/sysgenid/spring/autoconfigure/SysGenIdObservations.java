package io.sysgenid.spring.autoconfigure;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationHandler;
import io.sysgenid.reactor.GenerationObserver;
import io.sysgenid.reactor.HandlerOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Micrometer {@link Observation}s of System Generation ID handling, so that rounds and handler runs show up as
 * timers and, where tracing is set up, as spans:
 * <ul>
 *   <li>{@value #ROUND}: from reading a changed generation to its end, low-cardinality key {@code outcome}
 *       = acknowledged | left-outdated | superseded | disconnected;
 *   <li>{@value #HANDLER}: one handler bean's run for one generation, a child of its round, keys
 *       {@code handler} (the handler's name) and {@code outcome} = success | error | cancelled (a handler
 *       that exceeds its timeout is cancelled).
 * </ul>
 * Only low-cardinality keys: the generation itself is not a key. Thread-safe.
 */
public final class SysGenIdObservations implements GenerationObserver {
    /** The name of a round's observation. */
    public static final String ROUND = "sysgenid.round";
    /** The name of a handler run's observation. */
    public static final String HANDLER = "sysgenid.handler.run";

    private final ObservationRegistry registry;
    private final Map<Integer, Observation> rounds = new ConcurrentHashMap<>();

    /**
     * Creates it.
     *
     * @param registry where the observations go
     */
    public SysGenIdObservations(ObservationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void generationRead(GenerationEvent event) {
        Observation round = Observation.createNotStarted(ROUND, registry).contextualName("sysgenid round")
                .lowCardinalityKeyValue("source", event.source().tagValue()).start();
        Observation previous = rounds.put(event.generation(), round);
        if (previous != null) {
            stop(previous, "superseded");
        }
        rounds.forEach((generation, older) -> {
            if (generation != event.generation() && rounds.remove(generation, older)) {
                stop(older, "superseded");
            }
        });
    }

    @Override
    public void acknowledged(GenerationEvent event, Duration sinceRead) {
        end(event, "acknowledged");
    }

    @Override
    public void leftOutdated(GenerationEvent event, List<HandlerOutcome> failures) {
        end(event, "left-outdated");
    }

    @Override
    public void disconnected(String source, Optional<Throwable> cause) {
        rounds.forEach((generation, round) -> {
            if (rounds.remove(generation, round)) {
                cause.ifPresent(round::error);
                stop(round, "disconnected");
            }
        });
    }

    private void end(GenerationEvent event, String outcome) {
        Observation round = rounds.remove(event.generation());
        if (round != null) {
            stop(round, outcome);
        }
    }

    private static void stop(Observation observation, String outcome) {
        observation.lowCardinalityKeyValue("outcome", outcome).stop();
    }

    /** The handler, each of its runs observed; same name, order and timeout. */
    GenerationHandler observed(GenerationHandler handler) {
        GenerationHandler run = event -> Mono.defer(() -> {
            Observation observation = Observation.createNotStarted(HANDLER, registry)
                    .contextualName("sysgenid handler " + handler.name())
                    .lowCardinalityKeyValue("handler", handler.name())
                    .parentObservation(rounds.get(event.generation())).start();
            return Mono.from(handler.handle(event)).doOnError(observation::error).doFinally(signal -> {
                String outcome = switch (signal) {
                    case ON_ERROR -> "error";
                    case CANCEL -> "cancelled";
                    default -> "success";
                };
                stop(observation, outcome);
            });
        });
        return new ConfiguredHandler(run, handler.name(), handler.order(), handler.timeout());
    }

}
