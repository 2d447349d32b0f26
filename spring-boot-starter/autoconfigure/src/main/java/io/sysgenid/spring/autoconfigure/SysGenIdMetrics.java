package io.sysgenid.spring.autoconfigure;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sysgenid.core.GenerationSource;
import io.sysgenid.core.SysGenIdAbi;
import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationObserver;
import io.sysgenid.reactor.HandlerOutcome;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Micrometer meters of a {@link SysGenIdReceiver}:
 * <ul>
 *   <li>{@code sysgenid.generation} (gauge): the device's generation (unsigned);
 *   <li>{@code sysgenid.watchers}, {@code sysgenid.watchers.outdated} (gauges): from the ioctl or sysfs;
 *   <li>{@code sysgenid.watching} (gauge): 1 while connected to the device, 0 otherwise (also when nothing
 *       is watched by configuration); present from the start, whether or not connected;
 *   <li>{@code sysgenid.events} (counter, tag {@code source} = device | jvm-restore): generation changes
 *       read from the device, and JVM restores (CRaC, SnapStart);
 *   <li>{@code sysgenid.disconnects} (counter, tag {@code cause} = failure | closed): connections to the
 *       device that ended, by a device failure or by stopping;
 *   <li>{@code sysgenid.generations.outdated} (counter): generations left outdated by
 *       {@code leave-outdated} after a failure (each retry that fails again counts again);
 *   <li>{@code sysgenid.handler} (timer, tags {@code handler}, {@code outcome} = success | error |
 *       timeout | cancelled): each handler's and subscriber's time per generation;
 *   <li>{@code sysgenid.ack} (timer, tag {@code source}): from reading a generation (or the restore) to the
 *       device accepting its acknowledgement.
 * </ul>
 * The gauges exist only while the device is connected, and the watcher gauges only where the kernel tells
 * the counts: absent when unknown, never a made-up 0. Thread-safe.
 */
public final class SysGenIdMetrics implements MeterBinder, GenerationObserver {
    private final Supplier<SysGenIdReceiver> receiver;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final List<Meter> gauges = new ArrayList<>(); // guarded by this

    /**
     * Creates it.
     *
     * @param receiver the receiver whose device the gauges read, looked up when it connects
     */
    public SysGenIdMetrics(Supplier<SysGenIdReceiver> receiver) {
        this.receiver = receiver;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(registry);
        for (GenerationSource source : GenerationSource.values()) {
            events(registry, source);
        }
        Gauge.builder("sysgenid.watching", receiver, SysGenIdMetrics::watching)
                .description("1 while the device is watched, 0 otherwise").strongReference(true).register(registry);
        disconnects(registry, "failure");
        disconnects(registry, "closed");
        outdated(registry);
        SysGenIdReceiver connected = receiver.get();
        if (connected != null && connected.status().connected()) {
            registerGauges(registry, connected);
        }
    }

    private static Counter events(MeterRegistry registry, GenerationSource source) {
        return Counter.builder("sysgenid.events")
                .description("System generation changes: read from the device, or JVM restores")
                .tag("source", source.tagValue()).register(registry);
    }

    private static double watching(Supplier<SysGenIdReceiver> receiver) {
        SysGenIdReceiver current = receiver.get();
        return current != null && current.status().connected() ? 1 : 0;
    }

    private static Counter disconnects(MeterRegistry registry, String cause) {
        return Counter.builder("sysgenid.disconnects").description("Connections to the device that ended")
                .tag("cause", cause).register(registry);
    }

    private static Counter outdated(MeterRegistry registry) {
        return Counter.builder("sysgenid.generations.outdated")
                .description("Generations left outdated after a failure (leave-outdated)").register(registry);
    }

    @Override
    public void leftOutdated(GenerationEvent event, List<HandlerOutcome> failures) {
        registries.forEach(registry -> outdated(registry).increment());
    }

    @Override
    public void connected(String source, SysGenIdAbi abi, GenerationEvent current) {
        SysGenIdReceiver connected = receiver.get();
        if (connected != null) {
            registries.forEach(registry -> registerGauges(registry, connected));
        }
    }

    private synchronized void registerGauges(MeterRegistry registry, SysGenIdReceiver connected) {
        gauges.add(Gauge.builder("sysgenid.generation", connected, r -> value(r.currentGeneration(), Integer::toUnsignedLong))
                .description("The system generation counter of the device (unsigned)").strongReference(true)
                .register(registry));
        if (connected.watchers().isPresent()) {
            gauges.add(Gauge.builder("sysgenid.watchers", connected, r -> value(r.watchers(), i -> i))
                    .description("Open files of the device the kernel counts as watchers")
                    .strongReference(true).register(registry));
        }
        if (connected.outdatedWatchers().isPresent()) {
            gauges.add(Gauge.builder("sysgenid.watchers.outdated", connected, r -> value(r.outdatedWatchers(), i -> i))
                    .description("Watchers that have not acknowledged the current generation")
                    .strongReference(true).register(registry));
        }
    }

    private static double value(OptionalInt value, java.util.function.IntToLongFunction widen) {
        return value.isPresent() ? widen.applyAsLong(value.getAsInt()) : Double.NaN;
    }

    @Override
    public synchronized void disconnected(String source, Optional<Throwable> cause) {
        registries.forEach(registry -> disconnects(registry, cause.isPresent() ? "failure" : "closed").increment());
        for (Meter gauge : gauges) {
            registries.forEach(registry -> registry.remove(gauge));
        }
        gauges.clear();
    }

    @Override
    public void generationRead(GenerationEvent event) {
        registries.forEach(registry -> events(registry, event.source()).increment());
    }

    @Override
    public void handlerFinished(HandlerOutcome outcome) {
        String result = outcome.result().name().toLowerCase(Locale.ROOT);
        registries.forEach(registry -> Timer.builder("sysgenid.handler")
                .description("Time a handler or subscriber took with a generation")
                .tag("handler", outcome.name()).tag("outcome", result)
                .register(registry).record(outcome.duration()));
    }

    @Override
    public void acknowledged(GenerationEvent event, Duration sinceRead) {
        registries.forEach(registry -> Timer.builder("sysgenid.ack")
                .description("From reading a generation to the device accepting its acknowledgement")
                .tag("source", event.source().tagValue()).register(registry).record(sinceRead));
    }
}
