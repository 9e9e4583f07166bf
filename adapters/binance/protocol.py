"""The Binance conversation, written once as sans-I/O flows (see :mod:`adapters.transport`).

This module decides *what* to send and *what the answer means*; the clients in
:mod:`adapters.binance.client` only carry bytes. Besides building requests from the endpoint
catalog and reading answers, it keeps two pieces of state for its account:

* **the signing clock.** When Binance rejects a timestamp (``-1021``: outside ``recvWindow``, or
  more than 1 s ahead of its clock), the flow raises :class:`~framework.errors.ClockSkewError`;
  the client measures the offset to the exchange's clock with the unsigned
  ``GET /api/v3/time`` (once for every account on the host) and repeats the flow once (option
  ``sync_clock``; see :mod:`adapters.clients`);
* **the weight Binance says this IP has used** in the current minute, from the
  ``X-MBX-USED-WEIGHT-1M`` (``/api/``) and ``X-SAPI-USED-IP-WEIGHT-1M`` (``/sapi/``) headers of
  the latest answers: :attr:`BinanceProtocol.used_weight`. It counts every program on the same
  IP address, which folio's own limiter cannot see.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from adapters.binance.convert import (
    EXCHANGE,
    margin_risk,
    margin_snapshot,
    spot_snapshot,
    structure,
)
from adapters.binance.endpoints import ACCOUNT, MARGIN_ACCOUNT, SERVER_TIME, Budget, Endpoint
from adapters.binance.options import BinanceOptions
from adapters.binance.responses import read_payload
from adapters.binance.signer import SIGNED_EXTENSION
from adapters.binance.wire import MarginAccount, ServerTime, SpotAccount
from adapters.kit.clock import ClockSync, RoundTrip, ServerClock
from adapters.transport import COST_EXTENSION, ENDPOINT_EXTENSION, Flow
from framework.errors import FolioError, UnsupportedCapabilityError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind

__all__ = ["BinanceProtocol", "utc_now"]

T = TypeVar("T")


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class BinanceProtocol(ClockSync):
    """Request building, clock correction and answer reading for one Binance account."""

    def __init__(
        self,
        *,
        base_url: str,
        account: str,
        options: BinanceOptions,
        now: Callable[[], datetime] = utc_now,
        clock: ServerClock | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.account = account
        self.options = options
        self._now = now
        self.clock = clock if clock is not None else ServerClock()
        """The signing clock; its offset is corrected here when the exchange objects."""
        self.used_weight: dict[Budget, int] = {}
        """Weight the exchange says this IP used in the current minute, per budget, as of the
        latest answer that said so (empty until then)."""

    @property
    def sync_clock(self) -> bool:
        """Whether a rejected timestamp is corrected from the exchange's time."""
        return self.options.sync_clock

    # -- building and reading -------------------------------------------------------------

    def _request(
        self, endpoint: Endpoint, params: Mapping[str, str] | None = None
    ) -> httpx.Request:
        extensions: dict[str, Any] = {
            ENDPOINT_EXTENSION: endpoint.label,
            COST_EXTENSION: endpoint.weight,
        }
        if endpoint.signed:
            extensions[SIGNED_EXTENSION] = True
        query = {**dict(endpoint.params), **(params or {})}
        return httpx.Request(
            endpoint.method,
            self.base_url + endpoint.path,
            params=query or None,
            headers={"Accept": "application/json"},
            extensions=extensions,
        )

    def locate(self, error: FolioError, endpoint: Endpoint | None = None) -> FolioError:
        """Complete an error with this exchange, account and (when known) endpoint."""
        return error.located(
            exchange=EXCHANGE,
            account=self.account,
            endpoint=endpoint.label if endpoint is not None else None,
        )

    def _note_weight(self, endpoint: Endpoint, headers: httpx.Headers) -> None:
        text = headers.get(endpoint.budget.used_weight_header, "")
        if text.isascii() and text.isdigit():
            self.used_weight[endpoint.budget] = int(text)

    def _read(self, response: httpx.Response, endpoint: Endpoint) -> Any:
        self._note_weight(endpoint, response.headers)
        try:
            return read_payload(
                response.status_code, response.headers, response.content, structure=structure
            )
        except FolioError as exc:
            raise self.locate(exc, endpoint) from None

    def _structure(self, payload: Any, wire_type: type, endpoint: Endpoint) -> Any:
        try:
            return structure(payload, wire_type)
        except FolioError as exc:
            raise self.locate(exc, endpoint) from None

    def _call(self, endpoint: Endpoint, params: Mapping[str, str] | None = None) -> Flow[Any]:
        """Send one request and read its payload.

        A rejected timestamp (-1021) raises :class:`~framework.errors.ClockSkewError`; the
        client corrects the clock and repeats the whole flow (:mod:`adapters.clients`).
        """
        response = yield self._request(endpoint, params)
        return self._read(response, endpoint)

    # -- endpoints ------------------------------------------------------------------------

    def spot_account(self) -> Flow[SpotAccount]:
        """Read ``GET /api/v3/account`` as its wire class."""
        omit = "true" if self.options.omit_zero_balances else "false"
        payload = yield from self._call(ACCOUNT, {"omitZeroBalances": omit})
        wire: SpotAccount = self._structure(payload, SpotAccount, ACCOUNT)
        return wire

    def margin_account(self) -> Flow[MarginAccount]:
        """Read ``GET /sapi/v1/margin/account`` as its wire class."""
        payload = yield from self._call(MARGIN_ACCOUNT)
        wire: MarginAccount = self._structure(payload, MarginAccount, MARGIN_ACCOUNT)
        return wire

    def balances(self, wallet: WalletKind) -> Flow[BalanceSnapshot]:
        """Read the spot (``CASH``) or cross-margin (``MARGIN``) balances."""
        if wallet is WalletKind.CASH:
            spot = yield from self.spot_account()
            return self._convert(
                ACCOUNT, lambda: spot_snapshot(spot, account_name=self.account,
                                               fetched_at=self._now())
            )
        if wallet is WalletKind.MARGIN:
            margin = yield from self.margin_account()
            return self._convert(
                MARGIN_ACCOUNT,
                lambda: margin_snapshot(margin, account_name=self.account, fetched_at=self._now(),
                                        omit_zero=self.options.omit_zero_balances),
            )
        msg = f"Binance balances are read for the spot and margin wallets, not {wallet.value}"
        raise UnsupportedCapabilityError(msg, exchange=EXCHANGE, account=self.account)

    def margin_risk(self) -> Flow[MarginRisk]:
        """Read the cross-margin account's risk profile (totals in BTC)."""
        margin = yield from self.margin_account()
        return self._convert(
            MARGIN_ACCOUNT,
            lambda: margin_risk(margin, account_name=self.account, fetched_at=self._now()),
        )

    def _convert(self, endpoint: Endpoint, build: Callable[[], T]) -> T:
        try:
            return build()
        except FolioError as exc:
            raise self.locate(exc, endpoint) from None

    def _server_time_ms(self) -> Flow[tuple[int, RoundTrip]]:
        """The exchange's time (``serverTime``, UTC ms) and the round trip that read it."""
        request = self._request(SERVER_TIME)
        trip = RoundTrip(self.clock, request)
        response = yield request
        trip.arrived()
        payload = self._read(response, SERVER_TIME)
        wire: ServerTime = self._structure(payload, ServerTime, SERVER_TIME)
        return wire.server_time, trip
