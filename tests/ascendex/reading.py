"""One AscendEX read through the client, answered by a stand-in, for tests of what it means.

The client (adapters/ascendex/client.py) reads on an ``httpx.MockTransport`` that gives every
request the same answer: a wrong-group or clock-skew code makes it ask once more (GET info, GET
exchange-info), and that request gets the same answer, as a broken exchange would give. No
retries: what an answer means is under test, not the sender's recovery
(tests/adapters/test_sender.py). The path is the production one, errors finished as a host
gets them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TypeVar

import httpx

from adapters.ascendex.client import AsyncAscendexClient
from adapters.ascendex.options import AscendexOptions
from framework.credentials import Credentials
from framework.errors import FolioError
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings

__all__ = ["read_once"]

T = TypeVar("T")
_CREDENTIALS = Credentials.from_strings("test-key", "test-secret")
_SETTINGS = HttpSettings(retry=NO_RETRIES)


def read_once(
    read: Callable[[AsyncAscendexClient], Awaitable[T]],
    body: bytes,
    *,
    now: datetime,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> T | FolioError:
    """``read(client)`` against an exchange that answers ``body`` to everything; or its error."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=dict(headers or {}), content=body)

    async def run() -> T | FolioError:
        async with AsyncAscendexClient(
            _CREDENTIALS, base_url="https://ascendex.test", account="main",
            options=AscendexOptions(account_group=6), http=_SETTINGS,
            transport=httpx.MockTransport(answer), now=lambda: now,
        ) as client:
            try:
                return await read(client)
            except FolioError as exc:
                return exc

    return asyncio.run(run())


