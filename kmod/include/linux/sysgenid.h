/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_SYSGENID_H
#define _LINUX_SYSGENID_H

#include <uapi/linux/sysgenid.h>

void sysgenid_bump_generation(void);

#endif /* _LINUX_SYSGENID_H */
