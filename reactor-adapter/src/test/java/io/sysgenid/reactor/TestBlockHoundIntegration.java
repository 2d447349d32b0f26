package io.sysgenid.reactor;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What the tests themselves may block in on a Reactor thread: the simulated device's lock, taken when a
 * test's handler changes the generation (the real device's ioctl is a system call BlockHound does not
 * see). Nothing of the receiver's own code is allowed.
 */
public final class TestBlockHoundIntegration implements BlockHoundIntegration {
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.sysgenid.core.sim.SimulatedSysGenId", "forceUpdate");
    }
}
