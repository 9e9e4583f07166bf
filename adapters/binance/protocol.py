"""The Binance conversation: what to send, and what each answer means.

Built like the AscendEX protocol (docs/plugins.md): each read is an ``async`` method taking the
call's :class:`~adapters.kit.sender.Sender` and handing it one
:class:`~adapters.kit.call.Call` per request; the client (:mod:`adapters.binance.client`)
says which method each read runs. Besides building requests from the endpoint catalog and
reading answers, it keeps two pieces of state for its account:

* **the signing clock.** When Binance rejects a timestamp (``-1021``: outside ``recvWindow``, or
  more than 1 s ahead of its clock), the flow raises :class:`~framework.errors.ClockSkewError`;
  the client measures the offset to the exchange's clock with the unsigned
  ``GET /api/v3/time`` (once for every account on the host) and repeats the request once
  (option ``sync_clock``; see :mod:`adapters.kit.client`);
* **the weight Binance says this IP has used** in the current minute, from the
  ``X-MBX-USED-WEIGHT-1M`` (``/api/``) and ``X-SAPI-USED-IP-WEIGHT-1M`` (``/sapi/``) headers of
  the latest answers: :attr:`BinanceProtocol.used_weight`. It counts every program on the same
  IP address, which folio's own limiter cannot see.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import httpx

from adapters.binance.convert import (
    margin_risk,
    margin_snapshot,
    markets,
    prices,
    spot_snapshot,
    structure,
)
from adapters.binance.endpoints import (
    ACCOUNT,
    EXCHANGE_INFO,
    MARGIN_ACCOUNT,
    SERVER_TIME,
    TICKER_PRICE,
    TICKER_PRICES,
    Budget,
    Endpoint,
)
from adapters.binance.options import BinanceOptions
from adapters.binance.responses import read_payload
from adapters.binance.signer import BinanceAuth
from adapters.binance.wire import ExchangeInfo, MarginAccount, ServerTime, SpotAccount, TickerPrice
from adapters.kit.clock import RoundTrip, ServerClock, plausible_server_ms
from adapters.kit.protocol import RestProtocol, utc_now
from adapters.kit.ratelimit import SlidingWindowLimiter
from adapters.kit.sender import Sender
from framework.errors import UnsupportedCapabilityError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.prices import Pair, Price

__all__ = ["BinanceProtocol", "utc_now"]

T = TypeVar("T")


class BinanceProtocol(RestProtocol[BinanceOptions, Endpoint]):
    """Request building, clock correction and answer reading for one Binance account."""

    server_time_field = "$.serverTime"

    def __init__(
        self,
        *,
        base_url: str,
        account: str,
        options: BinanceOptions,
        auth: BinanceAuth | None,
        budgets: Callable[[Endpoint], Sequence[SlidingWindowLimiter]] = lambda _: (),
        now: Callable[[], datetime] = utc_now,
        clock: ServerClock | None = None,
    ) -> None:
        super().__init__(base_url=base_url, account=account, options=options, auth=auth,
                         limiters=budgets, now=now, clock=clock)
        self.used_weight: dict[Budget, int] = {}
        """Weight the exchange says this IP used in the current minute, per budget, as of the
        latest answer that said so (empty until then)."""

    async def _send(
        self,
        sender: Sender,
        endpoint: Endpoint,
        read: Callable[[Any], T],
        params: Mapping[str, str] | None = None,
        trip: RoundTrip | None = None,
    ) -> T:
        """Send one request; ``read`` turns its payload into the result.

        The reading happens inside the sender, so whatever it refuses is named with the
        endpoint there, in one place. A rejected timestamp (-1021) is a
        :class:`~framework.errors.ClockSkewError` that the sender corrects once
        (:mod:`adapters.kit.sender`). Every answer's used-weight header is noted first.
        """

        def payload(response: httpx.Response) -> T:
            text = response.headers.get(endpoint.budget.used_weight_header, "")
            if text.isascii() and text.isdigit():
                self.used_weight[endpoint.budget] = int(text)
            return read(read_payload(response.status_code, response.headers, response.content,
                                     structure=structure))

        call = self.call(endpoint, params, trip=trip, cost=endpoint.weight)
        return await sender.send(call, payload)

    # -- endpoints ------------------------------------------------------------------------

    async def spot_account(self, sender: Sender) -> SpotAccount:
        """Read ``GET /api/v3/account`` as its wire class."""
        omit = "true" if self.options.omit_zero_balances else "false"
        return await self._send(sender, ACCOUNT, _as(SpotAccount), {"omitZeroBalances": omit})

    async def margin_account(self, sender: Sender) -> MarginAccount:
        """Read ``GET /sapi/v1/margin/account`` as its wire class."""
        return await self._send(sender, MARGIN_ACCOUNT, _as(MarginAccount))

    async def balances(self, sender: Sender, wallet: WalletKind) -> BalanceSnapshot:
        """Read the spot (``CASH``) or cross-margin (``MARGIN``) balances."""
        if wallet is WalletKind.CASH:

            def spot(payload: Any) -> BalanceSnapshot:
                return spot_snapshot(structure(payload, SpotAccount), account_name=self.account,
                                     fetched_at=self._now())

            omit = "true" if self.options.omit_zero_balances else "false"
            return await self._send(sender, ACCOUNT, spot, {"omitZeroBalances": omit})
        if wallet is WalletKind.MARGIN:

            def margin(payload: Any) -> BalanceSnapshot:
                return margin_snapshot(structure(payload, MarginAccount),
                                       account_name=self.account, fetched_at=self._now(),
                                       omit_zero=self.options.omit_zero_balances)

            return await self._send(sender, MARGIN_ACCOUNT, margin)
        msg = f"Binance balances are read for the spot and margin wallets, not {wallet.value}"
        raise UnsupportedCapabilityError(msg)

    async def margin_risk(self, sender: Sender) -> MarginRisk:
        """Read the cross-margin account's risk profile (totals in BTC)."""

        def risk(payload: Any) -> MarginRisk:
            return margin_risk(structure(payload, MarginAccount), account_name=self.account,
                               fetched_at=self._now())

        return await self._send(sender, MARGIN_ACCOUNT, risk)

    async def markets(self, sender: Sender) -> dict[str, Pair]:
        """Symbol -> pair of every market trading now (``GET /api/v3/exchangeInfo``)."""
        return await self._send(sender, EXCHANGE_INFO,
                                lambda payload: markets(structure(payload, ExchangeInfo)))

    async def prices(
        self, sender: Sender, known: Mapping[str, Pair], symbols: Sequence[str] | None
    ) -> list[Price]:
        """Last prices of ``symbols`` (every symbol: ``None``); one symbol answers an object."""
        endpoint, params = TICKER_PRICES, None
        if symbols is not None and len(symbols) == 1:
            endpoint, params = TICKER_PRICE, {"symbol": symbols[0]}
        elif symbols is not None:
            params = {"symbols": json.dumps(list(symbols), separators=(",", ":"))}

        def read(payload: Any) -> list[Price]:
            wire = TickerPrice if endpoint is TICKER_PRICE else tuple[TickerPrice, ...]
            rows = structure(payload, wire)
            return prices((rows,) if endpoint is TICKER_PRICE else rows, known, symbols,
                          source=f"GET {endpoint.path}", at=self._now())

        return await self._send(sender, endpoint, read, params)

    async def server_time_ms(self, sender: Sender) -> tuple[int, RoundTrip]:
        """The exchange's time (``serverTime``, UTC ms) and the round trip that read it."""
        trip = RoundTrip(self.clock)
        server_ms = await self._send(sender, SERVER_TIME, lambda payload: plausible_server_ms(
            _as(ServerTime)(payload).server_time, self.server_time_field), trip=trip)
        return server_ms, trip


def _as(wire_type: type[T]) -> Callable[[Any], T]:
    """Reads a payload as ``wire_type``."""

    def read(payload: Any) -> T:
        wire: T = structure(payload, wire_type)
        return wire

    return read
