"""The Binance account's options with the futures ones, as one ``[accounts.<name>.options]``.

::

    [accounts.main.options]
    fapi_weight_limit = 2400    # /fapi/ weight per minute from this host (0: off)
    # futures_base_url = "https://fapi.binance.com"   # the USD-M futures host (default: below)

and every option of :class:`adapters.binance.BinanceOptions` (``recv_window``, ``sync_clock``,
``omit_zero_balances``, ...), which the futures client honours too. One account has one
options table, read once: the plugin reads it with this class for all of the account's clients.

Without ``futures_base_url``, futures are read from ``https://fapi.binance.com`` when the
account's ``base_url`` is one of Binance's own hosts (``*.binance.com``, or none), and from the
account's ``base_url`` itself otherwise (a simulator or a proxy serves both); the spot testnet
(``binance.vision``) has no futures: set ``futures_base_url`` for Binance's futures testnet
(docs/exchanges/binance.md, "USD-M futures").
"""

from __future__ import annotations

from typing import Final

import attrs

from adapters.binance.options import BinanceOptions
from adapters.binance_futures.endpoints import FAPI_WEIGHT_LIMIT
from framework.config.tables import checked_by, rule, whole
from framework.config.urls import base_url_problem

__all__ = ["BinanceFuturesOptions"]

_URL: Final = rule(
    lambda value: isinstance(value, str) and base_url_problem(value, False) is None,
    "must be an https:// URL (http:// only to this machine) without a query or fragment",
)


@attrs.frozen(slots=True)
class BinanceFuturesOptions(BinanceOptions):
    """:class:`~adapters.binance.BinanceOptions` and the USD-M futures options."""

    futures_base_url: str | None = attrs.field(default=None, metadata=checked_by(_URL))
    """The USD-M futures host; ``None``: see the module docstring."""
    fapi_weight_limit: int = attrs.field(default=FAPI_WEIGHT_LIMIT, metadata=checked_by(
        whole(0, says="must be a non-negative integer (weight per minute; 0: off)")))
    """``/fapi/`` weight per minute per IP, metered apart from ``/api/`` and ``/sapi/``."""
