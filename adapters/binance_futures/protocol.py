"""The USD-M futures conversation: what to send to ``/fapi/``, and what each answer means.

Built like :mod:`adapters.binance.protocol`, on the kit's
:class:`~adapters.kit.protocol.RestProtocol` (docs/plugins.md, "The adapter kit"): one
:class:`~adapters.kit.call.Call` per request, handed to the call's sender. A read of the
wallet or of its risk is two requests: ``GET /fapi/v1/accountConfig`` first, because the
account mode decides what ``GET /fapi/v3/account`` means (per-asset or account-level
``availableBalance``; totals in USDT or in USD), then the account itself; 10 weight of the
futures budget. A risk read of a Multi-Assets account that owes (a negative wallet balance)
adds one public ``GET /fapi/v1/assetIndex``, to value the loan in USD: weight 1 for one asset
owed, 10 for several (every index at once). The protocol also keeps the signing clock of the
futures host (corrected from ``GET /fapi/v1/time`` on ``-1021``) and the weight Binance reports
this IP used of the futures budget (``X-MBX-USED-WEIGHT-1M`` of the latest futures answer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import httpx

from adapters.binance.wire import ServerTime
from adapters.binance_futures.convert import (
    ask_rates,
    futures_risk,
    futures_snapshot,
    loan_symbols,
    structure,
)
from adapters.binance_futures.endpoints import (
    ACCOUNT_CONFIG,
    ASSET_INDEX,
    ASSET_INDEX_ONE,
    FUTURES_ACCOUNT,
    FUTURES_TIME,
    USED_WEIGHT_HEADER,
    FuturesEndpoint,
)
from adapters.binance_futures.errors import read_futures_payload
from adapters.binance_futures.options import BinanceFuturesOptions
from adapters.binance_futures.wire import AccountConfig, FuturesAccount
from adapters.kit.clock import RoundTrip, plausible_server_ms
from adapters.kit.protocol import RestProtocol
from adapters.kit.sender import Sender
from framework.errors import FolioError
from framework.models import BalanceSnapshot, MarginRisk

__all__ = ["FuturesProtocol"]

T = TypeVar("T")


class FuturesProtocol(RestProtocol[BinanceFuturesOptions, FuturesEndpoint]):
    """Request building, clock correction and answer reading for one account's futures."""

    server_time_field = "$.serverTime"
    used_weight: int | None = None
    """The futures weight Binance says this IP used this minute (latest answer's)."""

    async def _send(
        self, sender: Sender, endpoint: FuturesEndpoint, read: Callable[[Any], T],
        trip: RoundTrip | None = None, params: Mapping[str, str] | None = None,
    ) -> T:
        def payload(response: httpx.Response) -> T:
            text = response.headers.get(USED_WEIGHT_HEADER, "")
            if text.isascii() and text.isdigit():
                self.used_weight = int(text)
            return read(read_futures_payload(response.status_code, response.headers,
                                             response.content, structure=structure))

        return await sender.send(self.call(endpoint, params, trip=trip, cost=endpoint.weight),
                                 payload)

    async def config(self, sender: Sender) -> AccountConfig:
        """``GET /fapi/v1/accountConfig`` as its wire class (the account mode)."""
        wire: AccountConfig = await self._send(
            sender, ACCOUNT_CONFIG, lambda payload: structure(payload, AccountConfig))
        return wire

    async def futures_account(self, sender: Sender) -> FuturesAccount:
        """``GET /fapi/v3/account`` as its wire class."""
        wire: FuturesAccount = await self._send(
            sender, FUTURES_ACCOUNT, lambda payload: structure(payload, FuturesAccount))
        return wire

    async def balances(self, sender: Sender) -> BalanceSnapshot:
        """The ``futures`` wallet, read under the account's mode."""
        config = await self.config(sender)
        return await self._send(sender, FUTURES_ACCOUNT, lambda payload: futures_snapshot(
            structure(payload, FuturesAccount), config, account_name=self.account,
            fetched_at=self._now(), omit_zero=self.options.omit_zero_balances))

    async def risk(self, sender: Sender) -> MarginRisk:
        """The futures account's risk pool, read under the account's mode (and its loans')."""
        config = await self.config(sender)
        account = await self.futures_account(sender)
        symbols = loan_symbols(account, config)
        rates = await self.ask_rates(sender, symbols) if symbols else None
        try:
            return futures_risk(account, config, account_name=self.account,
                                fetched_at=self._now(), rates=rates)
        except FolioError as exc:  # a reading of the account's figures
            raise exc.located(endpoint=FUTURES_ACCOUNT.label) from None

    async def ask_rates(self, sender: Sender, symbols: tuple[str, ...]) -> dict[str, Decimal]:
        """``symbols``' ask rates from ``GET /fapi/v1/assetIndex``: one symbol, or all."""
        one = len(symbols) == 1
        return await self._send(
            sender, ASSET_INDEX_ONE if one else ASSET_INDEX,
            lambda payload: ask_rates(payload, symbols),
            params={"symbol": symbols[0]} if one else None)

    async def server_time_ms(self, sender: Sender) -> tuple[int, RoundTrip]:
        """The futures host's time (``GET /fapi/v1/time``) and the round trip that read it."""
        trip = RoundTrip(self.clock)
        server_ms: int = await self._send(sender, FUTURES_TIME, lambda payload: plausible_server_ms(
            structure(payload, ServerTime).server_time, self.server_time_field), trip)
        return server_ms, trip
