"""The OKX conversation: what to send, and what each answer means.

Built like the Binance protocol (docs/plugins.md, "The adapter kit"): each read is an
``async`` method taking the call's :class:`~adapters.kit.sender.Sender` and handing it one
:class:`~adapters.kit.call.Call` per request. It keeps the account's signing clock: when OKX
refuses a timestamp (``50102``, more than 30 s from its clock) the sender measures the offset
with the public ``GET /api/v5/public/time`` and signs the request again, once (option
``sync_clock``; :mod:`adapters.kit.client`).

A risk read asks ``account/config`` for the account's mode (``acctLv``) and then
``account/balance``, every time: the mode can be changed in OKX's web interface between two
reads, and reading a stale mode would apply the wrong mapping. Only when the balance shows
isolated equity (``isoEq`` not 0) does it read ``account/positions`` too, whose isolated
positions are liquidated on their own (:mod:`adapters.okx.isolated`); each answer is read
inside its own request, so a refusal names the endpoint whose answer it refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

import httpx

from adapters.kit.clock import RoundTrip, plausible_server_ms
from adapters.kit.protocol import RestProtocol, utc_now
from adapters.kit.sender import Sender
from adapters.okx import convert
from adapters.okx.endpoints import BALANCE, CONFIG, INSTRUMENTS, POSITIONS, TICKERS, TIME, Endpoint
from adapters.okx.isolated import holds_isolated, weakest_pool
from adapters.okx.options import OkxOptions
from adapters.okx.responses import read_data
from adapters.okx.wire import AccountConfig, Balance, Instrument, ServerTime, Ticker
from framework.errors import UnsupportedCapabilityError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.prices import Pair, Price

__all__ = ["OkxProtocol", "utc_now"]

T = TypeVar("T")
_HEADERS: Final = {"Accept": "application/json", "Content-Type": "application/json"}
_DEMO_HEADERS: Final = {**_HEADERS, "x-simulated-trading": "1"}
_TS: Final = "$.data[0].ts"


class OkxProtocol(RestProtocol[OkxOptions, Endpoint]):
    """Request building, clock correction and answer reading for one OKX account."""

    server_time_field = _TS

    async def _send(
        self, sender: Sender, endpoint: Endpoint, read: Callable[[list[Any]], T],
        trip: RoundTrip | None = None,
    ) -> T:
        """Send one request; ``read`` turns the envelope's ``data`` into the result."""
        # The signer adds x-simulated-trading to signed requests itself.
        demo = self.options.demo_trading and not endpoint.signed
        call = self.call(endpoint, trip=trip, headers=_DEMO_HEADERS if demo else _HEADERS)

        def answer(response: httpx.Response) -> T:
            return read(read_data(response.status_code, response.headers, response.content))

        return await sender.send(call, answer)

    async def config(self, sender: Sender) -> AccountConfig:
        """``GET /api/v5/account/config``: the account's mode."""
        return await self._send(sender, CONFIG, lambda data: convert.account_mode(
            convert.one(data, AccountConfig)))

    @staticmethod
    def _cash(wallet: WalletKind) -> None:
        if wallet is not WalletKind.CASH:
            msg = f"OKX's trading account is served as the cash wallet, not {wallet.value}"
            raise UnsupportedCapabilityError(msg)

    async def balances(self, sender: Sender, wallet: WalletKind) -> BalanceSnapshot:
        """The trading account, served as the ``cash`` wallet."""
        self._cash(wallet)
        return await self._send(sender, BALANCE, lambda data: convert.balance_snapshot(
            convert.one(data, Balance), account_name=self.account, fetched_at=self._now()))

    async def margin_risk(self, sender: Sender, wallet: WalletKind) -> MarginRisk:
        """The trading account's (``cash``) risk under its mode (``acctLv``), weakest pool."""
        self._cash(wallet)
        config = await self.config(sender)

        def cross_pool(data: list[Any]) -> tuple[Balance, MarginRisk]:
            balance = convert.one(data, Balance)
            return balance, convert.margin_risk(
                config, balance, account_name=self.account, fetched_at=self._now())

        balance, risk = await self._send(sender, BALANCE, cross_pool)
        if not holds_isolated(balance):
            return risk
        return await self._send(sender, POSITIONS, lambda data: weakest_pool(risk, balance, data))

    async def markets(self, sender: Sender) -> dict[str, Pair]:
        """The pair of every live spot instrument."""
        return await self._send(sender, INSTRUMENTS, lambda data: convert.markets(
            convert.structure(data, tuple[Instrument, ...])))

    async def prices(
        self, sender: Sender, known: Mapping[str, Pair], asked: Sequence[str] | None
    ) -> list[Price]:
        """Last prices of every spot market (one request), of ``asked`` instruments or all."""
        source = f"GET {TICKERS.path}?instType=SPOT"
        return await self._send(sender, TICKERS, lambda data: convert.prices(
            convert.structure(data, tuple[Ticker, ...]), known, asked, source=source))

    async def server_time_ms(self, sender: Sender) -> tuple[int, RoundTrip]:
        """OKX's time (``ts``, Unix ms) and the round trip that read it."""
        trip = RoundTrip(self.clock)
        server_ms: int = await self._send(sender, TIME, lambda data: plausible_server_ms(
            convert.unix_ms(convert.one(data, ServerTime).ts, _TS), _TS), trip=trip)
        return server_ms, trip
