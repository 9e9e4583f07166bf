"""``folio`` exit codes 0/1/2 with a third-party plugin installed through an entry point.

The command against the real AscendEX simulator is covered in tests/integration/test_cli.py;
here the exchange is an in-test plugin, so each outcome is chosen by the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.cli import main
from tests.framework.helpers import (
    FAILS_TO_IMPORT,
    PluginSite,
    account_table,
    plugin_module,
)


@pytest.fixture
def acme(site: PluginSite) -> PluginSite:
    site.install_plugin("acme", plugin_module("acme"), attribute="plugin")
    return site


@pytest.fixture
def config(acme: PluginSite, tmp_path: Path) -> str:
    """Accounts 'main' and 'spare' read fine; the exchange refuses 'broken'."""
    path = tmp_path / "folio.toml"
    tables = [account_table(name, exchange='"acme"') for name in ("main", "broken", "spare")]
    path.write_text("\n".join(tables), encoding="utf-8")
    return str(path)


def test_every_account_read_exits_0(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--config", config, "balances", "--account", "main", "--account", "spare"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "1285.366663467" in out
    assert "1.50000000" in out
    assert "(across 2 accounts)" in out
    assert "FAILED" not in out


def test_a_failed_account_exits_1_and_the_others_are_shown(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", config, "balances", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    accounts = {a["account"]: a for a in document["accounts"]}
    assert accounts["main"]["value"]["balances"][0]["total"] == "1.50000000"
    assert accounts["broken"]["error"]["type"] == "AuthenticationError"
    assert accounts["broken"]["error"]["code"] == 200001
    assert document["totals"]["missing"] == ["broken"]
    assert document["totals"]["totals"]["BTC"] == "3.00000000"


@pytest.mark.parametrize(("accounts", "code"), [(["main"], 0), ([], 1)])
def test_risk_exit_codes(
    config: str, capsys: pytest.CaptureFixture[str], accounts: list[str], code: int
) -> None:
    selected = [arg for name in accounts for arg in ("--account", name)]
    assert main(["--config", config, "risk", *selected]) == code
    out = capsys.readouterr().out
    assert "n/a: nothing borrowed" in out
    assert ("FAILED broken: AuthenticationError" in out) is (code == 1)


def test_an_unusable_command_exits_2(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", config, "risk", "--account", "nobody"]) == 2
    assert "UnknownAccountError" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["--config", config, "balances", "--wallet", "savings"])  # "spot" is cash's alias
    assert caught.value.code == 2
    assert "unknown wallet 'savings'" in capsys.readouterr().err


def test_plugins_lists_the_third_party_plugin_and_exits_0(
    acme: PluginSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", _empty_config(tmp_path), "plugins", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    plugins = {p["name"]: p for p in document["plugins"]}
    assert plugins["acme"]["distribution"] == "acme-folio"
    assert plugins["acme"]["target"] == "acme_folio:plugin"
    assert [e["exchange"] for e in document["exchanges"]] == [
        "acme", "ascendex", "binance", "bybit", "okx"
    ]
    assert document["conflicts"] == {}


def test_plugins_exits_1_when_a_plugin_is_broken(
    acme: PluginSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acme.install_plugin("broken", FAILS_TO_IMPORT)
    assert main(["--config", _empty_config(tmp_path), "plugins"]) == 1
    out = capsys.readouterr().out
    assert "broken    failed" in out
    assert "import failed: RuntimeError: acme-broken needs libacme 2" in out


def test_plugins_exits_1_on_a_conflict_until_the_config_blocks_one(
    acme: PluginSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acme.install_plugin("acme-fork", plugin_module("acme"), attribute="plugin")
    path = tmp_path / "folio.toml"
    path.write_text("", encoding="utf-8")
    assert main(["--config", str(path), "plugins"]) == 1
    assert "CONFLICT acme: claimed by acme, acme-fork" in capsys.readouterr().out

    path.write_text('[plugins]\nblock = ["acme-fork"]\n', encoding="utf-8")
    assert main(["--config", str(path), "plugins"]) == 0
    out = capsys.readouterr().out
    assert "CONFLICT" not in out
    assert "acme-fork  blocked" in out


def _empty_config(tmp_path: Path) -> str:
    """A configuration file with no account and no [plugins] table: every plugin is listed.

    It must exist: a file named with --config that does not is an error (docs/cli.md).
    """
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    return str(path)
