"""What a new user hits first: a named file that is missing, a reader that left, a usage error
asked for as JSON, an account named twice, a shadowed ``adapters`` package, a blocked plugin.

Each test drives the real command (``framework.cli.main`` in-process, or the installed ``folio``
in a subprocess where the shell's view matters: exit status, stderr, a closed pipe) against the
AscendEX simulator on a loopback port where an account is read (docs/cli.md).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET
from framework.cli import main
from framework.loading import PluginRecord, PluginStatus
from framework.unserved import unserved_message

FOLIO = Path(sys.executable).with_name("folio")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path: Path, seed_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One AscendEX account ``main`` on a seed simulator, its keys in the environment."""
    monkeypatch.setenv("SIM_KEY", DEMO_API_KEY)
    monkeypatch.setenv("SIM_SECRET", DEMO_API_SECRET)
    path = tmp_path / "folio.toml"
    path.write_text(
        f'[accounts.main]\nexchange = "ascendex"\napi_key_env = "SIM_KEY"\n'
        f'api_secret_env = "SIM_SECRET"\nbase_url = "{seed_url}"\n',
        encoding="utf-8",
    )
    return path


def _closed_pipe_run(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run ``folio`` with a stdout whose reader is gone before the first write (no race)."""
    read_end, write_end = socket.socketpair()
    read_end.close()
    with write_end:
        process = subprocess.Popen(
            [str(FOLIO), *argv], stdout=write_end.fileno(), stderr=subprocess.PIPE,
            text=True, cwd=cwd, env={**os.environ, "PYTHONPATH": ""},
        )
    _, err = process.communicate(timeout=60)
    return process.returncode, err


# -- a closed pipe, on every path that writes to stdout ------------------------------------


@pytest.mark.parametrize(
    ("argv", "code", "line"),
    [
        (["--version"], 0, ""),
        (["--help"], 0, ""),
        (["config", "check", "--json"], 0, ""),
        (["balances", "--json"], 0, ""),
        (["risk"], 0, ""),
        # The command could not run: its code and its one line on stderr stay, no traceback.
        # (Binance, the one plugin serving futures, is blocked by the test.)
        (["balances", "--wallet", "futures", "--json"], 2,
         "folio: UnsupportedCapabilityError: no installed plugin serves the 'futures' wallet "
         "(served: cash, margin; 'folio plugins' lists what each exchange serves)\n"),
        (["risk", "--account", "nobody", "--json"], 2,
         "folio: UnknownAccountError: account 'nobody': no account named 'nobody' is "
         "configured (configured: main)\n"),
    ],
)
def test_a_closed_pipe_never_shows_a_traceback(
    config: Path, argv: list[str], code: int, line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLIO_BLOCK_PLUGINS", "binance")  # the child inherits it
    assert _closed_pipe_run(["--config", str(config), *argv], config.parent) == (code, line)


def test_a_usage_error_with_json_and_a_closed_pipe_keeps_exit_2(tmp_path: Path) -> None:
    code, err = _closed_pipe_run(["balances", "--json", "--wallet", "savings"], tmp_path)
    assert code == 2
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("folio balances: error: argument --wallet: unknown")


# -- a file the user named must exist --------------------------------------------------------


def test_plugins_refuses_a_config_file_named_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.toml"
    assert main(["plugins", "--config", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"folio: ConfigurationError: {missing}: configuration file not found (use --config "
        "PATH, or run 'folio demo' to try folio) (from --config)\n"
    )


def test_plugins_refuses_a_folio_config_file_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOLIO_CONFIG", "missing.toml")
    assert main(["plugins", "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error == {
        "type": "ConfigurationError",
        "message": "missing.toml: configuration file not found (use --config PATH, or run "
        "'folio demo' to try folio) (from FOLIO_CONFIG)",
    }


def test_plugins_without_any_file_lists_every_plugin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FOLIO_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert main(["plugins", "--json"]) == 0
    names = {p["name"] for p in json.loads(capsys.readouterr().out)["plugins"]}
    assert {"ascendex", "binance"} <= names


@pytest.mark.parametrize("argv", [["--config", ""], ["--config="], ["--config", "  "]])
@pytest.mark.parametrize("command", ["plugins", "balances", "config"])
def test_an_empty_config_path_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], argv: list[str], command: str
) -> None:
    full = [command, "check", *argv] if command == "config" else [command, *argv]
    with pytest.raises(SystemExit) as caught:
        main(full)
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        "error: argument --config: expected the path of a TOML file, got an empty value"
    )


# -- --json promises one document, usage errors included ---------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["balances", "--json", "--wallet", "savings"], "argument --wallet: unknown wallet"),
        (["risk", "--js", "--timeout", "0"], "argument --timeout: must be a positive"),
        (["portfolio", "--json", "--format", "xml"], "argument --format: invalid choice"),
        (["plugins", "--json", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_a_usage_error_with_json_is_a_json_document(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    captured = capsys.readouterr()
    error = json.loads(captured.out)["error"]
    assert error["type"] == "UsageError"
    assert error["message"].startswith(message)
    assert captured.err.splitlines()[-1].endswith(f"error: {error['message']}")


def test_a_usage_error_without_json_prints_nothing_on_stdout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["balances", "--wallet", "savings"])
    assert capsys.readouterr().out == ""


# -- --timeout is checked as the deadline setting checks it ------------------------------


def test_a_timeout_below_the_deadline_minimum_is_a_usage_error_not_a_file_error(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--config", str(config), "balances", "--timeout", "1e-9"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "ConfigurationError" not in err
    assert err.splitlines()[-1] == (
        "folio balances: error: argument --timeout: too short for a deadline (deadline must "
        "be at least 0.001, got 1e-09)"
    )
    assert main(["--config", str(config), "balances", "--timeout", "0.001", "--json"]) in (0, 1)
    json.loads(capsys.readouterr().out)


# -- an account named twice is read and counted once -------------------------------------


def _document(capsys: pytest.CaptureFixture[str]) -> Any:
    return json.loads(capsys.readouterr().out)


def test_balances_of_an_account_named_twice_are_counted_once(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config), "balances", "--account", "main", "--json"]) == 0
    once = _document(capsys)
    argv = ["--config", str(config), "balances", "--account", "main", "--account", "main"]
    assert main([*argv, "--json"]) == 0
    twice = _document(capsys)
    assert [a["account"] for a in twice["accounts"]] == ["main"]
    assert twice["totals"]["totals"] == once["totals"]["totals"]
    assert Decimal(twice["totals"]["totals"]["BTC"]) == Decimal("22.1308675")
    assert main(argv) == 0
    assert "\nBTC        22.1308675\n" in capsys.readouterr().out


def test_risk_of_an_account_named_twice_is_one_row(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--config", str(config), "risk", "--account", "main", "--account", "main"]
    assert main([*argv, "--json"]) == 0
    assert [a["account"] for a in _document(capsys)["accounts"]] == ["main"]


# -- a host package shadowing folio's adapters -------------------------------------------


def test_a_host_package_named_adapters_is_named_as_the_cause(tmp_path: Path) -> None:
    (tmp_path / "adapters").mkdir()
    shadow = tmp_path / "adapters" / "__init__.py"
    shadow.write_text('"""The host\'s adapters."""\n', encoding="utf-8")
    done = subprocess.run(
        [str(FOLIO), "plugins", "--json"], cwd=tmp_path, capture_output=True, text=True,
        timeout=60, check=False, env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert done.returncode == 1, done.stderr
    listed = {p["name"]: p for p in json.loads(done.stdout)["plugins"]}
    # Each plugin fails on the first folio module it imports (OKX's plugin imports the kit
    # before its adapter); every one names the shadowing package as the cause.
    first_missing = {"ascendex": "ascendex", "binance": "binance", "bybit": "bybit", "okx": "kit"}
    for name, module in first_missing.items():
        error = listed[name]["error"]
        assert f"No module named 'adapters.{module}'" in error
        assert f"{shadow} is imported as 'adapters' instead of folio's {ROOT / 'adapters'}" in (
            error
        )
        assert f"so that {tmp_path} is not on sys.path" in error


# -- a plugin not loaded says why, wherever it is listed ---------------------------------


@pytest.mark.parametrize(
    ("env", "table", "why"),
    [
        ("binance", "", "blocked by FOLIO_BLOCK_PLUGINS"),
        ("", '[plugins]\nblock = ["binance"]\n', "blocked by [plugins] block in the "
         "configuration file"),
    ],
)
def test_folio_plugins_says_by_what_a_plugin_is_blocked(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: str,
    table: str,
    why: str,
) -> None:
    monkeypatch.setenv("FOLIO_BLOCK_PLUGINS", env)
    path = tmp_path / "folio.toml"
    path.write_text(table, encoding="utf-8")
    assert main(["--config", str(path), "plugins", "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)["plugins"]}
    assert (listed["binance"]["status"], listed["binance"]["error"]) == ("blocked", why)
    assert main(["--config", str(path), "plugins"]) == 0
    out = capsys.readouterr().out
    assert "binance   blocked  folio-exchanges" in out
    assert why in out
    record = PluginRecord("binance", PluginStatus.BLOCKED, "folio-exchanges", "0", "x")
    assert f"its plugin 'binance' is {why}" in unserved_message(
        "binance", [record], "ascendex", {"FOLIO_BLOCK_PLUGINS": env}
    )


def test_simulate_says_why_the_exchanges_plugin_is_not_there(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLIO_BLOCK_PLUGINS", "ascendex")
    assert main(["simulate", "ascendex"]) == 2
    assert capsys.readouterr().err == (
        "folio: no simulator for 'ascendex' (available: binance, bybit, okx); its plugin "
        "'ascendex' is "
        "blocked by FOLIO_BLOCK_PLUGINS\n"
    )
    assert main(["simulate", "kraken"]) == 2
    assert capsys.readouterr().err == (
        "folio: no simulator for 'kraken' (available: binance, bybit, okx)\n"
    )


@pytest.mark.parametrize("host", ["", "   "])
def test_simulate_refuses_an_empty_host(tmp_path: Path, host: str) -> None:
    # A subprocess: served, it would print "http://:PORT" and wait for Ctrl-C.
    done = subprocess.run(
        [str(FOLIO), "simulate", "ascendex", "--host", host], capture_output=True, text=True,
        timeout=60, check=False, cwd=tmp_path,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == (
        "folio simulate: error: argument --host: expected an address or host name (127.0.0.1, "
        "or 0.0.0.0 for every interface)"
    )
