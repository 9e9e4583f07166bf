"""``folio config check``: the file, the accounts that would be read, what is missing; no value.

Driven through :func:`framework.cli.main` with the in-test plugin ``acme`` installed through an
entry point (cash wallet only) next to the bundled plugins. No request is sent by the command,
so none of these tests needs a server.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.cli import main
from tests.framework.helpers import PluginSite, account_table, plugin_module

KEY_VALUE = "Kk7QvZt2pWm9rXc4"
SECRET_VALUE = "s3cr3t-Value-that-must-never-show-9Qz"
PASTED = "hV8FgjyJtpvVeAcMAgzgAFQCN36wmbWuN7o3WPcYcYhFd8qvE43gzFGVsFcCqMNk"  # a secret as a name


@pytest.fixture
def folder(site: PluginSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site.install_plugin("acme", plugin_module("acme"), attribute="plugin")
    monkeypatch.setenv("K", KEY_VALUE)
    monkeypatch.setenv("S", SECRET_VALUE)
    monkeypatch.delenv("MISSING_SECRET", raising=False)
    monkeypatch.delenv("FOLIO_CONFIG", raising=False)
    return tmp_path


def _write(folder: Path, *tables: str) -> str:
    path = folder / "folio.toml"
    path.write_text("\n".join(tables), encoding="utf-8")
    return str(path)


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert SECRET_VALUE not in captured.out + captured.err
    assert KEY_VALUE not in captured.out + captured.err
    return code, captured.out, captured.err


def test_a_ready_configuration_exits_0_and_lists_what_would_be_read(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _write(
        folder,
        account_table("main", exchange='"acme"'),
        account_table("desk", exchange='"ascendex"', base_url='"https://ascendex.com"'),
    )
    code, out, _ = _check(capsys, "config", "check", "--config", config)
    assert code == 0
    assert out.splitlines() == [
        f"configuration: {config} (from --config)",
        "",
        "ACCOUNT  EXCHANGE  WALLETS       RISK  BASE URL              STATUS",
        "main     acme      cash          yes   (plugin default)      ready",
        "desk     ascendex  cash, margin  yes   https://ascendex.com  ready",
        "",
        "ready: 2 of 2 accounts would be read",
    ]


def test_missing_variables_are_named_never_valued(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _write(
        folder,
        account_table("main", exchange='"acme"', api_secret_env='"MISSING_SECRET"'),
        account_table("both", exchange='"binance"', api_key_env='"NO_KEY"',
                      api_secret_env='"MISSING_SECRET"'),
        account_table("fine", exchange='"acme"'),
    )
    code, out, _ = _check(capsys, "--config", config, "config", "check", "--json")
    assert code == 1
    document = json.loads(out)
    assert document["ready"] is False
    assert document["missing_variables"] == ["MISSING_SECRET", "NO_KEY"]
    main_account, both, fine = document["accounts"]
    assert main_account["missing"] == ["MISSING_SECRET"]
    assert main_account["problems"] == [
        "[accounts.main] key 'api_secret_env': environment variable MISSING_SECRET is not set "
        "(it should hold the API secret)"
    ]
    assert both["missing"] == ["NO_KEY", "MISSING_SECRET"]
    assert (fine["ready"], fine["missing"], fine["credentials"]) == (True, [], "environment")
    code, out, _ = _check(capsys, "--config", config, "config", "check")
    assert "missing environment variables: MISSING_SECRET, NO_KEY" in out.splitlines()


def test_a_secret_pasted_as_a_variable_name_is_not_shown(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _write(folder, account_table("main", exchange='"acme"', api_key_env=f'"{PASTED}"'))
    code, out, err = _check(capsys, "config", "check", "--config", config)
    assert code == 2
    assert PASTED not in out + err
    assert "[accounts.main] key 'api_key_env'" in err


def test_an_exchange_no_plugin_serves_and_a_blocked_one_are_named(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FOLIO_BLOCK_PLUGINS", "acme")
    config = _write(
        folder,
        account_table("main", exchange='"acme"'),
        account_table("other", exchange='"zeta"'),
        account_table("fine", exchange='"binance"'),
    )
    code, out, _ = _check(capsys, "config", "check", "--config", config)
    assert code == 1
    assert "  main: exchange 'acme' is not served: its plugin 'acme' is blocked by " \
        "FOLIO_BLOCK_PLUGINS (served: ascendex, binance, bybit, okx)" in out.splitlines()
    assert any(
        line.startswith("  other: no installed plugin serves exchange 'zeta'")
        for line in out.splitlines()
    )
    assert "fine     binance   cash, margin, futures  yes   (plugin default)  ready" in out
    assert out.splitlines()[-1] == "NOT READY: 1 of 3 accounts would be read"
    code, out, _ = _check(capsys, "config", "check", "--config", config, "--json")
    assert json.loads(out)["unserved_exchanges"] == ["acme", "zeta"]


def test_no_accounts_is_something_missing(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _write(folder, "[network]\ndeadline = 5\n")
    code, out, _ = _check(capsys, "config", "check", "--config", config)
    assert code == 1
    assert "  no accounts are configured: add an [accounts.NAME] table" in out
    assert out.splitlines()[-1] == "NOT READY: 0 of 0 accounts would be read"


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("[accounts.main]\nexchange = 3\n", "[accounts.main] key 'exchange'"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_an_unusable_file_exits_2_with_one_error_document(
    folder: Path, capsys: pytest.CaptureFixture[str], text: str, detail: str
) -> None:
    config = _write(folder, text)
    code, out, err = _check(capsys, "config", "check", "--json", "--config", config)
    assert code == 2
    error = json.loads(out)["error"]
    assert error["type"] == "ConfigurationError"
    assert detail in error["message"]
    assert error["message"].endswith("(from --config)")
    assert err.startswith("folio: ConfigurationError: ")


def test_the_file_found_through_folio_config_says_so(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _write(folder, account_table("main", exchange='"acme"'))
    monkeypatch.setenv("FOLIO_CONFIG", config)
    monkeypatch.chdir(folder.parent)
    code, out, _ = _check(capsys, "config", "check", "--json")
    assert code == 0
    assert json.loads(out)["config"] == {
        "path": config, "origin": "environment", "reason": "from FOLIO_CONFIG"
    }


def test_config_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["config"])
    assert caught.value.code == 2
    assert "the following arguments are required: ACTION" in capsys.readouterr().err
