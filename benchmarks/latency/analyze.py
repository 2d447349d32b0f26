#!/usr/bin/env python3
"""Turns benchmarks/run's raw results into one table: every figure next to a
reference measured in the same run, its goal, and MET or MISSED.

Usage: analyze.py RESULTS_DIR HOST_WARMUP GUEST_WARMUP SECONDS MODE
"""
import json
import math
import os
import platform
import re
import subprocess
import sys
import time

ROWS = []


def row(name, ours, ref, ratio, goal, met):
    ROWS.append((name, ours, ref, "-" if ratio is None else f"{ratio:.2f}x", goal,
                 "-" if met is None else ("MET" if met else "MISSED")))


def pct(xs, p):
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def lines(path):
    with open(path) as f:
        return [[int(x) for x in line.split()] for line in f if line.strip()]


def us(x):
    return f"{x:.1f} us" if x < 1000 else f"{x / 1000:.2f} ms"


def latency_rows(where, java, c, n, goals):
    """Median and p99 rows of two sorted latency lists (microseconds)."""
    for label, p, goal in (("median", 50, goals[0]), ("p99", 99, goals[1])):
        a, b = pct(java, p), pct(c, p)
        ratio = a / b
        row(f"{where} {label} (n={n})", us(a), us(b), ratio,
            f"<= {goal}x" if goal else "report", (ratio <= goal) if goal else None)


def host(results, warmup):
    def lat(name):
        xs = [(seen - asked) / 1000 for asked, seen in lines(os.path.join(results, f"host-{name}.txt"))]
        return sorted(xs[warmup:])
    if not os.path.exists(os.path.join(results, "host-c.txt")):
        return
    c = lat("c")
    latency_rows("host: bump -> events() onNext vs C epoll reader,", lat("events"), c, len(c), (1.2, 1.5))
    latency_rows("host: bump -> handler starts vs C epoll reader,", lat("handler"), c, len(c), (1.2, 1.5))
    if os.path.exists(os.path.join(results, "host-listener.txt")):
        latency_rows("host: bump -> core listener (no Reactor) vs C epoll reader,", lat("listener"), c, len(c),
                     (None, None))
    path = os.path.join(results, "host-cpu.txt")
    if os.path.exists(path):
        with open(path) as f:
            cpu = dict((k, int(v)) for k, v in (l.split() for l in f if l.strip()))
        for phase, what in (("events", "events()"), ("handler", "handler"), ("listener", "core listener")):
            if phase in cpu and "c" in cpu:
                row(f"host: CPU per generation of the reading thread, {what} vs C reader (why the guest ratios"
                    " are larger)", us(cpu[phase] / 1000), us(cpu["c"] / 1000), cpu[phase] / cpu["c"], "report", None)


def guest(results, warmup):
    def lat(name):
        asked = {g: a for g, a, *_ in lines(os.path.join(results, f"{name}-bumper.txt"))}
        xs = [(seen - asked[g]) / 1000 for g, seen, *_ in lines(os.path.join(results, f"{name}-reader.txt"))
              if g in asked]
        return sorted(xs[warmup:])
    if not os.path.exists(os.path.join(results, "handler-reader.txt")):
        return
    c = lat("c")
    latency_rows("guest: bump -> events() onNext vs C epoll reader,", lat("events"), c, len(c), (None, None))
    latency_rows("guest: bump -> handler starts vs C epoll reader,", lat("handler"), c, len(c), (None, None))

    def orch(name):
        return sorted((w - a) / 1000 for g, a, w in lines(os.path.join(results, f"{name}-bumper.txt")))
    c64, mixed = orch("orch64c"), orch("orch63c1j")
    for label, p, goal in (("median", 50, 1.5), ("p99", 99, None)):
        a, b = pct(mixed, p), pct(c64, p)
        row(f"guest: bump -> WAIT_WATCHERS returns, 63 C + 1 Java vs 64 C, {label} (n={len(c64)})",
            us(a), us(b), a / b, f"<= {goal}x" if goal else "report", (a / b <= goal) if goal else None)
    with open(os.path.join(results, "idle.txt")) as f:
        n = next(int(l.split()[1]) for l in f if l.startswith("idle_context_switches"))
    row("guest: core watcher thread wake-ups, idle", str(n), "0", None, "0", n == 0)


def snapshot(results):
    log = os.path.join(results, "snapshot.log")
    if not os.path.exists(log):
        return
    acked, times = {}, {}
    with open(log) as f:
        for line in f:
            m = re.match(r"\[clone (\d+)\].*SYSGENID-GUEST-ACKED gen=(\d+) ns=(\d+)", line)
            if m:
                acked[m[1]] = int(m[3])
            m = re.match(r"\[clone (\d+)\].*SYSGENID-GUEST-TIMES last_change_ns=(\d+) c_watcher=(\d+) (\d+) (\d+)",
                         line)
            if m:
                times[m[1]] = (int(m[2]), int(m[5]))
    for clone in sorted(times):
        changed, c_ack = times[clone]
        if clone not in acked:
            row(f"guest: restore -> safe, Spring app vs C watcher, clone {clone}", "no ack time", "-", None,
                "<= 1.5x", False)
            continue
        j, c = (acked[clone] - changed) / 1000, (c_ack - changed) / 1000
        row(f"guest: restore -> safe (last_change_ns -> ack), Spring app vs C watcher, clone {clone}",
            us(j), us(c), j / c, "<= 1.5x", j / c <= 1.5)


def jmh(results):
    path = os.path.join(results, "jmh.json")
    if os.path.exists(path):
        with open(path) as f:
            scores = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(f)}
        ours, ref = scores["currentGeneration"], scores["volatileField"]
        ratio = ours["score"] / ref["score"]
        row("host: currentGeneration() vs a volatile int read (JMH)",
            f"{ours['score']:.3f} ns", f"{ref['score']:.3f} ns", ratio, "<= 1.2x", ratio <= 1.2)
    path = os.path.join(results, "alloc.json")
    if os.path.exists(path):
        with open(path) as f:
            r = json.load(f)[0]
        norm = r["secondaryMetrics"]["gc.alloc.rate.norm"]["score"]
        row("host: allocation per handled generation, whole process (JMH -prof gc)",
            f"{norm:.0f} B", "-", None, "report", None)
    path = os.path.join(results, "context.json")
    if os.path.exists(path):
        with open(path) as f:
            runs = {r["params"]["starter"]: r["primaryMetric"] for r in json.load(f)}
        w, wo = runs["with"], runs["without"]
        diff = w["score"] - wo["score"]
        err = math.hypot(w["scoreError"], wo["scoreError"])
        # MET only if the whole error bar is under the goal.
        row("host: Spring Boot context start, with vs without the starter: the difference (JMH, 99.9% CI)",
            f"{w['score']:.1f} ± {w['scoreError']:.1f} ms ({diff:+.1f} ± {err:.1f} ms)",
            f"{wo['score']:.1f} ± {wo['scoreError']:.1f} ms", w["score"] / wo["score"], "<= +10 ms", diff + err <= 10)


def cold(results):
    path = os.path.join(results, "cold.txt")
    if not os.path.exists(path):
        return
    first, later = {"true": [], "false": []}, []
    with open(path) as f:
        for line in f:
            m = re.match(r"warm-up=(\w+) (first|later) (\d+)", line)
            if m and m[2] == "first":
                first[m[1]].append(int(m[3]) / 1000)
            elif m and m[1] == "true":
                later.append(int(m[3]) / 1000)
    on, off = sorted(first["true"]), sorted(first["false"])
    if on and off:
        row(f"host: Spring app's first change, bump -> ack, starter's warm-up on vs off, median of {len(on)} starts",
            us(pct(on, 50)), us(pct(off, 50)), pct(on, 50) / pct(off, 50), "report", None)
    if later:
        later.sort()
        row(f"host: Spring app's later changes, bump -> ack, median (n={len(later)}) vs its first change",
            us(pct(later, 50)), us(pct(on, 50)), pct(later, 50) / pct(on, 50), "report", None)


def footprint(results):
    path = os.path.join(results, "footprint.txt")
    if not os.path.exists(path):
        return
    with open(path) as f:
        v = dict((k, int(x)) for k, x in (l.split() for l in f if l.strip()))
    for n in ("1", "1000"):
        row(f"host: threads added by a receiver with {n} subscriber(s)", str(v[f"threads_{n}"]), "-", None, "1",
            v[f"threads_{n}"] == 1)
    row("host: fds added by a receiver with 1 subscriber (vs the C reader's device + epoll)", str(v["fds_1"]), "2",
        v["fds_1"] / 2, "report", None)
    row("host: fds added with 1000 subscribers vs with 1", str(v["fds_1000"]), str(v["fds_1"]), None,
        "no more", v["fds_1000"] == v["fds_1"])
    row("host: watcher thread stack size", f"{v['stack_kib']} KiB", "-", None, "report", None)
    row("host: watcher thread wake-ups, idle", str(v["idle_switches"]), "0", None, "0", v["idle_switches"] == 0)
    row("host: heap retained after a burst of bumps, all handled", f"{v['retained_bytes'] / 1024:.1f} KiB", "-",
        None, "report", None)
    row("host: bytes the watcher thread allocates per handled generation", str(v["watcher_bytes_per_generation"]),
        "-", None, "report", None)


def header(results, seconds, mode):
    def first(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, shell=True).stdout.strip().splitlines()[0]
        except (IndexError, OSError):
            return "?"
    cpu = first("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-").strip()
    jdk = first("java -version 2>&1 | sed -n 2p")
    load = [open(os.path.join(results, f"uptime-{w}.txt")).read().strip().split("load average:")[-1].strip()
            for w in ("before", "after") if os.path.exists(os.path.join(results, f"uptime-{w}.txt"))]
    print("# benchmarks/run results" + (" (--quick: small counts, not for reading)" if mode == "quick" else ""))
    print()
    print(f"* date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {seconds} s")
    print(f"* machine: {cpu}, {os.cpu_count()} CPUs, Linux {platform.release()}")
    print(f"* JDK: {jdk}")
    if load:
        print(f"* load average (1, 5, 15 min) before: {load[0]}; after: {load[-1]}")
    print("* guest: QEMU TCG (software emulation), Debian's 6.1 kernel, the module; absolute times there are"
          " inflated, the ratios are what to read")
    print()


def main():
    results, host_warmup, guest_warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    seconds, mode = sys.argv[4] if len(sys.argv) > 4 else "?", sys.argv[5] if len(sys.argv) > 5 else "full"
    host(results, host_warmup)
    footprint(results)
    cold(results)
    jmh(results)
    guest(results, guest_warmup)
    snapshot(results)
    header(results, seconds, mode)
    heads = ("figure", "ours", "reference", "ratio", "goal", "")
    print("| " + " | ".join(heads) + " |")
    print("|" + "---|" * len(heads))
    for r in ROWS:
        print("| " + " | ".join(r) + " |")
    missed = sum(1 for r in ROWS if r[5] == "MISSED")
    print()
    print(f"{sum(1 for r in ROWS if r[5] == 'MET')} goals met, {missed} missed, "
          f"{sum(1 for r in ROWS if r[5] == '-')} figures reported without a goal")
    print()
    print("What the profiles showed for each missed goal, what was fixed and what is left:"
          " [PROFILES.md](PROFILES.md).")


if __name__ == "__main__":
    main()
