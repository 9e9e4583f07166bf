"""The folio hooks of the PaperEx plugin: declare what is served, hand out readers."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime

from folio_paperex.api import PaperexClient
from framework.errors import UnsupportedCapabilityError
from framework.hookspecs import hookimpl
from framework.models import BalanceSnapshot, WalletKind
from framework.providers import AccountContext

EXCHANGE = "paperex"
DEFAULT_URL = "https://api.paperex.invalid"


class PaperexReader:
    """Reads one account's balances.

    Its client is opened through ``context.resource``, so folio closes it with the host.
    """

    def __init__(self, context: AccountContext) -> None:
        self._account = context.account
        self._client = context.resource(
            EXCHANGE,
            lambda: PaperexClient(context.credentials(), self._account.base_url or DEFAULT_URL),
        )

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        if wallet is not WalletKind.CASH:
            msg = f"PaperEx has only a cash wallet, not {wallet.value}"
            raise UnsupportedCapabilityError(msg)
        rows = await self._client.balances()
        return BalanceSnapshot(
            exchange=EXCHANGE,
            account=self._account.name,
            wallet=wallet,
            balances=tuple(rows),
            fetched_at=datetime.now(UTC),
        )


@hookimpl
def folio_balance_wallets() -> Mapping[str, Collection[WalletKind]]:
    return {EXCHANGE: [WalletKind.CASH]}


@hookimpl
def folio_balance_reader(exchange: str, context: AccountContext) -> PaperexReader | None:
    return PaperexReader(context) if exchange == EXCHANGE else None
