"""Benchmark: whole-process time and peak memory of the offline plan, per shipped stack.

Each figure is the median of several runs of a fresh `python` process, printed beside the
floor — `python -c "import pulumi"`, measured in the same run — as a ratio, so the
numbers mean something on any machine. Run: `make bench` or
`.venv/bin/python benchmarks/plan_bench.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.offline.stack_files import stack_names  # noqa: E402


def measure(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one run of `command`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def median_of(command: list[str], runs: int) -> tuple[float, int]:
    results = [measure(command) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    floor_time, floor_rss = median_of([sys.executable, "-c", "import pulumi"], args.runs)
    print(f"{'what':<32} {'median s':>9} {'x floor':>8} {'peak MiB':>9}")
    print(f"{'floor: import pulumi':<32} {floor_time:>9.3f} {1.0:>8.2f} {floor_rss / 1024:>9.1f}")
    for stack in stack_names(ROOT):
        elapsed, rss = median_of([sys.executable, "-m", "infra.plan", "--stack", stack, "--json"], args.runs)
        print(f"{'plan --stack ' + stack:<32} {elapsed:>9.3f} {elapsed / floor_time:>8.2f} {rss / 1024:>9.1f}")
    print(f"({args.runs} runs each, Python {sys.version.split()[0]}, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
