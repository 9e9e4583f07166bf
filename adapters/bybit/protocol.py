"""The Bybit conversation: what to send, and what each answer means.

Built like the Binance protocol (docs/plugins.md, "The adapter kit"): each read is an
``async`` method taking the call's :class:`~adapters.kit.sender.Sender` and handing it one
:class:`~adapters.kit.call.Call` per request. A rejected timestamp (retCode 10002) is a
:class:`~framework.errors.ClockSkewError`: the client measures Bybit's clock with the public
``GET /v5/market/time`` and signs the request again, once (option ``sync_clock``).

A classic account asking for the ``UNIFIED`` wallet gets HTTP 404 with an empty body (Bybit's
observed answer, docs/exchanges/bybit.md): read as :class:`~framework.errors.AccountStateError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

import httpx

from adapters.bybit.convert import balance_snapshot, margin_risk, markets, pooled, prices, structure
from adapters.bybit.endpoints import (
    ACCOUNT_INFO,
    INSTRUMENTS,
    SERVER_TIME,
    TICKERS,
    WALLET_BALANCE,
    Endpoint,
)
from adapters.bybit.options import BybitOptions
from adapters.bybit.responses import read_result
from adapters.bybit.wire import AccountInfo, Instruments, ServerTime, Tickers, WalletBalance
from adapters.kit.clock import RoundTrip, plausible_server_ms
from adapters.kit.protocol import RestProtocol, utc_now
from adapters.kit.sender import Sender
from framework.errors import AccountStateError, InvalidResponseError, UnsupportedCapabilityError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.prices import Pair, Price

__all__ = ["BybitProtocol", "utc_now"]

T = TypeVar("T")
_TIME_NANO: Final = "$.result.timeNano"
_CLASSIC: Final = ("HTTP 404 with an empty body to accountType=UNIFIED: a classic account, which "
                   "folio does not read (upgrade it to Bybit's unified trading account), or a "
                   "base_url that is not Bybit's API")


def _only_cash(wallet: WalletKind) -> None:
    if wallet is not WalletKind.CASH:
        msg = f"Bybit's unified account is served as the cash wallet, not {wallet.value}"
        raise UnsupportedCapabilityError(msg)


class BybitProtocol(RestProtocol[BybitOptions, Endpoint]):
    """Request building, clock correction and answer reading for one Bybit account."""

    server_time_field = _TIME_NANO

    async def _send(
        self, sender: Sender, endpoint: Endpoint, read: Callable[[Any], T],
        params: Mapping[str, str] | None = None, trip: RoundTrip | None = None,
    ) -> T:
        """Send one request; ``read`` turns its ``result`` into the answer, inside the sender."""

        def answer(response: httpx.Response) -> T:
            if (response.status_code == 404 and endpoint is WALLET_BALANCE
                    and not response.content):
                raise AccountStateError(_CLASSIC, status=404)
            return read(read_result(response.status_code, response.headers, response.content,
                                    structure=structure))

        return await sender.send(self.call(endpoint, params, trip=trip), answer)

    async def info(self, sender: Sender) -> AccountInfo:
        """``GET /v5/account/info``; a mode without an account-wide ratio is refused here."""
        return await self._send(sender, ACCOUNT_INFO,
                                lambda r: pooled(structure(r, AccountInfo)))

    async def balances(self, sender: Sender, wallet: WalletKind) -> BalanceSnapshot:
        """The unified account's coins (the ``cash`` wallet).

        Read inside the request's reading, as every answer is: a refusal of the figures
        (a coin listed twice, a wallet that contradicts itself) names the endpoint too.
        """
        _only_cash(wallet)
        return await self._send(sender, WALLET_BALANCE, lambda r: balance_snapshot(
            structure(r, WalletBalance), account_name=self.account, fetched_at=self._now()))

    async def margin_risk(self, sender: Sender, wallet: WalletKind) -> MarginRisk:
        """The unified account's risk profile (USD): its mode first, then its wallet."""
        _only_cash(wallet)
        info = await self.info(sender)
        return await self._send(sender, WALLET_BALANCE, lambda r: margin_risk(
            info, structure(r, WalletBalance), account_name=self.account,
            fetched_at=self._now()))

    async def markets(self, sender: Sender) -> dict[str, Pair]:
        """Symbol -> pair of every spot market trading now."""
        return await self._send(sender, INSTRUMENTS,
                                lambda r: markets(structure(r, Instruments)))

    async def prices(
        self, sender: Sender, known: Mapping[str, Pair], symbols: Sequence[str] | None
    ) -> list[Price]:
        """Last prices of ``symbols`` (every market: ``None``); one symbol is asked by name."""
        params = {"symbol": symbols[0]} if symbols is not None and len(symbols) == 1 else None

        def read(result: Any) -> list[Price]:
            return prices(structure(result, Tickers), known, symbols,
                          source=f"GET {TICKERS.path}", at=self._now())

        return await self._send(sender, TICKERS, read, params)

    async def server_time_ms(self, sender: Sender) -> tuple[int, RoundTrip]:
        """Bybit's time (``timeNano`` in ms) and the round trip that read it."""
        trip = RoundTrip(self.clock)
        server_ms: int = await self._send(sender, SERVER_TIME, _server_ms, trip=trip)
        return server_ms, trip


def _server_ms(result: Any) -> int:
    """``timeNano`` of a server-time ``result`` in ms, if it is a count of nanoseconds."""
    nano = structure(result, ServerTime).time_nano
    if not (nano.isascii() and nano.isdigit() and len(nano) < 25):
        msg = f"timeNano is not a count of nanoseconds: {nano[:40]!r}"
        raise InvalidResponseError(msg, field=_TIME_NANO)
    return plausible_server_ms(int(nano) // 1_000_000, _TIME_NANO)
