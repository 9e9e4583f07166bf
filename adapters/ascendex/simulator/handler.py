"""From a parsed request to an answer: faults, routing, authentication, payloads.

Order of decisions, outermost first, as a request met them on the real path from the client
through Cloudflare to the origin:

1. control routes (when enabled, :mod:`adapters.simkit.control`, shared with every
   simulator), which bypass everything else;
2. faults (edge behaviour: latency, error pages, resets, clock offsets);
3. unknown path -> 404 JSON; known path with another method -> 405 plain text;
4. authentication (:mod:`~.auth`, in the exchange's order) for signed routes;
5. account group in the URL vs the key's group -> 200006;
6. the payload.

Public routes (server time, the spot tickers of :mod:`~.tickers`, the market catalog of
:mod:`~.catalog`) skip steps 4 and 5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final
from urllib.parse import parse_qsl

from adapters.ascendex.simulator.accounts import CashRow, MarginRow, SimAccount
from adapters.ascendex.simulator.auth import AuthError, authenticate
from adapters.ascendex.simulator.catalog import Catalog
from adapters.ascendex.simulator.edge import edge_error, plain_text
from adapters.ascendex.simulator.faults import Fault as AscendexFault
from adapters.ascendex.simulator.faults import FaultKind, spoil
from adapters.ascendex.simulator.options import SimulatorOptions
from adapters.ascendex.simulator.payloads import (
    encode_balances,
    encode_error,
    encode_info,
    encode_not_found,
    encode_ok,
    encode_risk,
    is_zero_row,
)
from adapters.ascendex.simulator.routes import Match, Route, RouteKind, resolve
from adapters.ascendex.simulator.tickers import Tickers
from adapters.simkit.faults import Fault
from adapters.simkit.http11 import Request, Response
from adapters.simkit.pipeline import answer
from adapters.simkit.runtime import Runtime

__all__ = ["Exchange"]

_CACHE_LIMIT: Final = 100_000
"""Cached bodies kept at most; beyond that answers are rebuilt (only fuzzing gets there)."""


def _invalid(message: str) -> bytes:
    return encode_error(100004, message, "INVALID_REQUEST_DATA")


class Exchange:
    """The exchange logic of one server (accounts and options are shared and immutable)."""

    def __init__(
        self,
        accounts: Mapping[str, SimAccount],
        options: SimulatorOptions,
        runtime: Runtime,
        tickers: Tickers | None = None,
    ) -> None:
        self.accounts = accounts
        self.tickers = tickers if tickers is not None else Tickers({})
        self.options = options
        self.runtime = runtime
        self._bodies: dict[tuple[str, RouteKind, bool, str | None], bytes] = {}
        catalog = Catalog.of(accounts.values())
        self._catalog: dict[RouteKind, bytes] = {
            RouteKind.ASSETS: catalog.assets,
            RouteKind.PRODUCTS: catalog.products,
            RouteKind.CASH_PRODUCTS: catalog.cash_products,
            RouteKind.FUTURES_CONTRACTS: catalog.futures_contracts,
        }

    async def handle(self, request: Request) -> Response:
        """Answer ``request`` (stats included); may sleep for latency faults."""
        match = resolve(request.path)
        api_key = request.headers.get("x-auth-key") or None
        return await answer(
            self.runtime, request, api_key=api_key,
            route=match.route.name if match is not None else None,
            parse_fault=AscendexFault.from_json,
            respond=lambda fault, now_ms: self._respond(request, match, api_key, fault, now_ms))

    def _respond(self, request: Request, match: Match | None, api_key: str | None,
                 fault: Fault | None, now_ms: int) -> Response:
        runtime = self.runtime
        if fault is not None:
            return self._fault(fault, request, match, now_ms)
        if not runtime.admit(api_key, now_ms, self.options.rate_limit):
            runtime.stats.throttled()
            return edge_error(429, ray=runtime.next_ray(), retry_after=1)
        return self._exchange(request, match, now_ms)

    # Faults -------------------------------------------------------------------------------

    def _fault(
        self, fault: Fault, request: Request, match: Match | None, now_ms: int
    ) -> Response:
        kind = fault.kind
        if kind is FaultKind.HTTP_STATUS:
            assert fault.status is not None  # checked by Fault
            return edge_error(fault.status, ray=self.runtime.next_ray(),
                              retry_after=fault.retry_after, body=fault.body)
        if kind is FaultKind.URI_LIMIT:
            return plain_text(
                414, f"URI length exceeds the configured limit of {fault.limit} characters",
                close=True,
            )
        if kind is FaultKind.METHOD_NOT_ALLOWED:
            allowed = tuple(m for m in (match.route.methods if match else ())
                            if m != fault.method)
            return self._method_not_allowed(None, allowed)
        if kind is FaultKind.CONNECTION_RESET:
            return Response(0, b"", reset=True)
        if kind is FaultKind.JSON_ERROR:
            assert fault.code is not None  # checked by Fault
            response = Response(fault.status or 200,
                                encode_error(fault.code, fault.message, fault.reason))
            self._instance_header(response, match)
            return response
        return spoil(self._exchange(request, match, now_ms), fault)

    # The exchange -------------------------------------------------------------------------

    def _exchange(self, request: Request, match: Match | None, now_ms: int) -> Response:
        if match is None:
            return Response(404, encode_not_found(request.path))
        route = match.route
        if request.method not in route.methods:
            return self._method_not_allowed(route)
        response = Response(200, self._body(request, match, now_ms))
        self._instance_header(response, match)
        return response

    def _body(self, request: Request, match: Match, now_ms: int) -> bytes:
        route = match.route
        params = dict(parse_qsl(request.query, keep_blank_values=True))
        if route.api_path is None:
            return self._public(route, params, now_ms)  # every other exchange route is signed
        account = authenticate(
            request.headers, api_path=route.api_path, accounts=self.accounts, now_ms=now_ms,
            peer_ip=request.peer_ip, needs_view=route.needs_view, options=self.options,
        )
        if isinstance(account, AuthError):
            return encode_error(account.code, account.message, account.reason)
        if route.kind is RouteKind.INFO:
            return encode_info(account)
        if match.group != account.account_group:
            return encode_error(200006, "Unable to find User Account Data", "ACCOUNT_ERROR")
        if route.kind is RouteKind.MARGIN_RISK:
            return encode_risk(account)
        return self._balances(account, route, params)

    def _balances(self, account: SimAccount, route: Route, params: dict[str, str]) -> bytes:
        show_all_text = params.get("showAll")
        if show_all_text is None:
            show_all = False
        elif show_all_text.lower() in ("true", "false"):
            show_all = show_all_text.lower() == "true"
        else:
            return _invalid(f"Invalid value for argument showAll: {show_all_text!r} is not a "
                            "boolean (true or false)")
        asset = params.get("asset")
        if asset is not None and not asset:
            return _invalid("Invalid value for argument asset: must not be empty")
        rows: Sequence[CashRow | MarginRow] = (
            account.cash if route.kind is RouteKind.CASH_BALANCE else account.margin
        )
        asset_key = asset.upper() if asset is not None else None
        cache_key = (account.api_key, route.kind, show_all, asset_key)
        cached = self._bodies.get(cache_key)
        if cached is not None:
            return cached
        selected = list(rows)
        if asset_key is not None:
            selected = [row for row in rows if row.asset.upper() == asset_key]
            if not selected and self.options.unknown_asset == "error":
                return _invalid(f"Invalid asset: {asset}")
        if not show_all:
            selected = [row for row in selected if not is_zero_row(row)]
        verbatim = account.verbatim.get(route.name) if account.mode == "seed" else None
        if verbatim is not None and selected == list(rows):
            body = verbatim
        else:
            body = encode_balances(account, selected)
        if len(self._bodies) < _CACHE_LIMIT:
            self._bodies[cache_key] = body
        return body

    def _public(self, route: Route, params: dict[str, str], now_ms: int) -> bytes:
        """Unsigned routes: the server time, the spot tickers and the market catalog."""
        if route.kind is RouteKind.SERVER_TIME:
            return self._server_time(params, now_ms)
        if route.kind is RouteKind.TICKER:
            return self.tickers.answer(params.get("symbol"))
        return self._catalog[route.kind]

    @staticmethod
    def _server_time(params: dict[str, str], now_ms: int) -> bytes:
        echo_text = params.get("requestTime")
        if echo_text is None:
            return encode_ok({"requestTimeEcho": None, "requestReceiveAt": now_ms,
                              "latency": None})
        if not (echo_text.isascii() and echo_text.isdigit()):
            return _invalid(f"Invalid value for argument requestTime: {echo_text!r}")
        echo = int(echo_text)
        return encode_ok({"requestTimeEcho": echo, "requestReceiveAt": now_ms,
                          "latency": now_ms - echo})

    # Helpers ------------------------------------------------------------------------------

    def _instance_header(self, response: Response, match: Match | None) -> None:
        if match is not None and match.group is not None:
            response.headers.append(
                ("instance", f"{match.group}-_-{self.options.instance_number}")
            )

    @staticmethod
    def _method_not_allowed(
        route: Route | None, allowed: tuple[str, ...] | None = None
    ) -> Response:
        methods = allowed if allowed is not None else (route.methods if route else ())
        response = plain_text(
            405, f"HTTP method not allowed, supported methods: {', '.join(methods)}"
        )
        response.headers.append(("Allow", ", ".join(methods)))
        return response
