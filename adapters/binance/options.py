"""Binance-specific account options, as written under ``[accounts.<name>.options]``.

::

    [accounts.main.options]
    recv_window = 5000          # ms a signed request stays valid after its timestamp (1..60000)
    omit_zero_balances = true   # false: also list assets whose amounts are all zero
    sync_clock = true           # on -1021, measure the exchange's clock and sign again, once
    weight_limit = 6000         # /api/ request weight per minute from this host (0: no limit)
    sapi_weight_limit = 12000   # /sapi/ weight per minute per endpoint from this host (0: off)

The limits are Binance's documented IP limits; folio keeps every request under them on the
client side (see :mod:`adapters.binance.endpoints`). Lower them when other programs on the same
IP address use the API too: Binance counts per IP, not per key.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from adapters.kit.options import Rule, checked_options, flag, whole

__all__ = ["DEFAULT_BASE_URL", "MAX_RECV_WINDOW", "BinanceOptions"]

DEFAULT_BASE_URL: Final = "https://api.binance.com"
MAX_RECV_WINDOW: Final = 60_000
"""Binance refuses a larger ``recvWindow`` (-1131)."""


@attrs.frozen(slots=True)
class BinanceOptions:
    """How to talk to Binance for one account. The defaults are Binance's own."""

    recv_window: int = 5000
    """Milliseconds after ``timestamp`` that a signed request is accepted (Binance's default)."""
    omit_zero_balances: bool = True
    """List only assets with a non-zero amount: spot through ``omitZeroBalances=true``, margin
    by dropping all-zero ``userAssets`` rows (that endpoint has no such parameter)."""
    sync_clock: bool = True
    weight_limit: int = 6000
    """``/api/`` weight per minute per IP (0 turns folio's limiter off)."""
    sapi_weight_limit: int = 12_000
    """``/sapi/`` weight per minute per IP for each endpoint (0: off)."""

    @classmethod
    def from_mapping(
        cls,
        options: Mapping[str, Any],
        *,
        account: str | None = None,
        source: str | None = None,
    ) -> BinanceOptions:
        """Validate an account's ``options`` table; errors name the file, account and key."""
        return cls(
            **checked_options(options, _RULES, exchange="Binance", account=account, source=source)
        )


_RULES: Final[Mapping[str, Rule]] = MappingProxyType({
    "recv_window": (
        whole(1, MAX_RECV_WINDOW),
        f"must be an integer from 1 to {MAX_RECV_WINDOW} (milliseconds)",
    ),
    "omit_zero_balances": (flag, "must be true or false"),
    "sync_clock": (flag, "must be true or false"),
    "weight_limit": (whole(0), "must be a non-negative integer (weight per minute; 0: off)"),
    "sapi_weight_limit": (
        whole(0), "must be a non-negative integer (weight per minute; 0: off)"
    ),
})
"""Option name -> (accepts the TOML value, what to say when it does not)."""
