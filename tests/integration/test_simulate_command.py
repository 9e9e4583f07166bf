"""``folio simulate ascendex --port 0`` as a user runs it: two real processes, one config.

The simulator runs in one process; its printed URL, ``folio.toml`` fragment and environment
lines are the only things carried over to a second process running ``folio balances --json``.
Then the simulator is stopped with Ctrl-C (SIGINT), as its banner says.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers.simulate import FOLIO, WATCHDOG_S, read_banner, section, simulate


@pytest.fixture
def simulator_process() -> Iterator[subprocess.Popen[str]]:
    with simulate("ascendex") as process:
        yield process


def test_simulate_prints_a_url_and_a_config_that_folio_can_use(
    simulator_process: subprocess.Popen[str], tmp_path: Path
) -> None:
    banner = read_banner(simulator_process)

    found = re.fullmatch(r"ascendex simulator listening on (http://127\.0\.0\.1:(\d+))", banner[0])
    assert found is not None, banner[0]
    url, port = found.group(1), int(found.group(2))
    assert port != 0  # --port 0 picked a real port and printed it

    config_text = "\n".join(section(banner, "# folio.toml", "# environment"))
    accounts = tomllib.loads(config_text)["accounts"]
    (name,) = accounts
    assert accounts[name]["base_url"] == url
    exports = dict(
        line.removeprefix("export ").split("=", 1)
        for line in banner
        if line.startswith("export ")
    )
    assert set(exports) == {accounts[name]["api_key_env"], accounts[name]["api_secret_env"]}

    config = tmp_path / "folio.toml"
    config.write_text(config_text, encoding="utf-8")
    result = subprocess.run(
        [str(FOLIO), "--config", str(config), "balances", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **exports},
    )
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads(result.stdout)["accounts"]
    assert entry["account"] == name
    assert entry["ok"] is True
    rows = [(r["asset"], r["total"], r["available"]) for r in entry["value"]["balances"]]
    assert rows == [
        ("USDT", "1285.366663467", "1285.366663467"),
        ("BTC", "22.1308675", "16.1308675"),
        ("ETH", "0.6", "0.6"),
    ]

    # The control routes are on: a test can read what a host sent and stage failures.
    stats = httpx.get(url + "/__simulator__/stats", timeout=5).json()["data"]
    assert stats["total"] == 2  # GET info, then GET cash/balance
    added = httpx.post(url + "/__simulator__/faults", timeout=5,
                       json={"kind": "http_status", "status": 503, "times": 1})
    assert added.status_code == 200
    assert httpx.get(url + "/api/pro/v1/exchange-info", timeout=5).status_code == 503

    simulator_process.send_signal(signal.SIGINT)
    rest, errors = simulator_process.communicate(timeout=WATCHDOG_S)
    assert simulator_process.returncode == 0, errors
    assert rest.strip().endswith("stopping")
    assert "Traceback" not in errors
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/api/pro/v1/exchange-info", timeout=5)  # the port is closed
