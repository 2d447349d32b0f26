package io.sysgenid.core;

import io.sysgenid.core.sim.SimulatedKernel;

/** The conformance suite on a simulated deployed (Amazon Linux) kernel: 0xE4 family, no published counts. */
class SimulatedDeployedKernelConformanceTest extends SimulatedSysGenIdConformanceTest {
    @Override
    SimulatedKernel kernel() {
        return SimulatedKernel.DEPLOYED;
    }
}
