"""``python -m tests.benchmarks``: every benchmark of issue 5, side by side, in one run.

Starts the simulator in its own process with as many accounts as the largest size, then runs
each measurement in a fresh process (see the modules named below) and prints the tables of
``docs/performance.md``; ``--update-docs`` writes them there, with the plot. The mixed run over
all exchanges (issue 12, :mod:`tests.benchmarks.mixed_run`) follows, against its own simulators;
``--mixed-only`` runs (and writes) that section alone.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from tests.benchmarks.accounts import make_accounts, write_accounts_file
from tests.benchmarks.fanout import CLIENTS
from tests.benchmarks.mixed_report import MIXED_BEGIN, MIXED_END, render_mixed
from tests.benchmarks.mixed_run import run_mixed
from tests.benchmarks.report import plot, render, update_docs
from tests.benchmarks.simproc import SimControl, SimulatorProcess

ROOT = Path(__file__).resolve().parents[2]
LATENCY_MS = 50
WHAT_IFS = {
    "folio+tuned-gc": ("folio", "--tune-gc"),
    "httpx-aiohttp+tuned-gc": ("httpx-aiohttp", "--tune-gc"),
}
"""Fan-out variants: a client run with a flag (docs/performance.md, "Thousands of accounts")."""
LARGEST = {"ccxt": 1000, "httpx": 1000}
"""Clients not run above these sizes: at 1,000 accounts CCXT already needs about 1 GiB and
25 s cold, and naive httpx about 50 s with hundreds of pool time-outs."""
PACKAGES = ("httpx", "httpcore", "anyio", "sniffio", "aiohttp", "ccxt",
            "cattrs", "attrs", "pluggy")


def _log(message: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def _worker(module: str, *args: str, timeout: float = 900) -> dict[str, Any]:
    """Run ``python -m tests.benchmarks.<module> ARGS`` and parse its last line."""
    done = subprocess.run(
        [sys.executable, "-m", f"tests.benchmarks.{module}", *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False,
    )
    if done.returncode != 0:
        msg = f"{module} {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}"
        raise RuntimeError(msg)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        memory_kib = int(meminfo.readline().split()[1])
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": memory_kib / 1024 / 1024,
        "python": f"CPython {platform.python_version()}", "system": platform.platform(),
        "packages": versions, "load_average_at_start": os.getloadavg(),
    }


def _round_trip(url: str, accounts: Path) -> float:
    """Median of 20 warm signed GETs of one balance: the unit of the fan-out table."""
    import httpx  # noqa: PLC0415

    from tests.benchmarks.accounts import read_accounts_file  # noqa: PLC0415
    from tests.benchmarks.raw import RawKey, balance_path  # noqa: PLC0415

    account = read_accounts_file(accounts, 1)[0]
    key = RawKey(account.api_key, account.api_secret)
    times = []
    with httpx.Client(base_url=url) as client:
        for _ in range(25):
            started = time.perf_counter()
            client.get(balance_path(account.account_group), headers=key.headers("balance"))
            times.append(time.perf_counter() - started)
    return statistics.median(times[5:])


def _fan_out(
    args: argparse.Namespace, url: str, accounts: Path, skipped: list[str]
) -> list[dict[str, Any]]:
    """Every client at every size; a what-if that cannot run any more is skipped, not fatal."""
    results = []
    for size in args.sizes:
        for client in args.clients:
            if size > LARGEST.get(client, size):
                skipped.append(f"{client} x {size}: not run above {LARGEST[client]} accounts")
                continue
            _log(f"fan-out: {client} x {size}")
            base, *flags = WHAT_IFS.get(client, (client,))
            try:
                item = _worker(
                    "fanout", "--client", base, *flags, "--accounts", str(accounts),
                    "--count", str(size), "--url", url, "--rounds", str(args.rounds),
                )
            except RuntimeError as exc:
                if "+" not in client:
                    raise
                _log(f"  skipped: {exc}")
                skipped.append(f"{client} x {size}: {str(exc).strip().splitlines()[-1]}")
                continue
            results.append(item)
            _log(f"  warm {statistics.median(item['warm_s']):.3f} s, cold {item['cold_s']:.3f} s,"
                 f" {item['failures']} failures")
    return results


def _cold_start(
    runs: int, url: str, accounts: Path, control: SimControl
) -> dict[str, dict[str, Any]]:
    samples: dict[str, list[dict[str, Any]]] = {"folio": [], "ccxt": []}
    for _ in range(runs):
        for client, runs_of in samples.items():
            control.reset_stats()
            started = time.perf_counter()
            result = _worker("coldstart", client, "--accounts", str(accounts), "--url", url)
            result["process_s"] = time.perf_counter() - started
            stats = control.stats()
            result["requests"] = stats["total"]
            result["routes"] = sorted({entry["route"] for entry in stats["requests"]})
            runs_of.append(result)
    summary = {}
    for client, runs_of in samples.items():
        phases = {name: statistics.median(r["phases_s"][name] for r in runs_of)
                  for name in runs_of[0]["phases_s"]}
        summary[client] = {
            "phases_s": phases,
            "process_s": statistics.median(r["process_s"] for r in runs_of),
            "requests": runs_of[0]["requests"], "routes": runs_of[0]["routes"], "runs": runs,
        }
    return summary


def run(args: argparse.Namespace, command: str) -> dict[str, Any]:
    """Every section, against one simulator process."""
    results: dict[str, Any] = {
        "started": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command, "machine": _machine(), "latency_ms": LATENCY_MS,
        "rounds": args.rounds,
    }
    with tempfile.TemporaryDirectory(prefix="folio-bench-") as folder:
        accounts = Path(folder) / "accounts.json"
        write_accounts_file(accounts, make_accounts(max(args.sizes)))
        with SimulatorProcess(accounts) as simulator:
            control = simulator.control
            _log(f"simulator pid {simulator.pid} at {simulator.url}")
            control.set_latency(LATENCY_MS)
            results["round_trip_s"] = _round_trip(simulator.url, accounts)
            results["skipped"] = []
            results["fanout"] = _fan_out(args, simulator.url, accounts, results["skipped"])
            control.set_latency(0)
            _log("per-call overhead")
            overhead_args = ["--accounts", str(accounts), "--url", simulator.url,
                             "--blocks", str(args.blocks)]
            results["overhead"] = _worker("overhead", *overhead_args)
            results["overhead_sniffio"] = _worker("overhead", *overhead_args, "--sniffio")
            _log("conversion")
            results["conversion"] = _worker("conversion")
            _log("cold start")
            control.set_latency(LATENCY_MS)
            results["coldstart"] = _cold_start(args.cold_runs, simulator.url, accounts, control)
    if args.mixed_sizes:
        results["mixed"] = run_mixed(args.mixed_sizes, args.rounds, _log)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    return results


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def _clients(text: str) -> list[str]:
    names = text.split(",")
    unknown = sorted(set(names) - set(CLIENTS) - set(WHAT_IFS))
    if unknown:
        msg = f"unknown clients {unknown}; known: {sorted(CLIENTS)}"
        raise argparse.ArgumentTypeError(msg)
    return names


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line, run (or reload) the results, print and write them."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--sizes", type=_sizes, default=[100, 300, 1000, 5000],
                        help="account counts of the fan-out (default 100,300,1000,5000)")
    parser.add_argument("--clients", type=_clients, default=[*CLIENTS, *WHAT_IFS],
                        help=f"fan-out clients (default all: {','.join([*CLIENTS, *WHAT_IFS])})")
    parser.add_argument("--rounds", type=int, default=9, help="warm fan-out rounds")
    parser.add_argument("--blocks", type=int, default=15, help="per-call overhead blocks")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh processes per client")
    parser.add_argument("--mixed-sizes", type=_sizes, default=[100, 1000],
                        help="account counts of the mixed run over all exchanges (default "
                        "100,1000; empty: none)")
    parser.add_argument("--mixed-only", action="store_true",
                        help="run (and with --update-docs write) the mixed section only")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: sizes 20,50, mixed 20,40, 2 rounds, 3 blocks, 1 cold run")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--from-json", type=Path, help="report a saved run instead of running")
    parser.add_argument("--update-docs", action="store_true",
                        help="write the tables into docs/performance.md and the plot beside it")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.rounds, args.blocks, args.cold_runs = [20, 50], 2, 3, 1
        args.mixed_sizes = [20, 40]
    command = "python -m tests.benchmarks " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    if args.from_json:
        results = json.loads(args.from_json.read_text(encoding="utf-8"))
    elif args.mixed_only:
        results = {"command": command.strip(), "machine": _machine(),
                   "mixed": run_mixed(args.mixed_sizes, args.rounds, _log)}
    else:
        results = run(args, command.strip())
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    text = render(results) if "fanout" in results else ""
    mixed = render_mixed(results) if "mixed" in results else ""
    sys.stdout.write(text + ("\n### Mixed run over all exchanges\n\n" if text and mixed else "")
                     + mixed)
    if args.update_docs:
        if text:
            update_docs(ROOT / "docs" / "performance.md", text)
            plot(results, ROOT / "docs" / "performance-fanout.png")
        if mixed:
            update_docs(ROOT / "docs" / "performance.md", mixed, begin=MIXED_BEGIN,
                        end=MIXED_END)
        _log("wrote docs/performance.md" + (" and docs/performance-fanout.png" if text else ""))


if __name__ == "__main__":
    main()
