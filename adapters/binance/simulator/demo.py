"""The demo account: what the plugin's simulator serves (``folio demo``, ``folio simulate``).

The seed account (:func:`~.accounts.seed_account`) is the API documentation's sample, and the
adapter tests pin it byte for byte; as a first look at folio it is no good: its spot wallet
holds 4.7 million BTC and as much LTC, which no market prices, so a demo would show a total of
300 billion USDT, all BTC, and never complete. The demo account is a modest holder's instead,
with the same example key and secret (the published signatures are still made with them), and
every asset it holds is priced by a market of :data:`DEMO_MARKETS`:

* spot: 0.4125 BTC, 12.5 LTC, 3.15 ETH (0.5 of it locked in an open order), 25.4 BNB and
  1,843.27 USDT, about 44,500 USDT at the demo's prices;
* cross margin (Classic): 0.06 BTC and 250 USDT with 1,500 USDT borrowed and 0.42 of interest,
  a margin level of about 2.73, and an empty ETH row that ``omitZeroBalances`` hides;
* USD-M futures (Single-Asset mode): 2,000 USDT and one open position, long 0.05 BTCUSDT
  entered at 62,000 and marked at 64,000 (the ``BTCUSDT`` ticker): notional 3,200, unrealised
  profit 100, 10x initial margin 320, maintenance margin 12.8 (0.4%); margin balance 2,100,
  available 1,780, a cushion of 164.0625.

Its BTC totals and margin level are computed (:class:`~.accounts.PricedTotals`) at the BTC
prices the demo's own tickers give (:func:`btc_prices`), so valuing the rows at the tickers
gives the totals, as on Binance. The tickers are the seed's (:data:`~.markets.SEED_MARKETS`,
whose ``BNBBTC`` the seed's margin totals need) plus ``LTCBTC``; USDT in BTC stays ``BTCUSDT``
the other way round, and no ``USDTBTC`` is listed, as on Binance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, localcontext
from typing import Final

from adapters.binance.simulator.accounts import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    AccountsError,
    MarginRow,
    PricedTotals,
    SimAccount,
    SpotRow,
)
from adapters.binance.simulator.futures import FuturesPosition, FuturesRow, SimFutures
from adapters.binance.simulator.markets import SEED_MARKETS, Market

__all__ = ["DEMO_FUTURES", "DEMO_MARKETS", "DEMO_UID", "btc_prices", "demo_account"]

DEMO_MARKETS: Final = (*SEED_MARKETS, Market("LTC", "BTC", "0.00130000"))
"""The seed's markets and ``LTCBTC``: every asset of the demo account has a price."""

DEMO_UID: Final = 431087562
"""The demo account's ``uid`` (any number: only the seed's must be the sample's)."""

_DEMO_SPOT: Final = (
    SpotRow("BTC", "0.41250000"),
    SpotRow("LTC", "12.50000000"),
    SpotRow("ETH", "2.65000000", "0.50000000"),
    SpotRow("BNB", "25.40000000"),
    SpotRow("USDT", "1843.27000000"),
)
_DEMO_MARGIN: Final = (
    MarginRow("BTC", "0.06000000"),
    MarginRow("ETH", "0.00000000"),
    MarginRow("USDT", "250.00000000", borrowed="1500.00000000", interest="0.42000000"),
)

DEMO_FUTURES: Final = SimFutures(
    rows=[FuturesRow("USDT", "2000.00000000", unrealized_profit="100.00000000",
                     maint_margin="12.80000000", position_initial_margin="320.00000000")],
    positions=[FuturesPosition("BTCUSDT", "0.050", "3200.00000000", "100.00000000",
                               maint_margin="12.80000000", initial_margin="320.00000000")],
)
"""The demo's futures wallet: figures consistent with the position (module docstring)."""


def btc_prices(assets: Iterable[str], markets: Sequence[Market]) -> dict[str, str]:
    """The BTC price of each of ``assets`` that the ``TRADING`` markets give, exactly.

    ``<ASSET>BTC`` gives its price, ``BTC<ASSET>`` its inverse; an asset with neither, or an
    inverse with no exact decimal (``1/3``), is an :class:`AccountsError`: totals computed from
    a rounded price would disagree with the tickers.
    """
    trading = {m.symbol: m.price for m in markets if m.status == "TRADING"}
    prices: dict[str, str] = {}
    for asset in assets:
        if asset == "BTC":
            continue
        if f"{asset}BTC" in trading:
            prices[asset] = trading[f"{asset}BTC"]
            continue
        inverse = trading.get(f"BTC{asset}")
        if inverse is None:
            msg = f"no market prices {asset} in BTC"
            raise AccountsError(msg)
        with localcontext() as context:
            context.prec = 60
            price = (1 / Decimal(inverse)).normalize()
            if price * Decimal(inverse) != 1:
                msg = f"1/{inverse} (BTC{asset}) has no exact decimal"
                raise AccountsError(msg)
        prices[asset] = format(price, "f")
    return prices


def demo_account() -> SimAccount:
    """The documentation's example key and secret, holding the modest demo wallets above."""
    return SimAccount(
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        spot=_DEMO_SPOT,
        margin=_DEMO_MARGIN,
        totals=PricedTotals(btc_prices((row.asset for row in _DEMO_MARGIN), DEMO_MARKETS)),
        uid=DEMO_UID,
        futures=DEMO_FUTURES,
    )
