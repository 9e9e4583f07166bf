"""The PaperEx conversation: what to send for each read, and how its answer is read.

Each read is an ``async`` method taking the call's :class:`~adapters.kit.sender.Sender`. It
builds one :class:`~adapters.kit.call.Call` per request (the ``httpx.Request``, the endpoint's
name for errors, the signer) and hands it to ``sender.send`` with the function that reads the
answer. The sender does the rest (rate-limit waits, signing through httpx, the call's deadline,
a bounded body, retries: adapters/kit/sender.py), so this module is the part a new exchange
writes; ``adapters/ascendex/protocol.py`` is the full-size model.

PaperEx has no server-time endpoint, so its signing clock is never corrected (``sync_clock``
is false) and the two clock reads the kit's client offers end in a typed error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Final, NoReturn

import httpx

from adapters.kit.call import Call, Urls
from adapters.kit.sender import Sender
from folio_paperex.convert import EXCHANGE, read_balances
from folio_paperex.signer import PaperexAuth
from framework.errors import UnsupportedCapabilityError
from framework.models import BalanceSnapshot, WalletKind

__all__ = ["BALANCES", "BALANCES_PATH", "PaperexProtocol"]

BALANCES_PATH: Final = "/v1/balances"
BALANCES: Final = "GET balances"
"""The endpoint's name in errors and logs."""

_ACCEPT_JSON: Final = {"Accept": "application/json"}


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class PaperexProtocol:
    """Request building and answer reading for one PaperEx account."""

    def __init__(
        self,
        *,
        base_url: str,
        account: str,
        auth: PaperexAuth,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.account = account
        self._auth = auth
        self._urls = Urls(self.base_url)  # each URL parsed once, not per read
        self._now = now

    @property
    def sync_clock(self) -> bool:
        """PaperEx has no clock to correct from."""
        return False

    async def balances(self, sender: Sender, wallet: WalletKind) -> BalanceSnapshot:
        """Read the cash wallet: one signed ``GET /v1/balances``."""
        if wallet is not WalletKind.CASH:
            msg = f"PaperEx has only a cash wallet, not {wallet.value}"
            raise UnsupportedCapabilityError(msg)
        request = httpx.Request("GET", self._urls(BALANCES_PATH), headers=_ACCEPT_JSON)
        rows = await sender.send(Call(request, BALANCES, auth=self._auth), read_balances)
        return BalanceSnapshot(EXCHANGE, self.account, wallet, rows, self._now())

    async def server_time(self, sender: Sender) -> NoReturn:
        """PaperEx does not publish its clock."""
        raise _no_clock()

    async def measure_clock_offset(self, sender: Sender) -> NoReturn:
        """PaperEx does not publish its clock."""
        raise _no_clock()


def _no_clock() -> UnsupportedCapabilityError:
    return UnsupportedCapabilityError("PaperEx has no server-time endpoint")
