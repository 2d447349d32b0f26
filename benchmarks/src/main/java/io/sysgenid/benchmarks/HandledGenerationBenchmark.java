package io.sysgenid.benchmarks;

import io.sysgenid.core.sim.SimulatedSysGenId;
import io.sysgenid.reactor.GenerationHandler;
import io.sysgenid.reactor.SysGenIdReceiver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * One handled generation, end to end over the simulated device: a bump, one handler and one
 * {@code events()} subscriber, and the acknowledgement awaited. Run with {@code -prof gc}: its
 * {@code gc.alloc.rate.norm} is what the process allocates per handled generation, the simulator's own
 * share (the "kernel" side: bump, eventfd, wait) included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Djava.util.logging.config.file=/dev/null"})
public class HandledGenerationBenchmark {
    private SimulatedSysGenId simulator;
    private SysGenIdReceiver receiver;
    private Disposable subscriber;

    @Setup
    public void open() {
        simulator = SimulatedSysGenId.create();
        receiver = SysGenIdReceiver.builder().device(simulator::open)
                .handler(GenerationHandler.of("noop", event -> Mono.empty())).build();
        subscriber = receiver.events().subscribe(event -> { });
    }

    @TearDown
    public void close() {
        subscriber.dispose();
        receiver.close();
        simulator.close();
    }

    @Benchmark
    public boolean handledGeneration() throws InterruptedException {
        simulator.bump();
        return simulator.awaitAllAcknowledged(Duration.ofSeconds(10));
    }
}
