"""AscendEX-specific account options, as written under ``[accounts.<name>.options]``.

::

    [accounts.main.options]
    account_group = 6        # pin the group: skips discovery (GET /api/pro/v1/info) at start
    path_style = "v1"        # or "legacy": the unversioned paths of the 2019 draft
    risk_method = "GET"      # or "POST", the method the documentation names for margin/risk
    show_all = false         # true: also list assets whose balances are all zero
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
        show_all = options.get("show_all", False)
        if type(show_all) is not bool:
            raise fail("show_all", "must be true or false")
        return cls(
            account_group=group,
            path_style=PathStyle(style),
            risk_method=method,
            show_all=show_all,
        )
