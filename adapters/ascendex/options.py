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

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, Literal

import attrs

from adapters.ascendex.endpoints import PathStyle
from adapters.kit.options import Rule, checked_options, flag, one_of, whole

__all__ = ["DEFAULT_BASE_URL", "AscendexOptions"]

DEFAULT_BASE_URL: Final = "https://ascendex.com"

RiskMethod = Literal["GET", "POST"]


@attrs.frozen(slots=True)
class AscendexOptions:
    """How to talk to AscendEX for one account. The defaults match every modern client."""

    account_group: int | None = None
    """Pinned account group; ``None`` discovers it from the key (group 0 is a real group)."""

    path_style: PathStyle = PathStyle.V1
    risk_method: RiskMethod = "GET"
    show_all: bool = False
    sync_clock: bool = True
    rate_limit: int = 100
    """Requests per second per API key (0 turns folio's limiter off)."""
    host_rate_limit: int = 0
    """Requests per second to the exchange's host from this process (0: off)."""

    @classmethod
    def from_mapping(
        cls,
        options: Mapping[str, Any],
        *,
        account: str | None = None,
        source: str | None = None,
    ) -> AscendexOptions:
        """Validate an account's ``options`` table; errors name the file, account and key."""
        values = checked_options(
            options, _RULES, exchange="AscendEX", account=account, source=source
        )
        if "path_style" in values:
            values["path_style"] = PathStyle(values["path_style"])
        return cls(**values)


_PER_SECOND: Final = "must be a non-negative integer (requests per second; 0: off)"
_RULES: Final[Mapping[str, Rule]] = MappingProxyType({
    "account_group": (whole(0), "must be a non-negative integer (0 is valid)"),
    "path_style": (one_of(*(style.value for style in PathStyle)), "must be 'v1' or 'legacy'"),
    "risk_method": (one_of("GET", "POST"), "must be 'GET' or 'POST'"),
    "show_all": (flag, "must be true or false"),
    "sync_clock": (flag, "must be true or false"),
    "rate_limit": (whole(0), _PER_SECOND),
    "host_rate_limit": (whole(0), _PER_SECOND),
})
"""Option name -> (accepts the TOML value, what to say when it does not)."""
