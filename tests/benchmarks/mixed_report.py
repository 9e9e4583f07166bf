"""The mixed run's tables (docs/performance.md, "Mixed run over all exchanges")."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import Any, Final

from tests.benchmarks.report import Result, warm_s

__all__ = ["MIXED_BEGIN", "MIXED_END", "render_mixed"]

MIXED_BEGIN: Final = (
    "<!-- mixed benchmark results: begin (written by python -m tests.benchmarks) -->"
)
MIXED_END: Final = "<!-- mixed benchmark results: end -->"
LABELS: Final = {
    ("folio", "mixed"): "folio, 4 exchanges",
    ("aiohttp", "mixed"): "aiohttp, 4 exchanges",
    ("folio", "ascendex"): "folio, AscendEX only",
    ("aiohttp", "ascendex"): "aiohttp, AscendEX only",
}


def _row(line: list[str]) -> str:
    return "| " + " | ".join(line) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(header), "|" + "|".join("---" for _ in header) + "|", *map(_row, rows)]


def _requests(counts: Mapping[str, int], accounts: int) -> str:
    return f"{sum(counts.values()) / accounts:.1f}" if counts else "-"


def _exact(item: Result) -> str:
    exactness = item["exactness"]
    bad = exactness["wrong"] + exactness["missing"]
    return f"{exactness['checked'] - exactness['wrong']:,}/{exactness['checked']:,}" + (
        f" ({bad:,} off)" if bad else "")


def _ratio(a: Result | None, b: Result | None) -> str:
    if a is None or b is None:
        return "-"
    return f"{warm_s(a) / warm_s(b):.2f} / {a['cold_s'] / b['cold_s']:.2f}"


def render_mixed(results: Result) -> str:
    """The mixed section of one run, in Markdown."""
    mixed: Mapping[str, Any] = results["mixed"]
    machine = results["machine"]
    rows = []
    for item in mixed["runs"]:
        cpu = item["warm_cpu_s"]
        rows.append([
            str(item["accounts"]), LABELS[(item["client"], item["set"])],
            f"{warm_s(item):.3f}", f"{statistics.median(cpu) / item['accounts'] * 1e6:.0f}",
            f"{item['cold_s']:.3f}", _requests(item["cold_requests"], item["accounts"]),
            f"{item['peak_rss_mib'] - item['rss_before_mib']:.0f} / {item['peak_rss_mib']:.0f}",
            str(item["failures"]), _exact(item),
        ])
    by = {(i["accounts"], i["client"], i["set"]): i for i in mixed["runs"]}
    ratios = [
        [str(n), _ratio(by.get((n, "folio", "mixed")), by.get((n, "aiohttp", "mixed"))),
         _ratio(by.get((n, "folio", "mixed")), by.get((n, "folio", "ascendex"))),
         _ratio(by.get((n, "aiohttp", "mixed")), by.get((n, "aiohttp", "ascendex")))]
        for n in sorted({n for n, _, _ in by})
    ]
    lines = [
        f"Run of {mixed['started']}, `{results['command']}`, on {machine['cpu']} "
        f"({machine['cores']} cores), {machine['python']}. Load average (1 min) "
        f"{mixed['load_average'][0]:.2f} at the start, {mixed['load_average'][1]:.2f} at the "
        "end.",
        "",
        f"Warm = median of {mixed['rounds']} rounds on open connections, started at least "
        f"{mixed['round_period_s']:.1f} s apart; cold = the first round (clients created, "
        f"connections opened, AscendEX account groups read). {mixed['latency_ms']} ms latency "
        "on every answer of every simulator.",
        "",
        *_table(["accounts", "run", "warm s", "CPU µs/read", "cold s", "cold req/acct",
                 "memory MiB (growth / peak RSS)", "failures", "amounts exact"], rows),
        "",
        "Ratios of wall time (warm / cold):",
        "",
        *_table(["accounts", "folio ÷ aiohttp, 4 exchanges", "folio: 4 exchanges ÷ AscendEX "
                 "only", "aiohttp: 4 exchanges ÷ AscendEX only"], ratios),
    ]
    return "\n".join(lines) + "\n"
