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

from typing import ClassVar, Final

import attrs

from adapters.kit.options import OptionsTable
from framework.config.tables import checked_by, flag, whole

__all__ = ["DEFAULT_BASE_URL", "MAX_RECV_WINDOW", "BinanceOptions"]

DEFAULT_BASE_URL: Final = "https://api.binance.com"
MAX_RECV_WINDOW: Final = 60_000
"""Binance refuses a larger ``recvWindow`` (-1131)."""

_RECV_WINDOW: Final = whole(
    1, MAX_RECV_WINDOW, says=f"must be an integer from 1 to {MAX_RECV_WINDOW} (milliseconds)"
)
_PER_MINUTE: Final = whole(0, says="must be a non-negative integer (weight per minute; 0: off)")


@attrs.frozen(slots=True)
class BinanceOptions(OptionsTable):
    """How to talk to Binance for one account. The defaults are Binance's own.

    Each field carries the rule its TOML value must pass (docs/configuration.md).
    """

    exchange_name: ClassVar[str] = "Binance"

    recv_window: int = attrs.field(default=5000, metadata=checked_by(_RECV_WINDOW))
    """Milliseconds after ``timestamp`` that a signed request is accepted (Binance's default)."""
    omit_zero_balances: bool = attrs.field(default=True, metadata=checked_by(flag()))
    """List only assets with a non-zero amount: spot through ``omitZeroBalances=true``, margin
    by dropping all-zero ``userAssets`` rows (that endpoint has no such parameter)."""
    sync_clock: bool = attrs.field(default=True, metadata=checked_by(flag()))
    weight_limit: int = attrs.field(default=6000, metadata=checked_by(_PER_MINUTE))
    """``/api/`` weight per minute per IP (0 turns folio's limiter off)."""
    sapi_weight_limit: int = attrs.field(default=12_000, metadata=checked_by(_PER_MINUTE))
    """``/sapi/`` weight per minute per IP for each endpoint (0: off)."""

