"""AscendEX-specific account options, as written under ``[accounts.<name>.options]``.

::

    [accounts.main.options]
    account_group = 6        # pin the group: skips discovery (GET /api/pro/v1/info) at start
    path_style = "v1"        # or "legacy": the unversioned paths of the 2019 draft
    risk_method = "GET"      # or "POST", the method the documentation names for margin/risk
    show_all = false         # true: also list assets whose balances are all zero
    sync_clock = true        # on a rejected timestamp, measure the exchange's clock and retry
    rate_limit = 100         # requests per second per API key, kept by folio (0: no limit)
    host_rate_limit = 0      # requests per second to the host from this process (0: no limit)

AscendEX documents no REST limit for these endpoints; its edge (Cloudflare) throttles with HTTP
429 pages. The per-key default follows the budget the longest-lived open client (Hummingbot)
kept for all calls of one key, 100 per second. ``host_rate_limit`` is for hosts that read many
keys from one IP address: AscendEX.Net documented 6000 requests per minute per host (100/s).
"""

from __future__ import annotations

from typing import ClassVar, Final, Literal

import attrs

from adapters.ascendex.endpoints import PathStyle
from adapters.kit.options import OptionsTable
from framework.config.tables import checked_by, flag, one_of, whole

__all__ = ["DEFAULT_BASE_URL", "AscendexOptions"]

DEFAULT_BASE_URL: Final = "https://ascendex.com"

RiskMethod = Literal["GET", "POST"]

_GROUP: Final = whole(0, says="must be a non-negative integer (0 is valid)")
_PER_SECOND: Final = whole(0, says="must be a non-negative integer (requests per second; 0: off)")
_PATH_STYLE: Final = one_of(
    *(style.value for style in PathStyle), says="must be 'v1' or 'legacy'", convert=PathStyle
)
_RISK_METHOD: Final = one_of("GET", "POST", says="must be 'GET' or 'POST'")


@attrs.frozen(slots=True)
class AscendexOptions(OptionsTable):
    """How to talk to AscendEX for one account. The defaults match every modern client.

    Each field carries the rule its TOML value must pass (docs/configuration.md).
    """

    exchange_name: ClassVar[str] = "AscendEX"

    account_group: int | None = attrs.field(default=None, metadata=checked_by(_GROUP))
    """Pinned account group; ``None`` discovers it from the key (group 0 is a real group)."""

    path_style: PathStyle = attrs.field(default=PathStyle.V1, metadata=checked_by(_PATH_STYLE))
    risk_method: RiskMethod = attrs.field(default="GET", metadata=checked_by(_RISK_METHOD))
    show_all: bool = attrs.field(default=False, metadata=checked_by(flag()))
    sync_clock: bool = attrs.field(default=True, metadata=checked_by(flag()))
    rate_limit: int = attrs.field(default=100, metadata=checked_by(_PER_SECOND))
    """Requests per second per API key (0 turns folio's limiter off)."""
    host_rate_limit: int = attrs.field(default=0, metadata=checked_by(_PER_SECOND))
    """Requests per second to the exchange's host from this process (0: off)."""

