/**
 * JVM restores as a source of generation changes: {@link io.sysgenid.core.crac.CracRestoreSource} hooks a
 * {@link io.sysgenid.core.crac.CracRestoreSource.Participant} into {@code org.crac}'s global context, so
 * that an OpenJDK CRaC checkpoint finds none of the library's descriptors open and every restored copy
 * (CRaC, AWS Lambda SnapStart) reports a change marked
 * {@link io.sysgenid.core.GenerationSource#JVM_RESTORE}. Outside a CRaC runtime {@code org.crac} does
 * nothing and neither does this package.
 */
package io.sysgenid.core.crac;
