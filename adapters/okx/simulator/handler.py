"""From a parsed request to an answer: faults, routing, rate limits, authentication, payloads.

Order of decisions, outermost first:

0. the ``/__simulator__/`` control routes when the server runs with ``control=True``
   (:mod:`adapters.simkit.control`): not exchange traffic, so no fault, limit or counter;
1. faults (latency and clock offsets delay or shift; the first matching terminal fault answers);
2. unknown path -> 404; known path with another method -> 405 ``50115``;
3. the route's rate limit, requests per 2 s per API key (signed) or IP (public), as OKX
   documents them: over it, HTTP 429 ``{"code":"50011","msg":"Too Many Requests"}``;
4. authentication of signed routes (:mod:`.auth`);
5. the payload: ``account/config``, ``account/balance`` (``ccy=A,B`` filters, at most 20,
   else ``50025``), ``account/positions`` (every position; ``instType`` one of ``MARGIN``,
   ``SWAP``, ``FUTURES``, ``OPTION``, else ``51000``, and ``instId=A,B`` filter),
   ``asset/currencies`` (``ccy`` filters), ``public/instruments`` and
   ``market/tickers`` (``instType`` required: ``50014`` without it, and only ``SPOT`` is
   listed), ``market/ticker`` (``instId`` required: ``50014`` without it, ``51001`` for an
   instrument that does not exist), ``public/time``.

``asset/currencies`` and ``market/ticker`` are not read by folio: they are served because an
independent client reads them as OKX serves them (CCXT's ``okx`` loads its markets from
``asset/currencies`` and ``public/instruments`` before any balance read, and prices one
symbol with ``market/ticker``), so the simulator can check that client's signatures.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final
from urllib.parse import parse_qsl

from adapters.okx.simulator.accounts import (
    SimAccount,
    balance_data,
    config_data,
    positions_data,
)
from adapters.okx.simulator.auth import AuthError, authenticate
from adapters.okx.simulator.faults import Fault, FaultKind
from adapters.simkit.faults import Fault as GenericFault
from adapters.simkit.faults import spoil
from adapters.simkit.http11 import Request, Response, reason_phrase
from adapters.simkit.pipeline import answer
from adapters.simkit.runtime import Runtime

__all__ = ["ROUTES", "Market", "OkxExchange", "Route", "encode"]

WINDOW_MS: Final = 2000
_POSITION_TYPES: Final = frozenset({"MARGIN", "SWAP", "FUTURES", "OPTION"})


@dataclass(frozen=True, slots=True)
class Route:
    """One served path: its name (stats, faults), whether signed, its limit per window."""

    name: str
    path: str
    signed: bool
    limit: int
    window_ms: int = WINDOW_MS


@dataclass(frozen=True, slots=True)
class Market:
    """One spot instrument: ``BASE-QUOTE``, its last price and state."""

    base: str
    quote: str
    last: str
    state: str = "live"

    @property
    def inst_id(self) -> str:
        """``BTC-USDT``."""
        return f"{self.base}-{self.quote}"


ROUTES: Final = {route.path: route for route in (
    Route("account/config", "/api/v5/account/config", True, 5),
    Route("account/balance", "/api/v5/account/balance", True, 10),
    Route("account/positions", "/api/v5/account/positions", True, 10),
    Route("asset/currencies", "/api/v5/asset/currencies", True, 6, 1000),  # 6/s per user ID
    Route("market/ticker", "/api/v5/market/ticker", False, 20),
    Route("market/tickers", "/api/v5/market/tickers", False, 20),
    Route("public/instruments", "/api/v5/public/instruments", False, 20),
    Route("public/time", "/api/v5/public/time", False, 10),
)}


def encode(code: str, data: Sequence[Any] = (), msg: str = "") -> bytes:
    """The envelope, compact, numbers already strings."""
    return json.dumps({"code": code, "msg": msg, "data": list(data)},
                      separators=(",", ":")).encode("utf-8")


def _json(status: int, body: bytes, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, body, "application/json", headers or [])


def _currency(ccy: str) -> dict[str, Any]:
    """One row of ``asset/currencies``: a currency on one chain (OKX lists one per chain)."""
    return {"ccy": ccy, "name": ccy, "chain": f"{ccy}-{ccy}", "canDep": True, "canWd": True,
            "canInternal": True, "minDep": "0.00000001", "minWd": "0.0001",
            "maxWd": "100000000", "wdTickSz": "8", "minFee": "0", "maxFee": "0",
            "mainNet": True, "needTag": False}


def _page(status: int) -> Response:
    title = f"{status} {html.escape(reason_phrase(status))}"
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
    return Response(status, body.encode("utf-8"), "text/html; charset=UTF-8")


class OkxExchange:
    """The exchange logic of one server (accounts and markets are immutable)."""

    def __init__(self, accounts: Mapping[str, SimAccount], markets: Sequence[Market],
                 usd: Mapping[str, Decimal], runtime: Runtime, options: Any) -> None:
        self.accounts = accounts
        self.markets = tuple(markets)
        self.usd = usd
        self.runtime = runtime
        self.options = options

    async def handle(self, request: Request) -> Response:
        """Answer ``request`` (stats included); may sleep for latency faults."""
        route = ROUTES.get(request.path)
        api_key = request.headers.get("ok-access-key") or None
        return await answer(
            self.runtime, request, api_key=api_key, route=route.name if route else None,
            parse_fault=Fault.from_json,
            respond=lambda fault, now_ms: self._respond(request, route, api_key, fault, now_ms))

    def _respond(self, request: Request, route: Route | None, api_key: str | None,
                 fault: GenericFault | None, now_ms: int) -> Response:
        runtime = self.runtime
        if fault is not None:
            return self._fault(fault, request, route, now_ms)
        if route is None:
            return Response(404, b"Not Found", "text/plain; charset=UTF-8")
        if request.method != "GET":
            return _json(405, encode("50115", msg="Invalid request method."))
        who = api_key if route.signed and api_key else request.peer_ip
        if not runtime.admit(f"{route.name} {who}", now_ms, (route.limit, route.window_ms)):
            runtime.stats.throttled()
            return _json(429, encode("50011", msg="Too Many Requests"))
        return self._exchange(request, route, now_ms)

    def _exchange(  # noqa: PLR0911 - one answer per route and refusal
        self, request: Request, route: Route, now_ms: int
    ) -> Response:
        params = dict(parse_qsl(request.query, keep_blank_values=True))
        if route.name == "public/time":
            return _json(200, encode("0", [{"ts": str(now_ms)}]))
        if route.name == "market/ticker":
            return self._ticker(params.get("instId"), now_ms)
        if not route.signed:
            if not params.get("instType"):
                return _json(400, encode("50014", msg="Parameter instType can not be empty."))
            spot = self.markets if params["instType"] == "SPOT" else ()
            return _json(200, encode("0", [self._market(m, route.name, now_ms) for m in spot]))
        target = request.path + ("?" + request.query if "?" in request.target else "")
        account = authenticate(request.headers, request.method, target, request.body,
                               accounts=self.accounts, now_ms=now_ms, peer_ip=request.peer_ip)
        if isinstance(account, AuthError):
            return _json(account.status, encode(account.code, msg=account.msg))
        if route.name == "account/config":
            return _json(200, encode("0", [config_data(account)]))
        if route.name == "account/positions":
            return self._positions(account, params, now_ms)
        if route.name == "asset/currencies":
            wanted = set(params["ccy"].split(",")) if params.get("ccy") else set(self.usd)
            rows = [_currency(ccy) for ccy in sorted(wanted & set(self.usd))]
            return _json(200, encode("0", rows))
        only = None
        if params.get("ccy"):
            only = frozenset(params["ccy"].split(","))
            if len(only) > 20:
                return _json(200, encode("50025", msg="Parameter ccy count exceeds the limit 20."))
        if account.verbatim_balance is not None and only is None:
            return _json(200, account.verbatim_balance)
        return _json(200, encode("0", [balance_data(account, self.usd, now_ms, only)]))

    @staticmethod
    def _positions(account: SimAccount, params: Mapping[str, str], now_ms: int) -> Response:
        """``account/positions``: the account's positions, or OKX's refusal of ``instType``."""
        kind = params.get("instType") or None
        if kind is not None and kind not in _POSITION_TYPES:
            return _json(200, encode("51000", msg="Parameter instType error"))
        ids = frozenset(params["instId"].split(",")) if params.get("instId") else None
        return _json(200, encode("0", positions_data(account, now_ms, kind, ids)))

    def _ticker(self, inst_id: str | None, now_ms: int) -> Response:
        """``market/ticker?instId=``: one instrument's ticker, or OKX's refusal."""
        if not inst_id:
            return _json(400, encode("50014", msg="Parameter instId can not be empty."))
        for market in self.markets:
            if market.inst_id == inst_id:
                return _json(200, encode("0", [self._market(market, "market/ticker", now_ms)]))
        return _json(200, encode("51001", msg="Instrument ID, Instrument ID code or Spread ID "
                                              "doesn't exist."))

    @staticmethod
    def _market(market: Market, route: str, now_ms: int) -> dict[str, Any]:
        if route == "public/instruments":
            return {"instType": "SPOT", "instId": market.inst_id, "baseCcy": market.base,
                    "quoteCcy": market.quote, "state": market.state, "instIdCode": 1,
                    "tickSz": "0.1", "lotSz": "0.00000001", "minSz": "0.00001"}
        return {"instType": "SPOT", "instId": market.inst_id, "last": market.last,
                "lastSz": "0.1", "askPx": market.last, "bidPx": market.last,
                "open24h": market.last, "ts": str(now_ms)}

    # Faults -------------------------------------------------------------------------------

    def _fault(self, fault: GenericFault, request: Request, route: Route | None,
               now_ms: int) -> Response:
        kind = fault.kind
        if kind is FaultKind.HTTP_STATUS:
            return self._status(fault)
        if kind is FaultKind.JSON_ERROR:
            assert fault.code is not None  # checked by Fault
            return _json(fault.status or 200, encode(str(fault.code), msg=fault.message or ""))
        if kind is FaultKind.URI_LIMIT:
            return Response(414, b"URI Too Long", "text/plain; charset=UTF-8", close=True)
        if kind is FaultKind.METHOD_NOT_ALLOWED:
            return _json(405, encode("50115", msg="Invalid request method."))
        if kind is FaultKind.CONNECTION_RESET:
            return Response(0, b"", reset=True)
        answer = (self._exchange(request, route, now_ms) if route is not None
                  else Response(404, b"Not Found", "text/plain; charset=UTF-8"))
        return spoil(answer, fault)

    @staticmethod
    def _status(fault: GenericFault) -> Response:
        status = fault.status or 500
        headers = [] if fault.retry_after is None else [("Retry-After", str(fault.retry_after))]
        if fault.body is not None:
            return Response(status, fault.body.encode("utf-8"), "text/plain; charset=UTF-8",
                            headers)
        if status in (403, 502, 504):
            return _page(status)
        coded = {429: ("50011", "Too Many Requests"),
                 503: ("50001", "Service temporarily unavailable. Please try again later."),
                 500: ("50026", "System error. Try again later")}
        code, msg = coded.get(status, ("50026", "System error. Try again later"))
        return _json(status, encode(code, msg=msg), headers)
