package io.sysgenid.core;

import io.sysgenid.core.epoll.EpollSelectorProvider;
import io.sysgenid.core.sim.SimulatedOperation;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the test process holds: open descriptors and live threads. */
public final class TestProcess {
    private static boolean warm;

    private TestProcess() {}

    /**
     * The number of open file descriptors of this process. The first call first runs every code path the
     * tests count descriptors around, because loading a class from a jar not used before opens that jar
     * for good and would count as a leak.
     */
    public static synchronized long openDescriptors() {
        if (!warm) {
            warm = true;
            warmUp();
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count() - 1; // the directory stream's own descriptor
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void warmUp() {
        for (Path path : List.of(Path.of("/nonexistent/sysgenid"), Path.of("/dev/null"))) {
            try {
                SysGenIdDevice.open(path).close();
            } catch (SysGenIdException expected) {
                // the error paths are what is warmed up
            }
        }
        try (SimulatedSysGenId simulator = SimulatedSysGenId.create()) {
            SysGenIdDevice device = simulator.open();
            device.openChannel(new EpollSelectorProvider()).close();
            GenerationWatcher.builder(device).ownsDevice(true).start().close();
            simulator.failNext(SimulatedOperation.OPEN, 2);
            simulator.open();
        } catch (SysGenIdException expected) {
            // likewise
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The live threads called {@code name}. */
    public static List<Thread> threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals(name))
                .collect(Collectors.toList());
    }
}
