"""The simulated spot markets: what ``exchangeInfo`` lists and ``ticker/price`` prices.

Consistent with the accounts by construction (docs/exchanges/binance.md, "The simulator"):
valuing the seed margin account's rows at these last prices, in BTC, gives the sample's own
``totalAssetOfBtc``, ``totalLiabilityOfBtc`` and ``totalNetAssetOfBtc`` once rounded to 8
decimals. That is why ``BNBBTC`` has 12 decimals, more than Binance's tick size: it is the one
price the three rounded totals of the documentation's sample all allow. A priced account
(:class:`PricedTotals`) brings its own BTC prices as ``<ASSET>BTC`` markets.

On purpose, the seed lists no ``USDTBTC`` (USDT in BTC is ``BTCUSDT`` the other way round), no
``BNBUSDT`` or ``ETHUSDT`` (valued in USDT they need a bridge through BTC), and no market at all
for LTC, which the spot sample holds: a host sees an unvalued holding (the demo account's
markets, :data:`~.demo.DEMO_MARKETS`, add ``LTCBTC``). ``OLDBTC`` is halted (``BREAK``):
listed, priced, and never to be used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from adapters.binance.simulator.accounts import AccountsError, PricedTotals, SimAccount

__all__ = ["SEED_MARKETS", "Market", "markets_for"]


@dataclass(frozen=True, slots=True)
class Market:
    """One symbol: its assets, its status and its last price (a decimal string)."""

    base: str
    quote: str
    price: str
    status: str = "TRADING"

    @property
    def symbol(self) -> str:
        """Binance's name: the two codes run together (``BNBBTC``)."""
        return self.base + self.quote


SEED_MARKETS: Final = (
    Market("BTC", "USDT", "64000.00000000"),
    Market("BNB", "BTC", "0.002907432162"),
    Market("ETH", "BTC", "0.05200000"),
    Market("OLD", "BTC", "0.00000100", status="BREAK"),
)


def markets_for(accounts: Iterable[SimAccount], seed: Sequence[Market] = SEED_MARKETS) -> tuple[
    Market, ...
]:
    """``seed`` plus each priced account's ``<ASSET>BTC`` price; two prices for one is an error."""
    found = {market.symbol: market for market in seed}
    derived: dict[str, str] = {}
    for account in accounts:
        if not isinstance(account.totals, PricedTotals):
            continue
        for asset, price in account.totals.prices.items():
            if asset == "BTC":
                continue
            symbol = f"{asset}BTC"
            if derived.setdefault(symbol, price) != price:
                msg = f"two accounts price {asset} differently in BTC: {derived[symbol]}, {price}"
                raise AccountsError(msg)
            found[symbol] = Market(asset, "BTC", price)
    return tuple(found.values())
