"""How the host reads price books: one reader per exchange and base URL, one read at a time.

Prices are public and the same for every account on one exchange server, so a host with a
thousand accounts on one exchange must not read the ticker a thousand times. :class:`PriceBooks`
keeps one :class:`framework.prices.PriceReader` per ``(exchange, base_url)`` and lets every
concurrent caller of a group await the same read; a later call reads again (a book is a moment,
not a cache). What the plugin returns is checked here, so a wrong answer is a typed
:class:`framework.errors.PluginContractError` instead of a wrong valuation
(docs/host-api.md, "Valuation").
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from typing import Final

from framework.errors import FolioError, PluginContractError
from framework.prices import Pair, Price, PriceReader
from framework.providers import AccountContext
from framework.valuation import PriceBook

__all__ = ["PriceBooks", "checked_prices"]

GroupKey = tuple[str, str | None]
"""``(exchange, base_url)``; ``None`` is the plugin's default server."""

_MAX_SHOWN: Final = 3


def _contract(exchange: str, what: str, endpoint: str | None = None) -> PluginContractError:
    # Names, pairs and types only: a plugin's objects may hold anything.
    msg = f"the {exchange} plugin's price reader {what} (a plugin bug)"
    return PluginContractError(msg, exchange=exchange, endpoint=endpoint)


def checked_prices(
    result: object, exchange: str, pairs: Collection[Pair] | None = None
) -> tuple[Price, ...]:
    """``result`` of ``fetch_prices`` if it keeps :class:`framework.prices.PriceReader`'s promise.

    A sequence of :class:`Price` of ``exchange``, each pair at most once and, when ``pairs``
    were asked for, only those. Anything else is a :class:`PluginContractError` naming the
    exchange and, where a price says it, the endpoint: a book built from it would value
    holdings with a price of another market, or with one of two contradicting prices.
    """
    if not isinstance(result, Sequence) or isinstance(result, str | bytes):
        raise _contract(exchange, f"returned {type(result).__name__}, not a sequence of Price")
    asked = None if pairs is None else frozenset(pairs)
    seen: set[Pair] = set()
    for item in result:
        if not isinstance(item, Price):
            raise _contract(exchange, f"returned a {type(item).__name__} among its prices")
        if item.exchange != exchange:
            what = f"returned a price of exchange {item.exchange!r}"
            raise _contract(exchange, what, item.source)
        if item.pair in seen:
            raise _contract(exchange, f"returned {item.pair} more than once", item.source)
        if asked is not None and item.pair not in asked:
            raise _contract(exchange, f"returned {item.pair}, which was not asked for", item.source)
        seen.add(item.pair)
    return tuple(result)


def _for_caller(error: FolioError, context: AccountContext) -> FolioError:
    """A copy of a shared read's error, located at the caller's account.

    One read serves every account of a group, so its one exception object must not be
    relocated in place: each caller gets its own copy naming its own account.
    """
    copied = type(error).__new__(type(error))
    copied.__dict__.update(error.__dict__)
    copied.args = error.args
    copied.exchange = error.exchange or context.account.exchange
    copied.account = context.account.name
    return copied


def _retrieve(task: asyncio.Task[PriceBook]) -> None:
    """Mark a shared read's outcome as seen: every caller may have gone (cancelled)."""
    if not task.cancelled():
        task.exception()


class PriceBooks:
    """One price reader per ``(exchange, base_url)``; concurrent reads of a group are shared.

    ``build`` makes a group's reader from the context of the first account that asks (only
    its ``base_url`` and HTTP settings are used, never its credentials), and reports a failure
    as a located folio error.
    """

    def __init__(self, build: Callable[[AccountContext], PriceReader]) -> None:
        self._build = build
        self._readers: dict[GroupKey, PriceReader] = {}
        self._reading: dict[GroupKey, asyncio.Task[PriceBook]] = {}

    def reader(self, context: AccountContext) -> PriceReader:
        """The group's reader, built on first use."""
        key = (context.account.exchange, context.account.base_url)
        reader = self._readers.get(key)
        if reader is None:
            reader = self._build(context)
            self._readers[key] = reader
        return reader

    async def read(self, context: AccountContext) -> PriceBook:
        """Every price of the account's exchange at its base URL, read now or joined.

        A folio error of the shared read reaches each caller as its own copy, located at the
        caller's account; other exceptions go on as they are, for the host to classify.
        Cancelling one caller does not cancel the read the others wait for.
        """
        key = (context.account.exchange, context.account.base_url)
        task = self._reading.get(key)
        if task is None:
            reader = self.reader(context)
            task = asyncio.get_running_loop().create_task(
                self._read_book(reader, context.account.exchange)
            )
            task.add_done_callback(_retrieve)
            task.add_done_callback(lambda done: self._finished(key, done))
            self._reading[key] = task
        try:
            return await asyncio.shield(task)
        except FolioError as exc:
            raise _for_caller(exc, context) from exc

    def _finished(self, key: GroupKey, task: asyncio.Task[PriceBook]) -> None:
        if self._reading.get(key) is task:
            del self._reading[key]

    @staticmethod
    async def _read_book(reader: PriceReader, exchange: str) -> PriceBook:
        result = await reader.fetch_prices(None)
        prices = checked_prices(result, exchange)
        return PriceBook(exchange, prices, datetime.now(UTC))

    def close(self) -> None:
        """Forget the readers (their accounts' resources close them) and stop open reads."""
        for task in self._reading.values():
            task.cancel()
        self._reading.clear()
        self._readers.clear()
