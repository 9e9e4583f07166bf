"""Driving a running simulator through its control routes, over HTTP only.

A host's test suite did not start the simulator's server itself in any way it could reach
into (the plugin's simulator hook did, or ``folio simulate`` in another process), and it
imports no adapter; so faults are staged the way an operator would, by HTTP requests to
``/__simulator__/faults`` (the routes every bundled simulator serves, docs/testing.md). The
answers are the simulators' common envelope ``{"code": 0, "data": ...}``; anything else is a
:class:`SimulatorControlError` naming the exchange and the route.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn
from urllib.parse import urlsplit

import httpx

from framework.errors import FolioError
from framework.testing.faults import SimulatorFault

__all__ = ["SimulatorControl", "SimulatorControlError"]

_TIMEOUT_S = 10.0
"""A control request goes to loopback: ten seconds is a stuck simulator, not a slow one."""


class SimulatorControlError(FolioError):
    """A control route refused a request or could not be reached.

    ``exchange`` is the simulator's exchange and ``endpoint`` the control request, e.g.
    ``POST /__simulator__/faults``; the message is the simulator's own reason (an unknown
    fault kind or route, a missing parameter).
    """


class SimulatorControl:
    """The control routes of one running simulator, at ``control_url``.

    ``control_url`` is what the plugin's simulator handle reports
    (:attr:`framework.providers.DemoEndpoint.control_url`), e.g.
    ``http://127.0.0.1:54321/__simulator__``.
    """

    def __init__(self, exchange: str, control_url: str) -> None:
        self.exchange = exchange
        self.control_url = control_url.rstrip("/")

    def __repr__(self) -> str:
        return f"SimulatorControl({self.exchange!r}, {self.control_url!r})"

    def add(self, *faults: SimulatorFault) -> list[int]:
        """Install ``faults`` in order (all or none); returns their ids."""
        data = self._request("POST", "faults", [fault.to_json() for fault in faults])
        ids = data.get("ids") if isinstance(data, dict) else None
        if not isinstance(ids, list) or len(ids) != len(faults):
            self._refused("POST", "faults", f"unexpected answer {data!r}")
        return [int(fault_id) for fault_id in ids]

    def clear(self) -> int:
        """Remove every installed fault; returns how many there were."""
        data = self._request("DELETE", "faults")
        removed = data.get("removed") if isinstance(data, dict) else None
        if not isinstance(removed, int):
            self._refused("DELETE", "faults", f"unexpected answer {data!r}")
        return removed

    def active(self) -> Sequence[dict[str, Any]]:
        """The installed faults, each with its ``id``, ``remaining`` and ``fired`` counts."""
        data = self._request("GET", "faults")
        if not isinstance(data, list):
            self._refused("GET", "faults", f"unexpected answer {data!r}")
        return data

    @contextmanager
    def staged(self, *faults: SimulatorFault) -> Iterator[list[int]]:
        """Install ``faults`` for a ``with`` block; every fault is removed when it ends.

        The control routes remove faults all at once, so faults installed by other means
        during the block go too: a test stages its faults in one place.
        """
        ids = self.add(*faults)
        try:
            yield ids
        finally:
            self.clear()

    def request_count(self) -> int:
        """Exchange requests the simulator has answered so far (control requests excluded)."""
        data = self._request("GET", "stats")
        total = data.get("total") if isinstance(data, dict) else None
        if not isinstance(total, int):
            self._refused("GET", "stats", f"unexpected answer {data!r}")
        return total

    def reset_counts(self) -> None:
        """Zero the request counters."""
        self._request("DELETE", "stats")

    def _request(self, method: str, route: str, document: object = None) -> Any:
        content = None if document is None else json.dumps(document).encode("utf-8")
        headers = {"content-type": "application/json"} if content is not None else {}
        url = f"{self.control_url}/{route}"
        try:
            with httpx.Client(trust_env=False, timeout=_TIMEOUT_S) as client:
                response = client.request(method, url, content=content, headers=headers)
        except httpx.HTTPError as exc:
            self._refused(method, route, f"the simulator did not answer ({type(exc).__name__})")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code != 200 or not isinstance(answer, dict) or answer.get("code"):
            said = answer.get("message") if isinstance(answer, dict) else None
            reason = said or response.text[:200] or "no reason given"
            self._refused(method, route, f"HTTP {response.status_code}: {reason}")
        return answer.get("data")

    def _refused(self, method: str, route: str, detail: str) -> NoReturn:
        endpoint = f"{method} {urlsplit(self.control_url).path}/{route}"
        raise SimulatorControlError(detail, exchange=self.exchange, endpoint=endpoint)
