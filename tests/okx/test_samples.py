"""OKX's own documented answers and real captured ones, read over loopback as folio reads OKX.

Each body in tests/okx/samples/ is stored as published (docs/exchanges/okx.md, "Documented
samples"); a small server serves it at its endpoint's path (tests/helpers/samples.py) and the
real client reads it. The numbers expected are derived by hand from the sample, the derivation
written beside them. Sources:

* ``docs_*``: OKX API v5 documentation, <https://www.okx.com/docs-v5/en/>, the response
  example of "Get account configuration" (as nautechsystems/nautilus_trader keeps it,
  crates/adapters/okx/test_data/http_get_account_configuration.json, "follows the response
  example ... the account IDs are synthetic"), "Get balance" (the same body as
  adapters/okx/simulator/demo.py's SAMPLE_BALANCE), "Get positions", "Get system time" and
  "Get instruments" (nautilus_trader's http_get_instruments_spot_group_id.json, "the complete
  response example ... unchanged apart from whitespace").
* ``real_*``: answers of the real OKX, captured in nautilus_trader's test data:
  http_get_account_balance.json (a Futures-mode account holding isolated equity, April 2025),
  http_error_invalid_access_key.json ("the HTTP 401 body OKX returned ... with an invalid API
  key"; no ``data``) and http_error_not_found.json ("the HTTP 404 body OKX returned ... for an
  unknown /api/v5 path. Its ``code`` is a number").
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Final

import pytest

from adapters.okx import OkxPrices
from framework.errors import AuthenticationError, InvalidRequestError
from framework.models import NOT_APPLICABLE, BalanceSnapshot, HealthState, MarginRisk, WalletKind
from framework.prices import Pair, Price
from tests.helpers.samples import read_with, sample

BALANCE: Final = "/api/v5/account/balance"
CONFIG: Final = "/api/v5/account/config"
POSITIONS: Final = "/api/v5/account/positions"
D = Decimal


def _balances(served: dict[str, Any]) -> tuple[Any, list[str]]:
    return read_with("okx", served, lambda c: c.fetch_balances(WalletKind.CASH))


def _risk(served: dict[str, Any]) -> tuple[Any, list[str]]:
    return read_with("okx", served, lambda c: c.fetch_margin_risk(WalletKind.CASH))


# (sample, currency: total, available, borrowed, interest, unrealized_pnl, equity)
BALANCES: Final = [
    pytest.param("docs_account_balance.json", "USDT", (
        # total = eq - upl + liab = 4992.890093622894 + 7.545600000000006 + 0
        D("5000.435693622894006"),
        D("4834.317093622894"),  # availBal, below total + upl = eq
        D(0), D(0),  # liab "0", interest "0"
        D("-7.545600000000006"),  # upl, its digits as sent
        D("4992.890093622894")), id="docs-get-balance"),
    pytest.param("real_account_balance_futures_isolated.json", "USDT", (
        # Futures mode: eq 99.89469657000001 = cashBal 94.42612990333333 + isoEq
        # 5.468566666666667; upl = isoUpl -0.0273000000000002; liab "": total = eq - upl
        D("99.9219965700000102"),
        D("94.42612990333333"),  # availBal = cashBal: the isolated margin is not free
        D(0), D(0),
        D("-0.0273000000000002"),
        D("99.89469657000001")), id="captured-futures-isolated"),
]


@pytest.mark.parametrize(("name", "ccy", "row"), BALANCES)
def test_a_balance_sample_reads_to_the_figures_derived_by_hand(
    name: str, ccy: str, row: tuple[Decimal, ...],
) -> None:
    snapshot, paths = _balances({BALANCE: sample("okx", name)})
    assert isinstance(snapshot, BalanceSnapshot), snapshot
    (asset,) = snapshot
    assert asset.asset == ccy
    got = (asset.total, asset.available, asset.borrowed, asset.interest, asset.unrealized_pnl,
           asset.equity)
    assert got == row
    assert str(asset.unrealized_pnl) == str(row[4])  # OKX's digits, float noise included
    assert paths == [BALANCE]


def test_the_documented_config_and_balance_read_as_a_futures_mode_account() -> None:
    # acctLv "2" (Futures mode); the one currency, USDT, has mmr "", mgnRatio "", isoEq "0" and
    # eq above 0: no pool is exposed, so the account-level figures stand (docs/exchanges/okx.md).
    risk, paths = _risk({CONFIG: sample("okx", "docs_account_config.json"),
                         BALANCE: sample("okx", "docs_account_balance.json")})
    assert isinstance(risk, MarginRisk), risk
    assert paths == [CONFIG, BALANCE]  # isoEq "0": the positions are never asked for
    assert (risk.quote_asset, risk.equity) == ("USD", D("55837.43556134779"))  # totalEq
    # no currency owed (no eqUsd below 0); upl "0": total = totalEq - 0 + 0
    assert (risk.total_value, risk.borrowed_value, risk.unrealized_pnl) == (
        D("55837.43556134779"), D(0), D(0))
    assert risk.available_value == D("55415.624719833286")  # availEq
    assert (risk.maintenance_margin, risk.position_notional) == (D(0), D(0))  # mmr, notionalUsd
    assert risk.health.state is HealthState.NOT_APPLICABLE  # mgnRatio "", nothing required
    assert risk.health.value is NOT_APPLICABLE
    assert dict(risk.extras) == {"adj_eq": D("55415.624719833286"), "imr": D(0),
                                 "iso_eq": D(0), "acct_lv": D(2)}


def test_the_documented_isolated_position_decides_its_pool() -> None:
    # The "Get positions" example: an isolated MARGIN position in BTC, margin 0.000317654,
    # upl -0.0000033452492717, mmr 0.0000318005395854, mgnRatio 9.404143929947395 (at most
    # (margin + upl) / mmr = 0.0003143087507283 / 0.0000318005395854 = 9.88...). The documented
    # balance holds no BTC, so the balance here is written for it (not a sample): a Futures-mode
    # BTC row whose eq is that isolated equity, margin + upl, and nothing else.
    equity = "0.0003143087507283"
    balance = {"code": "0", "msg": "", "data": [{"totalEq": "19.77", "isoEq": "19.77",
               "details": [{"ccy": "BTC", "eq": equity, "eqUsd": "19.77", "isoEq": equity,
                            "availBal": "0", "upl": "-0.0000033452492717", "mmr": "0",
                            "mgnRatio": "", "liab": "", "interest": ""}]}]}
    risk, paths = _risk({CONFIG: sample("okx", "docs_account_config.json"),
                         BALANCE: json.dumps(balance).encode(),
                         POSITIONS: sample("okx", "docs_account_positions.json")})
    assert isinstance(risk, MarginRisk), risk
    assert paths == [CONFIG, BALANCE, POSITIONS]
    assert (risk.quote_asset, risk.equity) == ("BTC", D(equity))  # the one exposed pool
    assert risk.total_value == D("0.000317654")  # eq - upl: the margin put in
    assert risk.maintenance_margin == D("0.0000318005395854")  # cross 0 + the position's mmr
    assert (risk.health.state, risk.health.value) == (HealthState.OK, D("9.404143929947395"))
    assert risk.extras["isolated_positions"] == 1
    assert risk.extras["weakest_isolated_ratio"] == D("9.404143929947395")
    assert "cross_ratio" not in risk.extras  # the cross pool requires no margin


def test_the_documented_server_time_is_read_in_milliseconds() -> None:
    served = {"/api/v5/public/time": sample("okx", "docs_public_time.json")}
    result, paths = read_with("okx", served, lambda c: c.call(c.protocol.server_time_ms))
    assert isinstance(result, tuple), result
    assert result[0] == 1597026383085  # "ts", Unix ms
    assert paths == ["/api/v5/public/time"]


def test_the_documented_spot_instrument_is_learnt_and_priced() -> None:
    # The instruments example: BTC-USDT, baseCcy BTC, quoteCcy USDT, state live. The tickers
    # row is the documentation's tickers-channel example (the same fields as the REST row),
    # its instId set to that market (not a sample): last 9999.99 at ts 1597026383085.
    row = {"instType": "SPOT", "instId": "BTC-USDT", "last": "9999.99", "lastSz": "0.1",
           "askPx": "9999.99", "askSz": "11", "bidPx": "8888.88", "bidSz": "5", "open24h": "9000",
           "high24h": "10000", "low24h": "8888.88", "volCcy24h": "2222", "vol24h": "2222",
           "sodUtc0": "2222", "sodUtc8": "2222", "ts": "1597026383085"}
    served = {"/api/v5/public/instruments": sample("okx", "docs_public_instruments_spot.json"),
              "/api/v5/market/tickers": json.dumps({"code": "0", "msg": "",
                                                    "data": [row]}).encode()}
    prices, _ = read_with("okx", served, lambda c: c.fetch_prices(), keyless=OkxPrices)
    assert isinstance(prices, list), prices
    (price,) = prices
    assert isinstance(price, Price)
    assert (price.pair, price.value) == (Pair("BTC", "USDT"), D("9999.99"))
    assert int(price.at.timestamp() * 1000) == 1597026383085


@pytest.mark.parametrize(("name", "status", "error", "says"), [
    # 401 with code "50111" and no data: the code decides, and says which setting to check.
    ("real_error_401_invalid_key.json", 401, AuthenticationError, "check the API key"),
    # 404 whose "code" is the number 404, not OKX's string code: named by its status.
    ("real_error_404_not_found.json", 404, InvalidRequestError, "no such endpoint (HTTP 404)"),
])
def test_a_captured_error_answer_is_its_typed_error(
    name: str, status: int, error: type[Exception], says: str,
) -> None:
    result, _ = _balances({BALANCE: (status, sample("okx", name))})
    assert isinstance(result, error), result
    assert says in str(result)
    assert (result.account, result.endpoint) == ("main", "GET account/balance")  # type: ignore[attr-defined]
