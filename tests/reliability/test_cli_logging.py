"""``-v/--verbose`` and ``--log-level`` over loopback: what the ``folio`` command writes to stderr.

Each test runs the real command against the AscendEX simulator with a 503 injected once on the
cash route, so the read is retried: the retry line must appear at INFO (``-v``) and name its
account, exchange and endpoint; ``-vv`` adds a line per answer; without the options nothing is
logged; and at DEBUG neither the key, nor the secret, nor any signature made shows anywhere.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Final

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, Fault, RunningSimulator
from framework.cli import main

CONFIG: Final = """
[network]
base_delay = 0.001
max_delay = 0.005

[accounts.main]
exchange = "ascendex"
api_key_env = "OBS_SIM_KEY"
api_secret_env = "OBS_SIM_SECRET"
base_url = "{url}"
"""
RETRY_LINE: Final = (
    'folio: INFO folio.retry [ascendex account=main endpoint="GET cash/balance"] retrying in '
)


@pytest.fixture
def config(
    tmp_path: Path, ascendex_simulator: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A config with one account on the simulator, whose cash route fails once with 503."""
    monkeypatch.setenv("OBS_SIM_KEY", DEMO_API_KEY)
    monkeypatch.setenv("OBS_SIM_SECRET", DEMO_API_SECRET)
    path = tmp_path / "folio.toml"
    path.write_text(CONFIG.replace("{url}", ascendex_simulator.url), encoding="utf-8")
    ascendex_simulator.faults.add(Fault.http_status(503, route="cash/balance", times=1))
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_without_the_options_nothing_is_logged(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "balances", "--config", config)
    assert code == 0
    assert "BTC" in out
    assert "folio.retry" not in err
    assert "retrying" not in err


def test_v_shows_each_retry_with_its_account_exchange_and_endpoint(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "balances", "--config", config, "-v")
    assert code == 0
    (line,) = (line for line in err.splitlines() if "folio.retry" in line)
    assert line.startswith(RETRY_LINE)
    assert line.endswith("ExchangeUnavailableError at GET cash/balance (ascendex account 'main')")
    assert "folio: DEBUG" not in err


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["-vv", "balances"], id="-vv-before"),
        pytest.param(["-v", "balances", "-v"], id="-v-either-side-adds-up"),
        pytest.param(["balances", "--log-level", "debug"], id="--log-level-debug"),
    ],
)
def test_debug_shows_every_answer_and_never_a_credential(
    config: str,
    capsys: pytest.CaptureFixture[str],
    signatures: list[str],
    argv: list[str],
) -> None:
    code, out, err = run(capsys, "--config", config, *argv)
    assert code == 0
    assert RETRY_LINE in err
    answers = [line for line in err.splitlines() if line.startswith("folio: DEBUG folio.http [")]
    assert any('endpoint="GET cash/balance"] GET cash/balance on 127.0.0.1 -> HTTP 200' in line
               for line in answers), err
    assert signatures  # the requests were signed, so a signature could have leaked
    for needle in (DEMO_API_KEY, DEMO_API_SECRET, *signatures):
        assert needle not in err
        assert needle not in out


def test_log_level_wins_over_v(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "-vv", "balances", "--config", config, "--log-level", "ERROR")
    assert code == 0
    assert "folio:" not in err


def test_json_output_stays_one_document_while_logging(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "balances", "--json", "-vv", "--config", config)
    assert code == 0
    assert json.loads(out)["accounts"][0]["account"] == "main"
    assert RETRY_LINE in err


def test_the_handler_is_taken_back_when_the_command_ends(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    logger = logging.getLogger("folio")
    before = (list(logger.handlers), logger.level)
    for _ in range(2):  # a second run in one process: one line per record, not two
        code, _out, err = run(capsys, "balances", "--config", config, "-vv")
        assert code == 0
        assert err.count("opened a shared HTTP client") == 1
        assert (list(logger.handlers), logger.level) == before


def test_an_unknown_level_is_a_usage_error(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["balances", "--config", config, "--log-level", "LOUD"])
    assert exit_.value.code == 2
    assert "expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'" in (
        capsys.readouterr().err)
