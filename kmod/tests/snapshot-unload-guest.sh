#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the unload scenario (run by run-in-vm through vmrun
# --clones 1, booted without oops=panic): the module is loaded, unloaded,
# and the VM snapshotted; in the clone the VM fork runs the kernel's vmfork
# notifier chain, which must no longer hold the module's notifier. The
# clone checks that the fork happened, that the kernel logged no oops, and
# that the module loads and works again.
#
# Runs from busybox in the initramfs, with the module loaded from /payload.

PATTERN='WARNING|BUG|Oops|general protection|Call Trace|unable to handle'

fail() {
	echo "not ok - $*"
	dmesg | grep -E -A5 "$PATTERN" | head -n 30 | sed 's/^/# /'
	exit 1
}

[ -c /dev/sysgenid ] || fail "/dev/sysgenid is missing: the module did not load"
rmmod sysgenid || fail "rmmod sysgenid"
[ ! -e /dev/sysgenid ] && [ ! -e /sys/module/sysgenid ] || fail "the module is still there"
echo "ok - loaded and unloaded before the snapshot"
echo VMRUN-SNAPSHOT-READY

# In the clone.
tries=0
until dmesg | grep -q "virtual machine fork"; do
	tries=$((tries + 1))
	[ $tries -lt 300 ] || fail "the clone saw no VM fork in 30 s"
	sleep 0.1
done
# Whatever the notifier chain does, it has done it by now.
sleep 1
dmesg | grep -q -E "$PATTERN" && fail "the kernel logged a problem after the VM fork"
echo "ok - the VM fork ran the notifier chain, and the kernel logged no problem"
insmod /payload/sysgenid.ko || fail "insmod after the fork"
[ "$(cat /sys/class/misc/sysgenid/generation)" = 0 ] || fail "a fresh load is not at 0"
rmmod sysgenid || fail "rmmod after the fork"
echo "ok - the module loads, counts from 0 and unloads after the fork"
