"""``folio risk --wallet`` end to end, on the bundled simulators (docs/cli.md, "folio risk").

Binance declares the risk of its margin wallet (the default) and of its USD-M futures wallet;
AscendEX only its margin wallet. Reading the futures risk of both shows Binance's futures pool
(positions, no debt: exposed, ``ok``) and AscendEX's account as a failure of that account.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from framework.cli import main
from framework.testing import SimulatedExchanges


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with SimulatedExchanges.start(["ascendex", "binance"]) as simulators:
        for name, value in simulators.environment.items():
            monkeypatch.setenv(name, value)
        path = tmp_path / "folio.toml"
        path.write_text(simulators.config_toml(), encoding="utf-8")
        yield path


def test_the_futures_wallets_risk_is_read_and_an_unserving_exchange_fails_alone(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config), "--quiet", "risk", "--wallet", "futures"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "== futures risk =="
    header = out[1].split()
    assert "MAINT" in header
    assert "NOTIONAL" in header
    (binance,) = [line for line in out if line.startswith("binance-sim")]
    assert binance.endswith("ok: cushion 164.0625 (liquidation at 1)")
    (failed,) = [line for line in out if line.startswith("FAILED")]
    assert failed == (
        "FAILED ascendex-sim: UnsupportedCapabilityError: ascendex account 'ascendex-sim': "
        "margin risk of the futures wallet is not supported for 'ascendex' "
        "(its risk wallets: margin)"
    )


def test_an_alias_names_the_wallet_and_json_says_which_wallet_was_read(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--config", str(config), "--quiet", "risk", "--wallet", "cross-margin", "--json"]
    assert main(argv) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["wallet"] == "margin"
    assert [a["value"]["wallet"] for a in document["accounts"]] == ["margin", "margin"]


def test_without_a_wallet_each_exchange_default_is_read(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config), "--quiet", "risk", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert "wallet" not in document
    assert {a["account"]: a["value"]["wallet"] for a in document["accounts"]} == {
        "ascendex-sim": "margin", "binance-sim": "margin"
    }


def test_a_wallet_whose_risk_no_plugin_serves_is_a_usage_error(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # With only AscendEX and Binance loaded, nobody serves a cash wallet's risk.
    monkeypatch.setenv("FOLIO_BLOCK_PLUGINS", "okx,bybit")
    assert main(["--config", str(config), "risk", "--wallet", "spot"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        "folio: UnsupportedCapabilityError: no installed plugin serves the risk of the 'cash' "
        "wallet (served: margin, futures; 'folio plugins' lists the risk wallets of each "
        "exchange)"
    )
