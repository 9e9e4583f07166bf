"""Cold start to the first balance, in a fresh interpreter: ``folio`` or ``ccxt``.

::

    python -m tests.benchmarks.coldstart folio --accounts FILE --url URL

Imports only the standard library before its clock starts, then times each phase and prints
one JSON line. folio: ``import`` (the host API and the AscendEX plugin module, which pulls in
the adapter, httpx, attrs and cattrs), ``discover`` (``Plugins()``: scan the ``folio`` entry
points and register the plugin), ``first balance`` (``Folio.balances``: the account group is
read with ``GET info``, then the cash balance). CCXT: ``import`` (``ccxt.async_support``),
``create`` (the exchange instance), ``first balance`` (``fetch_balance``, which loads markets
and accounts first). The parent also times the whole process, interpreter start included, and
counts the HTTP requests on the simulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _first_account(path: Path) -> dict[str, Any]:
    first: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["accounts"][0]
    return first


class Phases(dict[str, float]):
    """Seconds per named phase."""

    @contextlib.contextmanager
    def timed(self, name: str) -> Iterator[None]:
        """Time the body of a ``with`` block as phase ``name``."""
        started = time.perf_counter()
        yield
        self[name] = time.perf_counter() - started


async def _folio(account: dict[str, Any], url: str) -> Phases:
    phases = Phases()
    with phases.timed("import"):
        import plugins.ascendex  # noqa: F401, PLC0415
        from framework.config import AccountConfig, StaticCredentials  # noqa: PLC0415
        from framework.credentials import Credentials  # noqa: PLC0415
        from framework.host import Folio, Plugins  # noqa: PLC0415
        from framework.models import WalletKind  # noqa: PLC0415
    with phases.timed("discover"):
        plugins_ = Plugins()
    with phases.timed("first balance"):
        credentials = Credentials.from_strings(account["api_key"], account["api_secret"])
        config = AccountConfig(name="cold", exchange="ascendex", base_url=url,
                               credentials=StaticCredentials(credentials))
        async with Folio([config], plugins=plugins_) as folio:
            snapshot = await folio.balances("cold", WalletKind.CASH)
    assert len(snapshot) == len(account["cash"])
    return phases


async def _ccxt(account: dict[str, Any], url: str) -> Phases:
    phases = Phases()
    with phases.timed("import"):
        import ccxt.async_support as ccxt  # noqa: PLC0415
    with phases.timed("create"):
        exchange = ccxt.ascendex({"apiKey": account["api_key"], "secret": account["api_secret"],
                                  "enableRateLimit": False})
        exchange.urls["api"]["rest"] = url
    try:
        with phases.timed("first balance"):
            balance = await exchange.fetch_balance()
    finally:
        await exchange.close()
    assert len(balance["total"]) == len(account["cash"])
    return phases


def main(argv: list[str] | None = None) -> None:
    """``coldstart.py {folio,ccxt} --accounts FILE --url URL``: print the phases as JSON."""
    args = sys.argv[1:] if argv is None else argv
    client, accounts, url = args[0], Path(args[2]), args[4]
    account = _first_account(accounts)
    run = _folio if client == "folio" else _ccxt
    phases = asyncio.run(run(account, url))
    sys.stdout.write(json.dumps({"client": client, "phases_s": phases}) + "\n")


if __name__ == "__main__":
    main()
