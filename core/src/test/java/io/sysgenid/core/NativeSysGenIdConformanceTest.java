package io.sysgenid.core;

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
        RealDevice.require(DEVICE);
    }

    @Override
    protected SysGenIdDevice openDevice() {
        return SysGenIdDevice.open(DEVICE);
    }
}
