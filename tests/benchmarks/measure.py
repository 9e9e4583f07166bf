"""Small measuring helpers shared by the benchmark workers: memory, exactness, JSON output,
and what every fan-out worker's clients have in common (:class:`BenchClient`, folio's host API
as a client, the aiohttp floor's session)."""

from __future__ import annotations

import abc
import asyncio
import importlib.util
import json
import os
import resource
import sys
import types
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Final, Generic, TypeVar

__all__ = [
    "BenchClient",
    "Exactness",
    "FolioClient",
    "Outcome",
    "aiohttp_session",
    "check_all",
    "emit",
    "failure",
    "gather_outcomes",
    "install_sniffio_stand_in",
    "peak_rss_mib",
    "rss_mib",
]

MIB: Final = 1024 * 1024
_PAGE: Final = os.sysconf("SC_PAGE_SIZE")

Reading = Mapping[str, tuple[Any, Any]]
"""One account's cash balances as a client returned them: asset -> (total, available)."""
Outcome = Reading | str
"""One account's balances, or a one-line description of its failure."""
AccountT = TypeVar("AccountT")
WhereT = TypeVar("WhereT")


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


def failure(exc: BaseException) -> str:
    """The one-line description of a failed read that a worker reports."""
    return f"{type(exc).__name__}: {exc}"[:200]


async def gather_outcomes(reads: Iterable[Coroutine[Any, Any, Reading]]) -> list[Outcome]:
    """The naive fan-out: ``asyncio.gather`` of every read; failures become descriptions."""
    results = await asyncio.gather(*reads, return_exceptions=True)
    return [failure(r) if isinstance(r, BaseException) else r for r in results]


class BenchClient(abc.ABC, Generic[AccountT, WhereT]):
    """One way of reading every account of a worker (``WhereT``: the simulator's URL, or one
    per exchange); :meth:`read_all` is what is timed."""

    label: ClassVar[str]
    modules: ClassVar[tuple[str, ...]] = ()
    """Imported before the memory baseline is taken: imports are not the fan-out's cost."""

    @abc.abstractmethod
    async def open(self, accounts: Sequence[AccountT], where: WhereT, /) -> None:
        """Create whatever the client needs, without network traffic if it can."""

    @abc.abstractmethod
    async def read_all(self) -> list[Outcome]:
        """Read every account's cash balances concurrently, in account order."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release every connection."""


class FolioClient(BenchClient[AccountT, WhereT]):
    """folio's host API, as an application uses it: ``Folio.all_balances(WalletKind.CASH)``
    over the accounts :meth:`open` configures with :meth:`configure`."""

    label = "folio"

    def configure(self, accounts: Iterable[tuple[str, str, str, str, str | None, str,
                                                 Mapping[str, Any]]]) -> None:
        """One folio account per ``(name, exchange, key, secret, passphrase, base_url,
        options)``, default settings otherwise."""
        from framework.config import AccountConfig, StaticCredentials  # noqa: PLC0415
        from framework.credentials import Credentials  # noqa: PLC0415
        from framework.host import Folio  # noqa: PLC0415

        self.folio = Folio([
            AccountConfig(name=name, exchange=exchange, base_url=url, options=options,
                          credentials=StaticCredentials(
                              Credentials.from_strings(key, secret, passphrase)))
            for name, exchange, key, secret, passphrase, url, options in accounts
        ])

    async def read_all(self) -> list[Outcome]:
        from framework.models import WalletKind  # noqa: PLC0415

        fan_out = await self.folio.all_balances(WalletKind.CASH)
        return [
            {row.asset: (row.total, row.available) for row in result.value}
            if result.value is not None else failure(result.error or RuntimeError())
            for result in fan_out
        ]

    async def close(self) -> None:
        await self.folio.aclose()


def aiohttp_session() -> Any:
    """The floor's ``aiohttp.ClientSession``: no connection limit, a 60 s timeout."""
    import aiohttp  # noqa: PLC0415

    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                 timeout=aiohttp.ClientTimeout(total=60))
