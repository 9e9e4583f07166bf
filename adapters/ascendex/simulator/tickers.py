"""The public spot tickers: ``GET /api/pro/v1/spot/ticker``, consistent with the accounts.

The prices are the ones the accounts' USDT figures were made with, so that valuing an
account's balances at the tickers gives the simulator's own ``totalBalanceInUSDT`` and
``availableBalanceInUSDT`` (docs/exchanges/ascendex.md, "Prices"):

* the seed account's figures are the 2019 sample's, which value its 20 margin ETH at
  325.790875 USDT each ((17715.8175 - 11200) / 20). :data:`SEED_TICKERS` lists ETH only
  against BTC (``ETH/BTC`` 0.040723859375 times ``BTC/USDT`` 8000 is exactly that), so
  valuing in USDT needs a bridge and valuing in BTC an inverse (``USDT`` via ``BTC/USDT``);
* an account with a computed risk profile is priced at its reference prices, each as
  ``ASSET/USDT`` (:func:`derived_tickers`); two accounts that price one asset differently
  are refused, since one exchange has one last price per market.

An asset no ticker names (``XAU`` held in a test's account, say) has no market at all.

How it answers, as the exchange does: no ``symbol``, every ticker as a list; one symbol, that
ticker as an object; a comma list, a list in the order asked; a symbol that is not listed,
``100002 DATA_NOT_AVAILABLE`` for the whole request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

from adapters.ascendex.simulator.accounts import AccountsFileError, ComputedRisk, SimAccount
from adapters.ascendex.simulator.payloads import encode_error, encode_ok

__all__ = ["SEED_TICKERS", "Tickers", "derived_tickers"]

SEED_TICKERS: Final[Mapping[str, str]] = {"BTC/USDT": "8000", "ETH/BTC": "0.040723859375"}
"""The seed account's markets (see the module docstring for why these numbers)."""

_SYMBOL: Final = re.compile(r"[A-Z0-9]+/[A-Z0-9]+")
_PRICE: Final = re.compile(r"[0-9]+(\.[0-9]+)?")


def derived_tickers(accounts: Iterable[SimAccount]) -> dict[str, str]:
    """``ASSET/USDT`` at each computed-risk account's reference price (USDT itself has none)."""
    closes: dict[str, str] = {}
    for account in accounts:
        if not isinstance(account.risk, ComputedRisk):
            continue
        for asset, price in account.risk.prices.items():
            if asset == "USDT":
                continue
            symbol = f"{asset}/USDT"
            if closes.setdefault(symbol, price) != price:
                msg = (f"{account.api_key}: prices {symbol} at {price}, another account at "
                       f"{closes[symbol]}; one market has one last price")
                raise AccountsFileError(msg)
    return closes


def _row(symbol: str, close: str) -> dict[str, Any]:
    """A ticker in the exchange's key order; a still market: every price is the last one."""
    return {"symbol": symbol, "open": close, "close": close, "high": close, "low": close,
            "volume": "0", "ask": [close, "0"], "bid": [close, "0"], "type": "spot"}


class Tickers:
    """The ticker answers of one simulator, encoded once (they never change while serving)."""

    def __init__(self, closes: Mapping[str, str]) -> None:
        for symbol, close in closes.items():
            if not _SYMBOL.fullmatch(symbol) or not _PRICE.fullmatch(close) or not Decimal(close):
                msg = f"ticker {symbol!r} at {close!r}: expected BASE/QUOTE at a price above 0"
                raise AccountsFileError(msg)
        self.closes: Mapping[str, str] = dict(sorted(closes.items()))
        self._rows = {symbol: _row(symbol, close) for symbol, close in self.closes.items()}
        self._every = encode_ok(list(self._rows.values()))

    def answer(self, symbol: str | None) -> bytes:
        """The body for the ``symbol`` query parameter (absent: every ticker)."""
        if symbol is None:
            return self._every
        asked = symbol.split(",")
        unknown = [name for name in asked if name not in self._rows]
        if unknown:
            return encode_error(100002, f"No data found for symbol {unknown[0][:40]}",
                                "DATA_NOT_AVAILABLE")
        if len(asked) == 1:
            return encode_ok(self._rows[asked[0]])
        return encode_ok([self._rows[name] for name in asked])
