"""Measurements, not tests: the offline check against Checkov, many stacks, the pack, plan growth.

    make bench                           # everything; builds .venv-bench (Checkov) first
    python -m benchmarks --only checkov  # one of: checkov, stacks, throughput, linear, replicas

Targets, each a ratio measured in one run: the main command (`make preview STACK=prod`) <=
0.33x Checkov's wall time on the reference Terraform, with and without PYTHONDONTWRITEBYTECODE;
the full pack >= 0.7x the no-op pack's
throughput on 5,000 resources, and 50,000 resources in <= 11x the time of 5,000; --all over N
stacks well below N x one stack; plan time linear in the number of replicas.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from benchmarks.checkov import CHECKOV, REFERENCE, versus_checkov
from benchmarks.fleet import synthetic_fleet
from benchmarks.measure import regression_check, target
from benchmarks.stacks import all_stacks
from plan.registration import Registration
from preview.analyzer import PolicyPackProcess, load_policy_config
from preview.harness import run_program

NOOP_PACK = Path(__file__).resolve().parent / "noop_pack"
PACK_FLOOR = 0.7  # the full pack's throughput, at least this share of the no-op pack's


def _rate(pack: PolicyPackProcess, fleet: list[Registration]) -> float:
    start = time.perf_counter()
    pack.analyze_many(fleet)
    return len(fleet) / (time.perf_counter() - start)


def throughput(size: int, rounds: int = 3) -> list[str]:
    """Analyze calls per second on a synthetic fleet, the full pack and a no-op pack in turn."""
    fleet = synthetic_fleet(size)
    with PolicyPackProcess() as full, PolicyPackProcess(policy_dir=NOOP_PACK) as noop:
        full.configure(load_policy_config("prod"))
        noop.configure(None)
        full.analyze_many(fleet[:50]), noop.analyze_many(fleet[:50])  # warm up every process
        pairs = [(_rate(full, fleet), _rate(noop, fleet)) for _ in range(rounds)]
    full_rate, noop_rate = (statistics.median(p[i] for p in pairs) for i in (0, 1))
    ratio = statistics.median(f / n for f, n in pairs)
    return ["| pack | resources/s (median of rounds) |", "|---|---|",
            f"| rds-guardrails (prod config) | {full_rate:.0f} |",
            f"| no-op (1 policy) | {noop_rate:.0f} |",
            f"\nFull pack at {ratio:.2f}x the no-op floor on {size} resources ({len({r.type for r in fleet})} "
            f"types; median of {rounds} back-to-back rounds; target >= {PACK_FLOOR}x: "
            f"{target('pack / no-op pack throughput', ratio, PACK_FLOOR, at_most=False)})."]


def linear(small: int, factor: int, rounds: int = 3) -> list[str]:
    """The full pack on `small` and `factor` x `small` resources, one warm pack: time ratio.

    Each round times the small fleet before and after the big one and divides by their mean,
    so a machine that speeds up or slows down over the half minute of the big fleet (a shared
    runner) moves both sides of the ratio, not one."""
    fleets = (synthetic_fleet(small), synthetic_fleet(small * factor))
    with PolicyPackProcess() as pack:
        pack.configure(load_policy_config("prod"))
        pack.analyze_many(fleets[0][:50])
        rounds_seconds = []
        for _ in range(rounds):
            before, big, after = (len(f) / _rate(pack, f) for f in (fleets[0], fleets[1], fleets[0]))
            rounds_seconds.append(((before + after) / 2, big))
    ratio = statistics.median(big / little for little, big in rounds_seconds)
    return ["| resources | seconds (median of rounds) |", "|---|---|",
            *(f"| {len(f)} | {statistics.median(r[i] for r in rounds_seconds):.1f} |" for i, f in enumerate(fleets)),
            f"\n{small * factor} resources take {ratio:.1f}x the time of {small} (median of {rounds} rounds, "
            f"each {small} before and after {small * factor}; target <= {factor * 1.1:.0f}x: "
            f"{target(f'pack time, {factor}x the resources', ratio, round(factor * 1.1))})."]


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
    lines.append(f"\nLinear fit: {slope * 1000:.2f} ms per resource + {intercept:.3f} s, r² = {r * r:.3f} "
                 f"(target r² >= 0.95: {target('plan time linear in replicas (r²)', r * r, 0.95, at_most=False, unit='')}).")
    return lines


SECTIONS = ("checkov", "stacks", "throughput", "linear", "replicas")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=SECTIONS)
    parser.add_argument("--runs", type=int, default=5, help="counted runs of each command (default 5)")
    parser.add_argument("--fleet", type=int, default=5000, help="resources for the throughput figures")
    parser.add_argument("--stacks", type=int, default=8, help="stacks for the --all figure")
    parser.add_argument("--checkov", type=Path, default=CHECKOV, help="the checkov executable")
    parser.add_argument("--reference", type=Path, default=REFERENCE, help="Terraform directory Checkov scans")
    args = parser.parse_args(argv)
    wanted = [args.only] if args.only else list(SECTIONS)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
    if "checkov" in wanted:
        print("## Offline check of prod beside Checkov on the reference Terraform\n")
        print("\n".join(versus_checkov(args.runs, args.checkov, args.reference)) + "\n", flush=True)
    if "stacks" in wanted:
        print(f"## --all over {args.stacks} stacks (planned in parallel processes)\n")
        print("\n".join(all_stacks(args.stacks, max(3, args.runs // 2))) + "\n", flush=True)
    if "throughput" in wanted:
        print("## Policy throughput over the analyzer protocol\n")
        print("\n".join(throughput(args.fleet)) + "\n", flush=True)
    if "linear" in wanted:
        print("## The full pack from 5,000 to 50,000 resources\n")
        print("\n".join(linear(args.fleet, 10)) + "\n", flush=True)
    if "replicas" in wanted:
        print("## Plan time by number of same-region replicas (prod)\n")
        print("\n".join(replicas((0, 1, 2, 4, 8, 15), args.runs)) + "\n", flush=True)
    lines, code = regression_check()
    print("## Regression check\n\n" + "\n".join(lines), flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
