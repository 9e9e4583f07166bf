"""A keyless price client that learns the exchange's markets before it reads prices.

Binance, OKX and Bybit name a spot market by a symbol that cannot be split into base and quote
(``BTCUSDT``), so their price clients learnt every market's pair from the exchange first and
kept what they learnt for :data:`MARKETS_MAX_AGE`: a market halted or delisted since must not
be priced at its stale last trade for the host's whole life. :class:`MarketPrices` does it
once. A subclass's protocol has ``markets(sender)`` (symbol -> pair of every market trading
now) and ``prices(sender, markets, symbols)`` (``symbols`` ``None``: every market); a read of
named pairs asks only for the symbols that trade them, and nothing when none does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Final, Protocol

from adapters.kit.client import ExchangeProtocol
from adapters.kit.readers import KeylessClient, OptionsT
from adapters.kit.sender import Sender
from framework.errors import ExchangeError, FolioError
from framework.prices import Pair, Price

__all__ = ["MARKETS_MAX_AGE", "MarketPrices", "MarketsProtocol"]

MARKETS_MAX_AGE: Final = timedelta(minutes=1)
"""How long the markets learnt are trusted before they are learnt again."""


class MarketsProtocol(ExchangeProtocol, Protocol):
    """What :class:`MarketPrices` asks of its protocol."""

    async def markets(self, sender: Sender) -> dict[str, Pair]:
        """Symbol -> pair of every market trading now."""
        ...

    async def prices(
        self, sender: Sender, known: Mapping[str, Pair], symbols: Sequence[str] | None
    ) -> list[Price]:
        """Last prices of ``symbols`` (every market: ``None``)."""
        ...


class MarketPrices(KeylessClient[OptionsT]):
    """Public last prices of the markets learnt from the exchange: a folio ``PriceReader``."""

    protocol: MarketsProtocol
    # Nothing learnt yet; replaced (never changed in place) by each learning.
    _markets: Mapping[str, Pair] = MappingProxyType({})
    _symbols: Mapping[Pair, str] = MappingProxyType({})
    _learnt_at: datetime | None = None
    _learning: asyncio.Lock | None = None

    def _gone(self, error: ExchangeError) -> bool:
        """Whether ``error`` says a named symbol went away: the markets are learnt again."""
        return False

    async def fetch_prices(self, pairs: Collection[Pair] | None = None) -> list[Price]:
        """The last prices of ``pairs`` (every trading market: ``None``); see the module."""
        sender = self.sender()
        try:
            learnt = await self._learn(sender)
            try:
                return await self._read(sender, pairs)
            except ExchangeError as exc:
                if pairs is None or not self._gone(exc):
                    raise
            await self._learn(sender, stale=learnt)  # a named symbol went away since: relearn
            return await self._read(sender, pairs)
        except FolioError as exc:
            raise self._finish(exc) from None

    async def _learn(self, sender: Sender, stale: datetime | None = None) -> datetime:
        """When the markets in use were learnt; learnt now if too old, or learnt at ``stale``."""
        if self._learning is None:  # made on the loop that reads; no await before it is set
            self._learning = asyncio.Lock()
        async with self._learning:  # one read of the markets however many callers wait
            now, learnt = self._now(), self._learnt_at
            if learnt is None or learnt == stale or not now - MARKETS_MAX_AGE < learnt <= now:
                self._markets = await self.protocol.markets(sender)
                self._symbols = {pair: symbol for symbol, pair in self._markets.items()}
                self._learnt_at = learnt = now
            return learnt

    async def _read(self, sender: Sender, pairs: Collection[Pair] | None) -> list[Price]:
        if pairs is None:
            return await self.protocol.prices(sender, self._markets, None)
        symbols = sorted({self._symbols[pair] for pair in pairs if pair in self._symbols})
        if not symbols:
            return []
        return await self.protocol.prices(sender, self._markets, symbols)
