"""Test-side HTTP helpers: a signing client written independently of the simulator's checker.

The signature is computed here from the documented algorithm, not with the simulator's own
``sign``, so the tests check the simulator against the documentation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import socket
from dataclasses import dataclass
from typing import Any

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET

VECTOR_TIME = 1608133910000
"""Timestamp of the published signature vectors (docs/exchanges/ascendex.md)."""


def signature(secret: str, timestamp: str, api_path: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}+{api_path}".encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


class FixedClock:
    """An injectable clock that only moves when told to."""

    def __init__(self, now_ms: int = VECTOR_TIME) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """Signed requests over one keep-alive ``http.client`` connection."""

    def __init__(
        self,
        port: int,
        *,
        key: str = DEMO_API_KEY,
        secret: str = DEMO_API_SECRET,
        timestamp: int = VECTOR_TIME,
    ) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.key = key
        self.secret = secret
        self.timestamp = timestamp

    def request(
        self,
        method: str,
        path: str,
        api_path: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Reply:
        sent: dict[str, str] = {}
        if api_path is not None:
            ts = str(self.timestamp)
            sent = {
                "x-auth-key": self.key,
                "x-auth-timestamp": ts,
                "x-auth-signature": signature(self.secret, ts, api_path),
            }
        sent.update(headers or {})
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        data = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)

    def get(self, path: str, api_path: str | None = None, **kwargs: Any) -> Reply:
        return self.request("GET", path, api_path, **kwargs)

    def post(self, path: str, api_path: str | None = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, api_path, **kwargs)

    def close(self) -> None:
        self.connection.close()


def raw_exchange(port: int, data: bytes, *, timeout: float = 10.0) -> bytes:
    """Send raw bytes and read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks: list[bytes] = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def split_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body
