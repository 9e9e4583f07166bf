"""A PaperEx stand-in for the tests: a real HTTP server on a loopback port, on a thread.

It checks the key, the signature and the timestamp like the exchange would, and can be told to
throttle or to garble its answers, which is all the conformance kit asks of a simulator.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from folio_paperex.protocol import BALANCES_PATH
from folio_paperex.signer import sign

API_KEY = "paper-key-1"
API_SECRET = "paper-secret-1"  # noqa: S105 - a test credential
BALANCES = [
    {"asset": "BTC", "total": "1.50000000", "available": "1.25000000"},
    {"asset": "USD", "total": "1000.25", "available": "1000.25"},
]


class PaperexServer:
    """Serves BALANCES for API_KEY; ``mode`` switches to throttling or garbage."""

    def __init__(self) -> None:
        self.mode = "normal"
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests += 1
                status, body, headers = server.answer(self.path, self.headers)
                self.send_response(status)
                for name, value in [("Content-Type", "application/json"), *headers]:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return  # keep test output clean

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer(self, path: str, headers: object) -> tuple[int, bytes, list[tuple[str, str]]]:
        get = getattr(headers, "get")  # noqa: B009 - email.message.Message
        if path != BALANCES_PATH:
            return 404, b'{"error": "not found"}', []
        if self.mode == "throttle":
            return 429, b'{"error": "slow down"}', [("Retry-After", "1")]
        timestamp = get("X-Paper-Timestamp") or ""
        expected = sign(API_SECRET, timestamp, path)
        fresh = timestamp.isdigit() and abs(int(timestamp) - time.time() * 1000) < 30_000
        if get("X-Paper-Key") != API_KEY or not fresh or not hmac.compare_digest(
            get("X-Paper-Signature") or "", expected
        ):
            return 401, b'{"error": "bad key or signature"}', []
        if self.mode == "garbage":
            return 200, b'{"balances": [{"asset": "BTC", "total": 1.5}]}', []
        return 200, json.dumps({"balances": BALANCES}).encode(), []

    @contextmanager
    def serving(self) -> Iterator[PaperexServer]:
        self._thread.start()
        try:
            yield self
        finally:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
