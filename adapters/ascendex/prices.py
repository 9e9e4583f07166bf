"""AscendEX public prices: a keyless client that reads the spot tickers on the one path.

``AscendexPrices`` is a :class:`framework.prices.PriceReader`. It is the public sibling of
:class:`~adapters.ascendex.client.AsyncAscendexClient`: the same protocol, sender, deadline,
retries, bounded body and error finishing (exchange, account, endpoint), but it holds no
credentials and signs nothing, so an account whose keys are missing still has its holdings
valued (framework/hookspecs.py, ``PriceProvider``). :func:`public_prices` builds it from an
account's context the way :func:`adapters.kit.client.account_client` builds the signed client,
without ever calling ``context.credentials()``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from adapters.ascendex.convert import EXCHANGE
from adapters.ascendex.options import DEFAULT_BASE_URL, AscendexOptions
from adapters.ascendex.protocol import AscendexProtocol
from adapters.kit.client import account_client
from adapters.kit.clock import ServerClock
from adapters.kit.ratelimit import RateLimit, Scope, SlidingWindowLimiter, shared_limiter
from adapters.kit.readers import KeylessClient
from framework.errors import FolioError
from framework.prices import Pair, Price
from framework.providers import AccountContext

__all__ = ["AscendexPrices", "public_prices"]


class AscendexPrices(KeylessClient[AscendexOptions]):
    """Reads AscendEX's public spot prices for one account's base URL (no keys)."""

    exchange, default_url, options_type = EXCHANGE, DEFAULT_BASE_URL, AscendexOptions
    protocol: AscendexProtocol

    def _protocol(
        self, *, base_url: str, account: str, options: AscendexOptions, clock: ServerClock,
        now: Callable[[], datetime],
    ) -> AscendexProtocol:
        limiters: tuple[SlidingWindowLimiter, ...] = ()
        if options.host_rate_limit:  # a key's limit has no key here; the host's still holds
            rule = RateLimit(options.host_rate_limit, 1.0, Scope.HOST)
            limiters = (shared_limiter(EXCHANGE, rule, urlsplit(base_url).netloc.lower()),)
        return AscendexProtocol(base_url=base_url, account=account, options=options,
                                auth=None, limiters=limiters, now=now, clock=clock)

    async def fetch_prices(self, pairs: Collection[Pair] | None = None) -> Sequence[Price]:
        """The last price of ``pairs`` (every listed pair for ``None``); unlisted ones left out.

        One request whatever is asked (:meth:`AscendexProtocol.tickers` says why); an empty
        ``pairs`` asks for nothing and sends nothing.
        """
        if pairs is not None and not pairs:
            return ()
        sender = self.sender()
        try:
            every = await self.protocol.tickers(sender)
        except FolioError as exc:
            raise self._finish(exc) from None
        if pairs is None:
            return every
        wanted = frozenset(pairs)
        return [price for price in every if price.pair in wanted]


def public_prices(context: AccountContext) -> AscendexPrices:
    """The account's price reader: its base URL, options and HTTP settings, never its keys.

    Built on first use through ``context.resource`` (the core closes it with the host) on the
    host's shared HTTP client. Invalid options are refused as for balances, naming the key.
    """
    return account_client(
        context, EXCHANGE, AscendexPrices, AscendexOptions, DEFAULT_BASE_URL, keyless=True
    )
