"""Content digests of every scenario and of the reduced headline sweep: the proof that a
change which claims not to alter results does not.

    digests.py record [--bin B] [-o FILE]     digests with binary B (default build/release/tiersim)
    digests.py check  [--bin B] [--golden F]  compare with the committed tests/regression/digests.json
    digests.py compare REV [--bin B]          build REV in a temporary worktree (Release) and compare
                                              its digests with those of B, side by side

What is digested: `tiersim digest` (SHA-256 of a result file's data, provenance such as host,
time and thread count excluded) of every scenario in configs/scenarios/ and every reference
model config in configs/reference/ at two seeds, each
run at 1 and at 2 threads, and of configs/sweeps/headline_reduced.yaml. A run at 1 thread
and the same run at 2 threads must have the same digest; `check` and `compare` fail
otherwise.

After an intended change of the model's numbers, rewrite the committed file in the same
commit and say so: `digests.py record -o tests/regression/digests.json`.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "regression" / "digests.json"
SEEDS = (1, 2)
THREADS = (1, 2)
SWEEP = "configs/sweeps/headline_reduced.yaml"


def scenarios(repo):
    """Config paths relative to configs/: the diffusion scenarios and the reference models."""
    found = [f"scenarios/{p.stem}" for p in (repo / "configs" / "scenarios").glob("*.yaml") if p.stem != "base"]
    found += [f"reference/{p.stem}" for p in (repo / "configs" / "reference").glob("*.yaml")]
    return sorted(found)


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        sys.exit(f"digests: {' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def digest(binary, path):
    return run([binary, "digest", str(path)]).split()[0]


def one_run(binary, repo, scenario, seed, threads, tmp):
    out = Path(tmp) / f"{scenario.replace('/', '_')}_{seed}_{threads}.h5"
    run([binary, "run", "-q", str(repo / "configs" / f"{scenario}.yaml"), "--seed", str(seed),
         "--threads", str(threads), "-o", str(out)])
    d = digest(binary, out)
    out.unlink()
    return d


def record(binary, repo=REPO, jobs=1):
    """{name: digest} for every scenario x seed (threads must agree) and the sweep."""
    binary = str(Path(binary).resolve())
    result = {}
    with tempfile.TemporaryDirectory(prefix="tiersim-digests-") as tmp:
        tasks = [(s, seed, t) for s in scenarios(repo) for seed in SEEDS for t in THREADS]
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {task: pool.submit(one_run, binary, repo, *task, tmp) for task in tasks}
            got = {task: f.result() for task, f in futures.items()}
        for s in scenarios(repo):
            for seed in SEEDS:
                by_threads = {got[(s, seed, t)] for t in THREADS}
                if len(by_threads) != 1:
                    sys.exit(f"digests: {s} seed {seed} differs between 1 and 2 threads")
                result[f"{s}/seed{seed}"] = by_threads.pop()
        out = Path(tmp) / "sweep.h5"
        run([binary, "sweep", "-q", str(repo / SWEEP), "-o", str(out)])
        result["sweep/" + Path(SWEEP).stem] = digest(binary, out)
    return result


def differences(expected, got):
    lines = []
    for name in sorted(set(expected) | set(got)):
        a, b = expected.get(name, "(missing)"), got.get(name, "(missing)")
        if a != b:
            lines.append(f"  {name}: {a[:16]} -> {b[:16]}")
    return lines


def build_revision(rev, where):
    run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(where), rev])
    run(["cmake", "--preset", "release"], cwd=where)
    run(["cmake", "--build", "--preset", "release", "-j", str(os.cpu_count() or 2)], cwd=where)
    return where / "build" / "release" / "tiersim"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("record", "check", "compare"):
        p = sub.add_parser(name)
        p.add_argument("--bin", default=str(REPO / "build" / "release" / "tiersim"))
        p.add_argument("-j", "--jobs", type=int, default=1, help="runs at once (default 1)")
        if name == "record":
            p.add_argument("-o", "--output", help="write JSON here (default: stdout)")
        if name == "check":
            p.add_argument("--golden", default=str(GOLDEN))
        if name == "compare":
            p.add_argument("rev", help="git revision to build and compare against")
    args = ap.parse_args()
    if not Path(args.bin).exists():
        sys.exit(f"digests: no binary at {args.bin}; build it first (cmake --preset release && "
                 "cmake --build --preset release)")

    if args.cmd == "record":
        text = json.dumps(record(args.bin, jobs=args.jobs), indent=1, sort_keys=True) + "\n"
        if args.output:
            Path(args.output).write_text(text)
        else:
            sys.stdout.write(text)
        return 0
    if args.cmd == "check":
        expected = json.loads(Path(args.golden).read_text())
        got = record(args.bin, jobs=args.jobs)
    else:
        where = Path(tempfile.mkdtemp(prefix="tiersim-baseline-"))
        try:
            print(f"building {args.rev} in {where} ...", file=sys.stderr)
            base_bin = build_revision(args.rev, where)
            expected = record(base_bin, repo=where, jobs=args.jobs)
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(where)], capture_output=True)
            shutil.rmtree(where, ignore_errors=True)
        got = record(args.bin, jobs=args.jobs)
    diff = differences(expected, got)
    if diff:
        print(f"digests differ in {len(diff)} of {len(set(expected) | set(got))} cases:")
        print("\n".join(diff))
        return 1
    print(f"all {len(got)} digests identical ({len(SEEDS)} seeds x {len(THREADS)} thread counts per scenario, "
          "and the reduced headline sweep)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
