package io.sysgenid.core.crac;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What this process holds that a CRaC checkpoint would refuse: its open descriptors (from
 * {@code /proc/self/fd}) and its shared mappings of files (from {@code /proc/self/maps}), each named by
 * what it points at. Compare a snapshot taken at the checkpoint with one taken before the library opened
 * anything.
 *
 * @param descriptors "fd N -> target" for each open descriptor
 * @param mappings the files mapped shared, with their address ranges
 */
public record OpenDescriptors(Set<String> descriptors, Set<String> mappings) {
    /** {@return what the process holds now} */
    public static OpenDescriptors now() {
        Set<String> fds = new TreeSet<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : entries.toList()) {
                try {
                    fds.add("fd " + fd.getFileName() + " -> " + Files.readSymbolicLink(fd));
                } catch (IOException e) {
                    // the descriptor of the listing itself, closed by now
                }
            }
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            Set<String> shared = new TreeSet<>();
            for (String line : maps) {
                String[] fields = line.trim().split("\\s+", 6);
                if (fields.length == 6 && fields[1].endsWith("s") && !fields[5].isEmpty()) {
                    shared.add(fields[0] + " " + fields[5]);
                }
            }
            return new OpenDescriptors(fds, shared);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@return what this snapshot holds that {@code before} did not, as targets: descriptor numbers are
     * dropped, so a descriptor closed and another opened on the same target cancel out}
     */
    public Set<String> addedSince(OpenDescriptors before) {
        Set<String> added = new TreeSet<>(targets(descriptors));
        added.removeAll(targets(before.descriptors));
        Set<String> mapped = new TreeSet<>(mappings);
        mapped.removeAll(before.mappings);
        added.addAll(mapped.stream().map(m -> "mapped " + m).toList());
        return added;
    }

    /**
     * {@return of {@code added}, those the library could hold: the device or the simulator's files, eventfds,
     * epoll instances, memfds (what other code opens meanwhile, such as jars being loaded, is left out)}
     *
     * @param added what {@link #addedSince(OpenDescriptors)} returned
     */
    public static Set<String> ofTheLibrary(Set<String> added) {
        Set<String> ours = new TreeSet<>();
        for (String entry : added) {
            if (entry.contains("sysgenid") || entry.contains("[eventfd]") || entry.contains("[eventpoll]")
                    || entry.contains("memfd:")) {
                ours.add(entry);
            }
        }
        return ours;
    }

    private static Set<String> targets(Set<String> fds) {
        Set<String> targets = new HashSet<>();
        for (String fd : fds) {
            String target = fd.substring(fd.indexOf(" -> ") + 4);
            // count duplicates: a second eventfd is one more
            int n = 0;
            while (!targets.add(target + (n == 0 ? "" : " #" + n))) {
                n++;
            }
        }
        return targets;
    }
}
