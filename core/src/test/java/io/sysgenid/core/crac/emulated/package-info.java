/**
 * A checkpoint/restore runtime in the shape of {@code jdk.crac}, for tests on JVMs without CRaC: with the
 * system property {@code org.crac.Core.Compat=io.sysgenid.core.crac.emulated}, {@code org.crac} registers
 * resources here and {@code org.crac.Core.checkpointRestore()} runs {@link io.sysgenid.core.crac.emulated.Core#checkpointRestore()},
 * so tests drive the production path through {@code org.crac} itself. Nothing is actually checkpointed: a
 * test sees the moment of the checkpoint through {@link io.sysgenid.core.crac.emulated.Core#checkpointRestore(Runnable)}.
 */
package io.sysgenid.core.crac.emulated;
