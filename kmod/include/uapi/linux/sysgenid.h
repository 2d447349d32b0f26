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
 * == and !=, never with < or >. A mapped-page probe that caches a value can
 * be fooled by the wrap (ABA): after 2^32 updates, or after a privileged
 * FORCE/TRIGGER moved the counter round to a value the probe saw before,
 * it reads "unchanged". The file interface below does not suffer this: a
 * file is outdated by every update, whatever the value.
 *
 * Per open file:
 *   read()  - blocks (or fails with EAGAIN under O_NONBLOCK) while the file
 *             is up to date; once it is not, returns the current counter
 *             (sizeof(unsigned int) bytes). A buffer under that is EINVAL.
 *             On a file open for writing, read() never acknowledges: it
 *             returns the counter on every call until the file writes it
 *             back. A read-only file cannot acknowledge, so reading the
 *             counter is what brings it up to date: it reads each
 *             generation once, then blocks (EAGAIN) until the next.
 *   write() - acknowledges: exactly sizeof(unsigned int) bytes holding the
 *             current generation, otherwise EINVAL. Needs O_RDWR or O_WRONLY.
 *   poll()  - EPOLLIN | EPOLLRDNORM while the file is not up to date: on a
 *             writable file level-triggered until the write, on a read-only
 *             file until it has read the generation. So a read-only poller
 *             sleeps between updates.
 *   mmap()  - PROT_READ, MAP_SHARED, offset 0, at most one page; anyone who
 *             may open the device read-only may map it. The first bytes of
 *             the page hold the counter. PROT_WRITE or PROT_EXEC is EPERM,
 *             and mprotect() cannot add either later (EACCES); mremap()
 *             cannot grow the mapping, core dumps leave it out, and
 *             MADV_DONTNEED only makes the next read fault the page back in.
 *             The mapping outlives close() but holds no watcher.
 *
 * Watchers: only a file open for writing can be a watcher, because only it
 * can acknowledge. It becomes one the first time it reads or polls (an epoll
 * registration polls), unless it has chosen with SYSGENID_SET_WATCHER_TRACKING:
 * (1) makes it a watcher, (0) an ordinary file, and either choice holds
 * from then on, whatever the file reads or polls. close() ends a watcher
 * (a mapping of the file does not keep it one). A read-only file is never a
 * watcher: SYSGENID_SET_WATCHER_TRACKING(1) on it fails with EBADF, (0)
 * succeeds. So a probe (open, mmap, close), cat /dev/sysgenid or a read-only
 * poller never stalls SYSGENID_WAIT_WATCHERS. A watcher is outdated while it
 * has not acknowledged the current generation.
 *
 * Who can hold up whom: anyone who may open the device for writing (with
 * the udev rule this project installs, root and the sysgenid group) can
 * become a watcher and never acknowledge, and so delay every
 * SYSGENID_WAIT_WATCHERS caller until its timeout. An orchestrator must
 * therefore never wait without a timeout (argument 0). Read-only access,
 * which the rule gives everyone, lets nobody delay anyone. The sysfs files
 * (generation, watchers, outdated_watchers, last_change_ns) are
 * world-readable: the generation is readable through the mapping anyway,
 * the counts are totals that name no process, and last_change_ns (when the
 * generation last changed, or the module was loaded, in CLOCK_MONOTONIC
 * nanoseconds) tells only what the mapping's next change shows anyway.
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
 * 0 for none (which an orchestrator must not use: see above). EINTR when
 * the caller's own file is or becomes outdated (read, acknowledge, retry),
 * on a signal, and, in this family, on timeout.
 */
#define SYSGENID_WAIT_WATCHERS		_IO(SYSGENID_IOCTL, 2)
/*
 * Moves the generation to max(argument, current + 1): always by at least
 * one. Needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN in the initial user
 * namespace, EACCES otherwise. An argument above 0xffffffff is EINVAL.
 */
#define SYSGENID_FORCE_GEN_UPDATE	_IO(SYSGENID_IOCTL, 3)

/* The deployed family. */
#define SYSGENID_IOCTL_V2		0xE4

/*
 * Argument: 0 stops watcher tracking for this file, any other value starts
 * it; the choice overrides the read/poll rule for good. EBADF when asked to
 * start on a file not open for writing.
 */
#define SYSGENID_SET_WATCHER_TRACKING	_IO(SYSGENID_IOCTL_V2, 1)
/* As SYSGENID_WAIT_WATCHERS, but a timeout is ETIME. */
#define SYSGENID_WAIT_WATCHERS_V2	_IO(SYSGENID_IOCTL_V2, 2)
/* As SYSGENID_FORCE_GEN_UPDATE. */
#define SYSGENID_TRIGGER_GEN_UPDATE	_IO(SYSGENID_IOCTL_V2, 3)

#endif /* _UAPI_LINUX_SYSGENID_H */
