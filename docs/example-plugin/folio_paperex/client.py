"""One PaperEx account's client: the protocol's reads, each run as one call of the kit.

:class:`~adapters.kit.client.ExchangeClient` gives it what every exchange shares: the HTTP
client (the host's shared, pooled one when the plugin builds it with ``account_client``; its
own, on ``transport`` when given, when used alone), the call's deadline, and errors completed
with exchange and account, with echoed credentials scrubbed. What is left here is which
protocol method each read runs.

Used without folio's plugin layer::

    async with PaperexClient(credentials, base_url=url) as client:
        cash = await client.fetch_balances(WalletKind.CASH)
"""

from __future__ import annotations

from typing import Final

import httpx

from adapters.kit.client import ExchangeClient, HttpClientSource
from adapters.kit.clock import ServerClock
from folio_paperex.convert import EXCHANGE
from folio_paperex.options import PaperexOptions
from folio_paperex.protocol import PaperexProtocol
from folio_paperex.signer import PaperexAuth
from framework.credentials import Credentials
from framework.models import BalanceSnapshot, WalletKind
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

__all__ = ["DEFAULT_BASE_URL", "PaperexClient"]

DEFAULT_BASE_URL: Final = "https://api.paperex.invalid"


class PaperexClient(ExchangeClient):
    """The PaperEx client; also a folio ``BalanceReader``."""

    protocol: PaperexProtocol

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        account: str = "default",
        options: PaperexOptions | None = None,  # none yet: see folio_paperex/options.py
        http: HttpSettings = DEFAULT_HTTP_SETTINGS,
        http_client: HttpClientSource | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        clock = ServerClock()  # the local clock: PaperEx offers none to correct it from
        protocol = PaperexProtocol(
            base_url=base_url, account=account, auth=PaperexAuth(credentials, clock_ms=clock)
        )
        super().__init__(
            protocol, exchange=EXCHANGE, clock=clock, credentials=credentials, http=http,
            http_client=http_client, transport=transport,
        )

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        """:class:`framework.providers.BalanceReader` entry point: read ``wallet`` now."""
        return await self.call(lambda sender: self.protocol.balances(sender, wallet))
