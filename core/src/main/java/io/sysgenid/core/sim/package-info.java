/**
 * An in-process sysgenid device, {@link io.sysgenid.core.sim.SimulatedSysGenId}, behaving like this
 * project's module, a deployed kernel or the v4 patch ({@link io.sysgenid.core.sim.SimulatedKernel}), with
 * real file descriptors for readiness and a real mapped counter page, and injectable failures.
 */
package io.sysgenid.core.sim;
