#!/bin/sh
# Guest side of benchmarks/run: in one guest run, the C reference reader and
# the Java reader each handle WARMUP+COUNT bumps from the same bumper, one
# after the other; then the Java watcher thread is watched idle.
# Usage: guest.sh RESULTS_DIR BIN_DIR CLASSPATH WARMUP COUNT IDLE_SECONDS
set -eu
out=$1 bin=$2 cp=$3 warmup=$4 count=$5 idle=$6
total=$((warmup + count))
java=${JAVA_HOME:-/usr/lib/jvm/default-java}/bin/java
[ -x "$java" ] || java=java

await_watchers() {
	i=0
	until [ "$(cat /sys/class/misc/sysgenid/watchers)" = "$1" ]; do
		i=$((i + 1))
		[ $i -lt 600 ] || { echo "no reader registered" >&2; exit 1; }
		sleep 0.1
	done
}

"$bin/epoll_reader" "$total" >"$out/c-reader.txt" &
await_watchers 1
"$bin/bumper" "$total" 2000 >"$out/c-bumper.txt"
wait

$java -XX:+UseSerialGC -cp "$cp" io.sysgenid.benchmarks.LatencyReader "$total" >"$out/java-reader.txt" &
await_watchers 1
"$bin/bumper" "$total" 2000 >"$out/java-bumper.txt"
wait

$java -XX:+UseSerialGC -cp "$cp" io.sysgenid.benchmarks.IdleWatcher "$idle" /dev/sysgenid >"$out/idle.txt"
