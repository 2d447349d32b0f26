package io.sysgenid.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sysgenid.core.DeviceNotFoundException;
import io.sysgenid.core.PermissionDeniedException;
import io.sysgenid.core.SysGenIdAbi;
import io.sysgenid.core.SysGenIdDevice;
import io.sysgenid.core.SysGenIdException;
import io.sysgenid.core.TestProcess;
import io.sysgenid.core.UnsupportedAbiException;
import io.sysgenid.core.WaitResult;
import io.sysgenid.core.epoll.EpollSelectorProvider;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import jnr.enxio.channels.NativeDeviceChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the simulator adds to the conformance suite: kernel flavours, fault injection, resources. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SimulatedSysGenIdTest {
    private static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int EINTR = 4;
    private static final int EIO = 5;
    private static final int EACCES = 13;
    private static final int ENODEV = 19;
    private static final int ENOBUFS = 105;

    private SimulatedSysGenId simulator = SimulatedSysGenId.create();

    @AfterEach
    void close() {
        simulator.close();
    }

    private SimulatedSysGenId simulate(SimulatedKernel kernel) {
        simulator.close();
        simulator = SimulatedSysGenId.builder().kernel(kernel).build();
        return simulator;
    }

    @Test
    void writesCountsEveryAcknowledgementAcceptedOrNot() {
        SysGenIdDevice device = simulator.open();
        int generation = simulator.bump();
        assertFalse(device.ack(generation + 1));
        assertTrue(device.ack(generation));
        assertTrue(device.ack(generation));
        assertEquals(3, simulator.writes());
    }

    @Test
    void handlesDetectTheAbiOfTheSimulatedKernel() {
        assertEquals(SysGenIdAbi.SEED_V4, simulate(SimulatedKernel.MODULE).open().abi());
        assertEquals(SysGenIdAbi.DEPLOYED, simulate(SimulatedKernel.DEPLOYED).open().abi());
        assertEquals(SysGenIdAbi.SEED_V4, simulate(SimulatedKernel.SEED_V4).open().abi());
    }

    @Test
    void onTheModuleAFileBecomesAWatcherWhenItReadsPollsOrOptsIn() {
        SysGenIdDevice probe = simulator.open();
        probe.currentGeneration();
        assertEquals(0, simulator.watchers(), "a probe is never a watcher");
        assertEquals(OptionalInt.of(0), probe.watchers());
        simulator.open().readGeneration();
        assertEquals(1, simulator.watchers());
        simulator.open().openChannel(new EpollSelectorProvider());
        assertEquals(2, simulator.watchers());
        simulator.open().setTracking(true);
        assertEquals(3, simulator.watchers());
        assertEquals(OptionalInt.of(3), probe.watchers());
    }

    @Test
    void onADeployedKernelOpenTurnsTrackingOnAndCountsAreUnknown() {
        SysGenIdDevice device = simulate(SimulatedKernel.DEPLOYED).open();
        assertEquals(1, simulator.watchers(), "tracked from open, so orchestrators wait for it");
        assertEquals(OptionalInt.empty(), device.watchers());
        assertEquals(OptionalInt.empty(), device.outdatedWatchers());
        device.setTracking(false);
        assertEquals(0, simulator.watchers());
    }

    @Test
    void onAV4KernelEveryFileIsAWatcherAndTrackingIsUnsupported() {
        SysGenIdDevice device = simulate(SimulatedKernel.SEED_V4).open();
        assertEquals(1, simulator.watchers());
        UnsupportedAbiException e = assertThrows(UnsupportedAbiException.class, () -> device.setTracking(false));
        assertEquals("ioctl SYSGENID_SET_WATCHER_TRACKING (0xe401) /dev/sysgenid (simulated) failed:"
                + " ENOTTY (25, Inappropriate ioctl for device): this kernel speaks only the v4 ABI, where every"
                + " open file is a watcher", e.getMessage());
    }

    @Test
    void aSignalDuringAWaitIsRetried() {
        for (SimulatedKernel kernel : SimulatedKernel.values()) {
            SysGenIdDevice orchestrator = simulate(kernel).open();
            SysGenIdDevice watcher = simulator.open();
            simulator.failNext(SimulatedOperation.WAIT_WATCHERS, EINTR);
            assertEquals(WaitResult.ALL_ACKED, orchestrator.waitWatchers(Duration.ofSeconds(10)), kernel.name());

            watcher.readGeneration();
            int generation = simulator.bump();
            assertTrue(orchestrator.ack(generation));
            simulator.failNext(SimulatedOperation.WAIT_WATCHERS, EINTR);
            assertEquals(WaitResult.TIMED_OUT, orchestrator.waitWatchers(Duration.ofMillis(30)), kernel.name());
        }
    }

    @Test
    void bumpingWithoutPrivilegeIsPermissionDenied() {
        simulator.setPrivileged(false);
        SysGenIdDevice device = simulator.open();
        PermissionDeniedException e = assertThrows(PermissionDeniedException.class, () -> device.forceUpdate(0));
        assertTrue(e.getMessage().startsWith("ioctl SYSGENID_FORCE_GEN_UPDATE (0x2d03) /dev/sysgenid (simulated)"
                + " failed: EACCES (13, Permission denied): bumping the generation needs CAP_CHECKPOINT_RESTORE"
                + " or CAP_SYS_ADMIN"), e.getMessage());
        assertEquals(OptionalInt.of(EACCES), e.errno());

        SysGenIdDevice deployed = simulate(SimulatedKernel.DEPLOYED).open();
        simulator.setPrivileged(false);
        e = assertThrows(PermissionDeniedException.class, () -> deployed.forceUpdate(0));
        assertTrue(e.getMessage().startsWith("ioctl SYSGENID_TRIGGER_GEN_UPDATE (0xe403)"), e.getMessage());
        assertEquals(0, simulator.generation(), "nothing moved");
    }

    @Test
    void openFailuresAreTypedAndSayWhatToDo() {
        simulator.failNext(SimulatedOperation.OPEN, ENOENT);
        DeviceNotFoundException missing = assertThrows(DeviceNotFoundException.class, simulator::open);
        assertTrue(missing.getMessage().startsWith("open /dev/sysgenid (simulated) failed: ENOENT (2, No such file"
                + " or directory): /dev/sysgenid (simulated) does not exist: load the sysgenid kernel module"
                + " (modprobe sysgenid;"), missing.getMessage());
        assertTrue(missing.getMessage().contains("simulated device"), missing.getMessage());

        simulator.failNext(SimulatedOperation.OPEN, ENODEV);
        DeviceNotFoundException noDriver = assertThrows(DeviceNotFoundException.class, simulator::open);
        assertTrue(noDriver.getMessage().contains("ENODEV (19, No such device): /dev/sysgenid (simulated) exists"
                + " but no driver answers it"), noDriver.getMessage());

        for (int errno : new int[] {EACCES, EPERM}) {
            simulator.failNext(SimulatedOperation.OPEN, errno);
            PermissionDeniedException denied = assertThrows(PermissionDeniedException.class, simulator::open);
            assertTrue(denied.getMessage().contains("add the user to the sysgenid group (udev rule"
                    + " kmod/udev/60-sysgenid.rules"), denied.getMessage());
            assertEquals("open", denied.operation());
            assertEquals("/dev/sysgenid (simulated)", denied.path());
            assertEquals(OptionalInt.of(errno), denied.errno());
        }
        assertEquals(0, simulator.openFiles());
    }

    @Test
    void deviceErrorsNameTheOperationThePathAndTheErrno() {
        SysGenIdDevice device = simulator.open();
        simulator.failNext(SimulatedOperation.READ, EIO);
        SysGenIdException read = assertThrows(SysGenIdException.class, device::readGeneration);
        assertEquals(SysGenIdException.class, read.getClass());
        assertEquals("read /dev/sysgenid (simulated) failed: EIO (5, Input/output error)", read.getMessage());
        assertEquals("read", read.operation());

        simulator.failNext(SimulatedOperation.ACK, ENOBUFS);
        SysGenIdException ack = assertThrows(SysGenIdException.class, () -> device.ack(0));
        assertEquals("write (acknowledge 0) /dev/sysgenid (simulated) failed: ENOBUFS (105, No buffer space"
                + " available)", ack.getMessage());

        simulator.failNext(SimulatedOperation.GET_OUTDATED_WATCHERS, EIO);
        SysGenIdException count = assertThrows(SysGenIdException.class, device::outdatedWatchers);
        assertTrue(count.getMessage().startsWith("ioctl SYSGENID_GET_OUTDATED_WATCHERS (0x2d01)"), count.getMessage());

        simulator.failNext(SimulatedOperation.WAIT_WATCHERS, EIO);
        SysGenIdException wait = assertThrows(SysGenIdException.class, () -> device.waitWatchers(Duration.ofSeconds(1)));
        assertTrue(wait.getMessage().startsWith("ioctl SYSGENID_WAIT_WATCHERS (0x2d02)"), wait.getMessage());
        assertTrue(device.isOpen(), "a failed operation leaves the device open");
    }

    @Test
    void anOpenThatFailsAfterTheOpenItselfClosesTheFile() {
        simulate(SimulatedKernel.DEPLOYED).failNext(SimulatedOperation.SET_TRACKING, EIO);
        Map<Integer, String> descriptors = TestProcess.descriptors();
        SysGenIdException e = assertThrows(SysGenIdException.class, simulator::open);
        assertTrue(e.getMessage().startsWith("ioctl SYSGENID_SET_WATCHER_TRACKING (0xe401)"), e.getMessage());
        assertEquals(0, simulator.openFiles());
        assertEquals(Map.of(), TestProcess.openedSince(descriptors));
    }

    @Test
    void theCounterIsAnUnsignedValueThatWraps() {
        simulator.close();
        simulator = SimulatedSysGenId.builder().startGeneration(0xFFFF_FFFF).build();
        SysGenIdDevice device = simulator.open();
        device.readGeneration();
        assertEquals(0, simulator.bump());
        assertEquals(OptionalInt.of(0), device.readGeneration());
        assertTrue(device.ack(0));
        assertEquals(0xFFFF_FFF0, simulator.forceUpdate(0xFFFF_FFF0), "the larger minimum, unsigned");
        assertEquals(0xFFFF_FFF1, simulator.forceUpdate(3));
        simulator.forceUpdate(0xFFFF_FFFF);
        assertEquals(0, simulator.forceUpdate(0xFFFF_FFFF), "a minimum equal to the current value still moves it");
    }

    @Test
    void readinessIsARealDescriptorDrainedByTheAcknowledgement() throws Exception {
        SysGenIdDevice device = simulator.open();
        SelectorProvider provider = new EpollSelectorProvider();
        try (Selector selector = provider.openSelector()) {
            NativeDeviceChannel channel = device.openChannel(provider);
            channel.register(selector, SelectionKey.OP_READ);
            int generation = simulator.bump();
            simulator.bump();
            assertEquals(1, selector.selectNow());
            selector.selectedKeys().clear();
            assertFalse(device.ack(generation), "no longer current");
            assertEquals(1, selector.selectNow());
            selector.selectedKeys().clear();
            assertTrue(device.ack(simulator.generation()));
            assertEquals(0, selector.selectNow());
        }
    }

    @Test
    void closingAHandleReleasesItsEventfdAndChannelsButClosingAChannelLeavesTheHandleOpen() throws Exception {
        Map<Integer, String> descriptors = TestProcess.descriptors();
        SysGenIdDevice device = simulator.open();
        NativeDeviceChannel first = device.openChannel(new EpollSelectorProvider());
        NativeDeviceChannel second = device.openChannel(new EpollSelectorProvider());
        Map<Integer, String> opened3 = TestProcess.openedSince(descriptors);
        assertEquals(3, opened3.size(), opened3::toString);
        first.close();
        assertTrue(device.isOpen());
        Map<Integer, String> opened2 = TestProcess.openedSince(descriptors);
        assertEquals(2, opened2.size(), opened2::toString);
        device.close();
        assertFalse(second.isOpen());
        assertEquals(Map.of(), TestProcess.openedSince(descriptors));
        assertEquals(0, simulator.openFiles());
    }

    @Test
    void closingTheSimulatorClosesEveryHandle() {
        SysGenIdDevice first = simulator.open();
        SysGenIdDevice second = simulator.open();
        simulator.close();
        simulator.close();
        assertFalse(first.isOpen());
        assertFalse(second.isOpen());
        assertThrows(IllegalStateException.class, simulator::open);
    }
}
