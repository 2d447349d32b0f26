package io.sysgenid.spring.autoconfigure.guest;

import io.micrometer.core.instrument.MeterRegistry;
import io.sysgenid.reactor.GenerationEvent;
import io.sysgenid.reactor.GenerationObserver;
import io.sysgenid.reactor.SysGenIdReceiver;
import io.sysgenid.spring.autoconfigure.SysGenIdHealthIndicator;
import io.sysgenid.spring.autoconfigure.SysGenIdReceiverCustomizer;
import io.sysgenid.spring.autoconfigure.app.ReseedingApplication;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring Boot side of the snapshot scenario, run inside the QEMU guest by
 * {@code scripts/guest-java-snapshot}: starts an application with the starter on the real device
 * ({@code sysgenid.source=device}), says {@code SYSGENID-GUEST-READY} once it watches, and in each clone
 * restored from the snapshot waits for its handler to rebuild, the acknowledgement, the metrics, the
 * health and readiness (REFUSING_TRAFFIC, then ACCEPTING_TRAFFIC after the snapshot), then says
 * {@code SYSGENID-GUEST-HANDLED gen=N} and keeps running until SIGTERM. It also says
 * {@code SYSGENID-GUEST-ACKED gen=N ns=T}: when the receiver had written the acknowledgement
 * ({@link System#nanoTime()}, CLOCK_MONOTONIC, the clock of the module's {@code last_change_ns}), for
 * {@code benchmarks/run}'s restore-to-safe row.
 */
public final class SpringSnapshotMain {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    private SpringSnapshotMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<ReadinessState> readiness = new CopyOnWriteArrayList<>();
        AtomicLong ackedAt = new AtomicLong();
        GenerationObserver ackTime = new GenerationObserver() {
            @Override
            public void acknowledged(GenerationEvent event, Duration sinceRead) {
                if (event.isChange()) {
                    ackedAt.compareAndSet(0, System.nanoTime());
                }
            }
        };
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ReseedingApplication.class)
                .initializers(applicationContext -> applicationContext.getBeanFactory().registerSingleton(
                        "ackTime", (SysGenIdReceiverCustomizer) builder -> builder.observer(ackTime)))
                .listeners((ApplicationListener<AvailabilityChangeEvent<?>>) event -> {
                    if (event.getState() instanceof ReadinessState state) {
                        readiness.add(state);
                    }
                })
                .properties("sysgenid.source=device", "spring.main.web-application-type=none",
                        "spring.main.banner-mode=off")
                .run(args);
        SysGenIdReceiver receiver = context.getBean(SysGenIdReceiver.class);
        SysGenIdHealthIndicator health = context.getBean(SysGenIdHealthIndicator.class);
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        ReseedingApplication.InstanceId instanceId = context.getBean(ReseedingApplication.InstanceId.class);
        long deadline = System.nanoTime() + LIMIT.toNanos();
        await(deadline, () -> receiver.watchers().orElse(0) >= 1 && Status.UP.equals(health.health(false).getStatus()),
                "never watching and UP");
        int start = receiver.currentGeneration().orElseThrow();
        String before = instanceId.get();
        System.out.println("spring application watching at generation " + Integer.toUnsignedString(start)
                + ", instance id " + before);
        int readyAt = readiness.size();
        // A service is snapshotted after it has run a while: let the starter's warm-up of the change path
        // finish first, or the clone would be doing it during the restore.
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("sysgenid-warm-up")) {
                thread.join(LIMIT.toMillis());
            }
        }
        System.out.println("SYSGENID-GUEST-READY");
        System.out.flush();

        await(deadline, () -> !instanceId.get().equals(before), "the handler never rebuilt the instance id");
        await(deadline, () -> receiver.outdatedWatchers().orElse(-1) == 0
                && Status.UP.equals(health.health(false).getStatus())
                && acknowledgements(registry) == 1
                && outdatedGauge(registry) == 0,
                "no acknowledgement, UP health and metrics after the change");
        await(deadline, () -> readiness.subList(readyAt, readiness.size())
                .equals(List.of(ReadinessState.REFUSING_TRAFFIC, ReadinessState.ACCEPTING_TRAFFIC)),
                "readiness did not go REFUSING_TRAFFIC then ACCEPTING_TRAFFIC: " + readiness);
        System.out.println("readiness after the snapshot: " + readiness.subList(readyAt, readiness.size()));
        int generation = receiver.currentGeneration().orElseThrow();
        System.out.println("new instance id " + instanceId.get() + ", events "
                + registry.get("sysgenid.events").counter().count());
        System.out.println("SYSGENID-GUEST-ACKED gen=" + Integer.toUnsignedString(generation) + " ns=" + ackedAt.get());
        // Where the time between the read and the acknowledgement went: each handler's own timer.
        registry.find("sysgenid.handler").timers().forEach(timer -> System.out.println("SYSGENID-GUEST-HANDLER "
                + timer.getId().getTag("handler") + " " + timer.getId().getTag("outcome") + " "
                + Math.round(timer.max(java.util.concurrent.TimeUnit.MICROSECONDS)) + " us"));
        System.out.println("SYSGENID-GUEST-HANDLED gen=" + Integer.toUnsignedString(generation));
        System.out.flush();
        // Keep running, as a service would; SIGTERM from the harness closes the context (Spring's hook).
        Thread.sleep(Long.MAX_VALUE);
    }

    /**
     * The ack timer's count, 0 while it is not there. {@code find}, not {@code get}: the timer is registered
     * by the watcher thread at the first acknowledgement, and {@code get} can throw while that happens.
     */
    private static long acknowledgements(MeterRegistry registry) {
        io.micrometer.core.instrument.Timer ack = registry.find("sysgenid.ack").timer();
        return ack == null ? 0 : ack.count();
    }

    private static double outdatedGauge(MeterRegistry registry) {
        io.micrometer.core.instrument.Gauge outdated = registry.find("sysgenid.watchers.outdated").gauge();
        return outdated == null ? Double.NaN : outdated.value();
    }

    private static void await(long deadline, BooleanSupplier condition, String failure) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                System.out.println("SYSGENID-GUEST-FAILED " + failure);
                System.exit(1);
            }
            Thread.sleep(20);
        }
    }
}
