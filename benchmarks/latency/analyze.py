#!/usr/bin/env python3
"""Turns benchmarks/run's raw results into one table of ratios.

Usage: analyze.py RESULTS_DIR WARMUP
"""
import json
import os
import sys


def samples(results, reader, warmup):
    """Bump-to-listener latencies in microseconds, joined on the generation."""
    def load(name):
        with open(os.path.join(results, name)) as f:
            return [tuple(int(x) for x in line.split()) for line in f if line.strip()]
    asked = dict(load(f"{reader}-bumper.txt"))
    seen = load(f"{reader}-reader.txt")
    lat = [(t - asked[g]) / 1000 for g, t in seen if g in asked]
    return sorted(lat[warmup:])


def pct(xs, p):
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    results, warmup = sys.argv[1], int(sys.argv[2])
    rows = []
    jmh = os.path.join(results, "jmh.json")
    if os.path.exists(jmh):
        with open(jmh) as f:
            scores = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"]["score"] for r in json.load(f)}
        ref, ours = scores["volatileField"], scores["currentGeneration"]
        rows.append(("currentGeneration() vs volatile int read (JMH, host)",
                     f"{ours:.2f} ns", f"{ref:.2f} ns", ours / ref, "<= 1.5"))
    if os.path.exists(os.path.join(results, "java-reader.txt")):
        c = samples(results, "c", warmup)
        j = samples(results, "java", warmup)
        for name, p, goal in (("median", 50, "<= 1.3"), ("p99", 99, "<= 2.0")):
            rows.append((f"bump -> listener {name}, Java vs C epoll (guest, n={len(j)})",
                         f"{pct(j, p):.0f} us", f"{pct(c, p):.0f} us", pct(j, p) / pct(c, p), goal))
    idle = os.path.join(results, "idle.txt")
    if os.path.exists(idle):
        with open(idle) as f:
            n = next(int(l.split()[1]) for l in f if l.startswith("idle_context_switches"))
        rows.append(("watcher thread context switches, 10 s idle (guest)", str(n), "0", None, "0"))
    print(f"{'benchmark':<62} {'ours':>10} {'reference':>10} {'ratio':>6}  goal")
    for name, ours, ref, ratio, goal in rows:
        r = f"{ratio:.2f}" if ratio is not None else "-"
        print(f"{name:<62} {ours:>10} {ref:>10} {r:>6}  {goal}")


if __name__ == "__main__":
    main()
