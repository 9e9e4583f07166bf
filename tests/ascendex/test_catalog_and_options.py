"""The endpoint catalog and the account options."""

from __future__ import annotations

import pytest

from adapters.ascendex.endpoints import (
    CASH_BALANCE,
    ENDPOINTS,
    INFO,
    MARGIN_BALANCE,
    MARGIN_RISK,
    PathStyle,
)
from adapters.ascendex.options import AscendexOptions
from framework.errors import ConfigurationError


@pytest.mark.parametrize(
    ("endpoint", "style", "group", "path"),
    [
        (CASH_BALANCE, PathStyle.V1, 6, "/6/api/pro/v1/cash/balance"),
        (CASH_BALANCE, PathStyle.LEGACY, 6, "/6/api/pro/cash/balance"),
        (MARGIN_BALANCE, PathStyle.V1, 0, "/0/api/pro/v1/margin/balance"),
        (MARGIN_BALANCE, PathStyle.LEGACY, 0, "/0/api/pro/margin/balance"),
        (MARGIN_RISK, PathStyle.V1, 12, "/12/api/pro/v1/margin/risk"),
        (MARGIN_RISK, PathStyle.LEGACY, 12, "/12/api/pro/margin/risk"),
        (INFO, PathStyle.V1, None, "/api/pro/v1/info"),
        (INFO, PathStyle.LEGACY, None, "/api/pro/info"),
    ],
)
def test_paths(endpoint: object, style: PathStyle, group: int | None, path: str) -> None:
    assert endpoint.path(style, group) == path  # type: ignore[attr-defined]


def test_signed_api_paths_follow_the_documentation() -> None:
    signed = {e.name: e.api_path for e in ENDPOINTS if e.signed}
    assert signed == {
        "info": "info",
        "cash/balance": "balance",
        "margin/balance": "balance",  # not "margin/balance": CCXT #9233
        "margin/risk": "margin/risk",
    }


def test_group_scoped_endpoint_needs_a_group() -> None:
    with pytest.raises(ValueError, match="account group"):
        CASH_BALANCE.path(PathStyle.V1)


def test_risk_accepts_get_and_post_with_get_first() -> None:
    assert MARGIN_RISK.methods == ("GET", "POST")


def test_options_defaults_and_parsing() -> None:
    assert AscendexOptions.from_mapping({}) == AscendexOptions()
    parsed = AscendexOptions.from_mapping(
        {"account_group": 0, "path_style": "legacy", "risk_method": "POST", "show_all": True}
    )
    assert parsed == AscendexOptions(0, PathStyle.LEGACY, "POST", True)


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"account_group": -1}, "options.account_group"),
        ({"account_group": "6"}, "options.account_group"),
        ({"account_group": True}, "options.account_group"),
        ({"path_style": "v2"}, "options.path_style"),
        ({"risk_method": "PUT"}, "options.risk_method"),
        ({"show_all": "yes"}, "options.show_all"),
        ({"acount_group": 1}, "options.acount_group"),
    ],
)
def test_bad_options_name_the_key(options: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        AscendexOptions.from_mapping(options, account="main", source="folio.toml")
    assert caught.value.key == key
    assert "folio.toml" in str(caught.value)
    assert "main" in str(caught.value)
