"""Small measuring helpers shared by the benchmark workers: memory, exactness, JSON output."""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import sys
import types
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

__all__ = [
    "Exactness",
    "check_all",
    "emit",
    "install_sniffio_stand_in",
    "peak_rss_mib",
    "rss_mib",
]

MIB: Final = 1024 * 1024
_PAGE: Final = os.sysconf("SC_PAGE_SIZE")

Reading = Mapping[str, tuple[Any, Any]]
"""One account's cash balances as a client returned them: asset -> (total, available)."""


def rss_mib() -> float:
    """Resident memory of this process now."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE / MIB


def peak_rss_mib() -> float:
    """Highest resident memory of this process so far (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _same(got: Any, truth: str) -> bool:
    """Digit for digit: a Decimal must keep the exchange's digits and exponent; a str must be
    the exchange's text; a float (CCXT) is given the benefit of value equality."""
    if isinstance(got, Decimal):
        return got.as_tuple() == Decimal(truth).as_tuple()
    if isinstance(got, str):
        return got == truth
    if isinstance(got, float):
        return Decimal(repr(got)) == Decimal(truth)
    return False


class Exactness:
    """Counts amounts read against the simulator's truth; keeps the first few differences."""

    def __init__(self, keep: int = 3) -> None:
        self.checked = 0
        self.wrong = 0
        self.missing = 0
        self.examples: list[dict[str, str]] = []
        self._keep = keep

    def check(self, account: str, reading: Reading, truth: Mapping[str, tuple[str, str]]) -> None:
        """Compare every amount of one account; an asset not read counts as missing."""
        for asset, expected in truth.items():
            got = reading.get(asset)
            if got is None:
                self.missing += 1
                continue
            for field, value, text in zip(("total", "available"), got, expected, strict=True):
                self.checked += 1
                if not _same(value, text):
                    self.wrong += 1
                    if len(self.examples) < self._keep:
                        self.examples.append({"account": account, "asset": asset,
                                              "field": field, "truth": text, "got": repr(value)})

    def to_json(self) -> dict[str, Any]:
        """JSON form for the worker's report."""
        return {"checked": self.checked, "wrong": self.wrong, "missing": self.missing,
                "examples": self.examples}


def emit(result: Mapping[str, Any]) -> None:
    """Write a worker's result as the last line of its standard output."""
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def check_all(
    exactness: Exactness, names: Sequence[str], outcomes: Sequence[Reading | str],
    truths: Sequence[Mapping[str, tuple[str, str]]],
) -> list[str]:
    """Check every successful outcome; return the errors of the failed ones."""
    errors = []
    for name, outcome, truth in zip(names, outcomes, truths, strict=True):
        if isinstance(outcome, str):
            errors.append(outcome)
        else:
            exactness.check(name, outcome, truth)
    return errors


def install_sniffio_stand_in() -> bool:
    """Make ``import sniffio`` succeed, as installing it would; ``False`` if it already did.

    httpcore 1.0.9 runs ``import sniffio`` four times per request and falls back to asyncio
    when that fails. anyio stopped depending on sniffio in 4.11, so in a fresh environment the
    import fails every time, and Python does not cache failed imports: each one searches
    ``sys.path`` again (encode/httpcore#1103). The stand-in has the one function httpcore
    calls; it measures the effect of adding ``sniffio`` to folio's dependencies.
    """
    if importlib.util.find_spec("sniffio") is not None:
        return False
    stand_in = types.ModuleType("sniffio")
    stand_in.current_async_library = lambda: "asyncio"  # type: ignore[attr-defined]
    sys.modules["sniffio"] = stand_in
    return True
