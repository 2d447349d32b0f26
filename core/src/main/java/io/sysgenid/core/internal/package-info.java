/**
 * Implementation of sysgenid-core: the libc binding, the device file abstraction shared by the real and
 * the simulated device, the mapped counter. Not API: it may change in any release.
 */
package io.sysgenid.core.internal;
