#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the module check (run by run-in-vm through vmrun, as root,
# with the module built): load the module, run the ABI suite and the stress
# run, check the kernel log since the load, unload the module. Works under
# busybox sh, dash and bash.
#
# Usage: run-suite.sh [-x] [-a 'MODULE ARGS'] MODULE.ko [STRESS_SECONDS]
#   STRESS_SECONDS  default 60; 0 skips the stress run
#   -x              stop the ABI suite at its first failing test (mutants)
#   -a ARGS         module parameters, for the load and the suite's reloads
# Exit status: 0 when every check passed; 1 when a check failed; 3 when the
# checks could not run (programs not built, the module would not load):
# a harness error, which proves nothing about the module.

XFLAG=
KO_ARGS=
while [ $# -gt 0 ]; do
	case "$1" in
	# A mutant only has to fail: stop at its first failure, and let no
	# test hang long.
	-x) XFLAG=-x; export SYSGENID_TEST_TIMEOUT=20; shift ;;
	-a) KO_ARGS=$2; shift 2 ;;
	*) break ;;
	esac
done
KO=$1
STRESS=${2:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
SYS=/sys/class/misc/sysgenid
n=0
failed=0

if [ -z "$KO" ] || [ ! -f "$KO" ]; then
	echo "usage: run-suite.sh [-x] [-a 'MODULE ARGS'] MODULE.ko [STRESS_SECONDS]" >&2
	exit 3
fi
case $STRESS in
''|*[!0-9]*) echo "run-suite.sh: STRESS_SECONDS must be a number" >&2; exit 3 ;;
esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/run-suite.XXXXXX") || exit 3
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

# The checks cannot run: say so, and exit 3 rather than 1.
harness_error() {
	echo "1..$n"
	echo "# run-suite: HARNESS ERROR: $*"
	exit 3
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
[ $failed -eq 0 ] || harness_error "build them first: make -C kmod/tests"

[ ! -e /dev/sysgenid ] && [ ! -e /sys/module/sysgenid ]
result $? "no sysgenid device or module before the load"

# Mark the kernel log, so only what follows the load is checked.
MARK="run-suite-$$-$(date +%s)"
echo "$MARK" >/dev/kmsg 2>/dev/null

# shellcheck disable=SC2086
insmod "$KO" $KO_ARGS
rc=$?
result $rc "insmod $KO $KO_ARGS"
[ $rc -eq 0 ] || harness_error "insmod $KO failed"
# For the suite's reloads (rmmod while in use, fresh loads for clients).
export SYSGENID_KO="$KO" SYSGENID_KO_ARGS="$KO_ARGS"
export SYSGENID_UDEV_RULE="$HERE/../udev/60-sysgenid.rules"

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
	rc=$?
	grep -q "^# Totals: .* skip:0 " "$TMP/out.log" || [ $rc -ne 0 ]
	result $? "ABI conformance suite (sysgenid_test), no test skipped"
	[ $rc -eq 0 ]
	result $? "ABI conformance suite (sysgenid_test) passed"

	if [ "$STRESS" -gt 0 ]; then
		# The suite's last test reloaded the module: counts from 0.
		[ "$(cat $SYS/generation)" = 0 ]
		result $? "generation 0 before the stress run (fresh reload)"
		indented "$HERE/sysgenid_stress" "$STRESS" 8
		result $? "stress run, 8 threads and 2 bumpers, $STRESS s (sysgenid_stress)"
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
