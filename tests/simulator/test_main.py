"""``python -m adapters.ascendex.simulator``: the simulator in a process of its own."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.ascendex.simulator.__main__ import READY_PREFIX, main
from tests.simulator.helpers import Client


def write_accounts(path: Path, count: int) -> None:
    accounts = [
        {"api_key": f"key-{i}", "api_secret": f"secret-{i}", "account_group": i,
         "cash": [{"asset": "BTC", "total": f"{i}.123456789", "available": "0.5"}]}
        for i in range(count)
    ]
    path.write_text(json.dumps({"accounts": accounts}), encoding="utf-8")


def test_serves_an_accounts_file_until_sigterm(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.json"
    write_accounts(accounts, 3)
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.ascendex.simulator", "--accounts", str(accounts)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(READY_PREFIX)
        port = int(line.strip().rsplit(":", 1)[1])
        client = Client(port, key="key-2", secret="secret-2")
        try:
            # the wall clock is the default here: sign with the server's own time
            client.timestamp = client.get("/__simulator__/clock").json()["data"]["now_ms"]
            info = client.get("/api/pro/v1/info", "info").json()
            assert info["data"]["accountGroup"] == 2
            cash = client.get("/2/api/pro/v1/cash/balance", "balance").json()
            assert cash["data"] == [
                {"asset": "BTC", "totalBalance": "2.123456789", "availableBalance": "0.5"}
            ]
            stats = client.get("/__simulator__/stats").json()["data"]  # control routes are on
            assert stats["total"] == 2
        finally:
            client.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_an_unusable_accounts_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "accounts.json"
    broken.write_text('{"accounts": []}', encoding="utf-8")
    assert main(["--accounts", str(broken)]) == 2
    assert "non-empty list of accounts" in capsys.readouterr().err
    assert main(["--accounts", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err
