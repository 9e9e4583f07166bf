"""The simulator verifies signatures and timestamps as Bybit documents, for any correct client.

Requests here are signed by an independent client: plain httpx, the prehash written out and
HMAC'd with the standard library, parameters in an order folio never sends.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from adapters.bybit.simulator import BybitSimulator, Coin, RunningBybitSimulator, SimAccount
from tests.bybit.conftest import DEMO

KEY, SECRET = DEMO.api_key.reveal(), DEMO.api_secret.reveal()


def get(sim: RunningBybitSimulator, path: str, query: str = "", *, key: str = KEY,
        secret: str = SECRET, ts: int | None = None, window: str | None = "5000",
        signature: str | None = None) -> httpx.Response:
    stamp = sim.now_ms() if ts is None else ts
    text = f"{stamp}{key}{window or ''}{query}"
    headers = {"X-BAPI-API-KEY": key, "X-BAPI-TIMESTAMP": str(stamp),
               "X-BAPI-SIGN": signature or hmac.new(secret.encode(), text.encode(),
                                                   hashlib.sha256).hexdigest()}
    if window is not None:
        headers["X-BAPI-RECV-WINDOW"] = window
    url = f"{sim.url}{path}" + (f"?{query}" if query else "")
    return httpx.get(url, headers=headers)


def body(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200
    document: dict[str, Any] = json.loads(response.content)
    return document


def test_an_independent_correct_signature_is_accepted_in_any_parameter_order(
    bybit_simulator: RunningBybitSimulator,
) -> None:
    answer = body(get(bybit_simulator, "/v5/account/wallet-balance",
                      "coin=BTC,USDT&accountType=UNIFIED"))
    assert answer["retCode"] == 0
    assert [row["coin"] for row in answer["result"]["list"][0]["coin"]] == ["BTC", "USDT"]
    assert body(get(bybit_simulator, "/v5/account/info"))["result"]["unifiedMarginStatus"] == 5


def test_an_upper_case_hex_signature_and_an_absent_window_are_read_as_documented(
    bybit_simulator: RunningBybitSimulator,
) -> None:
    stamp = bybit_simulator.now_ms()
    upper = hmac.new(SECRET.encode(), f"{stamp}{KEY}5000".encode(), hashlib.sha256).hexdigest()
    assert body(get(bybit_simulator, "/v5/account/info", ts=stamp,
                    signature=upper.upper()))["retCode"] == 0
    assert body(get(bybit_simulator, "/v5/account/info", window=None))["retCode"] == 0


def test_a_wrong_signature_is_refused_with_10004(bybit_simulator: RunningBybitSimulator) -> None:
    answer = body(get(bybit_simulator, "/v5/account/wallet-balance", "accountType=UNIFIED",
                      secret="not-the-secret"))
    assert answer == {"retCode": 10004,
                      "retMsg": "error sign! origin_string[***accountType=UNIFIED]",
                      "result": {}, "retExtInfo": {}, "time": answer["time"]}
    signed_other = get(bybit_simulator, "/v5/account/info", window="6000",
                       signature=hmac.new(SECRET.encode(), b"x", hashlib.sha256).hexdigest())
    assert body(signed_other)["retCode"] == 10004


def test_the_recv_window_rule(bybit_simulator: RunningBybitSimulator) -> None:
    now = bybit_simulator.now_ms()
    # server - recv_window <= ts < server + 1000; the server's clock moves on meanwhile, so
    # each edge is approached from its safe side only by the time a request takes.
    assert body(get(bybit_simulator, "/v5/account/info", ts=now + 900))["retCode"] == 0
    ahead = body(get(bybit_simulator, "/v5/account/info", ts=now + 60_000))
    assert ahead["retCode"] == 10002
    assert ahead["retMsg"].startswith("invalid request, please check your server timestamp or "
                                      f"recv_window param. req_timestamp[{now + 60_000}],")
    assert ahead["retMsg"].endswith(",recv_window[5000]")
    stale = body(get(bybit_simulator, "/v5/account/info", ts=now - 5_001, window="5000"))
    assert stale["retCode"] == 10002
    wide = body(get(bybit_simulator, "/v5/account/info", ts=now - 5_001, window="60000"))
    assert wide["retCode"] == 0


def test_the_time_window_is_checked_on_a_fixed_clock() -> None:
    def clock() -> int:
        return 1_700_000_000_000

    with BybitSimulator([SimAccount(KEY, SECRET)], clock).serve() as sim:
        at = clock()
        assert body(get(sim, "/v5/account/info", ts=at - 5000))["retCode"] == 0
        assert body(get(sim, "/v5/account/info", ts=at - 5001))["retCode"] == 10002
        assert body(get(sim, "/v5/account/info", ts=at + 999))["retCode"] == 0
        assert body(get(sim, "/v5/account/info", ts=at + 1000))["retCode"] == 10002


def test_unknown_key_permission_and_missing_header(bybit_simulator_factory: Any) -> None:
    no_read = SimAccount("READONLYNOTREADKEY", "s3cret", can_read=False)
    sim = bybit_simulator_factory(BybitSimulator([SimAccount(KEY, SECRET), no_read]))
    assert body(get(sim, "/v5/account/info", key="UNKNOWNKEY"))["retCode"] == 10003
    assert body(get(sim, "/v5/account/info", key="READONLYNOTREADKEY",
                    secret="s3cret"))["retCode"] == 10005
    assert httpx.get(f"{sim.url}/v5/account/info?api_key={KEY}").status_code == 401


def test_wallet_balance_rules(bybit_simulator_factory: Any) -> None:
    classic = SimAccount("CLASSICACCOUNTKEY", "c", unified_margin_status=1)
    isolated = SimAccount("ISOLATEDACCOUNTKEY", "i", margin_mode="ISOLATED_MARGIN",
                          coins=[Coin("USDT", "10")])
    sim = bybit_simulator_factory(BybitSimulator([SimAccount(KEY, SECRET), classic, isolated]))
    wrong = body(get(sim, "/v5/account/wallet-balance", "accountType=SPOT"))
    assert (wrong["retCode"], wrong["retMsg"]) == (10001, "accountType only support UNIFIED.")
    gone = get(sim, "/v5/account/wallet-balance", "accountType=UNIFIED", key="CLASSICACCOUNTKEY",
               secret="c")
    assert (gone.status_code, gone.content) == (404, b"")
    block = body(get(sim, "/v5/account/wallet-balance", "accountType=UNIFIED",
                     key="ISOLATEDACCOUNTKEY", secret="i"))["result"]["list"][0]
    assert block["accountMMRate"] == block["totalMaintenanceMargin"] == ""
    assert block["totalEquity"] == "10"


def test_the_demo_account_is_valued_at_its_own_tickers(
    bybit_simulator: RunningBybitSimulator,
) -> None:
    block = body(get(bybit_simulator, "/v5/account/wallet-balance",
                     "accountType=UNIFIED"))["result"]["list"][0]
    tickers = body(httpx.get(f"{bybit_simulator.url}/v5/market/tickers?category=spot"))
    usd = {row["symbol"][:-4]: row["usdIndexPrice"] for row in tickers["result"]["list"]
           if row["symbol"].endswith("USDT") and row["usdIndexPrice"]}
    usd["USDT"] = "1"
    total = Decimal(0)
    for coin in block["coin"]:
        value = Decimal(coin["equity"]) * Decimal(usd[coin["coin"]])
        assert Decimal(coin["usdValue"]) == value.quantize(Decimal("1E-8"))
        total += Decimal(coin["usdValue"])
    assert Decimal(block["totalEquity"]) == total
    assert block["accountMMRate"] == "0.0015"  # 96.5 / 61045.5675, truncated


@pytest.mark.parametrize("route", ["/v5/market/time", "/v5/market/instruments-info?category=spot"])
def test_public_routes_need_no_key(bybit_simulator: RunningBybitSimulator, route: str) -> None:
    assert body(httpx.get(f"{bybit_simulator.url}{route}"))["retCode"] == 0
