"""``--wallet`` names and what is served, a blocked plugin said to be blocked, no accounts.

Driven through :func:`framework.cli.main` with an in-test plugin ``acme`` installed through an
entry point: it serves the cash wallet only, so ``margin`` and ``futures`` are served only by the
bundled plugins (AscendEX margin; Binance margin and futures), and by nobody once those are blocked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.cli import main
from tests.framework.helpers import PluginSite, account_table, plugin_module


@pytest.fixture
def config(site: PluginSite, tmp_path: Path) -> str:
    site.install_plugin("acme", plugin_module("acme"), attribute="plugin")
    path = tmp_path / "folio.toml"
    path.write_text(account_table("main", exchange='"acme"'), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name", ["spot", "SPOT", "cash", "Cash"])
def test_the_exchanges_name_for_cash_reads_cash(
    config: str, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    assert main(["--config", config, "balances", "--wallet", name, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["wallet"] == "cash"
    assert document["accounts"][0]["value"]["wallet"] == "cash"


@pytest.mark.parametrize(
    ("blocked", "name", "served"),
    [
        # Binance serves futures, AscendEX margin, Bybit and OKX cash: without Binance, nobody
        # serves futures.
        ("binance", "futures", "cash, margin"),
        ("ascendex,binance", "futures", "cash"),
        ("ascendex,binance", "cross-margin", "cash"),  # only acme is left: cash only
        ("ascendex,binance", "margin", "cash"),
    ],
)
def test_a_wallet_no_plugin_serves_is_a_usage_error_naming_the_served_ones(
    config: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    blocked: str,
    name: str,
    served: str,
) -> None:
    monkeypatch.setenv("FOLIO_BLOCK_PLUGINS", blocked)
    wallet = "margin" if name == "cross-margin" else name
    assert main(["--config", config, "balances", "--wallet", name]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "folio: UnsupportedCapabilityError: no installed plugin serves the "
        f"'{wallet}' wallet (served: {served}; 'folio plugins' lists what each exchange "
        "serves)\n"
    )


def test_a_wallet_served_by_another_exchange_fails_the_account_not_the_command(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The bundled Binance plugin serves futures, so the name is valid; acme's account cannot
    # read it and fails alone (exit 1), naming what acme offers.
    assert main(["--config", config, "balances", "--wallet", "futures", "--json"]) == 1
    (account,) = json.loads(capsys.readouterr().out)["accounts"]
    assert account["error"]["type"] == "UnsupportedCapabilityError"
    assert account["error"]["message"].endswith(
        "the futures wallet is not served for 'acme' (its wallets: cash; 'folio plugins' "
        "lists what each exchange serves)"
    )


def test_an_unknown_wallet_name_lists_the_names_and_aliases(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--config", config, "balances", "--wallet", "savings"])
    assert caught.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == (
        "folio balances: error: argument --wallet: unknown wallet 'savings' (expected one of "
        "cash, margin, futures, spot (= cash), cross-margin (= margin))"
    )


@pytest.mark.parametrize(
    ("block_env", "block_file", "by"),
    [
        ("acme", "", "FOLIO_BLOCK_PLUGINS"),
        (" other , acme", "", "FOLIO_BLOCK_PLUGINS"),
        ("", '[plugins]\nblock = ["acme"]\n', "[plugins] block in the configuration file"),
    ],
)
def test_a_blocked_plugin_is_reported_as_blocked_and_by_what(
    config: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    block_env: str,
    block_file: str,
    by: str,
) -> None:
    monkeypatch.setenv("FOLIO_BLOCK_PLUGINS", block_env)
    path = Path(config)
    path.write_text(block_file + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["--config", config, "risk", "--json"]) == 1
    (account,) = json.loads(capsys.readouterr().out)["accounts"]
    assert account["account"] == "main"
    assert account["error"]["type"] == "UnknownExchangeError"
    assert account["error"]["message"].endswith(
        f"exchange 'acme' is not served: its plugin 'acme' is blocked by {by} "
        "(served: ascendex, binance, bybit, okx)"
    )


def test_an_unserved_exchange_with_no_such_plugin_keeps_its_message(
    site: PluginSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.install_plugin("acme", plugin_module("acme"), attribute="plugin")
    path = tmp_path / "folio.toml"
    path.write_text(account_table("main", exchange='"zeta"'), encoding="utf-8")
    assert main(["--config", str(path), "risk", "--json"]) == 1
    (account,) = json.loads(capsys.readouterr().out)["accounts"]
    assert "no installed plugin serves exchange 'zeta' (installed: " in account["error"]["message"]
    assert "blocked" not in account["error"]["message"]


@pytest.mark.parametrize("command", ["balances", "risk", "portfolio"])
@pytest.mark.parametrize("text", ["", "[network]\ndeadline = 5\n", "[accounts]\n"])
def test_no_accounts_says_so_and_how_to_add_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, text: str
) -> None:
    path = tmp_path / "empty.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["--config", str(path), command]) == 2
    captured = capsys.readouterr()
    assert "across 0 accounts" not in captured.out
    assert captured.err.startswith(
        f"folio: ConfigurationError: {path}: no accounts are configured: add an "
        "[accounts.NAME] table"
    )
    assert "folio simulate ascendex" in captured.err
    assert captured.err.endswith("(from --config)\n")
