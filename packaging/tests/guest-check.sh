#!/bin/sh
# Guest side of packaging/test-deb (run through kmod/tools/vmrun, as root, in
# the host's file system after `apt-get install ./sysgenid-dkms_*.deb`):
# modprobe finds the module DKMS installed, the ABI suite passes on it
# (kmod/tests/run-suite.sh: insmod, the suite, the kernel log, rmmod), and
# `modprobe sysgenid`, what /etc/modules-load.d does at boot, loads it.
#
# Usage: guest-check.sh MODULE.ko   (the path DKMS installed it to)

KO=$1
KMOD=$(cd "$(dirname "$0")/../../kmod" && pwd)

found=$(modinfo -n sysgenid 2>&1)
if [ "$found" != "$KO" ]; then
	echo "guest-check: modprobe would load '$found', not DKMS's $KO" >&2
	exit 1
fi
"$KMOD/tests/run-suite.sh" "$KO" 0 || exit 1
modprobe sysgenid || { echo "guest-check: modprobe sysgenid failed" >&2; exit 1; }
[ -c /dev/sysgenid ] || { echo "guest-check: no /dev/sysgenid after modprobe" >&2; exit 1; }
modprobe -r sysgenid || { echo "guest-check: modprobe -r sysgenid failed" >&2; exit 1; }
echo "guest-check: modprobe sysgenid loaded $KO"
