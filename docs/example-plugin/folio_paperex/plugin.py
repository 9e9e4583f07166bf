"""The folio hooks of the PaperEx plugin: declare what is served, hand out the client.

Hooks do no I/O. ``account_client`` builds the account's client on first use through
``context.resource`` (so the host closes it), reads the account's options table, and gives
the client ``context.http_client``: the host's shared, pooled ``httpx.AsyncClient``, taken on
the first read, so PaperEx accounts share connections with every other plugin's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from adapters.kit.client import account_client
from folio_paperex.client import DEFAULT_BASE_URL, PaperexClient
from folio_paperex.convert import EXCHANGE
from folio_paperex.options import PaperexOptions
from framework.hookspecs import hookimpl
from framework.models import WalletKind
from framework.providers import AccountContext


@hookimpl
def folio_balance_wallets() -> Mapping[str, Collection[WalletKind]]:
    """PaperEx has one wallet: cash."""
    return {EXCHANGE: [WalletKind.CASH]}


@hookimpl
def folio_balance_reader(exchange: str, context: AccountContext) -> PaperexClient | None:
    """The account's PaperEx client, which reads balances."""
    if exchange != EXCHANGE:
        return None
    return account_client(context, EXCHANGE, PaperexClient, PaperexOptions, DEFAULT_BASE_URL)
