"""Benchmarks of the diffusion model (run on demand; numbers go to docs/performance.md).

    /usr/bin/python3 bench/bench_model.py [--tiersim build/release/tiersim] [--quick]

Measures, with medians of repeated runs:
  - the per-step kernel (choice + clearing + learning) in buyer-months per second at
    1e4..1e7 buyers and 1 and 2 threads: time(months = M + 1) - time(months = 1), so
    initialisation and file writing cancel out;
  - a whole calibrated run (1e5 buyers, 72 months) with no recording and with the
    scenario's country-level recording (recording overhead in %);
  - peak resident memory at 1e7 buyers (bytes per buyer).
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


def run(tiersim, args, out):
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", tiersim, "run", "-q", str(SCENARIO), "-o", out, "--overwrite", *args],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"tiersim failed: {proc.stderr}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return elapsed, rss_kb * 1024


def median_time(tiersim, args, out, repeats):
    return statistics.median(run(tiersim, args, out)[0] for _ in range(repeats))


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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tiersim", default=str(REPO / "build" / "release" / "tiersim"))
    ap.add_argument("--quick", action="store_true", help="fewer sizes and repeats")
    args = ap.parse_args()
    results = {"machine": machine(), "kernel": [], "run": {}}
    tmp = tempfile.mkdtemp(prefix="tiersim-bench-")
    out = os.path.join(tmp, "b.h5")
    sizes = [10_000, 100_000, 1_000_000] + ([] if args.quick else [10_000_000])
    for n in sizes:
        months = 24 if n < 10_000_000 else 6
        repeats = 3 if n < 10_000_000 else 1
        for threads in (1, 2):
            common = ["--set", f"params.scale.buyers_total={n}", "--set", MINIMAL_RECORD, "--threads", str(threads)]
            t1 = median_time(args.tiersim, [*common, "--set", "calendar.months=1"], out, repeats)
            tm = median_time(args.tiersim, [*common, "--set", f"calendar.months={months + 1}"], out, repeats)
            rate = n * months / max(tm - t1, 1e-9)
            results["kernel"].append({"buyers": n, "threads": threads, "months": months,
                                      "seconds_per_month": (tm - t1) / months, "buyer_months_per_s": rate})
            print(f"kernel  buyers={n:>9,}  threads={threads}  {rate:12.3e} buyer-months/s", flush=True)
    plain = median_time(args.tiersim, ["--set", MINIMAL_RECORD, "--threads", "2"], out, 5)
    recorded = median_time(args.tiersim, ["--threads", "2"], out, 5)
    results["run"] = {"buyers": 100_000, "months": 72, "seconds_no_record": plain, "seconds_recorded": recorded,
                      "recording_overhead_pct": 100 * (recorded - plain) / plain}
    print(f"run 1e5 x 72: {plain:.2f} s without recording, {recorded:.2f} s with country-level recording "
          f"({results['run']['recording_overhead_pct']:+.1f}%)")
    if not args.quick:
        _, rss = run(args.tiersim, ["--set", "params.scale.buyers_total=10000000", "--set", MINIMAL_RECORD,
                                    "--set", "calendar.months=2"], out)
        results["memory"] = {"buyers": 10_000_000, "peak_rss_bytes": rss, "bytes_per_buyer": rss / 1e7}
        print(f"peak RSS at 1e7 buyers: {rss / 2**20:.0f} MiB ({rss / 1e7:.0f} bytes/buyer)")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
