"""The AscendEX conversation: what to send, and what each answer means.

This is the adapter's protocol, the model a plugin author copies (docs/plugins.md). Each read
is an ``async`` method that takes the call's :class:`~adapters.kit.sender.Sender`, builds a
:class:`~adapters.kit.call.Call` per request (the ``httpx.Request``, the endpoint's name, the
rate limiters, the endpoint's signer) and reads the answer it gets back; the sender does
pacing, retries and the deadline, the client (:mod:`adapters.ascendex.client`) says which
method each read runs. It owns the account-group logic:

* the group is discovered with ``GET /api/pro/v1/info`` on first use and cached for the
  key's lifetime (group ``0`` is a real group, not "missing");
* a group pinned in the options skips discovery;
* when the exchange answers ``200006 ACCOUNT_ERROR`` (a request to a group the key does not
  belong to), the group is discovered again, once, and the request repeated;
* discovery also reads the key's permissions, so a key without the View permission gets an
  error that says so instead of a cryptic code later. It reads the key's expiry too
  (:attr:`AccountInfo.expires_at`, for a host that warns ahead), but whether the key has
  expired is the exchange's call, on its own clock: it answered this very request, so the key
  is valid, and a host clock running ahead would otherwise declare a valid key expired. An
  expired key gets ``200001 "API key is expired."`` from the exchange.

A rejected timestamp (``100011``) is a :class:`~framework.errors.ClockSkewError` here; the
client measures the offset to the exchange's clock with the unsigned server-time endpoint,
shared by every account on the host, and repeats the request once (option ``sync_clock``; see
:mod:`adapters.kit.client`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import attrs
import httpx

from adapters.ascendex.convert import balance_snapshot, margin_risk, prices, structure
from adapters.ascendex.endpoints import (
    CASH_BALANCE,
    INFO,
    MARGIN_BALANCE,
    MARGIN_RISK,
    SERVER_TIME,
    TICKER,
    Endpoint,
)
from adapters.ascendex.errors import WRONG_ACCOUNT_GROUP
from adapters.ascendex.options import AscendexOptions
from adapters.ascendex.responses import read_data
from adapters.ascendex.signer import AscendexAuth
from adapters.ascendex.wire import (
    AccountInfoData,
    CashBalanceRow,
    MarginBalanceRow,
    MarginRiskData,
    ServerTimeData,
    TickerRow,
)
from adapters.kit.call import Call
from adapters.kit.clock import RoundTrip, ServerClock, plausible_server_ms
from adapters.kit.protocol import ACCEPT_JSON, RestProtocol, utc_now
from adapters.kit.ratelimit import SlidingWindowLimiter
from adapters.kit.sender import Sender
from framework.errors import (
    AccountStateError,
    PermissionDeniedError,
    UnsupportedCapabilityError,
)
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.prices import Price

__all__ = ["AccountInfo", "AscendexProtocol", "utc_now"]

T = TypeVar("T")

_NEVER_EXPIRES: Final = -1


@attrs.frozen(slots=True)
class AccountInfo:
    """What ``GET /api/pro/v1/info`` says about the API key and its account."""

    account_group: int
    user_uid: str | None
    email: str | None
    expires_at: datetime | None
    """When the key expires; ``None`` if it never does (``expireTime`` -1 or absent)."""
    can_view: bool | None
    can_trade: bool | None
    can_transfer: bool | None
    allowed_ips: tuple[str, ...]


def _account_info(answer: Any) -> AccountInfo:
    data: AccountInfoData = structure(answer, AccountInfoData)
    expires = data.expire_time
    return AccountInfo(
        account_group=data.account_group,
        user_uid=data.user_uid,
        email=data.email,
        expires_at=(
            None
            if expires is None or expires == _NEVER_EXPIRES
            else datetime.fromtimestamp(expires / 1000, UTC)
        ),
        can_view=data.view_permission,
        can_trade=data.trade_permission,
        can_transfer=data.transfer_permission,
        allowed_ips=data.allowed_ips,
    )


class AscendexProtocol(RestProtocol[AscendexOptions, Any]):
    """Request building, group caching and answer reading for one AscendEX account."""

    server_time_field = "$.data.requestReceiveAt"
    """Where the server-time answer holds the exchange's time (errors name it)."""

    def __init__(
        self,
        *,
        base_url: str,
        account: str,
        options: AscendexOptions,
        auth: AscendexAuth | None,
        limiters: Sequence[SlidingWindowLimiter] = (),
        now: Callable[[], datetime] = utc_now,
        clock: ServerClock | None = None,
    ) -> None:
        held = tuple(limiters)
        super().__init__(base_url=base_url, account=account, options=options, auth=auth,
                         limiters=lambda _: held, now=now, clock=clock)
        self.limiters = held
        """The rate limiters every request waits for (shared with every client of the key)."""
        self._signing = auth  # signs per endpoint path: AscendexAuth.for_path
        self._signers: dict[str, AscendexAuth] = {}
        """One signer per signed endpoint, made on its first request."""
        self._group: int | None = options.account_group
        self.info: AccountInfo | None = None

    @property
    def account_group(self) -> int | None:
        """The group in use: pinned, discovered, or ``None`` before the first call."""
        return self._group

    def _call(
        self,
        endpoint: Endpoint,
        method: str = "GET",
        *,
        group: int | None = None,
        params: Mapping[str, str] | None = None,
        trip: RoundTrip | None = None,
    ) -> Call:
        url = self._urls(endpoint.path(self.options.path_style, group), params)
        return Call(
            httpx.Request(method, url, headers=ACCEPT_JSON),
            f"{method} {endpoint.name}",
            cost=endpoint.cost,
            limiters=self.limiters,
            auth=self._signer(endpoint),
            trip=trip,
        )

    def _signer(self, endpoint: Endpoint) -> AscendexAuth | None:
        if endpoint.api_path is None or self._signing is None:  # public, or a keyless client
            return None
        signer = self._signers.get(endpoint.name)
        if signer is None:
            signer = self._signers[endpoint.name] = self._signing.for_path(endpoint.api_path)
        return signer

    async def _send(
        self,
        sender: Sender,
        endpoint: Endpoint,
        read: Callable[[Any], T],
        method: str = "GET",
        *,
        group: int | None = None,
        params: Mapping[str, str] | None = None,
        trip: RoundTrip | None = None,
    ) -> T:
        """Send one request; ``read`` turns its ``data`` into the result.

        The reading happens inside the sender, so whatever it refuses is named with the
        endpoint there, in one place, and a garbled answer is read again like any transient
        failure. A rejected timestamp (100011) is a :class:`~framework.errors.ClockSkewError`
        that the sender corrects once (:mod:`adapters.kit.sender`).
        """
        call = self._call(endpoint, method, group=group, params=params, trip=trip)
        return await sender.send(call, lambda response: read(_data(response)))

    # -- account info and group ---------------------------------------------------------

    async def account_info(self, sender: Sender) -> AccountInfo:
        """Read the key's account info, remember its group, and check the key is usable."""
        info = await self._send(sender, INFO, _account_info)
        self.info = info
        # No expiry check: the exchange just accepted the key (module docstring). Checked
        # before caching the group, so a bad key is said on every call.
        if info.can_view is False:
            msg = "the API key lacks the View permission needed to read balances and risk"
            raise PermissionDeniedError(msg, endpoint=_INFO_CALL)
        self._group = info.account_group
        return info

    async def _group_send(
        self,
        sender: Sender,
        endpoint: Endpoint,
        method: str,
        read: Callable[[Any], T],
        params: Mapping[str, str] | None = None,
    ) -> T:
        """Call a group-scoped endpoint; on a wrong-group answer, rediscover once and retry."""
        group = self._group
        if group is None:
            group = (await self.account_info(sender)).account_group
        try:
            return await self._send(sender, endpoint, read, method, group=group, params=params)
        except AccountStateError as exc:
            if exc.code != WRONG_ACCOUNT_GROUP:
                raise
            stale_error = exc
        self._group = None
        fresh = (await self.account_info(sender)).account_group
        if fresh == group:
            stale_error.detail += f" (account group {group} confirmed by GET info)"
            raise stale_error
        return await self._send(sender, endpoint, read, method, group=fresh, params=params)

    # -- endpoints ----------------------------------------------------------------------

    async def balances(
        self,
        sender: Sender,
        wallet: WalletKind,
        *,
        asset: str | None = None,
        show_all: bool | None = None,
    ) -> BalanceSnapshot:
        """Read the cash or margin balances (``asset`` filters to one asset)."""
        row_type: Any
        if wallet is WalletKind.CASH:
            endpoint, row_type = CASH_BALANCE, list[CashBalanceRow]
        elif wallet is WalletKind.MARGIN:
            endpoint, row_type = MARGIN_BALANCE, list[MarginBalanceRow]
        else:
            msg = f"AscendEX balances are read for cash and margin wallets, not {wallet.value}"
            raise UnsupportedCapabilityError(msg)
        params: dict[str, str] = {}
        if asset is not None:
            params["asset"] = asset
        if self.options.show_all if show_all is None else show_all:
            params["showAll"] = "true"

        def read(data: Any) -> BalanceSnapshot:
            rows = structure(data, row_type)
            return balance_snapshot(rows, wallet=wallet, account=self.account,
                                    fetched_at=self._now())

        return await self._group_send(sender, endpoint, "GET", read, params)

    async def margin_risk(self, sender: Sender) -> MarginRisk:
        """Read the margin risk profile (GET by default, POST by option)."""

        def read(data: Any) -> MarginRisk:
            wire: MarginRiskData = structure(data, MarginRiskData)
            return margin_risk(wire, account=self.account, fetched_at=self._now())

        return await self._group_send(sender, MARGIN_RISK, self.options.risk_method, read)

    async def tickers(self, sender: Sender) -> list[Price]:
        """The last price of every spot market, read unsigned (docs/exchanges/ascendex.md).

        Always every ticker, never a ``symbol`` list: an unlisted symbol in a list fails the
        whole request with an error code the sources disagree on, and one answer of one shape
        (a list) serves any set of pairs, the inverse and bridge markets valuation needs too.
        """

        def read(data: Any) -> list[Price]:
            rows: list[TickerRow] = structure(data, list[TickerRow])
            return prices(rows, fetched_at=self._now())

        return await self._send(sender, TICKER, read)

    async def server_time_ms(self, sender: Sender) -> tuple[int, RoundTrip]:
        """The exchange's receive time (UTC ms) and the round trip that read it."""
        trip = RoundTrip(self.clock)
        params = {"requestTime": str(self.clock.local_ms())}
        server_ms = await self._send(sender, SERVER_TIME, _receive_time, params=params, trip=trip)
        return server_ms, trip


_INFO_CALL: Final = f"GET {INFO.name}"


def _data(response: httpx.Response) -> Any:
    """The ``data`` of an answer, or the typed error it stands for."""
    return read_data(response.status_code, response.headers, response.content)


def _receive_time(data: Any) -> int:
    wire: ServerTimeData = structure(data, ServerTimeData)
    return plausible_server_ms(wire.request_receive_at, AscendexProtocol.server_time_field)
