"""From a parsed request to an answer: faults, routing, request weight, authentication, payloads.

Order of decisions, outermost first (0, 1 and the request's count and record are the frame
every simulator shares, :func:`adapters.simkit.pipeline.answer`):

0. the ``/__simulator__/`` control routes, when the server runs with ``control=True``
   (:mod:`adapters.simkit.control`): not exchange traffic, so no fault, weight or counter;
1. faults (latency and clock offsets delay or shift; the first matching terminal fault answers);
2. unknown path -> 404; known path with another method -> 405;
3. request weight: a request that would pass its budget's limit for the caller's IP gets 429,
   ``{"code":-1003,...}`` and ``Retry-After`` (seconds to the next window);
4. authentication of signed routes (:mod:`.auth`);
5. the payload, or -3003 from the margin route for an account without margin (spot only).

``exchangeInfo`` and ``ticker/price`` are public (:mod:`.markets`): ``ticker/price`` takes
``symbol=`` (weight 2, one object), ``symbols=["A","B"]`` or nothing (weight 4, a list); an
unknown symbol answers 400 ``-1121 Invalid symbol.``, both parameters ``-1128``.

Every answer on a known route, errors included, carries the IP's used weight of the route's
budget (``X-MBX-USED-WEIGHT-1M`` or ``X-SAPI-USED-IP-WEIGHT-1M``), as Binance's do. The
``/fapi/`` routes (USD-M futures, :mod:`.futures`) have their own budget and -1003 wording, and
answer -2015 to a key whose account has no futures.
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Mapping, Sequence
from typing import Final
from urllib.parse import parse_qsl

from adapters.binance.simulator import futures
from adapters.binance.simulator.accounts import SimAccount
from adapters.binance.simulator.auth import AuthError, authenticate, keyed
from adapters.binance.simulator.capital import encode_coins, encode_margin_pairs
from adapters.binance.simulator.faults import Fault, FaultKind
from adapters.binance.simulator.futures_markets import (
    encode_futures_exchange_info,
    encode_futures_tickers,
)
from adapters.binance.simulator.markets import Market
from adapters.binance.simulator.options import SimulatorOptions
from adapters.binance.simulator.payloads import (
    encode_error,
    encode_exchange_info,
    encode_margin_account,
    encode_spot_account,
    encode_ticker,
    encode_time,
)
from adapters.binance.simulator.routes import (
    COINS,
    EXCHANGE_INFO,
    FUTURES_24HR,
    FUTURES_ASSET_INDEX,
    FUTURES_CONFIG,
    FUTURES_EXCHANGE_INFO,
    FUTURES_PRICES,
    FUTURES_TIME,
    MARGIN_ACCOUNT,
    MARGIN_PAIRS,
    ONE_SYMBOL,
    ROUTES,
    TICKER_PRICE,
    TICKER_PRICES,
    TIME,
    Pool,
    Route,
)
from adapters.binance.simulator.weights import WeightMeter
from adapters.simkit.faults import Fault as GenericFault
from adapters.simkit.faults import spoil
from adapters.simkit.http11 import Request, Response, reason_phrase
from adapters.simkit.pipeline import answer
from adapters.simkit.runtime import Runtime

__all__ = ["BinanceExchange"]

_OVER_LIMIT: Final = (
    "Too much request weight used; current limit is {limit} request weight per 1 MINUTE. "
    "Please use WebSocket Streams for live updates to avoid polling the API."
)
_BANNED: Final = (
    "Way too much request weight used; IP banned until {until}. "
    "Please use WebSocket Streams for live updates to avoid bans."
)
_FUTURES_OVER_LIMIT: Final = (
    "Too many requests; current limit is {limit} requests per minute. Please use the websocket "
    "for live updates to avoid polling the API."
)
_INTERNAL: Final = "Internal error; unable to process your request. Please try again."
_UNKNOWN: Final = "An unknown error occurred while processing the request."
_NO_MARGIN_ACCOUNT: Final = "Margin account does not exist."
_REJECTED_KEY: Final = "Invalid API-key, IP, or permissions for action."


def _json(status: int, body: bytes, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, body, "application/json;charset=UTF-8", headers or [])


def _page(status: int, text: str) -> Response:
    """An HTML page, as the CDN (502, 504) or the web application firewall (403) answers."""
    title = f"{status} {html.escape(reason_phrase(status))}"
    body = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{text}</body></html>"
    return Response(status, body.encode("utf-8"), "text/html; charset=UTF-8")


def _plain(status: int, text: str, *, close: bool = False) -> Response:
    return Response(status, text.encode("utf-8"), "text/plain; charset=UTF-8", close=close)


class BinanceExchange:
    """The exchange logic of one server (accounts and options are shared and immutable)."""

    def __init__(
        self, accounts: Mapping[str, SimAccount], options: SimulatorOptions, runtime: Runtime,
        markets: Sequence[Market] = (),
    ) -> None:
        self.accounts = accounts
        self.markets = {market.symbol: market for market in markets}
        self.asset_index = futures.served_index(a.futures for a in accounts.values())
        self.options = options
        self.runtime = runtime
        self.weights = WeightMeter(
            {Pool.API: options.api_weight_limit, Pool.SAPI: options.sapi_weight_limit,
             Pool.FAPI: options.fapi_weight_limit},
            options.weight_window_ms,
        )

    async def handle(self, request: Request) -> Response:
        """Answer ``request`` (stats included); may sleep for latency faults."""
        route = ROUTES.get(request.path)
        if route is TICKER_PRICES and "symbol" in dict(parse_qsl(request.query)):
            route = TICKER_PRICE  # weight 2 for one symbol
        elif (route is not None and request.path in ONE_SYMBOL
              and "symbol" in dict(parse_qsl(request.query))):
            route = dataclasses.replace(route, weight=ONE_SYMBOL[request.path])
        return await answer(
            self.runtime, request, api_key=request.headers.get("x-mbx-apikey") or None,
            route=route.name if route is not None else None, parse_fault=Fault.from_json,
            respond=lambda fault, now_ms: self._respond(request, route, fault, now_ms))

    def _respond(self, request: Request, route: Route | None, fault: GenericFault | None,
                 now_ms: int) -> Response:
        if fault is not None:
            response = self._fault(fault, request, route, now_ms)
        elif route is None:
            response = _plain(404, "Not Found")
        else:
            response = self._metered(request, route, now_ms)
        if route is not None and not response.reset:
            used = self.weights.used(request.peer_ip, route.budget, now_ms)
            response.headers.append((route.weight_header, str(used)))
        return response

    def _metered(self, request: Request, route: Route, now_ms: int) -> Response:
        if request.method not in route.methods:
            response = _plain(405, f"Request method '{request.method}' not supported")
            response.headers.append(("Allow", ", ".join(route.methods)))
            return response
        charge = self.weights.charge(request.peer_ip, route, now_ms)
        if not charge.admitted:
            self.runtime.stats.throttled()
            limit, words = {
                Pool.API: (self.options.api_weight_limit, _OVER_LIMIT),
                Pool.SAPI: (self.options.sapi_weight_limit, _OVER_LIMIT),
                Pool.FAPI: (self.options.fapi_weight_limit, _FUTURES_OVER_LIMIT),
            }[route.pool]
            return _json(429, encode_error(-1003, words.format(limit=limit)),
                         [("Retry-After", str(charge.retry_after_s))])
        return self._exchange(request, route, now_ms)

    # The exchange ---------------------------------------------------------------------------

    def _public(  # noqa: PLR0911 - one answer per route
        self, request: Request, route: Route, now_ms: int
    ) -> Response | None:
        """The answer of an unsigned route (``None``: the route is signed)."""
        markets = tuple(self.markets.values())
        if route is TIME or route is FUTURES_TIME:
            return _json(200, encode_time(now_ms))
        if route is EXCHANGE_INFO:
            return _json(200, encode_exchange_info(markets, now_ms))
        if route.name == TICKER_PRICE.name:
            return self._ticker(request.query)
        if route is FUTURES_EXCHANGE_INFO:
            return _json(200, encode_futures_exchange_info(
                markets, now_ms, self.options.fapi_weight_limit))
        if route.name in (FUTURES_PRICES.name, FUTURES_24HR.name, FUTURES_ASSET_INDEX.name):
            symbol = dict(parse_qsl(request.query, keep_blank_values=True)).get("symbol")
            body = futures.encode_asset_index(self.asset_index, symbol, now_ms) if (
                route.name == FUTURES_ASSET_INDEX.name) else encode_futures_tickers(
                markets, symbol, now_ms, day=route.name == FUTURES_24HR.name)
            return _json(400, encode_error(-1121, "Invalid symbol.")) if body is None else (
                _json(200, body))
        if route is MARGIN_PAIRS:  # MARKET_DATA: the key, not signed
            refused = keyed(request.headers, self.accounts)
            if refused is not None:
                return _json(refused.status, encode_error(refused.code, refused.msg))
            return _json(200, encode_margin_pairs(markets))
        return None

    def _exchange(  # noqa: PLR0911 - one answer per route
        self, request: Request, route: Route, now_ms: int
    ) -> Response:
        public = self._public(request, route, now_ms)
        if public is not None:
            return public
        account = authenticate(
            request.headers, request.query, request.body, accounts=self.accounts,
            now_ms=now_ms, peer_ip=request.peer_ip, options=self.options,
        )
        if isinstance(account, AuthError):
            return _json(account.status, encode_error(account.code, account.msg))
        if route.pool is Pool.FAPI:  # a key without Enable Futures: Binance's -2015
            if account.futures is None:
                return _json(401, encode_error(-2015, _REJECTED_KEY))
            if route is FUTURES_CONFIG:
                return _json(200, futures.encode_config(account.futures))
            return _json(200, futures.encode_account(account.futures))
        if route is COINS:
            return _json(200, encode_coins(account, tuple(self.markets.values())))
        if route is MARGIN_ACCOUNT:
            if not account.has_margin:
                return _json(400, encode_error(-3003, _NO_MARGIN_ACCOUNT))
            return _json(200, encode_margin_account(account))
        return _json(200, self._spot(account, request.query))

    def _ticker(self, query: str) -> Response:
        params = dict(parse_qsl(query, keep_blank_values=True))
        if "symbol" in params and "symbols" in params:
            return _json(400, encode_error(-1128, "Combination of optional parameters invalid."))
        names: object = None
        if "symbol" in params:
            names = [params["symbol"]]
        elif "symbols" in params:
            try:
                names = json.loads(params["symbols"])
            except json.JSONDecodeError:
                names = None
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                return _json(400, encode_error(-1100, "Illegal characters found in parameter "
                                                      "'symbols'; legal range is '^\\[.*\\]$'."))
        else:
            return _json(200, encode_ticker(tuple(self.markets.values()), single=False))
        assert isinstance(names, list)
        if any(name not in self.markets for name in names):
            return _json(400, encode_error(-1121, "Invalid symbol."))
        rows = [self.markets[name] for name in names]
        return _json(200, encode_ticker(rows, single="symbol" in params))

    @staticmethod
    def _spot(account: SimAccount, query: str) -> bytes:
        params = dict(parse_qsl(query, keep_blank_values=True))
        omit = params.get("omitZeroBalances", "false").lower() == "true"
        rows = [row for row in account.spot if not (omit and row.is_zero)]
        verbatim = account.verbatim.get("account")
        if verbatim is not None and len(rows) == len(account.spot):
            return verbatim
        return encode_spot_account(account, rows)

    # Faults -------------------------------------------------------------------------------

    def _fault(
        self, fault: GenericFault, request: Request, route: Route | None, now_ms: int
    ) -> Response:
        kind = fault.kind
        if kind is FaultKind.HTTP_STATUS:
            assert fault.status is not None  # checked by Fault
            return self._status(fault, now_ms)
        if kind is FaultKind.JSON_ERROR:
            assert fault.code is not None  # checked by Fault
            return _json(fault.status or 400, encode_error(fault.code, fault.message or _UNKNOWN))
        if kind is FaultKind.URI_LIMIT:
            return _plain(414, "URI Too Long", close=True)
        if kind is FaultKind.METHOD_NOT_ALLOWED:
            return _plain(405, f"Request method '{request.method}' not supported")
        if kind is FaultKind.CONNECTION_RESET:
            return Response(0, b"", reset=True)
        response = self._exchange(request, route, now_ms) if route else _plain(404, "Not Found")
        return spoil(response, fault)

    def _status(self, fault: GenericFault, now_ms: int) -> Response:
        status = fault.status
        assert status is not None
        headers = [] if fault.retry_after is None else [("Retry-After", str(fault.retry_after))]
        if fault.body is not None:
            return Response(status, fault.body.encode("utf-8"), "text/plain; charset=UTF-8",
                            headers)
        if status == 429:
            body = encode_error(-1003, _OVER_LIMIT.format(limit=self.options.api_weight_limit))
        elif status == 418:
            until = now_ms + 1000 * (fault.retry_after or 120)
            body = encode_error(-1003, _BANNED.format(until=until))
        elif status in (403, 502, 504):
            response = _page(status, "The request could not be satisfied.")
            response.headers.extend(headers)
            return response
        elif status >= 500:
            body = encode_error(-1001, _INTERNAL)
        else:
            body = encode_error(-1000, _UNKNOWN)
        return _json(status, body, headers)
