"""The coins and the margin pairs: ``/sapi/`` reads of CCXT's Binance clients, not folio's.

CCXT's Binance clients (``binanceusdm`` included) read ``GET /sapi/v1/capital/config/getall``
(USER_DATA, signed, weight 10) and ``GET /sapi/v1/margin/allPairs`` (MARKET_DATA: a known key,
nothing signed, weight 1) before their first balance when they hold a key, so an independent
client reaches the futures account, and has its signature checked there, only through them.
Binance serves both on the spot host, each with its own ``/sapi/`` budget; the simulator is one
host.

The coins are every asset the simulator knows (the caller's spot and futures rows, the
markets' assets), each with the caller's spot ``free`` and ``locked`` and zero for what the
simulator does not model (frozen, withdrawing, IPO, storage). Deposit and withdrawal networks
are not modelled: ``networkList`` is empty.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.binance.simulator.accounts import SimAccount
from adapters.binance.simulator.markets import Market
from adapters.binance.simulator.payloads import dumps

__all__ = ["encode_coins", "encode_margin_pairs"]

_NONE = "0.00000000"


def encode_coins(account: SimAccount, markets: Sequence[Market]) -> bytes:
    """The coin list for ``account`` (see the module docstring)."""
    spot = {row.asset: row for row in account.spot}
    futures = account.futures.rows if account.futures is not None else ()
    coins = sorted({*spot, *(row.asset for row in futures),
                    *(m.base for m in markets), *(m.quote for m in markets)})
    return dumps([
        {"coin": coin, "name": coin, "depositAllEnable": True, "withdrawAllEnable": True,
         "free": spot[coin].free if coin in spot else _NONE,
         "locked": spot[coin].locked if coin in spot else _NONE,
         "freeze": _NONE, "withdrawing": _NONE, "ipoing": _NONE, "ipoable": _NONE,
         "storage": _NONE, "isLegalMoney": False, "trading": True, "networkList": []}
        for coin in coins
    ])


def encode_margin_pairs(markets: Sequence[Market]) -> bytes:
    """Every ``TRADING`` market as a cross-margin pair, buying and selling allowed."""
    return dumps([
        {"id": number, "symbol": m.symbol, "base": m.base, "quote": m.quote,
         "isMarginTrade": True, "isBuyAllowed": True, "isSellAllowed": True}
        for number, m in enumerate((m for m in markets if m.status == "TRADING"), start=1)
    ])
