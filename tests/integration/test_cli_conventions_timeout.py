"""``folio --timeout SECONDS``: the deadline of every read, over loopback against the simulator.

The simulator is told to answer ten minutes late; the read must end at the deadline given on
the command line, named in the error, even for an account whose table sets its own deadline.
Bad values are usage errors (exit 2, one line).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, AscendexSimulator
from adapters.simkit.faults import Fault
from framework.cli import main


@pytest.fixture
def slow_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Two accounts on a simulator whose balance route answers after ten minutes."""
    monkeypatch.setenv("SIM_KEY", DEMO_API_KEY)
    monkeypatch.setenv("SIM_SECRET", DEMO_API_SECRET)
    with AscendexSimulator.seed().serve() as running:
        running.faults.add(Fault.latency(600_000, route="cash/balance"))
        path = tmp_path / "folio.toml"
        tables = [
            f'[accounts.{name}]\nexchange = "ascendex"\napi_key_env = "SIM_KEY"\n'
            f'api_secret_env = "SIM_SECRET"\nbase_url = "{running.url}"\n'
            "options = { account_group = 6 }\n"
            for name in ("plain", "own")
        ]
        tables.append("[accounts.own.network]\ndeadline = 900\n")
        path.write_text("\n".join(tables), encoding="utf-8")
        yield path


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_timeout_ends_every_read_at_its_deadline(
    slow_config: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    options = ["--config", str(slow_config), "--timeout", "0.4"]
    command = ["balances", "--json"]
    argv = [*options, *command] if where == "before" else [*command, *options]
    assert main(argv) == 1
    accounts = {a["account"]: a for a in json.loads(capsys.readouterr().out)["accounts"]}
    assert set(accounts) == {"plain", "own"}
    for account in accounts.values():
        assert account["error"]["type"] == "RequestTimeoutError"
        assert "0.4 s deadline" in account["error"]["message"]


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon", ""])
def test_a_bad_timeout_is_a_usage_error_in_one_line(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["balances", "--timeout", value])
    assert caught.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("folio balances: error: argument --timeout:")
    assert repr(value) in last
