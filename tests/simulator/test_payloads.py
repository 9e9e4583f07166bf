"""Payloads: seed fidelity, live mode, showAll/asset, exact amounts, risk.

The rules are those of docs/exchanges/ascendex.md ("The simulator").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from importlib import resources

import pytest

from adapters.ascendex.simulator import (
    AscendexSimulator,
    CashRow,
    ComputedRisk,
    FixedRisk,
    MarginRow,
    RunningSimulator,
    SimAccount,
    SimulatorOptions,
)
from tests.simulator.helpers import Client, FixedClock

DATA = resources.files("adapters.ascendex.simulator") / "data"


def seed_file(name: str) -> bytes:
    return (DATA / f"seed_{name}.json").read_bytes()


@pytest.mark.parametrize(
    ("method", "path", "api_path", "name"),
    [
        ("GET", "/6/api/pro/v1/cash/balance", "balance", "cash_balance"),
        ("GET", "/6/api/pro/cash/balance", "balance", "cash_balance"),
        ("GET", "/6/api/pro/v1/cash/balance?showAll=true", "balance", "cash_balance"),
        ("GET", "/6/api/pro/v1/cash/balance?showAll=False", "balance", "cash_balance"),
        ("GET", "/6/api/pro/v1/margin/balance", "balance", "margin_balance"),
        ("GET", "/6/api/pro/margin/balance", "balance", "margin_balance"),
        ("GET", "/6/api/pro/v1/margin/risk", "margin/risk", "margin_risk"),
        ("POST", "/6/api/pro/margin/risk", "margin/risk", "margin_risk"),
    ],
)
def test_seed_bodies_are_served_byte_for_byte_with_the_exchanges_field_names(
    client: Client, method: str, path: str, api_path: str, name: str
) -> None:
    reply = client.request(method, path, api_path)
    expected = seed_file(name).replace(b'"totalABalance"', b'"totalBalance"')
    assert reply.body == expected
    assert reply.headers["content-length"] == str(len(expected))
    assert b"totalABalance" not in reply.body
    assert b"totalABalance" in seed_file("cash_balance")  # the quirk is really in the sample


def test_seed_mode_filtered_answer_keeps_seed_order_with_the_exchanges_spelling(
    client: Client,
) -> None:
    reply = client.get("/6/api/pro/v1/cash/balance?asset=BTC", "balance")
    assert reply.body == (b'{"code":0,"data":[{"asset":"BTC","availableBalance":"16.1308675",'
                          b'"totalBalance":"22.1308675"}]}')
    margin = client.get("/6/api/pro/v1/margin/balance?asset=ETH", "balance").json()
    assert margin["data"] == [{"asset": "ETH", "totalBalance": "20", "availableBalance": "20",
                               "borrowed": "0", "interest": "0"}]
    usdt = client.get("/6/api/pro/v1/margin/balance?asset=USDT", "balance").json()
    assert usdt["data"][0]["totalBalance"] == "11200"
    assert "totalABalance" not in usdt["data"][0]


@pytest.fixture
def live_seed(clock: FixedClock) -> Iterator[RunningSimulator]:
    with AscendexSimulator.seed(clock=clock, mode="live").serve() as running:
        yield running


def test_live_mode_emits_total_balance_everywhere(
    live_seed: RunningSimulator, client_for: Callable[..., Client]
) -> None:
    client = client_for(live_seed.port)
    cash = client.get("/6/api/pro/v1/cash/balance", "balance")
    assert cash.body == (
        b'{"code":0,"data":[{"asset":"USDT","totalBalance":"1285.366663467",'
        b'"availableBalance":"1285.366663467"},{"asset":"BTC","totalBalance":"22.1308675",'
        b'"availableBalance":"16.1308675"},{"asset":"ETH","totalBalance":"0.6",'
        b'"availableBalance":"0.6"}]}'
    )
    margin = client.get("/6/api/pro/v1/margin/balance", "balance")
    assert b"totalABalance" not in margin.body
    assert margin.json()["data"][0] == {"asset": "USDT", "totalBalance": "11200",
                                        "availableBalance": "11200", "borrowed": "0",
                                        "interest": "0"}
    risk = client.get("/6/api/pro/v1/margin/risk", "margin/risk")
    assert risk.body == (
        b'{"code":0,"data":{"accountMaxLeverage":"10","availableBalanceInUSDT":"17715.8175",'
        b'"currentLeverage":"1","cushion":"-1","netBalanceInUSDT":"17715.8175",'
        b'"pointsBalance":"0","totalBalanceInUSDT":"17715.8175","totalBorrowedInUSDT":"0",'
        b'"totalInterestInUSDT":"0"}}'
    )


ZERO_AND_ODD = SimAccount(
    api_key="k", api_secret="s", account_group=3,
    cash=[
        CashRow("USDT", "1285.366663467000", "1285.366663467000"),  # trailing zeros kept
        CashRow("BTC", "0", "0"),
        CashRow("XRP", "0.0", "0.00"),  # zero however written
        CashRow("ETH", "0.000000001", "0"),  # tiny but non-zero
    ],
    margin=[
        MarginRow("USDT", "0", "0", "0", "0"),
        MarginRow("BTC", "0", "0", "0", "0.00000001"),  # only interest: still shown
        MarginRow("ETH", "-0.000853881", "0", "0", "0"),  # negative amounts are echoed
    ],
    risk=ComputedRisk(prices={"BTC": "30000", "ETH": "2000"}),
)


@pytest.fixture
def odd(clock: FixedClock, client_for: Callable[..., Client]) -> Iterator[Client]:
    with AscendexSimulator([ZERO_AND_ODD], clock).serve() as running:
        yield client_for(running.port, key="k", secret="s")


def assets(client: Client, path: str) -> list[str]:
    return [row["asset"] for row in client.get(path, "balance").json()["data"]]


def test_show_all_absent_or_false_hides_zero_rows(odd: Client) -> None:
    assert assets(odd, "/3/api/pro/v1/cash/balance") == ["USDT", "ETH"]
    assert assets(odd, "/3/api/pro/v1/cash/balance?showAll=false") == ["USDT", "ETH"]
    assert assets(odd, "/3/api/pro/v1/cash/balance?showAll=FALSE") == ["USDT", "ETH"]
    assert assets(odd, "/3/api/pro/v1/margin/balance") == ["BTC", "ETH"]


def test_show_all_true_lists_every_configured_asset(odd: Client) -> None:
    for text in ("true", "True", "TRUE"):
        assert assets(odd, f"/3/api/pro/v1/cash/balance?showAll={text}") == [
            "USDT", "BTC", "XRP", "ETH"]
    assert assets(odd, "/3/api/pro/v1/margin/balance?showAll=true") == ["USDT", "BTC", "ETH"]


@pytest.mark.parametrize("value", ["1", "yes", "", "tru"])
def test_show_all_other_values_are_invalid_request_data(odd: Client, value: str) -> None:
    body = odd.get(f"/3/api/pro/v1/cash/balance?showAll={value}", "balance").json()
    assert (body["code"], body["reason"]) == (100004, "INVALID_REQUEST_DATA")
    assert "showAll" in body["message"]


def test_amounts_are_echoed_exactly(odd: Client) -> None:
    cash = odd.get("/3/api/pro/v1/cash/balance?showAll=true", "balance").json()["data"]
    assert cash[0] == {"asset": "USDT", "totalBalance": "1285.366663467000",
                       "availableBalance": "1285.366663467000"}
    assert cash[2] == {"asset": "XRP", "totalBalance": "0.0", "availableBalance": "0.00"}
    margin = odd.get("/3/api/pro/v1/margin/balance", "balance").json()["data"]
    assert margin[1]["totalBalance"] == "-0.000853881"
    assert margin[0]["interest"] == "0.00000001"


def test_asset_restricts_to_one_asset_as_a_list(odd: Client) -> None:
    data = odd.get("/3/api/pro/v1/cash/balance?asset=USDT", "balance").json()["data"]
    assert [row["asset"] for row in data] == ["USDT"]
    assert assets(odd, "/3/api/pro/v1/cash/balance?asset=eth") == ["ETH"]  # case-insensitive


def test_asset_with_zero_balance_needs_show_all(odd: Client) -> None:
    assert assets(odd, "/3/api/pro/v1/cash/balance?asset=BTC") == []
    assert assets(odd, "/3/api/pro/v1/cash/balance?asset=BTC&showAll=true") == ["BTC"]


def test_unknown_asset_is_an_empty_list_by_default(odd: Client) -> None:
    assert odd.get("/3/api/pro/v1/cash/balance?asset=DOGE", "balance").json() == {
        "code": 0, "data": []}
    assert odd.get("/3/api/pro/v1/cash/balance?asset=", "balance").json()["code"] == 100004


def test_unknown_asset_can_be_an_error(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    simulator = AscendexSimulator([ZERO_AND_ODD], clock,
                                  options=SimulatorOptions(unknown_asset="error"))
    with simulator.serve() as running:
        client = client_for(running.port, key="k", secret="s")
        body = client.get("/3/api/pro/v1/cash/balance?asset=DOGE", "balance").json()
        assert (body["code"], body["reason"]) == (100004, "INVALID_REQUEST_DATA")
        # a listed asset with zero balance is known, hence not an error
        assert client.get("/3/api/pro/v1/cash/balance?asset=BTC", "balance").json()[
            "code"] == 0


def test_empty_account_returns_an_empty_list(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    empty = SimAccount(api_key="e", api_secret="s", account_group=1)
    with AscendexSimulator([empty], clock).serve() as running:
        client = client_for(running.port, key="e", secret="s")
        assert client.get("/1/api/pro/v1/cash/balance", "balance").body == b'{"code":0,"data":[]}'
        risk = client.get("/1/api/pro/v1/margin/risk", "margin/risk").json()["data"]
        assert risk["currentLeverage"] == "-1"
        assert risk["cushion"] == "-1"
        assert risk["totalBalanceInUSDT"] == "0"


def risk_of(clock: FixedClock, client_for: Callable[..., Client],
            account: SimAccount) -> dict[str, str]:
    with AscendexSimulator([account], clock).serve() as running:
        client = client_for(running.port, key=account.api_key, secret=account.api_secret)
        body = client.get(f"/{account.account_group}/api/pro/v1/margin/risk", "margin/risk")
        return dict(json.loads(body.body)["data"])


def test_computed_risk_with_borrowing(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    account = SimAccount(
        api_key="r", api_secret="s", account_group=2,
        margin=[MarginRow("USDT", "12000", "2000", "10000", "5"),
                MarginRow("BTC", "0.5", "0.5", "0", "0")],
        risk=ComputedRisk(prices={"BTC": "30000"}, effective_maintenance_margin="1500",
                          account_max_leverage="5", points_balance="12.5"),
    )
    risk = risk_of(clock, client_for, account)
    # total = 12000 + 0.5*30000 = 27000; net = 27000 - 10000 - 5 = 16995
    assert risk == {
        "accountMaxLeverage": "5",
        "availableBalanceInUSDT": "17000",
        "currentLeverage": "1.5887",  # 27000 / 16995 = 1.58870...
        "cushion": "11.33",  # 16995 / 1500
        "netBalanceInUSDT": "16995",
        "pointsBalance": "12.5",
        "totalBalanceInUSDT": "27000",
        "totalBorrowedInUSDT": "10000",
        "totalInterestInUSDT": "5",
    }
    assert Decimal(risk["netBalanceInUSDT"]) == (
        Decimal(risk["totalBalanceInUSDT"]) - Decimal(risk["totalBorrowedInUSDT"])
        - Decimal(risk["totalInterestInUSDT"]))


def test_computed_risk_reproduces_the_seed_sample(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    seed = AscendexSimulator.seed().accounts[0]
    account = SimAccount(
        api_key="seedlike", api_secret="s", account_group=6, margin=seed.margin,
        risk=ComputedRisk(prices={"ETH": "325.790875"}),
    )
    expected = json.loads(seed_file("margin_risk"))["data"]
    assert risk_of(clock, client_for, account) == expected


def test_computed_risk_when_net_is_not_positive(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    account = SimAccount(
        api_key="neg", api_secret="s", account_group=2,
        margin=[MarginRow("USDT", "100", "0", "100", "1")],
        risk=ComputedRisk(effective_maintenance_margin="10"),
    )
    risk = risk_of(clock, client_for, account)
    assert risk["netBalanceInUSDT"] == "-1"
    assert risk["currentLeverage"] == "-1"
    assert risk["cushion"] == "-1"


def test_fixed_risk_is_served_verbatim(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    values = {"accountMaxLeverage": "3", "availableBalanceInUSDT": "1.10",
              "currentLeverage": "1.0466", "cushion": "0.9500", "netBalanceInUSDT": "100.00",
              "pointsBalance": "0", "totalBalanceInUSDT": "104.66",
              "totalBorrowedInUSDT": "4.6", "totalInterestInUSDT": "0.06"}
    account = SimAccount(api_key="f", api_secret="s", account_group=9,
                         risk=FixedRisk(values))
    assert risk_of(clock, client_for, account) == values
