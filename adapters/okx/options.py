"""OKX-specific account options, as written under ``[accounts.<name>.options]``.

::

    [accounts.main.options]
    demo_trading = false   # true: an OKX demo-trading key (sends x-simulated-trading: 1)
    sync_clock = true      # on 50102, measure OKX's clock and sign again, once
    rate_limits = true     # keep each endpoint under OKX's documented limit on our side

OKX's limits are per endpoint and per user ID (signed) or IP (public); turn folio's limiter
off only when something else paces the requests (docs/exchanges/okx.md, "Rate limits").
"""

from __future__ import annotations

from typing import ClassVar, Final

import attrs

from adapters.kit.options import OptionsTable
from framework.config.tables import checked_by, flag

__all__ = ["DEFAULT_BASE_URL", "OkxOptions"]

DEFAULT_BASE_URL: Final = "https://www.okx.com"


@attrs.frozen(slots=True)
class OkxOptions(OptionsTable):
    """How to talk to OKX for one account; the defaults are OKX's own."""

    exchange_name: ClassVar[str] = "OKX"

    demo_trading: bool = attrs.field(default=False, metadata=checked_by(flag()))
    """The key is a demo-trading key: every request carries ``x-simulated-trading: 1``."""
    sync_clock: bool = attrs.field(default=True, metadata=checked_by(flag()))
    """Correct the signing clock from ``GET /api/v5/public/time`` when OKX refuses a
    timestamp (50102), then sign again, once."""
    rate_limits: bool = attrs.field(default=True, metadata=checked_by(flag()))
    """Wait on our side to stay within each endpoint's documented limit."""
