"""JSON output: amounts are exact decimal strings, N/A is null, errors carry no secrets."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from framework.errors import (
    AuthenticationError,
    ConfigurationError,
    ExchangeUnavailableError,
    FolioError,
    InvalidResponseError,
    RateLimitedError,
)
from framework.host import Folio
from framework.results import AccountResult, FanOut, total_by_asset
from framework.serialize import amount_text, dumps, error_to_dict, to_jsonable
from tests.framework.helpers import (
    CREDENTIALS,
    account,
    cash_plugin,
    margin_risk,
    plugins_of,
    row,
    snapshot,
)


def _no_numbers(text: str) -> Any:
    """Parse JSON, failing on any JSON number: amounts must never be one."""

    def refuse(literal: str) -> None:
        raise AssertionError(f"a JSON number in the output: {literal}")

    return json.loads(text, parse_float=refuse, parse_int=refuse)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0.000000010", "0.000000010"),  # trailing zeros are digits the exchange sent
        ("1E-8", "0.00000001"),
        ("0E-9", "0.000000000"),
        ("11200", "11200"),
        ("1.2E+3", "1200"),
        ("-0.50", "-0.50"),
        ("1285.366663467", "1285.366663467"),
    ],
)
def test_amounts_are_written_in_plain_notation_with_every_digit(amount: str, text: str) -> None:
    assert amount_text(Decimal(amount)) == text


def test_a_snapshot_keeps_amounts_as_the_exchange_sent_them() -> None:
    taken = snapshot(rows=[row("BTC", "0.000000010", "1E-8"), row("USDT", "11200.00")])
    text = dumps(taken)
    document = _no_numbers(text)
    assert "E-" not in text
    assert document["wallet"] == "cash"
    assert document["fetched_at"] == "2024-05-01T12:30:00Z"
    btc, usdt = document["balances"]
    assert btc == {
        "asset": "BTC",
        "total": "0.000000010",
        "available": "0.00000001",
        "locked": "0.000000000",  # str() would give 0E-9
        "borrowed": "0",
        "interest": "0",
        "net": "0.000000010",
        "unrealized_pnl": "0",
        "equity": "0.000000010",
    }
    assert usdt["total"] == usdt["available"] == "11200.00"


def test_margin_risk_writes_ratios_that_do_not_apply_as_null() -> None:
    document = _no_numbers(dumps(margin_risk()))
    assert document["leverage"] is None
    assert document["max_leverage"] == "10"
    assert document["health"] == {
        "metric": "cushion", "state": "not_applicable", "value": None,
        "liquidation_threshold": "1", "higher_is_safer": True,
    }
    assert document["extras"] == {"points_balance": "0"}
    applicable = to_jsonable(margin_risk(leverage=Decimal("1.50"), cushion=Decimal("3.2E+1")))
    assert (applicable["leverage"], applicable["health"]["value"]) == ("1.50", "32")


@pytest.mark.parametrize(
    ("error", "extra"),
    [
        (AuthenticationError("API key rejected", code=200001, reason="INVALID_KEY"),
         {"code": 200001, "reason": "INVALID_KEY", "retryable": False}),
        (RateLimitedError("slow down", retry_after=1.5), {"retry_after": 1.5, "retryable": True}),
        (InvalidResponseError("not a decimal", field="$.data[1].availableBalance"),
         {"field": "$.data[1].availableBalance", "retryable": False}),
        (FolioError("plain"), {"retryable": False}),
        (ExchangeUnavailableError("down", status=503), {"status": 503, "retryable": True}),
    ],
)
def test_errors_are_written_with_their_type_location_and_codes(
    error: FolioError, extra: dict[str, object]
) -> None:
    error.located(exchange="alpha", account="main", endpoint="GET balance")
    assert error_to_dict(error) == {
        "type": type(error).__name__,
        "message": f"alpha account 'main' GET balance: {error.detail}",
        "exchange": "alpha",
        "account": "main",
        "endpoint": "GET balance",
        **extra,
    }


def test_a_fan_out_and_its_totals_are_written_side_by_side() -> None:
    fan_out = FanOut([
        AccountResult("main", "alpha", value=snapshot(rows=[row("ETH", "0.6")])),
        AccountResult("down", "alpha", error=AuthenticationError("API key rejected")),
    ])
    accounts = to_jsonable(fan_out)
    assert [(a["account"], a["ok"]) for a in accounts] == [("main", True), ("down", False)]
    assert accounts[0]["value"]["balances"][0]["total"] == "0.6"
    assert accounts[1]["error"]["type"] == "AuthenticationError"
    assert to_jsonable(total_by_asset(fan_out)) == {
        "field": "total",
        "totals": {"ETH": "0.6"},
        "included": ["main"],
        "missing": ["down"],
        "complete": False,
    }


@pytest.mark.anyio
async def test_failed_accounts_serialise_without_their_secrets() -> None:
    secret = CREDENTIALS.credentials.api_secret.reveal()
    plugin = cash_plugin(crash=RuntimeError(f"HMAC over {secret} did not match"))
    accounts = [account("crash"), account("main")]
    async with Folio(accounts, plugins=plugins_of(("alpha", plugin))) as folio:
        fan_out = await folio.all_balances()

    text = dumps(fan_out)
    assert secret not in text
    assert CREDENTIALS.credentials.api_key.reveal() not in text
    crash = json.loads(text)[0]
    assert crash["error"]["type"] == "PluginContractError"
    assert "RuntimeError" in crash["error"]["message"]


def test_configuration_errors_name_the_file_and_key_in_json() -> None:
    error = ConfigurationError("is not set", path="folio.toml", account="main",
                               key="api_secret_env")
    data = error_to_dict(error)
    assert (data["path"], data["key"], data["account"]) == (
        "folio.toml", "api_secret_env", "main")
    assert data["message"] == "folio.toml [accounts.main] key 'api_secret_env': is not set"
