#!/usr/bin/env python3
"""Benchmark ccsim against the bare event loop (../shared/bench/floor) on the same workloads.

Each program is timed as a whole process (start to exit), best of --runs, alternating the two
so that both see the same machine state; the ratio is what counts. The floor's time for a
workload is its best over every workload that runs it with the same arguments. Beside it, the ratio of
ccsim's simulation alone (run.json's wall_time_s: without process start-up, reports and their
syncs, which the floor has none of) to the floor's whole process. Also checks that ccsim's
peak memory does not grow with the horizon (10x the horizon: at most 1.2x the peak RSS), and
times a day of 10 000 agents on shifts with breaks (about 1 000 000 calls), which has no
counterpart in the floor, with its peak memory; measures the memory of `--calls` when two
million rows pile up behind one open contact; times a merge of 16 shards; and reports the cost of a staffing search
(`ccsim staff` on the default day): plans and replications simulated, and its time.

usage: python3 bench/compare.py [--runs N] [--floor DIR]
"""
import argparse, json, os, re, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = [  # name, scenario, floor arguments (calls/min, talk min, agents, patience min, horizon min)
    ("small", "scenarios/bench/small.toml", ["2", "4", "10", "3", "200000"]),
    ("large", "scenarios/bench/large.toml", ["250", "4", "1000", "3", "20000"]),
    # Inbound as "small", with a predictive campaign on the same agents; its dials count as
    # contacts. The floor has no outbound work: its "small" rate is the yardstick.
    ("blended", "scenarios/bench/blended.toml", ["2", "4", "10", "3", "200000"]),
]


def timed(cmd):
    """Wall seconds and standard output of one run of cmd."""
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - start, out.stdout


def peak_rss(cmd):
    """Peak RSS (KiB) of cmd, by GNU time (a Python child's own figure would include the
    interpreter it was forked from)."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return int(out.stderr.strip().splitlines()[-1])


def ccsim_calls(out_dir):
    """Contacts ccsim simulated: calls offered and blocked, and campaign dials, from
    summary.csv."""
    total = 0.0
    with open(os.path.join(out_dir, "summary.csv")) as f:
        for line in f:
            scope, metric, mean = line.split(",")[:3]
            if (scope == "all" and metric in ("offered", "blocked")) or (
                    scope.startswith("campaign:") and metric == "dials"):
                total += float(mean)
    return total


def simulation_seconds(out_dir):
    """The run's simulation alone (replications and their scratch rows, without start-up,
    reports and syncs), as run.json's wall_time_s gives it."""
    with open(os.path.join(out_dir, "run.json")) as f:
        return json.load(f)["wall_time_s"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--floor", default=os.path.join(ROOT, "..", "shared", "bench", "floor"))
    args = p.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], check=True, cwd=ROOT)
    ccsim = os.path.join(ROOT, "target", "release", "ccsim")
    floor = None
    if os.path.isdir(args.floor):
        target = os.path.join(tempfile.gettempdir(), "ccsim-floor-target")
        subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path",
                        os.path.join(args.floor, "Cargo.toml"), "--target-dir", target], check=True)
        floor = os.path.join(target, "release", "floor")
    else:
        print(f"note: {args.floor} not found; timing ccsim alone")

    tmp = tempfile.mkdtemp(prefix="ccsim-bench-")
    print(f"{'workload':<8} {'ccsim contacts/s':>16} {'floor calls/s':>14} {'ratio':>6} "
          f"{'simulation alone':>17}   (best of {args.runs})")
    # The floor's best time for each of its argument lists, over every workload timed with
    # it: "blended" runs the floor as "small" does, and a slow spell during one workload's
    # runs must not flatter ccsim's ratio on it.
    floor_best = {}
    rows = []
    for name, scenario, floor_args in WORKLOADS:
        out = os.path.join(tmp, name)
        ccsim_cmd = [ccsim, "run", scenario, "--out", out, "--threads", "1"]
        best_c, best_s = float("inf"), float("inf")
        for _ in range(args.runs):
            best_c = min(best_c, timed(ccsim_cmd)[0])
            best_s = min(best_s, simulation_seconds(out))
            if floor:
                t, stdout = timed([floor] + floor_args)
                calls = int(re.search(r"calls=(\d+)", stdout).group(1))
                key = tuple(floor_args)
                floor_best[key] = min(floor_best.get(key, (float("inf"), calls)), (t, calls))
        calls = ccsim_calls(out)
        rows.append((name, calls / best_c, calls / best_s, tuple(floor_args)))
    for name, c_rate, s_rate, key in rows:
        if floor:
            t, calls = floor_best[key]
            f_rate = calls / t
            print(f"{name:<8} {c_rate:>16,.0f} {f_rate:>14,.0f} {c_rate / f_rate:>6.2f} "
                  f"{s_rate / f_rate:>17.2f}")
        else:
            print(f"{name:<8} {c_rate:>16,.0f}")

    # Agents as individuals at scale: 10 000 agents on shifts with breaks, ~1 M calls.
    out = os.path.join(tmp, "shifts")
    cmd = [ccsim, "run", "scenarios/bench/shifts.toml", "--out", out, "--threads", "1"]
    best = min(timed(cmd)[0] for _ in range(args.runs))
    calls = ccsim_calls(out)
    rss = peak_rss(cmd)
    print(f"shifts: {calls:,.0f} calls, 10 000 agents on shifts with breaks: {best:.2f} s "
          f"({calls / best:,.0f} calls/s), peak RSS {rss / 1024:.1f} MiB")

    # `--calls` with rows piled up behind one open contact: memory stays bounded.
    cmd = [ccsim, "run", "scenarios/bench/pile.toml", "--out", os.path.join(tmp, "pile"), "--calls"]
    rss_calls = peak_rss(cmd)
    rss_plain = peak_rss(cmd[:-1])
    print(f"--calls: 2 000 000 rows behind one open contact: peak RSS {rss_calls / 1024:.1f} MiB "
          f"({rss_plain / 1024:.1f} MiB without --calls)")

    # Merging shards: 1 000 replications of the default day from 16 shards.
    shards = [os.path.join(tmp, "shards", str(k)) for k in range(16)]
    for k, d in enumerate(shards):
        subprocess.run([ccsim, "run", "scenarios/default.toml", "--replications", "1000",
                        "--shard", f"{k}/16", "--out", d], check=True, capture_output=True, cwd=ROOT)
    cmd = [ccsim, "merge"] + shards + ["--out", os.path.join(tmp, "merged")]
    best = min(timed(cmd)[0] for _ in range(args.runs))
    print(f"merge: 1 000 replications of the default day from 16 shards: {best:.2f} s, "
          f"peak RSS {peak_rss(cmd) / 1024:.1f} MiB")

    # The staffing search: its cost is replications simulated, and its time.
    cmd = [ccsim, "staff", "scenarios/default.toml", "--target", "service_level=0.8",
           "--out", os.path.join(tmp, "staff")]
    t, stdout = timed(cmd)
    cost = re.search(r"(\d+) plans and (\d+) replications simulated", stdout)
    print(f"staff: the default day for 80 %: {cost.group(1)} plans, {cost.group(2)} replications "
          f"simulated, {t:.1f} s (all cores)")

    # Memory against the horizon: the small workload at 1x and 10x its duration.
    text = open(os.path.join(ROOT, "scenarios/bench/small.toml")).read()
    long_path = os.path.join(tmp, "small-10x.toml")
    with open(long_path, "w") as f:
        f.write(text.replace('duration = "200000m"', 'duration = "2000000m"'))
    rss_1 = peak_rss([ccsim, "run", "scenarios/bench/small.toml", "--out", os.path.join(tmp, "m1"), "--threads", "1"])
    rss_10 = peak_rss([ccsim, "run", long_path, "--out", os.path.join(tmp, "m10"), "--threads", "1"])
    print(f"peak RSS: {rss_1} KiB at 200 000 min, {rss_10} KiB at 2 000 000 min: {rss_10 / rss_1:.2f}x (limit 1.2x)")
    subprocess.run(["rm", "-rf", tmp])
    return 0 if rss_10 <= 1.2 * rss_1 else 1


if __name__ == "__main__":
    sys.exit(main())
