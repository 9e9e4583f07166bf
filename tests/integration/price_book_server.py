"""A tiny public ticker server on loopback and a third-party price plugin that reads it.

Until the bundled readers land, this is how the host's price path is exercised end to end:
the plugin's reader sends a real GET over the host's shared client (framework/http.py) to a
real socket, and turns the JSON into :class:`framework.prices.Price` objects.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import attrs

from framework.errors import ExchangeUnavailableError
from framework.hookspecs import hookimpl
from framework.prices import Pair, Price
from framework.providers import AccountContext

ENDPOINT = "GET /ticker"
PRICED_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@attrs.define
class TickerServer:
    """Serves ``rows`` at ``/ticker``; ``gate`` holds every answer until it is set."""

    rows: list[dict[str, str]]
    status: int = 200
    gate: threading.Event = attrs.field(factory=threading.Event)
    arrived: threading.Event = attrs.field(factory=threading.Event)
    requests: list[str] = attrs.field(factory=list)
    url: str = ""


@contextmanager
def serve(rows: list[dict[str, str]], *, status: int = 200) -> Iterator[TickerServer]:
    state = TickerServer(rows, status)
    state.gate.set()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            state.arrived.set()
            state.gate.wait(timeout=30)
            body = json.dumps(state.rows).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.gate.set()
        server.shutdown()
        server.server_close()
        thread.join()


@attrs.define
class TickerReader:
    """Reads ``/ticker`` at the account's base URL, without credentials."""

    context: AccountContext
    exchange: str

    async def fetch_prices(self, pairs: Collection[Pair] | None = None) -> Sequence[Price]:
        url = f"{self.context.account.base_url}/ticker"
        response = await self.context.http_client().get(url)
        if response.status_code != 200:
            msg = f"HTTP {response.status_code}"
            raise ExchangeUnavailableError(msg, endpoint=ENDPOINT)
        prices = [
            Price(Pair.parse(row["pair"]), Decimal(row["last"]), self.exchange, ENDPOINT, PRICED_AT)
            for row in response.json()
        ]
        return [p for p in prices if pairs is None or p.pair in pairs]


@attrs.define(eq=False)  # pluggy keeps plugins in sets: they must be hashable
class TickerPlugin:
    """Declares the public prices of ``exchanges``; counts the readers it builds."""

    exchanges: list[str] = attrs.field(factory=lambda: ["alpha"])
    built: list[str] = attrs.field(factory=list)

    @hookimpl
    def folio_price_exchanges(self) -> list[str]:
        return self.exchanges

    @hookimpl
    def folio_price_reader(self, exchange: str, context: AccountContext) -> TickerReader | None:
        if exchange not in self.exchanges:
            return None
        self.built.append(context.account.name)
        return TickerReader(context, exchange)
