"""Accounts: the file format, validation, and that the simulator imports only the stdlib."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.ascendex.simulator import (
    AccountsFileError,
    AscendexSimulator,
    CashRow,
    ComputedRisk,
    FixedRisk,
    MarginRow,
    SimAccount,
    SimulatorOptions,
)
from tests.simulator.helpers import Client, FixedClock

PACKAGE = Path(__file__).resolve().parents[2] / "adapters" / "ascendex" / "simulator"

FILE = {
    "accounts": [
        {
            "api_key": "alice-key", "api_secret": "alice-secret", "account_group": 0,
            "email": "alice@example.invalid", "user_uid": "U0000000001",
            "expire_time_ms": 1900000000000, "view_permission": True,
            "trade_permission": True, "transfer_permission": False,
            "allowed_ips": ["127.0.0.1"], "mode": "live",
            "cash": [{"asset": "USDT", "total": "10.50", "available": "10.5"}],
            "margin": [{"asset": "BTC", "total": "1", "available": "0.5",
                        "borrowed": "0.2", "interest": "0.0001"}],
            "risk": {"computed": {"prices": {"BTC": "30000"},
                                  "effective_maintenance_margin": "1500",
                                  "account_max_leverage": "10", "points_balance": "0",
                                  "ratio_places": 2}},
            "cash_account_ids": ["cshAAA"], "margin_account_ids": ["marAAA"],
            "futures_account_ids": [],
        },
        {
            "api_key": "bob-key", "api_secret": "bob-secret", "account_group": 4,
            "mode": "seed",
            "cash": [{"asset": "ETH", "total": "0.6", "available": "0.6"}],
            "risk": {"fixed": {"accountMaxLeverage": "10", "availableBalanceInUSDT": "0",
                               "currentLeverage": "-1", "cushion": "-1",
                               "netBalanceInUSDT": "0", "pointsBalance": "0",
                               "totalBalanceInUSDT": "0", "totalBorrowedInUSDT": "0",
                               "totalInterestInUSDT": "0"}},
        },
    ]
}


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_from_file_loads_every_field(tmp_path: Path) -> None:
    simulator = AscendexSimulator.from_file(write(tmp_path, FILE))
    alice = simulator.account("alice-key")
    assert alice.account_group == 0
    assert alice.allowed_ips == ("127.0.0.1",)
    assert alice.cash == (CashRow("USDT", "10.50", "10.5"),)
    assert alice.margin == (MarginRow("BTC", "1", "0.5", "0.2", "0.0001"),)
    assert isinstance(alice.risk, ComputedRisk)
    assert alice.futures_account_ids[0].startswith("fut")  # empty list: derived default
    bob = simulator.account("bob-key")
    assert bob.mode == "seed"
    assert isinstance(bob.risk, FixedRisk)
    assert bob.user_uid.startswith("U")
    assert len(bob.user_uid) == 11


def test_file_accounts_are_served(
    tmp_path: Path, clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    simulator = AscendexSimulator.from_file(write(tmp_path, FILE), clock=clock)
    with simulator.serve() as running:
        alice = client_for(running.port, key="alice-key", secret="alice-secret")
        info = alice.get("/api/pro/v1/info", "info").json()["data"]
        assert info["email"] == "alice@example.invalid"
        assert info["expireTime"] == 1900000000000
        assert info["cashAccount"] == ["cshAAA"]
        assert info["tradePermission"] is True
        assert alice.get("/0/api/pro/v1/cash/balance", "balance").json()["data"] == [
            {"asset": "USDT", "totalBalance": "10.50", "availableBalance": "10.5"}]
        risk = alice.get("/0/api/pro/v1/margin/risk", "margin/risk").json()["data"]
        # total 30000, borrowed 6000, interest 3; net 23997; leverage 1.25; cushion 16
        assert (risk["netBalanceInUSDT"], risk["currentLeverage"], risk["cushion"]) == (
            "23997", "1.25", "16")
        bob = client_for(running.port, key="bob-key", secret="bob-secret")
        # seed mode without verbatim text: compact, in the seed's key order, with the
        # exchange's spelling unless a row asks for the draft's (total_key)
        assert bob.get("/4/api/pro/cash/balance", "balance").body == (
            b'{"code":0,"data":[{"asset":"ETH","availableBalance":"0.6",'
            b'"totalBalance":"0.6"}]}')


def test_bare_list_is_accepted(tmp_path: Path) -> None:
    simulator = AscendexSimulator.from_file(write(tmp_path, FILE["accounts"]))
    assert len(simulator.accounts) == 2


def mutated(**changes: Any) -> dict[str, Any]:
    account = dict(FILE["accounts"][1])
    account.update(changes)
    return {"accounts": [account]}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"accounts": []}, "non-empty list"),
        ({"accounts": [FILE["accounts"][0], FILE["accounts"][0]]}, "duplicate api_key"),
        (mutated(cash=[{"asset": "ETH", "total": 0.6, "available": "0.6"}]), "decimal string"),
        (mutated(cash=[{"asset": "ETH", "total": "1e3", "available": "1"}]), "decimal string"),
        (mutated(cash=[{"asset": "ETH", "total": "1", "available": "1", "x": "1"}]),
         "allowed keys"),
        (mutated(cash=[{"asset": "ETH", "total": "1", "available": "1"},
                       {"asset": "ETH", "total": "1", "available": "1"}]), "listed twice"),
        (mutated(account_group=True), "expected int"),
        (mutated(account_group=-1), "account_group"),
        (mutated(mode="fake"), "mode"),
        (mutated(colour="red"), "unknown keys"),
        (mutated(allowed_ips="127.0.0.1"), "list of strings"),
        (mutated(risk={"fixed": {"cushion": "-1"}}), "missing fields"),
        (mutated(risk={"fancy": {}}), "fixed"),
        (mutated(risk={"computed": {"prices": {"BTC": 3}}}), "decimal string"),
        (mutated(risk={"computed": {"colour": 1}}), "keys among"),
        (mutated(margin=[{"asset": "BTC", "total": "1", "available": "1"}], risk=None),
         "USDT price for BTC"),
        ({"accounts": [{"api_secret": "s", "account_group": 1}]}, "missing 'api_key'"),
    ],
)
def test_invalid_files_are_refused_with_the_place_named(
    tmp_path: Path, document: Any, message: str
) -> None:
    path = write(tmp_path, document)
    with pytest.raises(AccountsFileError, match=message) as caught:
        AscendexSimulator.from_file(path)
    assert str(path) in str(caught.value)


def test_invalid_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(AccountsFileError, match="not valid JSON"):
        AscendexSimulator.from_file(path)


def test_constructor_validation() -> None:
    with pytest.raises(AccountsFileError, match="at least one account"):
        AscendexSimulator([])
    account = SimAccount(api_key="k", api_secret="s", account_group=1)
    with pytest.raises(AccountsFileError, match="duplicate"):
        AscendexSimulator([account, account])
    with pytest.raises(AccountsFileError, match="non-empty"):
        SimAccount(api_key="", api_secret="s", account_group=1)
    with pytest.raises(ValueError, match="ip_denied_code"):
        SimulatorOptions(ip_denied_code=1)  # type: ignore[arg-type]
    with pytest.raises(AccountsFileError, match="ratio_places"):
        ComputedRisk(ratio_places=30)


def test_seed_account_rows_match_the_seed_samples() -> None:
    account = AscendexSimulator.seed().accounts[0]
    assert [row.asset for row in account.cash] == ["USDT", "BTC", "ETH"]
    assert account.cash[1] == CashRow("BTC", "22.1308675", "16.1308675", "totalBalance")
    keys = [row.total_key for row in account.cash] + [row.total_key for row in account.margin]
    assert set(keys) == {"totalBalance"}
    draft = AscendexSimulator.seed(draft_field_names=True).accounts[0]
    assert draft.cash[1] == CashRow("BTC", "22.1308675", "16.1308675", "totalABalance")
    assert [row.total_key for row in draft.margin] == ["totalABalance", "totalBalance"]
    live = AscendexSimulator.seed(mode="live").accounts[0]
    assert live.verbatim == {}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


SIMKIT = PACKAGE.parents[1] / "simkit"


@pytest.mark.parametrize(
    "path",
    sorted([*PACKAGE.glob("*.py"), *SIMKIT.glob("*.py")]),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_simulator_imports_only_the_standard_library(path: Path) -> None:
    """The simulator and the shared kit under it import nothing of folio's client side."""
    allowed_third_party = {"pytest"} if path.name == "pytest_plugin.py" else set()
    for name in imported_modules(path):
        top = name.split(".")[0]
        own = name.startswith(("adapters.ascendex.simulator", "adapters.simkit"))
        if own or top == "__future__":
            continue
        assert top in sys.stdlib_module_names or top in allowed_third_party, (
            f"{path.name} imports {name}")
