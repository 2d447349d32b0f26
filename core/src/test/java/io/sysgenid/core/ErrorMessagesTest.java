package io.sysgenid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real device's open path through libc: typed, actionable errors and no leaked descriptor. */
class ErrorMessagesTest {
    @Test
    void aMissingDeviceSaysToLoadTheModuleOrUseTheSimulator() {
        Path path = Path.of("/nonexistent/sysgenid");
        Map<Integer, String> descriptors = TestProcess.descriptors();
        DeviceNotFoundException e = assertThrows(DeviceNotFoundException.class, () -> SysGenIdDevice.open(path));
        assertEquals("open /nonexistent/sysgenid failed: ENOENT (2, No such file or directory):"
                + " /nonexistent/sysgenid does not exist: load the sysgenid kernel module (modprobe sysgenid;"
                + " see kmod/ in the sysgenid-reactor sources) or use the simulated device"
                + " (io.sysgenid.core.sim.SimulatedSysGenId)", e.getMessage());
        assertEquals("open", e.operation());
        assertEquals(path.toString(), e.path());
        assertEquals(OptionalInt.of(2), e.errno());
        assertEquals(Map.of(), TestProcess.openedSince(descriptors));
    }

    @Test
    void aFileThatIsNotASysgenidDeviceIsAnUnsupportedAbiAndIsClosed() {
        Map<Integer, String> descriptors = TestProcess.descriptors();
        UnsupportedAbiException e = assertThrows(UnsupportedAbiException.class,
                () -> SysGenIdDevice.open(Path.of("/dev/null")));
        assertEquals("ioctl SYSGENID_SET_WATCHER_TRACKING (0xe401) /dev/null failed: ENOTTY (25, Inappropriate"
                + " ioctl for device): not a sysgenid device: it answers neither the v4 ioctls"
                + " (SYSGENID_GET_OUTDATED_WATCHERS (0x2d01) answered ENOTTY (25, Inappropriate ioctl for device))"
                + " nor the deployed ones", e.getMessage());
        assertEquals(Map.of(), TestProcess.openedSince(descriptors));
    }

    @Test
    void aFileThatCannotBeOpenedReadWriteSaysWhichGroupToJoin(@TempDir Path directory) throws Exception {
        // root may open any regular file; a read-only sysfs attribute refuses O_RDWR even to root
        Path path = Path.of("/sys/devices/system/cpu/online");
        if (!"root".equals(System.getProperty("user.name"))) {
            path = Files.createFile(directory.resolve("sysgenid"));
            path.toFile().setReadable(false, false);
            path.toFile().setWritable(false, false);
        }
        assumeTrue(Files.exists(path), path + " is missing");
        Path target = path;
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class, () -> SysGenIdDevice.open(target));
        assertEquals("open " + path + " failed: EACCES (13, Permission denied): the process needs read-write"
                + " access to " + path + ": add the user to the sysgenid group (udev rule"
                + " kmod/udev/60-sysgenid.rules makes the device root:sysgenid 0660) or run as root", e.getMessage());
    }

    @Test
    void anyOtherFailureIsAPlainSysGenIdExceptionWithTheErrno(@TempDir Path directory) {
        SysGenIdException e = assertThrows(SysGenIdException.class, () -> SysGenIdDevice.open(directory));
        assertEquals(SysGenIdException.class, e.getClass());
        assertEquals("open " + directory + " failed: EISDIR (21, Is a directory)", e.getMessage());
        assertTrue(e.errno().isPresent());
    }
}
