package io.sysgenid.core;

import io.sysgenid.core.sim.SimulatedKernel;
import io.sysgenid.core.sim.SimulatedSysGenId;
import org.junit.jupiter.api.AfterEach;

/** The conformance suite on the simulated device, behaving like this project's module. */
class SimulatedSysGenIdConformanceTest extends SysGenIdDeviceContract {
    private final SimulatedSysGenId simulator = SimulatedSysGenId.builder()
            .kernel(kernel())
            .startGeneration(startGeneration())
            .build();

    SimulatedKernel kernel() {
        return SimulatedKernel.MODULE;
    }

    int startGeneration() {
        return 0;
    }

    @Override
    protected SysGenIdDevice openDevice() {
        return simulator.open();
    }

    @AfterEach
    void closeSimulator() {
        simulator.close();
    }
}
