#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the snapshot scenario (run by run-in-vm through vmrun
# --clones): a blocking watcher waits in read() while the VM is snapshotted;
# in every clone restored from that snapshot the vmfork backend must bump the
# generation, wake the watcher with the next value and see its ack.
#
# Runs from busybox in the initramfs, in the directory holding
# snapshot_watcher, with the module already loaded.

sys=/sys/class/misc/sysgenid

fail() {
	echo "not ok - $*"
	[ -f watcher.log ] && sed 's/^/# /' watcher.log
	exit 1
}

[ -c /dev/sysgenid ] || fail "/dev/sysgenid is missing: the module did not load"
start=$(cat $sys/generation)

./snapshot_watcher >watcher.log 2>&1 &
pid=$!

# Snapshot only once the watcher sleeps in read(): it is then a watcher.
tries=0
until grep -q WATCHER-READY watcher.log 2>/dev/null &&
	[ "$(cat $sys/watchers)" = 1 ] &&
	grep -q '^State:.*S (sleeping)' /proc/$pid/status 2>/dev/null; do
	tries=$((tries + 1))
	[ $tries -lt 400 ] || fail "the watcher never blocked in read()"
	kill -0 $pid 2>/dev/null || fail "the watcher exited before the snapshot"
	sleep 0.05
done
echo "ok - watcher $pid blocked in read() at generation $start"
echo VMRUN-SNAPSHOT-READY

# From here on, each clone runs its own copy of what follows.
wait $pid
rc=$?
sed 's/^/# /' watcher.log
[ $rc -eq 0 ] || fail "the watcher exited $rc"
next=$(((start + 1) & 0xffffffff))
gen=$(cat $sys/generation)
[ "$gen" = "$next" ] || fail "generation is $gen after the restore, expected $next"
grep -q "WATCHER-WOKE gen=$next" watcher.log || fail "the watcher did not wake with $next"
grep -q "WATCHER-ACKED gen=$next" watcher.log || fail "the watcher did not ack $next"
outdated=$(cat $sys/outdated_watchers)
[ "$outdated" = 0 ] || fail "$outdated outdated watcher(s) left after the ack"
if dmesg | grep -q "virtual machine fork"; then
	echo "# kernel: $(dmesg | grep "virtual machine fork" | tail -1)"
fi
echo "ok - the restore moved the generation $start -> $gen, the watcher woke and acked"
