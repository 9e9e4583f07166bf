"""The first claim of docs/architecture.md, "Why folio's own transport under httpx", holds.

A signed query must reach the exchange with the bytes that were signed: Binance signs the
query string as sent, and the ``httpx-aiohttp`` package's transport re-quotes ``%2C`` as ``,``
and ``%7E`` as ``~`` on the way out (measured with 0.2.0, recorded on that page). This sends such
a query through the client every plugin gets (framework/http.py, on framework/transport.py) to
a loopback server and compares the request line it received. The second claim (a head dripped
one byte at a time ends at the deadline) is tests/reliability/test_hostile_servers.py's.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from framework.http import http_client
from framework.settings import DEFAULT_HTTP_SETTINGS

QUERY = "/api/v3/account?symbols=%5B%22BTC%22%2C%22ETH%22%5D&x=a%7Eb&signature=ab%2Bc"


@pytest.fixture
def received() -> Iterator[tuple[str, list[str]]]:
    """A loopback server's URL and the request targets it received."""
    targets: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            targets.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", targets
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_signed_query_arrives_byte_for_byte(received: tuple[str, list[str]]) -> None:
    url, targets = received

    async def send() -> str:
        async with http_client(DEFAULT_HTTP_SETTINGS) as client:
            response = await client.get(url + QUERY)
            return response.request.url.raw_path.decode("ascii")

    encoded = asyncio.run(send())
    assert encoded == QUERY  # what httpx encoded, hence what a signer saw
    assert targets == [QUERY]
