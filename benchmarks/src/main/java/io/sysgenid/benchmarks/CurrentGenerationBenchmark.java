package io.sysgenid.benchmarks;

import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@link SysGenIdDevice#currentGeneration()} (a read of the mapped counter page) against its
 * reference, a plain Java volatile int field read through an object, measured in the same run. The goal
 * is a ratio of at most 1.5.
 *
 * <p>{@code device=simulated} maps the simulator's memfd counter page, the same mmap path as the real
 * device; {@code device=/dev/sysgenid} maps the module's page.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class CurrentGenerationBenchmark {

    /** The reference: a volatile field of an ordinary object, read through a method. */
    static final class VolatileCounter {
        volatile int generation = 42;

        int current() {
            return generation;
        }
    }

    @Param({"simulated"})
    public String device;

    private final VolatileCounter reference = new VolatileCounter();
    private SimulatedSysGenId simulator;
    private SysGenIdDevice counter;

    @Setup
    public void open() {
        if (device.equals("simulated")) {
            simulator = SimulatedSysGenId.create();
            counter = simulator.open();
        } else {
            counter = SysGenIdDevice.open(Path.of(device));
        }
    }

    @TearDown
    public void close() {
        counter.close();
        if (simulator != null) {
            simulator.close();
        }
    }

    @Benchmark
    public int volatileField() {
        return reference.current();
    }

    @Benchmark
    public int currentGeneration() {
        return counter.currentGeneration();
    }
}
