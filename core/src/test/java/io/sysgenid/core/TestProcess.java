package io.sysgenid.core;

import io.sysgenid.core.epoll.EpollSelectorProvider;
import io.sysgenid.core.sim.SimulatedOperation;
import io.sysgenid.core.sim.SimulatedSysGenId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the test process holds: open descriptors and live threads. */
public final class TestProcess {
    private static boolean warm;

    private TestProcess() {}

    /**
     * The open file descriptors of this process, each with what it points to. The first call first runs
     * every code path the tests look at descriptors around, because loading a class from a jar not used
     * before opens that jar for good and would look like a leak.
     */
    public static synchronized Map<Integer, String> descriptors() {
        if (!warm) {
            warm = true;
            warmUp();
        }
        Map<Integer, String> open = new TreeMap<>();
        String listing = "/proc/" + ProcessHandle.current().pid() + "/fd";
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (!target.equals(listing)) { // the directory stream's own descriptor
                        open.put(Integer.valueOf(fd.getFileName().toString()), target);
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open;
    }

    /**
     * The descriptors open now that were not open, with the same target, in {@code before}. Other threads
     * of the JVM may close descriptors meanwhile (a Cleaner releasing an earlier test's resources), so
     * tests compare what was opened, never the count of everything open.
     */
    public static Map<Integer, String> openedSince(Map<Integer, String> before) {
        Map<Integer, String> opened = new TreeMap<>(descriptors());
        opened.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
        return opened;
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
