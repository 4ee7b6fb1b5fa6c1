"""Measurements, not tests: speed and memory of the offline check, the pack, and plan growth.

    python -m benchmarks                 # everything (about a minute on 2 cores)
    python -m benchmarks --only check    # one of: check, throughput, replicas

Targets (2-core machine): prod check under 1.5 s median; the full pack at least half the
no-op pack's throughput; plan time linear in the number of replicas.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.fleet import synthetic_fleet
from plan.stack_config import PROJECT_DIR
from preview.analyzer import PolicyPackProcess, load_policy_config
from preview.harness import run_program

NOOP_PACK = Path(__file__).resolve().parent / "noop_pack"


def _child_run(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, largest process of the run) of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {process.returncode}")
    return elapsed, usage.ru_maxrss


def offline_check(runs: int) -> list[str]:
    """`python -m preview --stack S` end to end: interpreter start, program, pack, verdict."""
    lines = ["| stack | median wall (s) | min | max | peak RSS (MiB) |", "|---|---|---|---|---|"]
    for stack in ("dev", "prod"):
        samples = [_child_run([sys.executable, "-m", "preview", "--stack", stack, "--quiet"]) for _ in range(runs)]
        walls = [w for w, _ in samples]
        lines.append(f"| {stack} | {statistics.median(walls):.2f} | {min(walls):.2f} | {max(walls):.2f} | "
                     f"{max(m for _, m in samples) / 1024:.0f} |")
    # Where the time goes: a cold interpreter importing the program's modules.
    # pulumi_aws loads its modules lazily: touch a class of each so they really load.
    touch = ("import pulumi_aws as a, pydantic; a.ec2.Vpc, a.rds.Instance, a.cloudwatch.MetricAlarm, "
             "a.iam.Role, a.sns.Topic, a.kms.Key, a.vpc.SecurityGroupIngressRule, a.secretsmanager.Secret")
    imports = [_child_run([sys.executable, "-c", touch])[0] for _ in range(runs)]
    lines.append(f"\nOf that, a cold interpreter loading the pulumi_aws modules the program uses, and "
                 f"pydantic: {statistics.median(imports):.2f} s median.")
    return lines


def _throughput(pack_dir: Path, fleet, config) -> float:
    with PolicyPackProcess(policy_dir=pack_dir) as pack:
        pack.configure(config)
        pack.analyze_many(fleet[:50])  # warm up both processes
        start = time.perf_counter()
        pack.analyze_many(fleet)
        return len(fleet) / (time.perf_counter() - start)


def throughput(size: int) -> list[str]:
    """Analyze calls per second on a synthetic fleet, the full pack beside a no-op pack."""
    fleet = synthetic_fleet(size)
    full = _throughput(PROJECT_DIR / "policies", fleet, load_policy_config("prod"))
    noop = _throughput(NOOP_PACK, fleet, None)
    return ["| pack | resources/s |", "|---|---|",
            f"| rds-guardrails (39 policies, prod config) | {full:.0f} |",
            f"| no-op (1 policy) | {noop:.0f} |",
            f"\nFull pack at {full / noop:.0%} of the no-op floor on {size} resources "
            f"({len({r.type for r in fleet})} types)."]


def replicas(counts: tuple[int, ...], runs: int) -> list[str]:
    """Plan time (in process, warm) as replicas are added."""
    run_program("prod")  # import everything once; growth, not start-up, is measured
    lines = ["| replicas | resources | median plan (s) |", "|---|---|---|"]
    points = []
    for n in counts:
        overrides = {"replicas": [{"name": f"ro{i}"} for i in range(n)]}
        times, size = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            plan = run_program("prod", overrides)
            times.append(time.perf_counter() - start)
            size = sum(r.custom for r in plan.resources)
        points.append((size, statistics.median(times)))
        lines.append(f"| {n} | {size} | {statistics.median(times):.3f} |")
    slope, intercept = statistics.linear_regression([p[0] for p in points], [p[1] for p in points])
    r = statistics.correlation([p[0] for p in points], [p[1] for p in points])
    lines.append(f"\nLinear fit: {slope * 1000:.2f} ms per resource + {intercept:.3f} s, r² = {r * r:.3f}.")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("check", "throughput", "replicas"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--fleet", type=int, default=3000)
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
    if args.only in (None, "check"):
        print("## Offline check (python -m preview --stack S --quiet)\n")
        print("\n".join(offline_check(args.runs)) + "\n")
    if args.only in (None, "throughput"):
        print("## Policy throughput over the analyzer protocol\n")
        print("\n".join(throughput(args.fleet)) + "\n")
    if args.only in (None, "replicas"):
        print("## Plan time by number of same-region replicas (prod)\n")
        print("\n".join(replicas((0, 1, 2, 4, 8, 15), args.runs)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
