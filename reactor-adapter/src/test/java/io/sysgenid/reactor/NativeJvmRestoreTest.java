package io.sysgenid.reactor;

import io.sysgenid.core.RealDevice;
import io.sysgenid.core.SysGenIdDevice;
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
        RealDevice.require();
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
