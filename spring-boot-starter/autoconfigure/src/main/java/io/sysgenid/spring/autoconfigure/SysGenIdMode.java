package io.sysgenid.spring.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code sysgenid.source} resolved to at startup.
 *
 * @param configured the configured source
 * @param kind what is watched
 * @param path the device path (the configured one, also for {@link Kind#MISSING})
 */
public record SysGenIdMode(SysGenIdProperties.Source configured, Kind kind, Path path) {
    /** What is watched. */
    public enum Kind {
        /** The real device. */
        DEVICE,
        /** The in-process simulated device. */
        SIMULATED,
        /** Nothing: {@code auto} found no device. */
        MISSING,
        /** Nothing: {@code none}. */
        DISABLED
    }

    static SysGenIdMode resolve(SysGenIdProperties properties) {
        Path path = properties.devicePath();
        Kind kind = switch (properties.source()) {
            case AUTO -> Files.exists(path) ? Kind.DEVICE : Kind.MISSING;
            case DEVICE -> Kind.DEVICE;
            case SIMULATED -> Kind.SIMULATED;
            case NONE -> Kind.DISABLED;
        };
        return new SysGenIdMode(properties.source(), kind, path);
    }

    /** {@return true if generation changes are watched} */
    public boolean watches() {
        return kind == Kind.DEVICE || kind == Kind.SIMULATED;
    }

    /** Why nothing is watched, for logs and health; empty-meaning text when something is. */
    String notWatchingReason() {
        return switch (kind) {
            case MISSING -> path + " does not exist (sysgenid.source=auto): VM clones and snapshot restores are"
                    + " NOT detected. Load the sysgenid kernel module (see kmod/ in the sysgenid-reactor sources),"
                    + " or set sysgenid.source=simulated for development";
            case DISABLED -> "sysgenid.source=none: VM clones and snapshot restores are not watched";
            default -> "watching";
        };
    }
}
