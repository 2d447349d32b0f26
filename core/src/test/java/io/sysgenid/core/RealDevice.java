package io.sysgenid.core;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For test classes written for the real device: where it does not exist they are skipped, unless
 * {@code -Dsysgenid.device.required=true} (as {@code scripts/guest-java-tests} sets inside the QEMU guest,
 * as root, with the module freshly loaded), which makes a missing device fail them instead.
 */
public final class RealDevice {
    private RealDevice() {
    }

    /** {@return true where the device must exist (inside the guest)} */
    public static boolean required() {
        return Boolean.getBoolean("sysgenid.device.required");
    }

    /**
     * Skips the calling test class where {@code device} does not exist, or fails it where it is required.
     *
     * @param device the device file
     */
    public static void require(Path device) {
        String why = device + " does not exist: load the module (kmod/), or run scripts/guest-java-tests,"
                + " which runs the real-device test classes in a QEMU guest with it";
        if (required()) {
            assertTrue(Files.exists(device), why);
        } else {
            assumeTrue(Files.exists(device), why);
        }
    }

    /** {@link #require(Path)} for {@link SysGenIdDevice#DEFAULT_PATH}. */
    public static void require() {
        require(SysGenIdDevice.DEFAULT_PATH);
    }
}
