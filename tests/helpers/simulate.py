"""``folio simulate <exchange>`` in a process of its own, as a user runs it, and its banner.

The integration tests carry what the banner prints (the URL, the ``folio.toml`` fragment, the
``export`` lines) to a second process (docs/cli.md, ``folio simulate``); a watchdog kills a
simulator that never gets ready, so a broken banner fails a test instead of hanging it.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import pytest

__all__ = ["FOLIO", "READY_LINE", "WATCHDOG_S", "read_banner", "section", "simulate"]

FOLIO: Final = Path(sys.executable).with_name("folio")
READY_LINE: Final = "Press Ctrl-C to stop."
WATCHDOG_S: Final = 30.0
"""Kill a simulator that never gets ready, so a broken banner fails instead of hanging."""


@contextmanager
def simulate(exchange: str) -> Iterator[subprocess.Popen[str]]:
    """``folio simulate EXCHANGE --port 0`` for the span of a ``with``; killed if still running
    at the end (or after :data:`WATCHDOG_S`), its pipes drained."""
    process = subprocess.Popen(
        [str(FOLIO), "simulate", exchange, "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    watchdog = threading.Timer(WATCHDOG_S, process.kill)
    watchdog.start()
    try:
        yield process
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
        process.communicate()


def read_banner(process: subprocess.Popen[str]) -> list[str]:
    """Lines printed up to and including the ready line."""
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if lines[-1] == READY_LINE:
            return lines
    pytest.fail(f"the simulator ended before it was ready; it printed {lines}")


def section(lines: list[str], start: str, end: str) -> list[str]:
    """The lines after the line ``start`` and before the first line starting with ``end``."""
    return lines[lines.index(start) + 1 : next(i for i, s in enumerate(lines) if s.startswith(end))]
