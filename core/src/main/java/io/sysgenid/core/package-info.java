/**
 * Java access to the System Generation ID device ({@code /dev/sysgenid}): a counter that changes every
 * time the VM or container is cloned or restored from a snapshot.
 *
 * <ul>
 *   <li>{@link io.sysgenid.core.SysGenIdDevice}: one open file of the device, with both ioctl ABIs (the
 *       v4 one and the deployed one), the nonblocking read, the acknowledgement, the watcher wait, the
 *       privileged bump and the mapped counter ({@link io.sysgenid.core.SysGenIdDevice#currentGeneration()},
 *       no system call).
 *   <li>{@link io.sysgenid.core.GenerationWatcher}: one event-loop thread per process that reads each new
 *       generation, hands it to {@link io.sysgenid.core.GenerationListener}s and acknowledges it when they
 *       are done.
 *   <li>{@link io.sysgenid.core.sim.SimulatedSysGenId}: the same device in process, for tests and machines
 *       without the kernel module.
 * </ul>
 *
 * <p>Failures are unchecked {@link io.sysgenid.core.SysGenIdException}s whose messages name the
 * operation, the path and the errno. Generations are unsigned 32-bit values in an {@code int}: compare
 * them with {@code !=} only.
 *
 * <p><b>JVM flags.</b> The native calls go through jnr-ffi (jffi). On JDK 24 and later, run with
 * {@code --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow} to silence the JDK's
 * warnings about them (an executable jar gets the first from its {@code Enable-Native-Access} manifest
 * entry). Linux only (x86_64, aarch64).
 */
package io.sysgenid.core;
