"""The simulator in a process of its own, and its control routes over HTTP.

The simulator is CPU work too (it parses, signs and encodes a thousand requests at once); in
its own process it runs on the other core instead of stealing time from the event loop being
measured.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from adapters.ascendex.simulator.__main__ import READY_PREFIX

__all__ = ["ReadyProcess", "SimControl", "SimulatorProcess"]


class SimControl:
    """Faults and counters of a running simulator, through ``/__simulator__/``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._http = httpx.Client(base_url=url + "/__simulator__", timeout=30)

    def set_latency(self, latency_ms: int) -> None:
        """Replace every fault by one latency of ``latency_ms`` on every request (0: none)."""
        self._http.delete("/faults").raise_for_status()
        if latency_ms:
            fault = {"kind": "latency", "latency_ms": latency_ms}
            self._http.post("/faults", json=fault).raise_for_status()

    def stats(self) -> dict[str, Any]:
        """The counters (the JSON form of ``SimStats``)."""
        response = self._http.get("/stats")
        response.raise_for_status()
        data: dict[str, Any] = response.json()["data"]
        return data

    def reset_stats(self) -> None:
        """Zero the counters."""
        self._http.delete("/stats").raise_for_status()

    def close(self) -> None:
        """Close the control connection."""
        self._http.close()


class ReadyProcess:
    """``python -m MODULE ARG ...`` for the span of a ``with``: started, its one ready line read
    (:attr:`ready`, the line without ``prefix``), stopped with SIGTERM on exit (killed after
    30 s); the :attr:`controls` it opened are closed first."""

    def __init__(self, module: str, args: Sequence[str], prefix: str, what: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", module, *args], stdout=subprocess.PIPE, text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith(prefix):
            self._process.kill()
            self._process.wait()
            self._process.stdout.close()  # else a ResourceWarning fails some later test
            msg = f"{what} did not start: {line!r}"
            raise RuntimeError(msg)
        self.ready = line.strip().removeprefix(prefix)
        self.controls: dict[str, SimControl] = {}

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._process.pid

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for control in self.controls.values():
            control.close()
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


class SimulatorProcess(ReadyProcess):
    """``python -m adapters.ascendex.simulator [--accounts FILE] [OPTION ...]`` for the span of a
    ``with``; without a file it serves the seed account."""

    def __init__(self, accounts_file: Path | None = None, *options: str) -> None:
        accounts = ["--accounts", str(accounts_file)] if accounts_file is not None else []
        super().__init__("adapters.ascendex.simulator", [*accounts, *options], READY_PREFIX,
                         "the simulator")
        self.url = self.ready
        self.control = self.controls["ascendex"] = SimControl(self.url)
