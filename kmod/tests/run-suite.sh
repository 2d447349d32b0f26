#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the module check (run by run-in-vm through vmrun, as root,
# with the module built): load the module, run the ABI suite and the stress
# run, check the kernel log since the load, unload the module. Works under
# busybox sh, dash and bash.
#
# Usage: run-suite.sh MODULE.ko [STRESS_SECONDS [-x]]
#   STRESS_SECONDS  default 60; 0 skips the stress run
#   -x              stop the ABI suite at its first failing test (mutants)
# Exit status: 0 when every check passed.

KO=$1
STRESS=${2:-60}
XFLAG=
# A mutant only has to fail: stop at its first failure, and let no test
# hang long.
[ "$3" = -x ] && XFLAG=-x && export SYSGENID_TEST_TIMEOUT=20
HERE=$(cd "$(dirname "$0")" && pwd)
SYS=/sys/class/misc/sysgenid
n=0
failed=0

if [ -z "$KO" ] || [ ! -f "$KO" ]; then
	echo "usage: run-suite.sh MODULE.ko [STRESS_SECONDS [-x]]" >&2
	exit 2
fi
case $STRESS in
''|*[!0-9]*) echo "run-suite.sh: STRESS_SECONDS must be a number" >&2; exit 2 ;;
esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/run-suite.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT

echo "TAP version 13"

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

finish() {
	echo "1..$n"
	echo "# run-suite: $((n - failed)) passed, $failed failed"
	[ $failed -eq 0 ]
	exit $?
}

# Runs a program with its own TAP output indented under this one's.
indented() {
	"$@" >"$TMP/out.log" 2>&1
	rc=$?
	sed 's/^/    /' "$TMP/out.log"
	return $rc
}

for prog in sysgenid_test sysgenid_stress; do
	[ -x "$HERE/$prog" ]
	result $? "$prog is built ($HERE/$prog)"
done
[ $failed -eq 0 ] || { echo "# build them first: make -C kmod/tests"; finish; }

[ ! -e /dev/sysgenid ] && [ ! -e /sys/module/sysgenid ]
result $? "no sysgenid device or module before the load"

# Mark the kernel log, so only what follows the load is checked.
MARK="run-suite-$$-$(date +%s)"
echo "$MARK" >/dev/kmsg 2>/dev/null

insmod "$KO"
rc=$?
result $rc "insmod $KO"
[ $rc -eq 0 ] || finish

tries=0
while [ ! -c /dev/sysgenid ] && [ $tries -lt 300 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
[ -c /dev/sysgenid ]
rc=$?
result $rc "/dev/sysgenid appears (devtmpfs)"
if [ $rc -eq 0 ]; then
	[ "$(stat -c %a /dev/sysgenid)" = 600 ]
	result $? "/dev/sysgenid is created 0600 (a udev rule opens it to a group)"
	[ "$(cat $SYS/generation)" = 0 ] && [ "$(cat $SYS/watchers)" = 0 ] &&
		[ "$(cat $SYS/outdated_watchers)" = 0 ]
	result $? "sysfs: generation 0, no watchers after the load"

	indented "$HERE/sysgenid_test" $XFLAG
	result $? "ABI conformance suite (sysgenid_test)"

	if [ "$STRESS" -gt 0 ]; then
		indented "$HERE/sysgenid_stress" "$STRESS" 8
		result $? "stress run, 8 threads, $STRESS s (sysgenid_stress)"
	fi
fi

dmesg >"$TMP/dmesg.all"
if grep -q "$MARK" "$TMP/dmesg.all"; then
	sed -n "/$MARK/,\$p" "$TMP/dmesg.all" >"$TMP/dmesg.log"
else
	cp "$TMP/dmesg.all" "$TMP/dmesg.log"
fi
PATTERN='WARNING|BUG|Oops|lockdep|general protection|Call Trace|refcount_t|list_(add|del) corruption|sleeping function called'
if grep -E "$PATTERN" "$TMP/dmesg.log" >"$TMP/dmesg.bad"; then
	sed 's/^/# /' "$TMP/dmesg.bad" | head -n 40
	result 1 "the kernel log since the load has no warning, BUG, oops or lockdep report"
else
	result 0 "the kernel log since the load has no warning, BUG, oops or lockdep report"
fi

rmmod sysgenid
result $? "rmmod sysgenid"
[ ! -e /dev/sysgenid ] && [ ! -e $SYS ] && [ ! -e /sys/module/sysgenid ]
result $? "/dev/sysgenid, its sysfs directory and the module are gone after rmmod"

finish
