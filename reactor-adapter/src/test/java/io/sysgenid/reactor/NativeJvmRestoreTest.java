package io.sysgenid.reactor;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sysgenid.core.SysGenIdDevice;
import java.nio.file.Files;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link JvmRestoreTest} on the real device, {@code /dev/sysgenid}, moved by forced updates (as root):
 * skipped where it does not exist, unless {@code -Dsysgenid.device.required=true} (as
 * {@code scripts/guest-java-tests} sets inside the QEMU guest).
 */
class NativeJvmRestoreTest extends JvmRestoreTest {
    @BeforeAll
    static void requireTheDevice() {
        String why = SysGenIdDevice.DEFAULT_PATH + " does not exist: load the module (kmod/), or run"
                + " scripts/guest-java-tests";
        if (Boolean.getBoolean("sysgenid.device.required")) {
            assertTrue(Files.exists(SysGenIdDevice.DEFAULT_PATH), why);
        } else {
            assumeTrue(Files.exists(SysGenIdDevice.DEFAULT_PATH), why);
        }
    }

    @Override
    Supplier<SysGenIdDevice> opener() {
        return SysGenIdDevice::open;
    }

    @Override
    void bump() {
        try (SysGenIdDevice device = SysGenIdDevice.open()) {
            device.forceUpdate(device.currentGeneration() + 1);
        }
    }

    @Override
    int outdatedWatchers() {
        try (SysGenIdDevice device = SysGenIdDevice.open()) {
            return device.outdatedWatchers().orElseThrow();
        }
    }
}
