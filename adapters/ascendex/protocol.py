"""The AscendEX conversation, written once as sans-I/O flows (see :mod:`adapters.transport`).

This module decides *what* to send and *what the answer means*; the clients in
:mod:`adapters.ascendex.client` only carry bytes. It owns the account-group logic:

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
shared by every account on the host, and repeats the flow once (option ``sync_clock``; see
:mod:`adapters.clients`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

import attrs
import httpx

from adapters.ascendex.convert import (
    EXCHANGE,
    balance_snapshot,
    fast_balance_snapshot,
    margin_risk,
    structure,
)
from adapters.ascendex.endpoints import (
    CASH_BALANCE,
    INFO,
    MARGIN_BALANCE,
    MARGIN_RISK,
    SERVER_TIME,
    Endpoint,
)
from adapters.ascendex.errors import WRONG_ACCOUNT_GROUP
from adapters.ascendex.options import AscendexOptions
from adapters.ascendex.responses import read_data
from adapters.ascendex.signer import API_PATH_EXTENSION
from adapters.ascendex.wire import (
    AccountInfoData,
    CashBalanceRow,
    MarginBalanceRow,
    MarginRiskData,
    ServerTimeData,
)
from adapters.kit.clock import ClockSync, RoundTrip, ServerClock
from adapters.transport import ENDPOINT_EXTENSION, Flow
from framework.errors import (
    AccountStateError,
    FolioError,
    PermissionDeniedError,
    UnsupportedCapabilityError,
)
from framework.models import BalanceSnapshot, MarginRisk, WalletKind

__all__ = ["AccountInfo", "AscendexProtocol"]

_NEVER_EXPIRES: Final = -1


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


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


def _account_info(data: AccountInfoData) -> AccountInfo:
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


class AscendexProtocol(ClockSync):
    """Request building, group caching and response reading for one AscendEX account."""

    def __init__(
        self,
        *,
        base_url: str,
        account: str,
        options: AscendexOptions,
        now: Callable[[], datetime] = utc_now,
        clock: ServerClock | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.account = account
        self.options = options
        self._now = now
        self.clock = clock if clock is not None else ServerClock()
        """The signing clock; its offset is corrected here when the exchange objects."""
        self._group: int | None = options.account_group
        self.info: AccountInfo | None = None

    @property
    def account_group(self) -> int | None:
        """The group in use: pinned, discovered, or ``None`` before the first call."""
        return self._group

    @property
    def sync_clock(self) -> bool:
        """Whether a rejected timestamp is corrected from the exchange's time."""
        return self.options.sync_clock

    # -- building -----------------------------------------------------------------------

    def _request(
        self,
        endpoint: Endpoint,
        method: str = "GET",
        *,
        group: int | None = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        extensions: dict[str, str] = {ENDPOINT_EXTENSION: f"{method} {endpoint.name}"}
        if endpoint.api_path is not None:
            extensions[API_PATH_EXTENSION] = endpoint.api_path
        url = self.base_url + endpoint.path(self.options.path_style, group)
        return httpx.Request(
            method,
            url,
            params=params,
            headers={"Accept": "application/json"},
            extensions=extensions,
        )

    def locate(self, error: FolioError) -> FolioError:
        """Complete an error raised on the way (e.g. by the transport) with this account."""
        return error.located(exchange=EXCHANGE, account=self.account)

    def _located(self, error: FolioError, endpoint: Endpoint, method: str) -> FolioError:
        return error.located(
            exchange=EXCHANGE, account=self.account, endpoint=f"{method} {endpoint.name}"
        )

    def _read(self, response: httpx.Response, endpoint: Endpoint, method: str) -> Any:
        try:
            return read_data(response.status_code, response.headers, response.content)
        except FolioError as exc:
            raise self._located(exc, endpoint, method) from None

    def _structure(self, data: Any, wire_type: Any, endpoint: Endpoint, method: str) -> Any:
        try:
            return structure(data, wire_type)
        except FolioError as exc:
            raise self._located(exc, endpoint, method) from None

    # -- account info and group ---------------------------------------------------------

    def _call(
        self,
        endpoint: Endpoint,
        method: str = "GET",
        *,
        group: int | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Flow[Any]:
        """Send one signed request and read its data.

        A rejected timestamp (100011) raises :class:`~framework.errors.ClockSkewError`; the
        client corrects the clock and repeats the whole flow (:mod:`adapters.clients`).
        """
        response = yield self._request(endpoint, method, group=group, params=params)
        return self._read(response, endpoint, method)

    def account_info(self) -> Flow[AccountInfo]:
        """Read the key's account info, remember its group, and check the key is usable."""
        data = yield from self._call(INFO)
        info = _account_info(self._structure(data, AccountInfoData, INFO, "GET"))
        self.info = info
        self._check_key(info)  # before caching the group: a bad key is said on every call
        self._group = info.account_group
        return info

    def _check_key(self, info: AccountInfo) -> None:
        # No expiry check: the exchange just accepted the key (module docstring).
        if info.can_view is False:
            msg = "the API key lacks the View permission needed to read balances and risk"
            raise self._located(PermissionDeniedError(msg), INFO, "GET")

    def _ensure_group(self) -> Flow[int]:
        if self._group is None:
            yield from self.account_info()
        assert self._group is not None
        return self._group

    def _group_call(
        self, endpoint: Endpoint, method: str, params: Mapping[str, str] | None = None
    ) -> Flow[Any]:
        """Call a group-scoped endpoint; on a wrong-group answer, rediscover once and retry."""
        group = yield from self._ensure_group()
        try:
            return (yield from self._call(endpoint, method, group=group, params=params))
        except AccountStateError as exc:
            if exc.code != WRONG_ACCOUNT_GROUP:
                raise
            stale_error = exc
        self._group = None
        fresh = yield from self._ensure_group()
        if fresh == group:
            stale_error.detail += f" (account group {group} confirmed by GET info)"
            raise stale_error
        return (yield from self._call(endpoint, method, group=fresh, params=params))

    # -- endpoints ----------------------------------------------------------------------

    def balances(
        self,
        wallet: WalletKind,
        *,
        asset: str | None = None,
        show_all: bool | None = None,
    ) -> Flow[BalanceSnapshot]:
        """Read the cash or margin balances (``asset`` filters to one asset)."""
        row_type: Any
        if wallet is WalletKind.CASH:
            endpoint, row_type = CASH_BALANCE, list[CashBalanceRow]
        elif wallet is WalletKind.MARGIN:
            endpoint, row_type = MARGIN_BALANCE, list[MarginBalanceRow]
        else:
            msg = f"AscendEX balances are read for cash and margin wallets, not {wallet.value}"
            raise UnsupportedCapabilityError(msg, exchange=EXCHANGE, account=self.account)
        params: dict[str, str] = {}
        if asset is not None:
            params["asset"] = asset
        if self.options.show_all if show_all is None else show_all:
            params["showAll"] = "true"
        data = yield from self._group_call(endpoint, "GET", params)
        fast = fast_balance_snapshot(
            data, wallet=wallet, account=self.account, fetched_at=self._now()
        )
        if fast is not None:
            return fast
        rows = self._structure(data, row_type, endpoint, "GET")
        try:
            return balance_snapshot(
                rows, wallet=wallet, account=self.account, fetched_at=self._now()
            )
        except FolioError as exc:
            raise self._located(exc, endpoint, "GET") from None

    def margin_risk(self) -> Flow[MarginRisk]:
        """Read the margin risk profile (GET by default, POST by option)."""
        method = self.options.risk_method
        data = yield from self._group_call(MARGIN_RISK, method)
        wire: MarginRiskData = self._structure(data, MarginRiskData, MARGIN_RISK, method)
        try:
            return margin_risk(wire, account=self.account, fetched_at=self._now())
        except FolioError as exc:
            raise self._located(exc, MARGIN_RISK, method) from None

    def _server_time_ms(self) -> Flow[tuple[int, RoundTrip]]:
        """The exchange's receive time (UTC ms) and the round trip that read it."""
        request = self._request(SERVER_TIME, params={"requestTime": str(self.clock.local_ms())})
        trip = RoundTrip(self.clock, request)
        response = yield request
        trip.arrived()
        data = self._read(response, SERVER_TIME, "GET")
        wire: ServerTimeData = self._structure(data, ServerTimeData, SERVER_TIME, "GET")
        return wire.request_receive_at, trip
