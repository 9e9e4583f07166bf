"""From a parsed request to Bybit's answer: faults, routing, limits, authentication, payloads.

Order of decisions, outermost first:

0. the ``/__simulator__/`` control routes when on (:mod:`adapters.simkit.control`);
1. faults (latency and clock offsets modify; the first matching terminal fault answers);
2. unknown path -> 404; another method -> 405;
3. the IP budget (600 requests in 5 s): over it, HTTP 403 ``access too frequent``;
4. signed routes: authentication (:func:`authenticate`), then the UID's budget of the route
   (50 a second): over it, retCode 10006 in an HTTP 200 body;
5. the payload.

Every answer carries ``Timenow``; signed routes add ``X-Bapi-Limit``,
``X-Bapi-Limit-Status`` and ``X-Bapi-Limit-Reset-Timestamp``, as Bybit's do.

**Authentication**, as Bybit's v5 guide documents it (docs/exchanges/bybit.md, "Signing"):
the string signed is ``X-BAPI-TIMESTAMP + X-BAPI-API-KEY + X-BAPI-RECV-WINDOW`` (the headers'
text as sent) followed by the raw query string as received, not decoded or re-ordered; the
signature is hex HMAC-SHA256 under the secret. Checks, in order:

1. no ``X-BAPI-API-KEY`` header -> HTTP 401 (v5 takes its credentials in headers only);
2. a timestamp or window that is not a whole number -> retCode 10001;
3. ``server - recv_window <= timestamp < server + 1000`` fails -> retCode 10002 with Bybit's
   ``req_timestamp[..],server_timestamp[..],recv_window[..]`` message;
4. an unknown key -> 10003; a signature that does not match -> 10004 (``error sign!``);
5. a key without read permission -> 10005, a caller outside its IP allow-list -> 10010.

What Bybit does not document is the simulator's choice, said in the docs page: an upper-case
hex signature is accepted; an absent ``X-BAPI-RECV-WINDOW`` means 5000 and signs as empty.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final
from urllib.parse import parse_qsl

from adapters.bybit.simulator.accounts import Coin, Market, SimAccount, text, wallet_figures
from adapters.simkit.faults import Fault, FaultKind, spoil
from adapters.simkit.http11 import Request, Response
from adapters.simkit.pipeline import answer
from adapters.simkit.runtime import Runtime

__all__ = ["ROUTES", "BybitExchange", "authenticate", "sign"]

ROUTES: Final = {
    "/v5/account/info": ("account/info", True),
    "/v5/account/wallet-balance": ("account/wallet-balance", True),
    "/v5/market/tickers": ("market/tickers", False),
    "/v5/market/instruments-info": ("market/instruments-info", False),
    "/v5/market/time": ("market/time", False),
    "/v5/user/query-api": ("user/query-api", True),
    "/v5/asset/coin/query-info": ("asset/coin/query-info", True),
}
"""Path -> (route name for stats and faults, signed).

folio reads the first five; the key's information and the coins' are served because other
clients (CCXT) read them before a balance, and a real Bybit answers them.
"""
CATEGORIES: Final = frozenset({"spot", "linear", "inverse", "option"})
"""Bybit's product categories; the simulator lists spot markets only, the others are empty."""

UID_LIMIT: Final = 50
"""Requests per second per UID to each signed route."""
IP_LIMIT: Final = (600, 5000)
"""Requests per 5 s per IP, all routes."""
AHEAD_MS: Final = 1000
"""A timestamp this far ahead of the server's clock is refused."""


def sign(secret: str, text: str) -> str:
    """Bybit's ``X-BAPI-SIGN`` of ``text``: lower-case hex HMAC-SHA256."""
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def envelope(code: int, message: str, result: Any, now_ms: int) -> bytes:
    """Bybit's answer envelope (``result`` is ``{}`` on errors)."""
    return json.dumps({"retCode": code, "retMsg": message, "result": result,
                       "retExtInfo": {}, "time": now_ms}, separators=(",", ":")).encode()


def _json(body: bytes, status: int = 200) -> Response:
    return Response(status, body, "application/json; charset=utf-8")


def _error(code: int, message: str, now_ms: int) -> Response:
    return _json(envelope(code, message, {}, now_ms))


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def authenticate(  # noqa: PLR0911 - one exit per check, in the documented order
    headers: Mapping[str, str], query: str, accounts: Mapping[str, SimAccount], *, now_ms: int,
    peer_ip: str,
) -> SimAccount | Response:
    """The caller's account, or the answer refusing the request (see the module docstring)."""
    key = headers.get("x-bapi-api-key")
    if key is None:
        return Response(401, b"", "text/plain")
    stamp_text = headers.get("x-bapi-timestamp", "")
    window_text = headers.get("x-bapi-recv-window")
    stamp, window = _number(stamp_text), _number(window_text or "5000")
    if stamp is None or window is None:
        return _error(10001, "params error: X-BAPI-TIMESTAMP and X-BAPI-RECV-WINDOW must be "
                             "whole numbers", now_ms)
    if not now_ms - window <= stamp < now_ms + AHEAD_MS:
        return _error(10002, "invalid request, please check your server timestamp or "
                             f"recv_window param. req_timestamp[{stamp}],server_timestamp"
                             f"[{now_ms}],recv_window[{window}]", now_ms)
    account = accounts.get(key)
    if account is None:
        return _error(10003, "API key is invalid.", now_ms)
    expected = sign(account.api_secret, f"{stamp_text}{key}{window_text or ''}{query}")
    given = headers.get("x-bapi-sign", "").lower().encode("utf-8", "replace")
    if not hmac.compare_digest(given, expected.encode()):
        return _error(10004, f"error sign! origin_string[***{query}]", now_ms)
    if not account.can_read:
        return _error(10005, "Permission denied, please check your API key permissions.",
                      now_ms)
    if account.allowed_ips and peer_ip not in account.allowed_ips:
        return _error(10010, "Unmatched IP, please check your API key's bound IP addresses.",
                      now_ms)
    return account


def _coin_row(coin: Coin, usd_value: str, portfolio: bool) -> dict[str, Any]:
    margins = ("", "", "") if portfolio else (coin.order_im, coin.position_im, coin.position_mm)
    return {
        "coin": coin.coin, "equity": text(coin.equity), "usdValue": usd_value,
        "walletBalance": coin.wallet_balance, "locked": coin.locked,
        "borrowAmount": coin.borrow_amount, "spotBorrow": coin.spot_borrow,
        "accruedInterest": coin.accrued_interest, "unrealisedPnl": coin.unrealised_pnl,
        "cumRealisedPnl": "0", "totalOrderIM": margins[0], "totalPositionIM": margins[1],
        "totalPositionMM": margins[2], "bonus": "0", "spotHedgingQty": "0",
        "marginCollateral": True,
        "collateralSwitch": True, "availableToWithdraw": "", "availableToBorrow": "", "free": "",
    }


def _key_info(account: SimAccount) -> dict[str, Any]:
    """``GET /v5/user/query-api``: a read-only personal key of the account's UID."""
    groups = ("ContractTrade", "Spot", "Wallet", "Options", "Derivatives", "CopyTrading",
              "BlockTrade", "Exchange", "NFT")
    return {
        "id": str(account.uid), "note": "folio simulator", "apiKey": account.api_key,
        "readOnly": 1, "secret": "", "permissions": {group: [] for group in groups},
        "ips": list(account.allowed_ips) or ["*"], "type": 1, "deadlineDay": 90,
        "expiredAt": "2026-04-01T00:00:00Z", "createdAt": "2026-01-01T00:00:00Z",
        "unified": 0, "uta": int(account.unified_margin_status != 1),
        "userID": account.uid, "inviterID": 0, "vipLevel": "No VIP", "mktMakerLevel": "0",
        "affiliateID": 0, "isMaster": True,
    }


_ISOLATED_BLANK: Final = ("accountIMRate", "accountMMRate", "totalMarginBalance",
                          "totalAvailableBalance", "totalInitialMargin", "totalMaintenanceMargin")


def wallet_result(account: SimAccount, markets: Sequence[Market], coins: str | None) -> Any:
    """``result`` of ``wallet-balance``: every coin with an asset or a liability, or ``coins``."""
    figures = wallet_figures(account, markets)
    values: dict[str, str] = figures.pop("usdValue")  # type: ignore[assignment]
    wanted = set(coins.split(",")) if coins else None
    portfolio = account.margin_mode == "PORTFOLIO_MARGIN"  # per-coin margins are "" there
    rows = [_coin_row(c, values[c.coin], portfolio) for c in account.coins
            if (c.coin in wanted if wanted is not None else not c.is_zero)]
    block: dict[str, Any] = {"accountType": "UNIFIED", **figures, "accountLTV": "0",
                             "accountIMRateByMp": figures["accountIMRate"],
                             "accountMMRateByMp": figures["accountMMRate"], "coin": rows}
    if account.margin_mode == "ISOLATED_MARGIN":
        block.update(dict.fromkeys((*_ISOLATED_BLANK, "accountLTV", "accountIMRateByMp",
                                    "accountMMRateByMp"), ""))
    return {"list": [block]}


class BybitExchange:
    """The exchange logic of one server (accounts, markets and options are immutable)."""

    def __init__(self, accounts: Mapping[str, SimAccount], markets: Sequence[Market],
                 runtime: Runtime, options: Any) -> None:
        self.accounts = accounts
        self.markets = {market.symbol: market for market in markets}
        self.runtime = runtime
        self.options = options

    async def handle(self, request: Request) -> Response:
        """Answer ``request`` (stats included); may sleep for latency faults."""
        route = ROUTES.get(request.path)
        return await answer(
            self.runtime, request, api_key=request.headers.get("x-bapi-api-key") or None,
            route=route[0] if route is not None else None, parse_fault=self._parse_fault,
            respond=lambda fault, now_ms: self._respond(request, route, fault, now_ms))

    def _parse_fault(self, document: object) -> Fault:
        from adapters.bybit.simulator.simulator import Fault as BybitFault  # noqa: PLC0415

        return BybitFault.from_json(document)

    def _respond(self, request: Request, route: tuple[str, bool] | None, fault: Fault | None,
                 now_ms: int) -> Response:
        if fault is not None:
            response = self._fault(fault, request, now_ms)
        elif route is None:
            response = Response(404, b"", "text/plain")
        else:
            response = self._routed(request, route, now_ms)
        response.headers.append(("Timenow", str(now_ms)))
        return response

    def _routed(self, request: Request, route: tuple[str, bool], now_ms: int) -> Response:
        if request.method != "GET":
            return Response(405, b"", "text/plain", [("Allow", "GET")])
        if not self.runtime.admit(f"ip {request.peer_ip}", now_ms, self.options.ip_limit):
            self.runtime.stats.throttled()
            return Response(403, b"access too frequent", "text/plain")
        name, signed = route
        if not signed:
            return self._public(name, request.query, now_ms)
        account = authenticate(request.headers, request.query, self.accounts, now_ms=now_ms,
                               peer_ip=request.peer_ip)
        if isinstance(account, Response):
            return account
        admitted = self.runtime.admit(f"uid {account.uid} {name}", now_ms, (UID_LIMIT, 1000))
        reset = now_ms + (1000 if not admitted else 0)
        limits = [("X-Bapi-Limit", str(UID_LIMIT)),
                  ("X-Bapi-Limit-Status", str(UID_LIMIT - 1 if admitted else 0)),
                  ("X-Bapi-Limit-Reset-Timestamp", str(reset))]
        if not admitted:
            self.runtime.stats.throttled()
            response = _error(10006, "Too many visits!", now_ms)
        else:
            response = self._private(account, name, request.query, now_ms)
        response.headers.extend(limits)
        return response

    def _private(self, account: SimAccount, name: str, query: str, now_ms: int) -> Response:
        if name == "account/info":
            return _json(envelope(0, "OK", {
                "unifiedMarginStatus": account.unified_margin_status,
                "marginMode": account.margin_mode, "updatedTime": "1748312640000",
                "dcpStatus": "OFF", "timeWindow": 0, "smpGroup": 0, "isMasterTrader": False,
                "spotHedgingStatus": "OFF"}, now_ms))
        params = dict(parse_qsl(query, keep_blank_values=True))
        if name in ("user/query-api", "asset/coin/query-info"):
            return _json(envelope(0, "", self._key_or_coins(account, name, params), now_ms))
        if "accountType" not in params:
            return _error(10001, "params error: accountType is required", now_ms)
        if account.unified_margin_status == 1:
            return Response(404, b"", "text/plain")  # a classic account asking for UNIFIED
        if params["accountType"] != "UNIFIED":
            return _error(10001, "accountType only support UNIFIED.", now_ms)
        result = wallet_result(account, tuple(self.markets.values()), params.get("coin"))
        return _json(envelope(0, "OK", result, now_ms))

    def _key_or_coins(self, account: SimAccount, name: str, params: Mapping[str, str]) -> Any:
        if name == "user/query-api":
            return _key_info(account)
        names = {c.coin for c in account.coins} | {
            code for m in self.markets.values() for code in (m.base, m.quote)}
        wanted = params.get("coin")  # no chains: the simulator neither deposits nor withdraws
        return {"rows": [{"name": code, "coin": code, "remainAmount": "0", "chains": []}
                         for code in sorted(names) if wanted is None or code == wanted]}

    def _public(self, name: str, query: str, now_ms: int) -> Response:
        if name == "market/time":
            return _json(envelope(0, "OK", {"timeSecond": str(now_ms // 1000),
                                            "timeNano": str(now_ms * 1_000_000)}, now_ms))
        params = dict(parse_qsl(query, keep_blank_values=True))
        category = params.get("category", "")
        if category not in CATEGORIES:
            return _error(10001, "params error: Illegal category", now_ms)
        listed = self.markets if category == "spot" else {}
        markets = list(listed.values())
        if name == "market/instruments-info":
            rows: list[dict[str, Any]] = [
                {"symbol": m.symbol, "baseCoin": m.base, "quoteCoin": m.quote,
                 "status": m.status, "innovation": "0", "marginTrading": "utaOnly",
                 "symbolType": ""} for m in markets if m.status == "Trading"]
            return _json(envelope(0, "OK", {"category": category, "list": rows,
                                            "nextPageCursor": ""}, now_ms))
        symbol = params.get("symbol")
        if symbol is not None:
            if symbol not in listed:
                return _error(10001, "Not supported symbols", now_ms)
            markets = [listed[symbol]]
        rows = [{"symbol": m.symbol, "lastPrice": m.last_price, "bid1Price": m.last_price,
                 "ask1Price": m.last_price, "usdIndexPrice": m.usd_index_price}
                for m in markets]
        return _json(envelope(0, "OK", {"category": category, "list": rows}, now_ms))

    def _fault(self, fault: Fault, request: Request, now_ms: int) -> Response:
        kind = fault.kind
        if kind is FaultKind.HTTP_STATUS:
            status = fault.status or 500
            headers = [] if fault.retry_after is None else [("Retry-After",
                                                             str(fault.retry_after))]
            body = fault.body if fault.body is not None else {
                403: "access too frequent",
                429: "System level frequency protection. Please retry.",
            }.get(status, f"<html><body><h1>{status}</h1></body></html>")
            return Response(status, body.encode(), "text/plain", headers)
        if kind is FaultKind.JSON_ERROR:
            assert fault.code is not None  # checked by Fault
            return _json(envelope(fault.code, fault.message or "", {}, now_ms),
                         fault.status or 200)
        if kind is FaultKind.URI_LIMIT:
            return Response(414, b"URI Too Long", "text/plain", close=True)
        if kind is FaultKind.METHOD_NOT_ALLOWED:
            return Response(405, b"", "text/plain")
        if kind is FaultKind.CONNECTION_RESET:
            return Response(0, b"", reset=True)
        route = ROUTES.get(request.path)
        answer = (self._routed(request, route, now_ms) if route is not None
                  else Response(404, b"", "text/plain"))
        return spoil(answer, fault)
