/* SPDX-License-Identifier: GPL-2.0+ WITH Linux-syscall-note */
/*
 * System Generation ID: a counter that changes every time the system is
 * restored from a snapshot or cloned.
 *
 * The character device /dev/sysgenid offers two ioctl families over one
 * state: the original v4 family (magic 0x2d) and the one deployed kernels
 * ship (magic 0xE4). Every ioctl takes its argument by value.
 *
 * Counter: an unsigned int that starts at 0 when the driver loads and
 * changes on every generation update. It wraps; compare generations with
 * == and !=, never with < or >.
 *
 * Per open file:
 *   read()  - blocks (or fails with EAGAIN under O_NONBLOCK) while the file
 *             has acknowledged the current generation; once it has not,
 *             returns the current counter (sizeof(unsigned int) bytes) on
 *             every call until the file acknowledges it. read() never
 *             acknowledges. A buffer under sizeof(unsigned int) is EINVAL.
 *   write() - acknowledges: exactly sizeof(unsigned int) bytes holding the
 *             current generation, otherwise EINVAL. Needs O_RDWR or O_WRONLY.
 *   poll()  - EPOLLIN | EPOLLRDNORM while the file has not acknowledged the
 *             current generation: level-triggered until the write.
 *   mmap()  - PROT_READ, MAP_SHARED, offset 0, at most one page. The first
 *             bytes of the page hold the counter. A writable mapping is
 *             EPERM; the mapping outlives close().
 *
 * Watchers: a file becomes a watcher the first time it reads, polls or asks
 * for it with SYSGENID_SET_WATCHER_TRACKING(1); SYSGENID_SET_WATCHER_TRACKING(0)
 * makes it an ordinary file again, and close() (the last reference, which a
 * mapping holds) ends it. A file that only opens, mmaps and reads the mapping
 * is never a watcher, so a probe never stalls SYSGENID_WAIT_WATCHERS. A
 * watcher is outdated while it has not acknowledged the current generation.
 */

#ifndef _UAPI_LINUX_SYSGENID_H
#define _UAPI_LINUX_SYSGENID_H

#include <linux/ioctl.h>

/* The v4 family. */
#define SYSGENID_IOCTL			0x2d

/* Returns the number of outdated watchers as the ioctl's result. */
#define SYSGENID_GET_OUTDATED_WATCHERS	_IO(SYSGENID_IOCTL, 1)
/*
 * Sleeps until no watcher is outdated; argument: timeout in milliseconds,
 * 0 for none. EINTR when the caller's own file is or becomes outdated (read,
 * acknowledge, retry), on a signal, and, in this family, on timeout.
 */
#define SYSGENID_WAIT_WATCHERS		_IO(SYSGENID_IOCTL, 2)
/*
 * Moves the generation to max(argument, current + 1): always by at least
 * one. Needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN in the initial user
 * namespace, EACCES otherwise.
 */
#define SYSGENID_FORCE_GEN_UPDATE	_IO(SYSGENID_IOCTL, 3)

/* The deployed family. */
#define SYSGENID_IOCTL_V2		0xE4

/* Argument: 0 stops watcher tracking for this file, any other value starts it. */
#define SYSGENID_SET_WATCHER_TRACKING	_IO(SYSGENID_IOCTL_V2, 1)
/* As SYSGENID_WAIT_WATCHERS, but a timeout is ETIME. */
#define SYSGENID_WAIT_WATCHERS_V2	_IO(SYSGENID_IOCTL_V2, 2)
/* As SYSGENID_FORCE_GEN_UPDATE. */
#define SYSGENID_TRIGGER_GEN_UPDATE	_IO(SYSGENID_IOCTL_V2, 3)

#endif /* _UAPI_LINUX_SYSGENID_H */
