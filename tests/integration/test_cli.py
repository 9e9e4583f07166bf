"""The ``folio`` command end to end: config file, environment, simulator, output, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET
from framework.cli import main
from framework.loading import BUILTIN_DISTRIBUTION

FOLIO = Path(sys.executable).with_name("folio")


@pytest.fixture
def config(tmp_path: Path, seed_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SIM_KEY", DEMO_API_KEY)
    monkeypatch.setenv("SIM_SECRET", DEMO_API_SECRET)
    monkeypatch.setenv("BAD_SECRET", "not-the-secret")
    path = tmp_path / "folio.toml"
    path.write_text(
        f"""
[accounts.main]
exchange = "ascendex"
api_key_env = "SIM_KEY"
api_secret_env = "SIM_SECRET"
base_url = "{seed_url}"

[accounts.legacy]
exchange = "ascendex"
api_key_env = "SIM_KEY"
api_secret_env = "SIM_SECRET"
base_url = "{seed_url}"
options = {{ path_style = "legacy", risk_method = "POST", account_group = 6 }}

[accounts.broken]
exchange = "ascendex"
api_key_env = "SIM_KEY"
api_secret_env = "BAD_SECRET"
base_url = "{seed_url}"
""",
        encoding="utf-8",
    )
    return path


def _json(capsys: pytest.CaptureFixture[str]) -> Any:
    """The command's JSON output: nested dicts and lists, navigated freely by the tests."""
    return json.loads(capsys.readouterr().out)


def test_balances_json_is_exact_and_reports_the_failure(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--config", str(config), "balances", "--json"])
    assert code == 1  # one account failed
    document = _json(capsys)
    accounts = {a["account"]: a for a in document["accounts"]}
    main_rows = {r["asset"]: r for r in accounts["main"]["value"]["balances"]}
    assert main_rows["USDT"]["total"] == "1285.366663467"  # a string, every digit
    assert main_rows["BTC"]["locked"] == "6.0000000"
    assert main_rows["ETH"]["available"] == "0.6"
    assert accounts["legacy"]["ok"] is True
    assert accounts["broken"]["ok"] is False
    assert accounts["broken"]["error"]["type"] == "AuthenticationError"
    assert accounts["broken"]["error"]["code"] == 200001
    totals = document["totals"]
    assert totals["missing"] == ["broken"]
    assert totals["complete"] is False
    assert Decimal(totals["totals"]["BTC"]) == Decimal("44.2617350")


def test_balances_of_one_account_exits_zero(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--config", str(config), "balances", "--account", "main", "--wallet", "margin"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "11200" in out
    assert "margin" in out
    assert "INCOMPLETE" not in out


def test_table_output_names_failed_accounts(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config), "balances"]) == 1
    out = capsys.readouterr().out
    assert "FAILED broken: AuthenticationError" in out
    assert "INCOMPLETE, missing: broken" in out
    assert "1285.366663467" in out


def test_risk_json(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "risk", "--account", "legacy", "--json"]) == 0
    (entry,) = _json(capsys)["accounts"]
    value = entry["value"]
    assert value["equity"] == "17715.8175"
    assert value["health"] == {
        "metric": "cushion", "state": "not_applicable", "value": None,
        "liquidation_threshold": "1", "higher_is_safer": True,
    }
    assert value["wallet"] == "margin"
    assert value["extras"] == {"points_balance": "0"}


def test_unknown_account_is_a_usage_error(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config), "balances", "--account", "nope"]) == 2
    assert "no account named 'nope'" in capsys.readouterr().err


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(tmp_path / "absent.toml"), "balances"]) == 2
    err = capsys.readouterr().err
    assert "absent.toml" in err
    assert "folio demo" in err


def test_bad_config_names_file_account_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "folio.toml"
    path.write_text('[accounts.main]\nexchange = "ascendex"\napi_key_env = "K"\n'
                    'api_secret_env = "S"\napi_secret = "oops"\n', encoding="utf-8")
    assert main(["--config", str(path), "risk"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert "[accounts.main]" in err
    assert "'api_secret'" in err


def test_missing_environment_variable_fails_that_account_only(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BAD_SECRET")
    assert main(["--config", str(config), "balances", "--json"]) == 1
    accounts = {a["account"]: a for a in _json(capsys)["accounts"]}
    error = accounts["broken"]["error"]
    assert error["type"] == "ConfigurationError"
    assert "BAD_SECRET" in error["message"]
    assert accounts["main"]["ok"] is True


BUNDLED_SERVES = {
    "ascendex": ({"cash_balance", "margin_balance", "margin_risk", "prices"}, ["margin"]),
    "binance": ({"cash_balance", "margin_balance", "futures_balance", "margin_risk", "prices"},
                ["margin", "futures"]),
    "bybit": ({"cash_balance", "margin_risk", "prices"}, ["cash"]),
    "okx": ({"cash_balance", "margin_risk", "prices"}, ["cash"]),
}
"""What each bundled plugin serves and its risk wallets, default first: OKX's and Bybit's unified
accounts are one ``cash`` wallet with its own risk (docs/exchanges/okx.md, bybit.md); Binance's
futures wallet has its own risk next to margin's (docs/exchanges/binance.md)."""


@pytest.mark.parametrize("name", sorted(BUNDLED_SERVES))
def test_plugins_lists_each_bundled_exchange(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    assert main(["--config", _empty_config(tmp_path), "plugins", "--json"]) == 0
    document = _json(capsys)
    (plugin,) = [p for p in document["plugins"] if p["name"] == name]
    assert plugin["status"] == "loaded"
    assert plugin["distribution"] == BUILTIN_DISTRIBUTION == "folio-exchanges"
    (exchange,) = [e for e in document["exchanges"] if e["exchange"] == name]
    capabilities, risk_wallets = BUNDLED_SERVES[name]
    assert exchange["capabilities"] == dict.fromkeys(capabilities, name)
    assert exchange["risk_wallets"] == risk_wallets


def test_blocked_plugin_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLIO_BLOCK_PLUGINS", "ascendex")
    assert main(["--config", _empty_config(tmp_path), "plugins", "--json"]) == 0
    document = _json(capsys)
    statuses = {p["name"]: p["status"] for p in document["plugins"]}
    assert statuses == {"ascendex": "blocked", "binance": "loaded", "bybit": "loaded",
                        "okx": "loaded"}
    assert [e["exchange"] for e in document["exchanges"]] == ["binance", "bybit", "okx"]


def test_demo_runs_the_whole_stack_in_a_fresh_process() -> None:
    result = subprocess.run(
        [str(FOLIO), "demo", "--json"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)

    def value(section: str, account: str, wallet: str | None = None) -> Any:
        """An account's entry of a balance section, or of ``wallet``'s risk section."""
        where = document[section] if wallet is None else document[section][wallet]
        (entry,) = [a for a in where["accounts"] if a["account"] == account]
        return entry["value"]

    cash = {r["asset"]: r["total"] for r in value("cash", "ascendex-demo")["balances"]}
    assert cash == {"USDT": "1285.366663467", "BTC": "22.1308675", "ETH": "0.6"}
    margin = value("margin", "ascendex-demo")["balances"]
    assert [(r["asset"], r["total"]) for r in margin] == [("USDT", "11200"), ("ETH", "20")]
    assert value("risk", "ascendex-demo", "margin")["total_value"] == "17715.8175"
    # Binance's demo account (adapters/binance/simulator/demo.py), not the documentation's
    # sample: a modest wallet, the empty ETH margin row hidden, USDT borrowed
    spot = {r["asset"]: r["total"] for r in value("cash", "binance-demo")["balances"]}
    assert spot == {"BTC": "0.41250000", "LTC": "12.50000000", "ETH": "3.15000000",
                    "BNB": "25.40000000", "USDT": "1843.27000000"}
    binance_margin = value("margin", "binance-demo")["balances"]
    assert [(r["asset"], r["net"]) for r in binance_margin] == [
        ("BTC", "0.06000000"), ("USDT", "-1250.42000000")
    ]
    assert value("risk", "binance-demo", "margin")["health"]["value"] == "2.72590341"
    # its futures wallet: 2000 USDT of wallet, 100 of unrealised profit, 320 held as margin
    (futures,) = value("futures", "binance-demo")["balances"]
    assert (futures["asset"], futures["total"], futures["unrealized_pnl"], futures["equity"],
            futures["locked"]) == ("USDT", "2000.00000000", "100.00000000", "2100.00000000",
                                   "320.00000000")
    futures_risk = value("risk", "binance-demo", "futures")
    assert (futures_risk["wallet"], futures_risk["maintenance_margin"]) == ("futures",
                                                                            "12.80000000")
    # OKX's and Bybit's unified accounts: the cash wallet, with its own risk in USD
    okx = {r["asset"]: r for r in value("cash", "okx-demo")["balances"]}
    assert (okx["USDT"]["borrowed"], okx["USDT"]["interest"], okx["USDT"]["net"]) == (
        "1500.00", "0.35", "-1500.35"
    )
    bybit = {r["asset"]: r for r in value("cash", "bybit-demo")["balances"]}
    assert (bybit["USDT"]["unrealized_pnl"], bybit["USDC"]["borrowed"]) == ("-182.5", "2500")
    for exchange in ("okx", "bybit"):
        risk = value("risk", f"{exchange}-demo", "cash")
        assert (risk["wallet"], risk["quote_asset"]) == ("cash", "USD")
    for exchange in ("ascendex", "binance", "bybit", "okx"):
        assert document["simulators"][exchange].startswith("http://127.0.0.1:")
    # the portfolio: equity per asset over every exchange's wallets
    totals = document["portfolio"]["totals"]
    assert Decimal(totals["BTC"]) == (
        Decimal("22.1308675") + Decimal("0.41250000") + Decimal("0.06000000") + Decimal("0.35")
        + Decimal("0.25")
    )
    assert Decimal(totals["ETH"]) == (
        Decimal("0.6") + Decimal("20") + Decimal("3.15") + Decimal("4.2") + Decimal("2.4")
    )
    assert document["portfolio"]["included"] == [
        "ascendex-demo", "binance-demo", "bybit-demo", "okx-demo"
    ]


def _empty_config(tmp_path: Path) -> str:
    """A configuration file with no account and no [plugins] table: every plugin is listed.

    It must exist: a file named with --config that does not is an error (docs/cli.md).
    """
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    return str(path)
