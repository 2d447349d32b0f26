package io.sysgenid.samples.workflows;

import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.SysGenIdException;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The command line every workflow takes: {@code [--simulated | DEVICE_PATH] [--changes N]}. With
 * {@code --simulated} the workflow runs on an in-process device that changes generation by itself (every
 * half second, every three for the orchestrator); otherwise on the real device (default {@code /dev/sysgenid}), whose generation changes on a VM
 * clone or restore, or when a privileged process forces it. Each workflow stops after N changes.
 *
 * @param simulator the simulated device, or null for a real one
 * @param path the real device's path
 * @param changes how many generation changes to handle before stopping
 */
record DeviceOption(SimulatedSysGenId simulator, Path path, int changes) implements AutoCloseable {
    static DeviceOption parse(String[] args, int defaultChanges) {
        SimulatedSysGenId simulator = null;
        Path path = SysGenIdDevice.DEFAULT_PATH;
        int changes = defaultChanges;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--simulated" -> simulator = SimulatedSysGenId.create();
                case "--changes" -> changes = Integer.parseInt(args[++i]);
                default -> path = Path.of(args[i]);
            }
        }
        return new DeviceOption(simulator, path, changes);
    }

    /** A new open file of the device. @throws SysGenIdException with the core's actionable message */
    SysGenIdDevice open() {
        return simulator != null ? simulator.open() : SysGenIdDevice.open(path);
    }

    /** On the simulated device, changes the generation every half second, as VM restores would. */
    AutoCloseable simulateRestores(PrintStream out) {
        return simulateRestores(out, Duration.ofMillis(500));
    }

    /** On the simulated device, changes the generation every {@code interval}, as VM restores would. */
    AutoCloseable simulateRestores(PrintStream out, Duration interval) {
        if (simulator == null) {
            out.println("waiting for generation changes of " + path + " (a VM clone or restore, or a forced update)");
            return () -> { };
        }
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        clock.scheduleWithFixedDelay(() -> out.println("[simulated VM restore: generation "
                + Integer.toUnsignedString(simulator.bump()) + "]"), interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return () -> {
            clock.shutdownNow();
            clock.awaitTermination(10, TimeUnit.SECONDS);
        };
    }

    @Override
    public void close() {
        if (simulator != null) {
            simulator.close();
        }
    }

    /** Runs a workflow's main body, turning the core's errors into one clear line and exit status 1. */
    static int run(PrintStream out, Workflow body) {
        try {
            body.run();
            return 0;
        } catch (SysGenIdException e) {
            out.println("error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            out.println("error: " + e);
            return 1;
        }
    }

    /** A workflow's main body. */
    interface Workflow {
        void run() throws Exception;
    }

    static final Duration PATIENCE = Duration.ofMinutes(10);
}
