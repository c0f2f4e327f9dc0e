"""Benchmarks of the diffusion model (run on demand; numbers go to docs/performance.md).

    /usr/bin/python3 bench/bench_model.py [--tiersim build/release/tiersim] [--quick]
    /usr/bin/python3 bench/bench_model.py --kernel-only --baseline OLD_BINARY \\
        [--sizes 100000,1000000] [--threads 1] [--repeats 5]

Measures, with medians of repeated runs:
  - the per-step kernel (choice + clearing + learning) in buyer-months per second at
    1e4..1e7 buyers and 1 and 2 threads: time(months = M + 1) - time(months = 1), so
    initialisation and file writing cancel out; wall time and CPU time (user + system of
    the process) are both reported;
  - a whole calibrated run (1e5 buyers, 72 months) with no recording and with the
    scenario's country-level recording (recording overhead in %);
  - peak resident memory at 1e7 buyers (bytes per buyer).

With --baseline, every kernel measurement is taken for both binaries, alternating run by
run (A, B, A, B, ...), so that both see the same machine load; the ratio candidate /
baseline of the median rates is reported. The 1-minute load average is read before and
after; numbers that start with a load above 0.3 per core are flagged: on a shared machine
they mean little.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "configs" / "scenarios" / "diffusion_rule.yaml"
# An empty record list means "record everything"; recording one scalar is the minimum.
MINIMAL_RECORD = "record=[{variable: rule_in_force}]"
LOAD_LIMIT_PER_CORE = 0.3


def run(tiersim, args, out):
    """(wall seconds, CPU seconds, peak RSS bytes) of one `tiersim run`."""
    cmd = [tiersim, "run", "-q", str(SCENARIO), "-o", out, "--overwrite", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"tiersim failed ({proc.returncode}): {err}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def load():
    return os.getloadavg()[0]


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version()}


def kernel(binaries, n, threads, months, repeats, out):
    """Median kernel rates (wall and CPU based) per binary, runs alternating between them."""
    common = ["--set", f"params.scale.buyers_total={n}", "--set", MINIMAL_RECORD, "--threads", str(threads)]
    samples = {b: {"wall": [], "cpu": []} for b in binaries}
    for _ in range(repeats):
        for b in binaries:
            w1, c1, _ = run(b, [*common, "--set", "calendar.months=1"], out)
            wm, cm, _ = run(b, [*common, "--set", f"calendar.months={months + 1}"], out)
            samples[b]["wall"].append(n * months / max(wm - w1, 1e-9))
            samples[b]["cpu"].append(n * months / max(cm - c1, 1e-9))
    return {b: {k: statistics.median(v) for k, v in s.items()} for b, s in samples.items()}


def kernel_section(args, out, results):
    binaries = [args.tiersim] + ([args.baseline] if args.baseline else [])
    sizes = [int(float(s)) for s in args.sizes.split(",")] if args.sizes else (
        [10_000, 100_000, 1_000_000] + ([] if args.quick else [10_000_000]))
    threads_list = [int(t) for t in args.threads.split(",")]
    for n in sizes:
        months = 24 if n < 10_000_000 else 6
        repeats = args.repeats or (3 if n < 10_000_000 else 1)
        for threads in threads_list:
            before = load()
            rates = kernel(binaries, n, threads, months, repeats, out)
            after = load()
            # The load after includes the benchmark's own runs; what other processes were doing
            # shows in the load before.
            busy = before > LOAD_LIMIT_PER_CORE * (os.cpu_count() or 1)
            row = {"buyers": n, "threads": threads, "months": months, "repeats": repeats,
                   "load_before": before, "load_after": after, "under_load": busy,
                   "buyer_months_per_s": rates[args.tiersim]["wall"],
                   "buyer_months_per_cpu_s": rates[args.tiersim]["cpu"]}
            line = (f"kernel  buyers={n:>9,}  threads={threads}  {row['buyer_months_per_s']:10.3e}/s wall "
                    f"{row['buyer_months_per_cpu_s']:10.3e}/s cpu")
            if args.baseline:
                base = rates[args.baseline]
                row["baseline_buyer_months_per_s"] = base["wall"]
                row["baseline_buyer_months_per_cpu_s"] = base["cpu"]
                row["ratio_wall"] = row["buyer_months_per_s"] / base["wall"]
                row["ratio_cpu"] = row["buyer_months_per_cpu_s"] / base["cpu"]
                line += f"  | baseline {base['wall']:10.3e} wall {base['cpu']:10.3e} cpu  ratio {row['ratio_wall']:.3f} wall {row['ratio_cpu']:.3f} cpu"
            line += f"  load {before:.2f}->{after:.2f}" + ("  UNDER LOAD" if busy else "")
            print(line, flush=True)
            results["kernel"].append(row)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiersim", default=str(REPO / "build" / "release" / "tiersim"))
    ap.add_argument("--baseline", help="another tiersim binary, measured side by side")
    ap.add_argument("--quick", action="store_true", help="fewer sizes and repeats")
    ap.add_argument("--kernel-only", action="store_true", help="only the kernel rates")
    ap.add_argument("--sizes", help="comma-separated buyer counts (default 1e4,1e5,1e6[,1e7])")
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    ap.add_argument("--repeats", type=int, help="runs per measurement (default 3; 1 at 1e7 buyers)")
    args = ap.parse_args()
    results = {"machine": machine(), "kernel": [], "run": {}}
    tmp = tempfile.mkdtemp(prefix="tiersim-bench-")
    out = os.path.join(tmp, "b.h5")
    kernel_section(args, out, results)
    if not args.kernel_only:
        plain = statistics.median(run(args.tiersim, ["--set", MINIMAL_RECORD, "--threads", "2"], out)[0]
                                  for _ in range(5))
        recorded = statistics.median(run(args.tiersim, ["--threads", "2"], out)[0] for _ in range(5))
        results["run"] = {"buyers": 100_000, "months": 72, "seconds_no_record": plain, "seconds_recorded": recorded,
                          "recording_overhead_pct": 100 * (recorded - plain) / plain}
        print(f"run 1e5 x 72: {plain:.2f} s without recording, {recorded:.2f} s with country-level recording "
              f"({results['run']['recording_overhead_pct']:+.1f}%)")
    if not args.kernel_only and not args.quick:
        _, _, rss = run(args.tiersim, ["--set", "params.scale.buyers_total=10000000", "--set", MINIMAL_RECORD,
                                       "--set", "calendar.months=2"], out)
        results["memory"] = {"buyers": 10_000_000, "peak_rss_bytes": rss, "bytes_per_buyer": rss / 1e7}
        print(f"peak RSS at 1e7 buyers: {rss / 2**20:.0f} MiB ({rss / 1e7:.0f} bytes/buyer)")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
