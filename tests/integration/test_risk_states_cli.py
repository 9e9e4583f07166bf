"""``folio risk`` over loopback says an insolvent account is insolvent, in words and in JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.ascendex.simulator import AscendexSimulator, ComputedRisk, MarginRow, SimAccount
from framework.cli import main

ACCOUNTS = {
    # 100 USDT held, 150 borrowed, 1.5 interest: net -51.5, and AscendEX's cushion is -1
    "underwater": [MarginRow("USDT", "100", "100", borrowed="150", interest="1.5")],
    "idle": [MarginRow("USDT", "100", "100")],
    "geared": [MarginRow("USDT", "1000", "1000", borrowed="100")],
}


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    simulator = AscendexSimulator([
        SimAccount(api_key=f"key-{name}", api_secret=f"secret-{name}", account_group=2,
                   margin=rows, risk=ComputedRisk())
        for name, rows in ACCOUNTS.items()
    ])
    with simulator.serve() as running:
        yield running.url


@pytest.fixture
def config(tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    tables = []
    for name in ACCOUNTS:
        monkeypatch.setenv(f"KEY_{name.upper()}", f"key-{name}")
        monkeypatch.setenv(f"SECRET_{name.upper()}", f"secret-{name}")
        tables.append(
            f'[accounts.{name}]\nexchange = "ascendex"\nbase_url = "{url}"\n'
            f'api_key_env = "KEY_{name.upper()}"\napi_secret_env = "SECRET_{name.upper()}"\n'
        )
    path = tmp_path / "folio.toml"
    path.write_text("\n".join(tables))
    return path


def test_the_table_says_insolvent_with_the_figures(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config), "risk"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines() if line}
    assert lines["underwater"].endswith("INSOLVENT: net value -51.5 USDT, debt 151.5 USDT")
    assert lines["idle"].endswith("n/a: nothing borrowed")
    assert lines["geared"].endswith("ok: cushion 90 (liquidation at 1)")


def test_json_carries_the_state(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "risk", "--json"]) == 0
    output = json.loads(capsys.readouterr().out)
    results = {r["account"]: r["value"] for r in output["accounts"]}
    assert results["underwater"]["health"] == {
        "metric": "cushion", "state": "insolvent", "value": None, "liquidation_threshold": "1",
        "higher_is_safer": True,
    }
    assert results["underwater"]["equity"] == "-51.5"
    assert results["idle"]["health"]["state"] == "not_applicable"
    assert results["geared"]["health"]["state"] == "ok"
    assert results["geared"]["health"]["value"] == "90"
