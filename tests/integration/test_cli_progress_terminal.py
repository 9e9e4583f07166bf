"""The progress line of ``folio balances`` on a real terminal (a pty), over loopback.

The case of issue #11: a server that never answers (the simulator's balance route answers
after ten minutes). With stderr on a pty, ``reading 0/1 accounts`` appears while the read
waits, on stderr only, and is cleared before the command ends; with ``--quiet``, or with
stderr not a terminal, nothing is drawn. The command runs in its own process, as a user
runs it.
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, AscendexSimulator
from adapters.simkit.faults import Fault

ROOT = Path(__file__).resolve().parents[2]
LINE = "reading 0/1 accounts"
CLEARED = "\r" + " " * len(LINE) + "\r"
GUARD = 60.0
"""Seconds before a test gives up waiting for the child: a guard against a hang only."""


@pytest.fixture
def never_answers(tmp_path: Path) -> Iterator[Path]:
    """A config with one account on a simulator whose balance route answers after 10 min."""
    with AscendexSimulator.seed().serve() as running:
        running.faults.add(Fault.latency(600_000, route="cash/balance"))
        path = tmp_path / "folio.toml"
        path.write_text(
            '[accounts.main]\nexchange = "ascendex"\napi_key_env = "SIM_KEY"\n'
            f'api_secret_env = "SIM_SECRET"\nbase_url = "{running.url}"\n'
            "options = { account_group = 6 }\n",
            encoding="utf-8",
        )
        yield path


class Run:
    """``python -m framework.cli ARGS`` with stderr on a pty and stdout on a pipe."""

    def __init__(self, *args: str) -> None:
        self.master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOLIO_")}
        env |= {"SIM_KEY": DEMO_API_KEY, "SIM_SECRET": DEMO_API_SECRET}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "framework.cli", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
        )
        os.close(slave)
        self.terminal = ""

    def _read(self, until: float) -> bool:
        """Read the terminal once; ``False`` at its end (the child closed it)."""
        ready, _, _ = select.select([self.master], [], [], max(until - time.monotonic(), 0))
        if not ready:
            pytest.fail(f"the command neither wrote nor ended; its terminal: {self.terminal!r}")
        try:
            data = os.read(self.master, 4096)
        except OSError:  # EIO: every copy of the pty's other end is closed
            return False
        self.terminal += data.decode()
        return bool(data)

    def wait_for(self, text: str) -> None:
        until = time.monotonic() + GUARD
        while text not in self.terminal:
            if not self._read(until):
                pytest.fail(f"{text!r} never appeared; the terminal got {self.terminal!r}")

    def finish(self) -> tuple[int, str]:
        """Read the terminal to its end; the exit code and stdout."""
        until = time.monotonic() + GUARD
        while self._read(until):
            pass
        out, _ = self.process.communicate(timeout=GUARD)
        os.close(self.master)
        return self.process.returncode, out.decode()


def test_a_read_that_waits_shows_the_line_on_the_terminal_and_clears_it(
    never_answers: Path,
) -> None:
    run = Run("balances", "--config", str(never_answers))
    run.wait_for(LINE)  # the server has not answered: the line says the read is under way
    run.process.send_signal(signal.SIGINT)
    code, out = run.finish()
    assert code == 130
    assert run.terminal.startswith("\r" + LINE)
    assert run.terminal.endswith(CLEARED)  # cleared, even when interrupted
    assert "reading" not in out


def test_the_line_never_reaches_json_on_stdout(never_answers: Path) -> None:
    run = Run("balances", "--json", "--config", str(never_answers), "--timeout", "2")
    run.wait_for(LINE)
    code, out = run.finish()
    assert code == 1
    document = json.loads(out)  # stdout is exactly one JSON document
    assert document["accounts"][0]["error"]["type"] == "RequestTimeoutError"
    assert "reading" not in out
    assert "\r" not in out
    assert CLEARED in run.terminal


def test_quiet_draws_nothing_on_the_terminal(never_answers: Path) -> None:
    # The same two-second wait as above, where the line appears; here it must not.
    run = Run("--quiet", "balances", "--config", str(never_answers), "--timeout", "2")
    code, out = run.finish()
    assert code == 1
    assert "FAILED main: RequestTimeoutError" in out
    assert "reading" not in run.terminal
    assert "\r" not in run.terminal


def test_stderr_that_is_not_a_terminal_gets_no_line(never_answers: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLIO_")}
    env |= {"SIM_KEY": DEMO_API_KEY, "SIM_SECRET": DEMO_API_SECRET}
    done = subprocess.run(
        [sys.executable, "-m", "framework.cli", "balances", "--config", str(never_answers),
         "--timeout", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=GUARD, check=False,
    )
    assert done.returncode == 1
    assert "reading" not in done.stderr
    assert "reading" not in done.stdout
