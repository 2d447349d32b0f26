package io.sysgenid.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The counters the module publishes in sysfs ({@code generation}, {@code watchers},
 * {@code outdated_watchers}) for one device node, found through {@code /sys/dev/char/MAJOR:MINOR}. An
 * attribute that is missing or unreadable is unknown (empty), never 0. Not API.
 */
final class SysfsAttributes {
    private static final Path MISC_DEVICE = Path.of("/sys/class/misc/sysgenid");

    private final Path directory;

    private SysfsAttributes(Path directory) {
        this.directory = directory;
    }

    static SysfsAttributes forDevice(Path device) {
        try {
            long rdev = (Long) Files.getAttribute(device, "unix:rdev");
            long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
            return new SysfsAttributes(Path.of("/sys/dev/char/" + major + ":" + minor));
        } catch (IOException | RuntimeException e) {
            return new SysfsAttributes(MISC_DEVICE);
        }
    }

    OptionalInt read(String name) {
        try {
            String text = Files.readString(directory.resolve(name)).trim();
            return OptionalInt.of((int) Long.parseLong(text));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }
}
