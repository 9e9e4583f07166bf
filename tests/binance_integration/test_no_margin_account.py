"""A spot-only Binance user (no margin account opened) asking for margin: a clear typed answer.

Binance answers ``/sapi/v1/margin/account`` for such a user with ``-3003`` "Margin account does
not exist." (a 3xxx margin code, docs/exchanges/binance.md). folio must say that the account has
no margin account, as an :class:`AccountStateError` (the exchange cannot use the account for
this), not as an unrecognised code, and keep the spot wallet readable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.binance.convert import structure
from adapters.binance.errors import ERROR_CODES, NO_MARGIN_ACCOUNT, error_class
from adapters.binance.responses import read_payload
from adapters.binance.simulator import BinanceSimulator, RunningBinanceSimulator
from adapters.binance.simulator.accounts import SimAccount, SpotRow
from adapters.binance.simulator.pytest_plugin import BinanceSimulatorFactory
from framework.cli import main
from framework.credentials import Credentials
from framework.errors import (
    AccountStateError,
    ExchangeError,
    InvalidRequestError,
    PermissionDeniedError,
    TransientError,
)
from framework.models import WalletKind
from tests.binance_integration.conftest import Connect

SPOT_ONLY = SimAccount(
    "SpotOnlyKey6f2a".ljust(64, "0"), "SpotOnlySecret91c4e7".ljust(64, "7"),
    spot=[SpotRow("BTC", "0.25000000")],
    has_margin=False,
)
SPOT_ONLY_CREDENTIALS = Credentials.from_strings(SPOT_ONLY.api_key, SPOT_ONLY.api_secret)


@pytest.fixture
def spot_only(binance_simulator_factory: BinanceSimulatorFactory) -> RunningBinanceSimulator:
    return binance_simulator_factory(BinanceSimulator([SPOT_ONLY]))


def test_every_documented_margin_code_is_known_with_a_class() -> None:
    # The 3xxx codes of the Margin Trading error page that a misrouted or margin request can
    # meet; a missing one would arrive as "unrecognised error code".
    documented = [*range(-3000, -3030, -1), -3036, -3037, -3038, -3041, -3042, -3043, -3044,
                  -3045, -3999]
    missing = [code for code in documented if code not in ERROR_CODES]
    assert missing == []
    assert ERROR_CODES[NO_MARGIN_ACCOUNT] == (AccountStateError, "NO_OPENED_MARGIN_ACCOUNT")
    # what the user can do decides the class: passing trouble is retryable, bans are permissions
    assert all(issubclass(error_class(c), TransientError) for c in (-3000, -3037, -3044))
    assert all(error_class(c) is PermissionDeniedError for c in (-3014, -3022, -3036))
    assert error_class(-3026) is InvalidRequestError
    assert not issubclass(error_class(NO_MARGIN_ACCOUNT), TransientError)


def test_minus_3003_reads_as_no_margin_account() -> None:
    body = json.dumps({"code": -3003, "msg": "Margin account does not exist."}).encode()
    with pytest.raises(ExchangeError) as caught:
        read_payload(400, {"content-type": "application/json"}, body, structure=structure)
    error = caught.value
    assert type(error) is AccountStateError
    assert (error.code, error.reason, error.status) == (-3003, "NO_OPENED_MARGIN_ACCOUNT", 400)
    assert "unrecognised" not in error.detail
    assert "no cross-margin account (spot only)" in error.detail
    assert not error.retryable


@pytest.mark.anyio
async def test_a_spot_only_account_reads_spot_and_gets_a_typed_answer_for_margin(
    spot_only: RunningBinanceSimulator, connect: Connect
) -> None:
    client = connect(spot_only.url, credentials=SPOT_ONLY_CREDENTIALS, account="spot")
    spot = await client.call("balances", WalletKind.CASH)
    assert spot["BTC"].total == spot["BTC"].available
    for method, args in (("margin_risk", ()), ("balances", (WalletKind.MARGIN,))):
        with pytest.raises(ExchangeError) as caught:
            await client.call(method, *args)
        error = caught.value
        assert type(error) is AccountStateError
        assert (error.exchange, error.account, error.endpoint) == (
            "binance", "spot", "GET margin/account"
        )
        assert error.code == -3003
        assert "no cross-margin account" in str(error)
    # not retried: the same answer would come back
    assert spot_only.stats().count(route="margin/account") == 2


def test_folio_risk_tells_a_spot_only_user_there_is_no_margin_account(
    spot_only: RunningBinanceSimulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SPOT_KEY", SPOT_ONLY.api_key)
    monkeypatch.setenv("SPOT_SECRET", SPOT_ONLY.api_secret)
    config = tmp_path / "folio.toml"
    config.write_text(
        f'[accounts.spot]\nexchange = "binance"\napi_key_env = "SPOT_KEY"\n'
        f'api_secret_env = "SPOT_SECRET"\nbase_url = "{spot_only.url}"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "risk", "--json"]) == 1
    (result,) = json.loads(capsys.readouterr().out)["accounts"]
    error = result["error"]
    assert result["ok"] is False
    assert error["type"] == "AccountStateError"
    assert (error["code"], error["reason"]) == (-3003, "NO_OPENED_MARGIN_ACCOUNT")
    assert error["retryable"] is False
    assert "no cross-margin account (spot only)" in error["message"]
    assert SPOT_ONLY.api_secret not in json.dumps(result)

    assert main(["--config", str(config), "risk"]) == 1
    table = capsys.readouterr()
    assert "no cross-margin account (spot only)" in table.out + table.err

