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
from typing import Any, Final, Literal

import attrs

from adapters.ascendex.endpoints import PathStyle
from framework.errors import ConfigurationError

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

        def fail(key: str, detail: str) -> ConfigurationError:
            return ConfigurationError(
                detail, path=source, account=account, key=f"options.{key}"
            )

        known = {f.name for f in attrs.fields(cls)}
        for key in options:
            if key not in known:
                raise fail(key, f"unknown AscendEX option (expected one of {sorted(known)})")
        group = options.get("account_group")
        if group is not None and (type(group) is not int or group < 0):
            raise fail("account_group", "must be a non-negative integer (0 is valid)")
        style = options.get("path_style", PathStyle.V1.value)
        if style not in {s.value for s in PathStyle}:
            raise fail("path_style", "must be 'v1' or 'legacy'")
        method = options.get("risk_method", "GET")
        if method not in ("GET", "POST"):
            raise fail("risk_method", "must be 'GET' or 'POST'")
        flags: dict[str, bool] = {}
        for key, default in (("show_all", False), ("sync_clock", True)):
            flag = options.get(key, default)
            if type(flag) is not bool:
                raise fail(key, "must be true or false")
            flags[key] = flag
        limits: dict[str, int] = {}
        for key, default_limit in (("rate_limit", 100), ("host_rate_limit", 0)):
            limit = options.get(key, default_limit)
            if type(limit) is not int or limit < 0:
                raise fail(key, "must be a non-negative integer (requests per second; 0: off)")
            limits[key] = limit
        return cls(
            account_group=group,
            path_style=PathStyle(style),
            risk_method=method,
            show_all=flags["show_all"],
            sync_clock=flags["sync_clock"],
            rate_limit=limits["rate_limit"],
            host_rate_limit=limits["host_rate_limit"],
        )
