package io.sysgenid.core;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance suite on the real device, {@code /dev/sysgenid} (or {@code -Dsysgenid.device=PATH}).
 * Skipped where the device does not exist, unless {@code -Dsysgenid.device.required=true} (as
 * {@code scripts/guest-java-tests} sets inside the QEMU guest, as root, with the module loaded).
 */
class NativeSysGenIdConformanceTest extends SysGenIdDeviceContract {
    private static final Path DEVICE = Path.of(System.getProperty("sysgenid.device", SysGenIdDevice.DEFAULT_PATH.toString()));

    @BeforeAll
    static void requireTheDevice() {
        String why = DEVICE + " does not exist: load the module (kmod/), or run scripts/guest-java-tests,"
                + " which runs this class in a QEMU guest with it";
        if (Boolean.getBoolean("sysgenid.device.required")) {
            assertTrue(Files.exists(DEVICE), why);
        } else {
            assumeTrue(Files.exists(DEVICE), why);
        }
    }

    @Override
    protected SysGenIdDevice openDevice() {
        return SysGenIdDevice.open(DEVICE);
    }
}
