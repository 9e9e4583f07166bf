"""One request with a byte-exact request-target and headers, over a real loopback socket.

The signature tests send what another client would send, character for character: httpx
normalises targets (it percent-encodes, drops an empty ``?``) and merges header names, which
would hide the very variants those tests exist for. ``http.client`` sends the target and the
header names as given.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Answer", "send"]


@dataclass(frozen=True, slots=True)
class Answer:
    """The status, the headers (names lower-cased) and the body of one answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


def send(port: int, target: str, headers: Sequence[tuple[str, str | bytes]] = (),
         *, method: str = "GET", body: bytes | None = None) -> Answer:
    """Send ``method target`` with exactly ``headers`` on a fresh connection; read the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                      response.read())
    finally:
        connection.close()
