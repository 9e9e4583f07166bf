"""``folio portfolio`` end to end: config file, both simulators, every output, exit codes.

The expected numbers are the simulators' seed data, worked out by hand in
tests/integration/test_portfolio.py's docstring.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY as ASCENDEX_KEY
from adapters.ascendex.simulator import DEMO_API_SECRET as ASCENDEX_SECRET
from adapters.binance.simulator import DEMO_API_KEY as BINANCE_KEY
from adapters.binance.simulator import DEMO_API_SECRET as BINANCE_SECRET
from adapters.binance.simulator.simulator import RunningBinanceSimulator
from adapters.simkit.server import RunningSimulator
from framework.cli import main
from framework.render_portfolio import share_bar


@pytest.fixture
def config(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ascendex_simulator: RunningSimulator,
    binance_simulator: RunningBinanceSimulator,
) -> Path:
    monkeypatch.setenv("A_KEY", ASCENDEX_KEY)
    monkeypatch.setenv("A_SECRET", ASCENDEX_SECRET)
    monkeypatch.setenv("B_KEY", BINANCE_KEY)
    monkeypatch.setenv("B_SECRET", BINANCE_SECRET)
    monkeypatch.setenv("BAD_SECRET", "not-the-secret")
    path = tmp_path / "folio.toml"
    path.write_text(
        f"""
[accounts.asc]
exchange = "ascendex"
api_key_env = "A_KEY"
api_secret_env = "A_SECRET"
base_url = "{ascendex_simulator.url}"

[accounts.bin]
exchange = "binance"
api_key_env = "B_KEY"
api_secret_env = "B_SECRET"
base_url = "{binance_simulator.url}"

[accounts.broken]
exchange = "ascendex"
api_key_env = "A_KEY"
api_secret_env = "BAD_SECRET"
base_url = "{ascendex_simulator.url}"
""",
        encoding="utf-8",
    )
    return path


def _run(config: Path, *args: str) -> list[str]:
    return ["--config", str(config), "portfolio", *args]


def _json(capsys: pytest.CaptureFixture[str]) -> Any:
    return json.loads(capsys.readouterr().out)


def test_table_shows_positions_totals_risk_and_every_failure(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_run(config)) == 1  # the broken account failed
    out = capsys.readouterr().out
    assert "== portfolio: positions ==" in out
    assert re.search(r"\nasc +ascendex +margin +ETH +20 +0 +20\n", out)
    assert "BNB       2144.83333328" in out  # 2346.5 - 201.66666672, net per asset
    assert "ok: margin_level 11.64405625 (liquidation at 1.1)" in out
    assert "n/a: nothing borrowed" in out
    assert "INCOMPLETE, missing: broken" in out
    for part in ("cash balances", "margin balances", "margin risk"):
        assert f"FAILED broken (ascendex) {part}: AuthenticationError" in out
    assert "█" not in out  # without a quote amounts of different assets are not compared


def test_quote_values_with_prices_paths_sources_and_share_bars(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_run(config, "--account", "asc", "--quote", "usdt")) == 0
    out = capsys.readouterr().out
    # 196243.598688467 USDT in all: BTC 177046.94 (90.2%), USDT 12485.366663467 (6.4%),
    # ETH 6711.292025 (3.4%)
    assert "TOTAL 196243.59868847 USDT" in out
    assert "INCOMPLETE" not in out
    lines = {line.split()[0]: line for line in out.splitlines() if line[:4] in {"BTC ", "ETH "}}
    assert share_bar(Decimal("177046.94") / Decimal("196243.598688467")) in lines["BTC "[:3]]
    assert "90.2%" in lines["BTC"]
    assert "3.4%" in lines["ETH"]
    assert "0.040723859375 x 8000  ETH/BTC x BTC/USDT" in out
    assert "ascendex  ETH/BTC   0.040723859375  last  GET /api/pro/v1/spot/ticker" in out


def test_an_unvalued_holding_is_listed_and_the_total_incomplete(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_run(config, "--account", "bin", "--quote", "USDT")) == 0  # nothing failed
    out = capsys.readouterr().out
    assert "UNVALUED bin (binance) cash LTC: no LTC/USDT, USDT/LTC or bridge on binance" in out
    assert "(INCOMPLETE: only what could be valued, see below)" in out
    assert "EQUITY USDT" in out
    assert "399420.95488" in out  # Binance's equity, 6.24095242 BTC x 64000


def test_json_carries_each_price_its_source_pair_time_and_exactness(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_run(config, "--quote", "USDT", "--json")) == 1
    document = _json(capsys)
    assert document["quote"] == "USDT"
    assert document["complete"] is False
    positions = {(p["account"], p["wallet"], p["asset"]): p for p in document["positions"]}
    eth = positions["asc", "margin", "ETH"]["valuation"]
    assert eth["value"] == "6515.8175"
    assert eth["exact"] is True
    assert eth["path"] == "ETH/BTC x BTC/USDT"
    first, second = eth["prices"]
    assert first["pair"] == "ETH/BTC"
    assert first["price"] == "0.040723859375"
    assert first["source"] == "GET /api/pro/v1/spot/ticker"
    assert first["exchange"] == "ascendex"
    assert first["kind"] == "last"
    assert first["at"].endswith("Z")
    assert first["inverted"] is False
    assert second["pair"] == "BTC/USDT"
    ltc = positions["bin", "cash", "LTC"]["valuation"]
    assert (ltc["valued"], ltc["value"], ltc["prices"]) == (False, None, [])
    value = document["value"]
    # 302326796757.75582817496488704 from AscendEX, Binance's spot and margin, and 23.72469206
    # USDT in Binance's futures wallet (its seed, tests/integration/test_portfolio.py)
    assert value["total"] == "302326796781.48052023496488704"
    assert value["complete"] is False
    assert value["missing"] == ["broken"]
    assert value["assets"]["BNB"]["value"] == "399101.27457970796488704"
    failures = [(f["account"], f["part"], f["error"]["type"]) for f in document["failures"]]
    assert failures == [
        ("broken", "cash balances", "AuthenticationError"),
        ("broken", "margin balances", "AuthenticationError"),
        ("broken", "margin risk", "AuthenticationError"),
    ]
    risk = {(r["account"], r["wallet"]): r for r in document["risk"]}
    assert list(risk) == [("asc", "margin"), ("bin", "margin"), ("bin", "futures")]
    assert risk["bin", "margin"]["in_quote"]["equity"]["value"] == "399420.95488"
    # Binance's futures risk is in USD (a Multi-Assets account): USD is not USDT, so it is shown
    # as read and left unvalued, with the reason
    futures = risk["bin", "futures"]
    assert (futures["risk"]["quote_asset"], futures["risk"]["equity"]) == ("USD", "126.72469206")
    assert futures["risk"]["health"]["state"] == "not_applicable"  # no maintenance margin
    assert futures["in_quote"]["valued"] is False
    assert futures["in_quote"]["equity"]["value"] is None
    assert "USD is the exchange's unit of account" in futures["in_quote"]["equity"]["reason"]
    assert document["totals"]["totals"]["ETH"] == "20.6"


def test_csv_exports_one_row_per_position_with_valuation_columns(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_run(config, "--quote", "BTC", "--format", "csv")) == 1
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert len(rows) == 10  # 5 AscendEX positions, 5 Binance ones (futures too); broken none
    assert list(rows[0]) == [
        "account", "exchange", "wallet", "asset", "total", "available", "locked", "borrowed",
        "interest", "net", "unrealized_pnl", "equity", "quote", "value", "rate", "exact", "path",
        "prices", "price_sources", "price_times", "reason",
    ]
    usdt = rows[0]
    assert (usdt["asset"], usdt["value"], usdt["rate"]) == ("USDT", "0.160670832933375", "0.000125")
    assert usdt["path"] == "BTC/USDT inverted"
    assert usdt["price_sources"] == "ascendex GET /api/pro/v1/spot/ticker"
    assert usdt["exact"] == "true"
    ltc = next(r for r in rows if r["asset"] == "LTC")
    assert (ltc["value"], ltc["reason"]) == ("", "no LTC/BTC, BTC/LTC or bridge on binance")
    (futures,) = [r for r in rows if r["wallet"] == "futures"]
    assert (futures["account"], futures["asset"]) == ("bin", "USDT")
    assert Decimal(futures["equity"]) == Decimal(futures["net"]) == Decimal("23.72469206")
    assert Decimal(futures["unrealized_pnl"]) == 0
    assert Decimal(futures["value"]) == Decimal("23.72469206") / 64000  # at Binance's BTCUSDT
    # the failures are not in the export, so they are on stderr
    assert "FAILED broken (ascendex) cash balances: AuthenticationError" in captured.err
    assert "UNVALUED bin (binance) cash LTC" in captured.err


def test_csv_without_quote_has_the_position_columns_only(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_run(config, "--account", "asc", "--format", "csv")) == 0
    captured = capsys.readouterr()
    header, *rows = captured.out.splitlines()
    assert header == (
        "account,exchange,wallet,asset,total,available,locked,borrowed,interest,net,"
        "unrealized_pnl,equity"
    )
    assert rows[0] == (
        "asc,ascendex,cash,USDT,1285.366663467,1285.366663467,0.000000000,0,0,1285.366663467,"
        "0,1285.366663467"
    )
    assert captured.err == ""


def test_jsonl_exports_one_line_per_position(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_run(config, "--account", "bin", "--quote", "USDT", "--format", "jsonl")) == 0
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [(p["wallet"], p["asset"]) for p in lines] == [
        ("cash", "BTC"), ("cash", "LTC"), ("margin", "BTC"), ("margin", "BNB"),
        ("futures", "USDT"),
    ]
    bnb = lines[3]
    assert (bnb["net"], bnb["borrowed"]) == ("2144.83333328", "201.66666672")
    assert bnb["valuation"]["value"] == "399101.27457970796488704"
    assert bnb["valuation"]["path"] == "BNB/BTC x BTC/USDT"
    assert "UNVALUED bin (binance) cash LTC" in captured.err


def test_unknown_account_and_bad_quote_are_usage_errors(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_run(config, "--account", "nope")) == 2
    assert "no account named 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(_run(config, "--quote", "BTC/USDT"))
    assert stopped.value.code == 2
    assert "upper-case asset code" in capsys.readouterr().err
