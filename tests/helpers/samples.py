"""Published answers, served over loopback to the kit adapters' real reading path.

The samples under ``tests/<exchange>/samples/`` are the exchanges' documented response examples
and answers captured from the real exchanges by other clients' test data, each cited where a
test uses it (docs/exchanges/*.md, "Documented samples"). :func:`read_with` serves a set of
them, one body per path (the query is not looked at, nor any signature), on a
:class:`~tests.reliability.hostile_server.HostileServer`, and runs one read of account ``main``
through the adapter's client pointed at it: the same sender, envelope reading, wire schemas
and conversion a read of the real exchange goes through. A path without a body answers 404.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Final, TypeVar

from framework.errors import FolioError
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings
from tests.reliability.hostile_server import Exchange, HostileServer, answer
from tests.reliability.three import Kit, client

__all__ = ["ONE_TRY", "Served", "read_with", "sample"]

T = TypeVar("T")
TESTS: Final = Path(__file__).resolve().parents[1]
ONE_TRY: Final = HttpSettings(retry=NO_RETRIES)
Served = Mapping[str, "bytes | tuple[int, bytes]"]
"""Path -> body (HTTP 200), or (status, body)."""


def sample(exchange: Kit, name: str) -> bytes:
    """The bytes of ``tests/<exchange>/samples/<name>``, exactly as stored."""
    return (TESTS / exchange / "samples" / name).read_bytes()


async def _nowhere(_seconds: float) -> None:
    return None


def read_with(
    name: Kit, served: Served, read: Callable[[Any], Awaitable[T]], *, keyless: Any = None,
) -> tuple[T | FolioError, list[str]]:
    """``read(client)`` against ``served``: its result or folio error, and the paths asked.

    ``keyless`` is a price reader class (``OkxPrices``, ``BybitPrices``) to build instead of
    the account's signed client.
    """

    async def routed(exchange: Exchange) -> None:
        path = exchange.seen.target.split("?", 1)[0]
        found = served.get(path)
        status, body = (404, b"") if found is None else (
            found if isinstance(found, tuple) else (200, found))
        exchange.writer.write(answer(status, body))

    async def go(url: str) -> T | FolioError:
        reader = (keyless(base_url=url, account="main", http=ONE_TRY, sleep=_nowhere)
                  if keyless is not None else client(name, url, ONE_TRY, sleep=_nowhere))
        async with reader:
            try:
                return await read(reader)
            except FolioError as exc:
                return exc

    with HostileServer(routed) as server:
        result = asyncio.run(go(server.url))
        paths = [seen.target.split("?", 1)[0] for seen in server.requests]
    return result, paths
