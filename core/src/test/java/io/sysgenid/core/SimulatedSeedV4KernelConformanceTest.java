package io.sysgenid.core;

import io.sysgenid.core.sim.SimulatedKernel;

/** The conformance suite on a simulated v4-only kernel, its counter about to wrap past 0xFFFFFFFF. */
class SimulatedSeedV4KernelConformanceTest extends SimulatedSysGenIdConformanceTest {
    @Override
    SimulatedKernel kernel() {
        return SimulatedKernel.SEED_V4;
    }

    @Override
    int startGeneration() {
        return 0xFFFF_FFFE;
    }
}
