"""Bybit-specific account options, as written under ``[accounts.<name>.options]``.

::

    [accounts.main.options]
    recv_window = 5000     # ms a signed request stays valid after its timestamp
    sync_clock = true      # on retCode 10002, measure Bybit's clock and sign again, once
    uid_rate_limit = 50    # requests per second per signed endpoint for this key (0: off)
    ip_rate_limit = 600    # requests per 5 seconds from this host to Bybit (0: off)

The limits are Bybit's documented ones (:mod:`adapters.bybit.endpoints`); folio keeps every
request under them on the client side. Lower them when other programs use the same key or IP.
"""

from __future__ import annotations

from typing import ClassVar, Final

import attrs

from adapters.kit.options import OptionsTable
from framework.config.tables import checked_by, flag, whole

__all__ = ["DEFAULT_BASE_URL", "MAX_RECV_WINDOW", "BybitOptions"]

DEFAULT_BASE_URL: Final = "https://api.bybit.com"
MAX_RECV_WINDOW: Final = 60_000
"""folio's own bound: Bybit documents no maximum (docs/exchanges/bybit.md, "Options")."""

_WINDOW: Final = whole(1, MAX_RECV_WINDOW,
                       says=f"must be an integer from 1 to {MAX_RECV_WINDOW} (milliseconds)")
_LIMIT: Final = whole(0, says="must be a non-negative integer (requests; 0: off)")


@attrs.frozen(slots=True)
class BybitOptions(OptionsTable):
    """How to talk to Bybit for one account. The defaults are Bybit's own."""

    exchange_name: ClassVar[str] = "Bybit"

    recv_window: int = attrs.field(default=5000, metadata=checked_by(_WINDOW))
    """``X-BAPI-RECV-WINDOW``: ms after ``X-BAPI-TIMESTAMP`` the request is accepted."""
    sync_clock: bool = attrs.field(default=True, metadata=checked_by(flag()))
    uid_rate_limit: int = attrs.field(default=50, metadata=checked_by(_LIMIT))
    """Requests per second to each signed endpoint for this key (Bybit: 50 per UID)."""
    ip_rate_limit: int = attrs.field(default=600, metadata=checked_by(_LIMIT))
    """Requests per 5 seconds from this host (Bybit: 600 per IP, then a 10-minute ban)."""
