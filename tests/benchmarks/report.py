"""Turn one run's results into the Markdown tables of docs/performance.md and the plot."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

__all__ = ["DOCS_BEGIN", "DOCS_END", "plot", "render", "update_docs"]

DOCS_BEGIN: Final = "<!-- benchmark results: begin (written by python -m tests.benchmarks) -->"
DOCS_END: Final = "<!-- benchmark results: end -->"

Result = Mapping[str, Any]
Check = Callable[[], tuple[str, bool | None]]
"""A goal's measured value and whether it is met (``None``: not measured in this run)."""


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def warm_s(result: Result) -> float:
    """The median warm round of one fan-out result."""
    return float(statistics.median(result["warm_s"]))


def _ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "-"


def _exact(result: Result) -> str:
    exactness = result["exactness"]
    bad = exactness["wrong"] + exactness["missing"]
    return f"{exactness['checked'] - exactness['wrong']:,}/{exactness['checked']:,}" + (
        "" if not bad else f" ({bad:,} off)"
    )


def _fan_out(results: Result) -> list[str]:
    rt = results["round_trip_s"]
    rows = []
    for item in results["fanout"]:
        growth = item["peak_rss_mib"] - item["rss_before_mib"]
        cpu = item.get("warm_cpu_s")
        rows.append([
            str(item["accounts"]), item["client"],
            f"{warm_s(item):.3f}", f"{warm_s(item) / rt:.1f}",
            f"{statistics.median(cpu) / item['accounts'] * 1e6:.0f}" if cpu else "-",
            f"{item['cold_s']:.3f}", f"{item['cold_s'] / rt:.1f}",
            f"{item['cold_traffic']['requests'] / item['accounts']:.0f}",
            f"{growth:.0f} / {item['peak_rss_mib']:.0f}",
            str(item["failures"]), _exact(item),
        ])
    return _table(
        ["accounts", "client", "warm s", "warm RT", "CPU µs/read", "cold s", "cold RT",
         "cold req/acct",
         "memory MiB (growth / peak RSS)", "failures", "amounts exact"], rows,
    )


def _by(results: Result) -> dict[tuple[int, str], Result]:
    return {(item["accounts"], item["client"]): item for item in results["fanout"]}


def _fan_out_ratios(results: Result) -> list[str]:
    by = _by(results)
    sizes = sorted({n for n, _ in by})
    others = [c for c in ("httpx-aiohttp", "httpx-aiohttp+tuned-gc", "httpx", "ccxt", "aiohttp")
              if any((n, c) in by for n in sizes)]

    def ours(other: str) -> str:
        # Like for like: a client with tuned GC is compared with folio with tuned GC.
        return "folio+tuned-gc" if other.endswith("+tuned-gc") else "folio"

    rows = []
    for n in sizes:
        row = [str(n)]
        for other in others:
            folio, item = by.get((n, ours(other))), by.get((n, other))
            row.append("-" if folio is None or item is None else (
                f"{_ratio(warm_s(folio), warm_s(item))} / {_ratio(folio['cold_s'], item['cold_s'])}"
            ))
        rows.append(row)
    return [
        "Ratios, folio's wall time divided by each other client's (above 1: folio is slower):",
        "", *_table(["accounts", *[f"{ours(c)} ÷ {c} (warm / cold)" for c in others]], rows),
    ]


def _overhead(results: Result) -> list[str]:
    lines: list[str] = []
    runs = [("as installed", results.get("overhead")),
            ("with sniffio importable (what-if)", results.get("overhead_sniffio"))]
    rows = []
    for label, run in runs:
        if run is None:
            continue
        us = run["us"]
        rows.append([
            label,
            f"{us['raw async']:.0f}", f"{us['folio async']:.0f}",
            _ratio(us["folio async"], us["raw async"]),
            f"{us['raw sync']:.0f}", f"{us['folio sync']:.0f}",
            _ratio(us["folio sync"], us["raw sync"]),
            f"{us['adapter async']:.0f}", _ratio(us["adapter async"], us["raw async"]),
            f"{us['ccxt async']:.0f}", _ratio(us["ccxt async"], us["raw async"]),
            f"{us['ccxt sync']:.0f}", _ratio(us["ccxt sync"], us["raw sync"]),
        ])
    lines += _table(
        ["environment", "raw async µs", "folio async µs", "ratio", "raw sync µs",
         "folio sync µs", "ratio", "adapter async µs", "ratio", "ccxt async µs", "÷ raw async",
         "ccxt sync µs", "÷ raw sync"], rows,
    )
    return lines


def _conversion(results: Result) -> list[str]:
    run = results["conversion"]
    us = run["us"]
    return _table(
        ["assets", "folio µs", "hand-written µs", "ratio", "amounts exact (folio)"],
        [[f"{run['assets']:,}", f"{us['folio']:.0f}", f"{us['hand-written']:.0f}",
          _ratio(us["folio"], us["hand-written"]),
          _exact({"exactness": run["exactness"]["folio"]})]],
    )


def _coldstart(results: Result) -> list[str]:
    rows = []
    for client, run in results["coldstart"].items():
        phases = run["phases_s"]
        rows.append([
            client,
            f"{phases['import'] * 1000:.0f}",
            f"{(phases.get('discover') or phases.get('create') or 0) * 1000:.0f}",
            f"{phases['first balance'] * 1000:.0f}",
            f"{run['process_s'] * 1000:.0f}",
            str(run["requests"]), ", ".join(run["routes"]),
        ])
    return _table(["client", "import ms", "discover / create ms", "first balance ms",
                   "whole process ms", "requests", "routes"], rows)


def _at_most(ratio: float, goal: float) -> Check:
    return lambda: (f"{ratio:.2f}", ratio <= goal)


def _goals(results: Result) -> list[str]:
    by = _by(results)
    checks: list[tuple[str, Check]] = []

    def fan(n: int, test: Callable[[Result], tuple[str, bool | None]]) -> Check:
        return lambda: test(by[(n, "folio")]) if (n, "folio") in by else ("not run", None)

    def versus(
        n: int, other: str, goal: float, cold: bool = False, ours: str = "folio"
    ) -> Check:
        def check() -> tuple[str, bool | None]:
            folio, theirs = by.get((n, ours)), by.get((n, other))
            if folio is None or theirs is None:
                return "not run", None
            ratio = folio["cold_s"] / theirs["cold_s"] if cold else warm_s(folio) / warm_s(theirs)
            return f"{ratio:.2f}", ratio <= goal

        return check

    for n in (1000, 5000):
        checks.append((f"{n:,} accounts warm <= 1.25 x bare httpx-aiohttp",
                       versus(n, "httpx-aiohttp", 1.25)))
        checks.append((f"{n:,} accounts warm <= 1.25 x bare httpx-aiohttp, both with tuned GC",
                       versus(n, "httpx-aiohttp+tuned-gc", 1.25, ours="folio+tuned-gc")))
    checks.append(("1,000 accounts warm <= 1.10 x CCXT", versus(1000, "ccxt", 1.10)))
    checks.append(("1,000 accounts cold < 0.1 x CCXT", versus(1000, "ccxt", 0.1, cold=True)))
    checks.append(("1,000 accounts warm < 1 s, zero failures", fan(
        1000, lambda r: (f"{warm_s(r):.3f} s, {r['failures']} failures",
                         warm_s(r) < 1 and r["failures"] == 0))))
    checks.append(("memory < 100 MiB at 1,000 (peak RSS)", fan(
        1000, lambda r: (f"{r['peak_rss_mib']:.0f} MiB", r["peak_rss_mib"] < 100))))
    overhead = results["overhead"]["us"]
    for mode in ("async", "sync"):
        checks.append((f"per-call overhead {mode} <= 1.15",
                       _at_most(overhead[f"folio {mode}"] / overhead[f"raw {mode}"], 1.15)))
    conversion = results["conversion"]["us"]
    checks.append(("conversion <= 1.5",
                   _at_most(conversion["folio"] / conversion["hand-written"], 1.5)))
    imported = results["coldstart"]["folio"]["phases_s"]["import"]
    checks.append(("import framework + plugin < 150 ms",
                   lambda: (f"{imported * 1000:.0f} ms", imported < 0.150)))
    rows = []
    for goal, check in checks:
        value, met = check()
        rows.append([goal, value, "-" if met is None else "met" if met else "**missed**"])
    return _table(["goal", "measured", ""], rows)


def render(results: Result) -> str:
    """Every table of one run, in Markdown."""
    machine = results["machine"]
    out = [
        f"Run of {results['started']}, `{results['command']}`, on {machine['cpu']} "
        f"({machine['cores']} cores, {machine['memory_gib']:.0f} GiB, {machine['system']}), "
        f"{machine['python']}; "
        + ", ".join(f"{name} {version}" for name, version in machine["packages"].items()) + ". "
        f"Load average (1 min) {machine['load_average_at_start'][0]:.2f} at the start, "
        f"{machine['load_average_at_end'][0]:.2f} at the end (other processes share the "
        "machine: compare within a run).",
        "",
        f"One round trip (RT) = one warm signed GET with the injected {results['latency_ms']} ms "
        f"latency = **{results['round_trip_s'] * 1000:.1f} ms**.",
        "",
        "### Goals", "", *_goals(results), "",
        "### 1. Fan-out (cash balances of every account, 50 ms latency)", "",
        f"Warm = median of {results['rounds']} rounds on open connections; cold = first round "
        "(clients created, connections opened, account groups and CCXT's markets loaded).", "",
        *_fan_out(results), "", *_fan_out_ratios(results), "",
        *[f"Skipped: {line}" for line in results.get("skipped", [])],
        "### 2. Per-call overhead (one cash balance, no latency, median µs per call)", "",
        *_overhead(results), "",
        "### 3. Conversion of a 1,000-asset balance answer (median µs)", "",
        *_conversion(results), "",
        "### 4. Cold start to the first balance (fresh process, 50 ms latency, median)", "",
        *_coldstart(results), "",
        "### 5. Exactness", "",
        *_exactness(results),
    ]
    return "\n".join(out) + "\n"


def _exactness(results: Result) -> list[str]:
    lines = []
    totals: dict[str, list[int]] = {}
    for item in results["fanout"]:
        checked, wrong = totals.setdefault(item["client"], [0, 0])
        totals[item["client"]] = [checked + item["exactness"]["checked"],
                                  wrong + item["exactness"]["wrong"] + item["exactness"]["missing"]]
    lines += _table(["client", "amounts checked (all fan-out rounds)", "not digit for digit"],
                    [[c, f"{n:,}", f"{w:,}"] for c, (n, w) in totals.items()])
    examples = [e for item in results["fanout"] if item["client"] == "ccxt"
                for e in item["exactness"]["examples"]]
    if examples:
        lines += ["", "CCXT returns floats; examples from this run (the simulator's text, then "
                  "CCXT's value):", ""]
        seen: set[str] = set()
        for example in examples:
            if example["truth"] in seen or len(seen) == 3:
                continue
            seen.add(example["truth"])
            lines.append(f"* {example['asset']} {example['field']}: `{example['truth']}` "
                         f"became `{example['got']}`")
    return lines


def update_docs(path: Path, text: str, *, begin: str = DOCS_BEGIN, end: str = DOCS_END) -> None:
    """Replace the block between the result markers of ``path`` with ``text``."""
    document = path.read_text(encoding="utf-8")
    head, found, rest = document.partition(begin)
    _, found_end, tail = rest.partition(end)
    if not (found and found_end):
        msg = f"{path} has no {begin!r} ... {end!r} block"
        raise ValueError(msg)
    path.write_text(f"{head}{begin}\n{text}{end}{tail}", encoding="utf-8")


STYLES: Final = {
    "folio": ("tab:blue", "o"),
    "httpx": ("tab:red", "s"), "httpx-aiohttp": ("tab:purple", "v"),
    "folio+tuned-gc": ("tab:cyan", "o"), "httpx-aiohttp+tuned-gc": ("tab:pink", "v"),
    "aiohttp": ("tab:green", "D"), "ccxt": ("tab:orange", "P"),
}


def plot(results: Result, path: Path) -> None:
    """Wall time against accounts for every client, warm and cold, on a log scale."""
    import matplotlib as mpl  # noqa: PLC0415

    mpl.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    figure, (warm_axis, cold_axis) = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
    clients = list(dict.fromkeys(item["client"] for item in results["fanout"]))
    for client in clients:
        items = sorted((i for i in results["fanout"] if i["client"] == client),
                       key=lambda i: i["accounts"])
        color, marker = STYLES.get(client, ("black", "x"))
        sizes = [i["accounts"] for i in items]
        warm_axis.plot(sizes, [warm_s(i) for i in items], marker=marker, color=color,
                       label=client)
        cold_axis.plot(sizes, [i["cold_s"] for i in items], marker=marker, color=color,
                       label=client)
    rt = results["round_trip_s"]
    for axis, title in ((warm_axis, "warm (connections open)"), (cold_axis, "cold (first read)")):
        axis.set_yscale("log")
        axis.axhline(1.0, color="grey", linestyle="--", linewidth=0.8)
        axis.text(0.01, 1.05, "1 s", color="grey", fontsize=8,
                  transform=axis.get_yaxis_transform())
        axis.axhline(rt, color="grey", linestyle=":", linewidth=0.8)
        axis.set_xlabel("accounts")
        axis.set_title(title)
        axis.grid(visible=True, which="both", alpha=0.3)
    warm_axis.set_ylabel(f"wall time, s (log; dotted: one {rt * 1000:.0f} ms round trip)")
    warm_axis.legend()
    figure.suptitle("Fan-out: every account's cash balances, 50 ms injected latency")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
