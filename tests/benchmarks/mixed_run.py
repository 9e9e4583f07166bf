"""The mixed section of ``python -m tests.benchmarks``: every run of it, against one process.

Generates the accounts of the largest size (:mod:`tests.benchmarks.mixed_accounts`), starts the
four simulators in a process of their own (:mod:`tests.benchmarks.mixed_sim`) with 50 ms of
latency on every answer, and runs each client over each set at each size in a fresh process
(:mod:`tests.benchmarks.mixed`): folio and the hand-written aiohttp client, over the accounts
spread on four exchanges and over as many on AscendEX alone.
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from tests.benchmarks.mixed import ROUND_PERIOD_S
from tests.benchmarks.mixed_accounts import make_set, write_sets
from tests.benchmarks.mixed_sim import MixedSimulatorProcess

__all__ = ["RUNS", "run_mixed"]

ROOT: Final = Path(__file__).resolve().parents[2]
LATENCY_MS: Final = 50
RUNS: Final = (("folio", "mixed"), ("aiohttp", "mixed"), ("folio", "ascendex"),
               ("aiohttp", "ascendex"))
"""(client, set) of each size, in this order."""


def _worker(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.mixed", *args],
        capture_output=True, text=True, timeout=900, cwd=ROOT, check=False,
    )
    if done.returncode != 0:
        msg = f"mixed {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}"
        raise RuntimeError(msg)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_mixed(sizes: Sequence[int], rounds: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Every client over every set at every size; the results for the report."""
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = os.getloadavg()[0]
    largest = max(sizes)
    runs = []
    with tempfile.TemporaryDirectory(prefix="folio-mixed-") as folder:
        accounts = Path(folder) / "mixed-accounts.json"
        write_sets(accounts, {"mixed": make_set("mixed", largest),
                              "ascendex": make_set("ascendex", largest)})
        with MixedSimulatorProcess(accounts) as simulators:
            log(f"mixed simulators pid {simulators.pid} at {dict(simulators.urls)}")
            simulators.set_latency(LATENCY_MS)
            for size in sizes:
                for client, kind in RUNS:
                    log(f"mixed: {client} over {kind} x {size}")
                    item = _worker(
                        "--client", client, "--set", kind, "--accounts", str(accounts),
                        "--count", str(size), "--urls", json.dumps(dict(simulators.urls)),
                        "--rounds", str(rounds),
                    )
                    runs.append(item)
                    log(f"  warm {statistics.median(item['warm_s']):.3f} s, cold "
                        f"{item['cold_s']:.3f} s, {item['failures']} failures, "
                        f"{item['exactness']['wrong'] + item['exactness']['missing']} off")
    return {
        "started": started, "sizes": list(sizes), "rounds": rounds, "latency_ms": LATENCY_MS,
        "round_period_s": ROUND_PERIOD_S, "load_average": [load_before, os.getloadavg()[0]],
        "runs": runs,
    }
