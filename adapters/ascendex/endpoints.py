"""The AscendEX endpoints folio uses, as data.

Each entry says how to reach an endpoint and what to sign for it. Signing the wrong api-path
is the most reported AscendEX client bug (CCXT #9233 signed ``margin/balance`` and got
"API signature mismatch"), so the prehash path is written down here per endpoint rather than
derived from the URL: both balances sign ``balance``, the risk profile signs ``margin/risk``.

Two path styles exist. ``v1`` (``/<group>/api/pro/v1/cash/balance``) is what the exchange
served from December 2019 on; ``legacy`` (``/<group>/api/pro/cash/balance``) is the form in the
2019 draft our specification started from. Both are kept as templates, never built by string
surgery on each other.
"""

from __future__ import annotations

import enum
from typing import Final

import attrs

__all__ = [
    "CASH_BALANCE",
    "ENDPOINTS",
    "INFO",
    "MARGIN_BALANCE",
    "MARGIN_RISK",
    "SERVER_TIME",
    "TICKER",
    "Endpoint",
    "PathStyle",
]


class PathStyle(enum.StrEnum):
    """Which generation of URL paths to use."""

    V1 = "v1"
    """``/<group>/api/pro/v1/...``: the documented paths since 2019-12 (default)."""

    LEGACY = "legacy"
    """``/<group>/api/pro/...``: the unversioned paths of the 2019-11 draft specification."""


@attrs.frozen(slots=True)
class Endpoint:
    """One REST endpoint: route templates, the signed api-path and the methods it accepts."""

    name: str
    """Short label used in errors and logs, e.g. ``cash/balance``."""

    v1_path: str
    legacy_path: str
    api_path: str | None
    """The string signed after ``<timestamp>+``; ``None`` for public endpoints."""

    methods: tuple[str, ...] = ("GET",)
    """Accepted methods, the default first."""

    group_scoped: bool = False
    """Whether the account group is the first path segment."""

    cost: int = 1
    """Relative weight for client-side rate limiting."""

    def path(self, style: PathStyle, group: int | None = None) -> str:
        """The URL path for ``style``; ``group`` is required for group-scoped endpoints."""
        template = self.v1_path if style is PathStyle.V1 else self.legacy_path
        if self.group_scoped:
            if group is None:
                msg = f"{self.name} needs the account group"
                raise ValueError(msg)
            return template.format(group=group)
        return template

    @property
    def signed(self) -> bool:
        """Whether requests must carry the ``x-auth-*`` headers."""
        return self.api_path is not None


INFO: Final = Endpoint(
    name="info",
    v1_path="/api/pro/v1/info",
    legacy_path="/api/pro/info",
    api_path="info",
)
CASH_BALANCE: Final = Endpoint(
    name="cash/balance",
    v1_path="/{group}/api/pro/v1/cash/balance",
    legacy_path="/{group}/api/pro/cash/balance",
    api_path="balance",
    group_scoped=True,
)
MARGIN_BALANCE: Final = Endpoint(
    name="margin/balance",
    v1_path="/{group}/api/pro/v1/margin/balance",
    legacy_path="/{group}/api/pro/margin/balance",
    api_path="balance",
    group_scoped=True,
)
MARGIN_RISK: Final = Endpoint(
    name="margin/risk",
    v1_path="/{group}/api/pro/v1/margin/risk",
    legacy_path="/{group}/api/pro/margin/risk",
    api_path="margin/risk",
    # Every client and the official demo use GET; the documentation says POST. Both work.
    methods=("GET", "POST"),
    group_scoped=True,
)
SERVER_TIME: Final = Endpoint(
    name="exchange-info",
    v1_path="/api/pro/v1/exchange-info",
    legacy_path="/api/pro/v1/exchange-info",
    api_path=None,
)

TICKER: Final = Endpoint(
    name="spot/ticker",
    v1_path="/api/pro/v1/spot/ticker",
    legacy_path="/api/pro/v1/spot/ticker",
    api_path=None,
)
"""Public spot tickers, not group-scoped and unsigned: the prices valuation reads
(docs/exchanges/ascendex.md, "Prices"). The 2019 draft had no ticker path of its own."""

ENDPOINTS: Final = (INFO, CASH_BALANCE, MARGIN_BALANCE, MARGIN_RISK, SERVER_TIME, TICKER)
