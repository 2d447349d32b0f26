#!/bin/sh
# Guest side of scripts/guest-java-snapshot: busybox sh, run by vmrun in
# /payload (the initramfs) with the module already loaded.
#
# Starts the Java program (java @java.args) and prints VMRUN-SNAPSHOT-READY
# once it printed SYSGENID-GUEST-READY and the kernel counts a watcher. The
# rest runs once in every clone restored from the snapshot: the generation
# must have moved by exactly one, the program must print
# SYSGENID-GUEST-HANDLED gen=<that generation>, and the kernel must see its
# acknowledgement (outdated_watchers 0) while it still watches; then it is
# sent SIGTERM and must exit 0 (or 143, by that signal).

sys=/sys/class/misc/sysgenid
# Bounds in the guest's time; a JVM takes tens of seconds to start under TCG.
READY_SECONDS=300
HANDLED_SECONDS=120
ACK_SECONDS=30
EXIT_SECONDS=30

state() {
	echo "generation $(cat $sys/generation), watchers $(cat $sys/watchers)," \
		"outdated $(cat $sys/outdated_watchers)"
}

fail() {
	echo "not ok - $* [$(state)]"
	if [ -f java.log ]; then
		echo "# the program's output:"
		sed 's/^/#   /' java.log
	fi
	for f in hs_err_pid*.log; do
		[ -f "$f" ] && sed -n '1,20s/^/#   /p' "$f"
	done
	[ -z "${pid:-}" ] || kill -9 "$pid" 2>/dev/null
	exit 1
}

# Alive, not a zombie (kill -0 succeeds for one), and not being reaped:
# a status that cannot be read counts as gone.
running() {
	grep -q '^State:[[:space:]]*[^ZX[:space:]]' /proc/$pid/status 2>/dev/null
}

# await SECONDS WHAT COMMAND...: poll COMMAND until it succeeds, failing
# after SECONDS or as soon as the program exits.
await() {
	seconds=$1
	what=$2
	shift 2
	since=$(date +%s)
	until "$@"; do
		if ! running; then
			wait $pid
			fail "$main exited $? while waiting for $what"
		fi
		[ $(($(date +%s) - since)) -lt "$seconds" ] || fail "no $what within $seconds s"
		sleep 0.1
	done
	waited=$(($(date +%s) - since))
}

parties=1
ready() { grep -q '^SYSGENID-GUEST-READY' java.log && [ "$(cat $sys/watchers)" -ge $parties ]; }
moved() { [ "$(cat $sys/generation)" != "$start" ]; }
handled() { grep -q "^SYSGENID-GUEST-HANDLED gen=$next\$" java.log; }
acked() { [ "$(cat $sys/outdated_watchers)" = 0 ] && [ "$(cat $sys/watchers)" -ge 1 ]; }

[ -c /dev/sysgenid ] || fail "/dev/sysgenid is missing: the module did not load"
# The initramfs has a static busybox only: put the runtime's dynamic loader
# and shared libraries where its ELF headers look for them.
cp -a sysroot/. / || fail "cannot install the runtime's shared libraries"
# Loopback and a hosts file, for programs that bind or resolve localhost.
ifconfig lo 127.0.0.1 up 2>/dev/null
[ -f /etc/hosts ] || { mkdir -p /etc && echo "127.0.0.1 localhost $(hostname)" >/etc/hosts; }

main=$(cat main-class.txt)
start=$(cat $sys/generation)
next=$(((start + 1) & 0xffffffff))
if [ -x c-watcher ]; then
	# A C watcher in the same clone, for the restore-to-safe comparison.
	./c-watcher 1 >c-watcher.log 2>/dev/null &
	c_pid=$!
	parties=2
fi
./jre/bin/java @java.args >java.log 2>&1 &
pid=$!

# A snapshot before the kernel counts the program as a watcher would prove
# nothing.
await $READY_SECONDS "SYSGENID-GUEST-READY with a watcher counted" ready
echo "ok - $main ready in about $waited s, watching at generation $start ($(cat $sys/watchers) watcher(s))"
echo VMRUN-SNAPSHOT-READY

# From here on, each clone runs its own copy of what follows. Until vmrun
# stops the VM, the original waits here, with the program, for a generation
# change that only a clone sees.
await $HANDLED_SECONDS "new generation (the VM restored from the snapshot)" moved
gen=$(cat $sys/generation)
[ "$gen" = "$next" ] || fail "the generation is $gen after the restore, expected $next"
await $HANDLED_SECONDS "SYSGENID-GUEST-HANDLED gen=$next" handled
echo "ok - the restore moved the generation $start -> $gen and $main handled it (in about $waited s)"
# Checked while the program still watches: a closed file is no watcher, so
# a count of 0 after it exits would prove nothing.
await $ACK_SECONDS "acknowledgement (outdated_watchers 0, watchers >= 1)" acked
echo "ok - the kernel has its acknowledgement [$(state)]"
if [ -x c-watcher ]; then
	wait "$c_pid"
	echo "SYSGENID-GUEST-TIMES last_change_ns=$(cat $sys/last_change_ns 2>/dev/null) c_watcher=$(cat c-watcher.log)"
fi

# wait gives the exit status; a watchdog bounds it.
kill -TERM $pid
(sleep $EXIT_SECONDS && kill -9 $pid) 2>/dev/null &
dog=$!
wait $pid
rc=$?
kill $dog 2>/dev/null
[ $rc -ne 137 ] || fail "$main did not exit within $EXIT_SECONDS s of SIGTERM (killed)"
sed 's/^/# /' java.log
# 143: the JVM's status when SIGTERM ends it.
[ $rc -eq 0 ] || [ $rc -eq 143 ] || fail "$main exited $rc on SIGTERM"
echo "ok - $main exited $rc on SIGTERM"
