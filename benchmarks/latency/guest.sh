#!/bin/sh
# Guest side of benchmarks/run, on the real module. In one guest run, each
# from the same bumper, one after the other:
#   * latency: the C reference reader, then a Java receiver's events()
#     subscriber, then a receiver's handler, each for WARMUP+COUNT bumps
#     (files c-*, events-*, handler-*);
#   * orchestration: bump -> WAIT_WATCHERS returns with 64 C watchers, then
#     with 63 C watchers and one Java receiver, ORCH bumps each (orch64c-*,
#     orch63c1j-*);
#   * idle: core's watcher thread's context switches over IDLE seconds.
# Usage: guest.sh RESULTS_DIR BIN_DIR CLASSPATH WARMUP COUNT IDLE_SECONDS ORCH
set -eu
out=$1 bin=$2 cp=$3 warmup=$4 count=$5 idle=$6 orch=$7
total=$((warmup + count))
java=${JAVA_HOME:-/usr/lib/jvm/default-java}/bin/java
[ -x "$java" ] || java=java
jvm="-XX:+UseSerialGC -Djava.util.logging.config.file=$out/logging.properties"
# The receiver's INFO line per acknowledged generation would cost the JVM a
# console write per bump that the C reader does not make: WARNING and up.
printf 'handlers=java.util.logging.ConsoleHandler\n.level=WARNING\n' >"$out/logging.properties"

await_watchers() {
	i=0
	until [ "$(cat /sys/class/misc/sysgenid/watchers)" = "$1" ]; do
		i=$((i + 1))
		[ $i -lt 1200 ] || { echo "only $(cat /sys/class/misc/sysgenid/watchers) of $1 readers registered" >&2; exit 1; }
		sleep 0.1
	done
}

"$bin/epoll_reader" "$total" >"$out/c-reader.txt" &
await_watchers 1
"$bin/bumper" "$total" 2000 >"$out/c-bumper.txt"
wait

for mode in events handler; do
	$java $jvm -cp "$cp" io.sysgenid.benchmarks.LatencyReader $mode "$total" >"$out/$mode-reader.txt" &
	await_watchers 1
	"$bin/bumper" "$total" 2000 >"$out/$mode-bumper.txt"
	wait
done

# Orchestration: 64 C watchers, then 63 and one Java receiver.
pids=
n=0
while [ $n -lt 63 ]; do
	"$bin/epoll_reader" 0 >/dev/null &
	pids="$pids $!"
	n=$((n + 1))
done
"$bin/epoll_reader" 0 >/dev/null &
last=$!
await_watchers 64
"$bin/bumper" "$orch" 2000 >"$out/orch64c-bumper.txt"
kill $last
wait $last 2>/dev/null || true
await_watchers 63
$java $jvm -cp "$cp" io.sysgenid.benchmarks.LatencyReader events 0 >/dev/null &
last=$!
await_watchers 64
"$bin/bumper" "$orch" 2000 >"$out/orch63c1j-bumper.txt"
kill $last $pids
wait 2>/dev/null || true

$java $jvm -cp "$cp" io.sysgenid.benchmarks.IdleWatcher "$idle" /dev/sysgenid >"$out/idle.txt"
