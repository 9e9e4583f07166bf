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

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import httpx

from adapters.binance.convert import (
    margin_risk,
    margin_snapshot,
    spot_snapshot,
    structure,
)
from adapters.binance.endpoints import ACCOUNT, MARGIN_ACCOUNT, SERVER_TIME, Budget, Endpoint
from adapters.binance.options import BinanceOptions
from adapters.binance.responses import read_payload
from adapters.binance.signer import BinanceAuth
from adapters.binance.wire import MarginAccount, ServerTime, SpotAccount
from adapters.kit.call import Call, Urls
from adapters.kit.clock import ClockSync, RoundTrip, ServerClock
from adapters.kit.ratelimit import SlidingWindowLimiter
from adapters.kit.sender import Sender
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
        auth: BinanceAuth,
        budgets: Callable[[Endpoint], Sequence[SlidingWindowLimiter]] = lambda _: (),
        now: Callable[[], datetime] = utc_now,
        clock: ServerClock | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._urls = Urls(self.base_url)
        self._auth = auth
        self._budgets = budgets
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

    def _call(
        self,
        endpoint: Endpoint,
        params: Mapping[str, str] | None = None,
        trip: RoundTrip | None = None,
    ) -> Call:
        query = {**dict(endpoint.params), **(params or {})}
        return Call(
            httpx.Request(endpoint.method, self._urls(endpoint.path, query),
                          headers=_ACCEPT_JSON),
            endpoint.label,
            cost=endpoint.weight,
            limiters=self._budgets(endpoint),
            auth=self._auth if endpoint.signed else None,
            trip=trip,
        )

    def _reader(self, endpoint: Endpoint) -> Callable[[httpx.Response], Any]:
        def read(response: httpx.Response) -> Any:
            text = response.headers.get(endpoint.budget.used_weight_header, "")
            if text.isascii() and text.isdigit():
                self.used_weight[endpoint.budget] = int(text)
            return read_payload(
                response.status_code, response.headers, response.content, structure=structure
            )

        return read

    async def _payload(
        self, sender: Sender, endpoint: Endpoint, params: Mapping[str, str] | None = None
    ) -> Any:
        """Send one request and return its payload.

        A rejected timestamp (-1021) raises :class:`~framework.errors.ClockSkewError`; the
        sender corrects the clock and repeats the request (:mod:`adapters.kit.sender`).
        """
        return await sender.send(self._call(endpoint, params), self._reader(endpoint))

    # -- endpoints ------------------------------------------------------------------------

    async def spot_account(self, sender: Sender) -> SpotAccount:
        """Read ``GET /api/v3/account`` as its wire class."""
        omit = "true" if self.options.omit_zero_balances else "false"
        payload = await self._payload(sender, ACCOUNT, {"omitZeroBalances": omit})
        return _located(ACCOUNT, structure, payload, SpotAccount)  # type: ignore[no-any-return]

    async def margin_account(self, sender: Sender) -> MarginAccount:
        """Read ``GET /sapi/v1/margin/account`` as its wire class."""
        payload = await self._payload(sender, MARGIN_ACCOUNT)
        return _located(MARGIN_ACCOUNT, structure, payload, MarginAccount)  # type: ignore[no-any-return]

    async def balances(self, sender: Sender, wallet: WalletKind) -> BalanceSnapshot:
        """Read the spot (``CASH``) or cross-margin (``MARGIN``) balances."""
        if wallet is WalletKind.CASH:
            spot = await self.spot_account(sender)
            return _located(ACCOUNT, spot_snapshot, spot, account_name=self.account,
                            fetched_at=self._now())
        if wallet is WalletKind.MARGIN:
            margin = await self.margin_account(sender)
            return _located(MARGIN_ACCOUNT, margin_snapshot, margin, account_name=self.account,
                            fetched_at=self._now(), omit_zero=self.options.omit_zero_balances)
        msg = f"Binance balances are read for the spot and margin wallets, not {wallet.value}"
        raise UnsupportedCapabilityError(msg)

    async def margin_risk(self, sender: Sender) -> MarginRisk:
        """Read the cross-margin account's risk profile (totals in BTC)."""
        margin = await self.margin_account(sender)
        return _located(MARGIN_ACCOUNT, margin_risk, margin, account_name=self.account,
                        fetched_at=self._now())

    async def server_time_ms(self, sender: Sender) -> tuple[int, RoundTrip]:
        """The exchange's time (``serverTime``, UTC ms) and the round trip that read it."""
        trip = RoundTrip(self.clock)
        payload = await sender.send(self._call(SERVER_TIME, trip=trip),
                                    self._reader(SERVER_TIME))
        wire: ServerTime = _located(SERVER_TIME, structure, payload, ServerTime)
        return wire.server_time, trip


_ACCEPT_JSON: Final = {"Accept": "application/json"}


def _located(endpoint: Endpoint, convert: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``convert(*args, **kwargs)``; an error names the endpoint whose answer it read."""
    try:
        return convert(*args, **kwargs)
    except FolioError as exc:
        raise exc.located(endpoint=endpoint.label) from None
