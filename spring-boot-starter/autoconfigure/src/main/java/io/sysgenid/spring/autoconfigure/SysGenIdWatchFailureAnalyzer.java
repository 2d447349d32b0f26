package io.sysgenid.spring.autoconfigure;

import io.sysgenid.core.DeviceNotFoundException;
import io.sysgenid.core.PermissionDeniedException;
import io.sysgenid.core.SysGenIdException;
import java.util.Locale;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed because {@code sysgenid.source=device} could not watch the device: what
 * failed (operation, path, errno) and what to do about it.
 */
class SysGenIdWatchFailureAnalyzer extends AbstractFailureAnalyzer<SysGenIdWatch.SysGenIdWatchException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SysGenIdWatch.SysGenIdWatchException cause) {
        SysGenIdException device = cause.device();
        SysGenIdMode mode = cause.mode();
        String source = mode.configured().name().toLowerCase(Locale.ROOT);
        String description = "sysgenid.source=" + source + " requires the System Generation ID device, but "
                + mode.path() + " cannot be watched: " + device.getMessage();
        String action;
        if (device instanceof DeviceNotFoundException) {
            action = "Load the sysgenid kernel module (modprobe sysgenid, or install the sysgenid-dkms package),"
                    + " or point sysgenid.device-path at the device. For development without the module set"
                    + " sysgenid.source=simulated; to start anyway and report health DOWN, set"
                    + " sysgenid.source=auto.";
        } else if (device instanceof PermissionDeniedException) {
            action = "Give the application's user read-write access to " + mode.path() + ": add it to the"
                    + " sysgenid group (the udev rule kmod/udev/60-sysgenid.rules makes the device"
                    + " root:sysgenid 0660; a service started by systemd can use SupplementaryGroups=sysgenid)"
                    + " and restart the application.";
        } else {
            action = "Check that " + mode.path() + " is the sysgenid device and that its kernel module matches"
                    + " this library (the error above names the failed operation and errno).";
        }
        return new FailureAnalysis(description, action, cause);
    }
}
