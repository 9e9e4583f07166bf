"""The client on the kit's one path: retries signed anew, located errors, the host's pool.

The first tests hand the client an ``httpx.MockTransport``: the same client, sender, signer and
reading as in production, only the transport differs. The last ones read the loopback PaperEx
through the plugin's hook, on the host's shared client.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Iterator

import httpx
import pytest
from folio_paperex import plugin
from folio_paperex.client import PaperexClient
from folio_paperex.signer import sign

from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.errors import (
    AuthenticationError,
    ConfigurationError,
    ExchangeUnavailableError,
    UnsupportedCapabilityError,
)
from framework.models import BalanceSnapshot, WalletKind
from framework.providers import AccountContext
from framework.retry import RetryPolicy
from framework.settings import HttpSettings
from tests.paperex_server import API_KEY, API_SECRET, PaperexServer

CREDENTIALS = Credentials.from_strings(API_KEY, API_SECRET)
QUICK = HttpSettings(retry=RetryPolicy(base_delay=0, max_delay=0))
ANSWER = b'{"balances": [{"asset": "BTC", "total": "1.50000000", "available": "1.25000000"}]}'


def client_on(handler: httpx.MockTransport) -> PaperexClient:
    return PaperexClient(CREDENTIALS, base_url="https://api.paperex.invalid", account="acct",
                         http=QUICK, transport=handler)


def read(client: PaperexClient, wallet: WalletKind = WalletKind.CASH) -> BalanceSnapshot:
    async def go() -> BalanceSnapshot:
        async with client:
            return await client.fetch_balances(wallet)

    return asyncio.run(go())


def test_a_503_is_retried_and_every_attempt_carries_a_valid_signature() -> None:
    statuses = iter([503, 200])
    valid: list[bool] = []

    def exchange(request: httpx.Request) -> httpx.Response:
        timestamp = request.headers["X-Paper-Timestamp"]
        expected = sign(API_SECRET, timestamp, request.url.path)
        valid.append(hmac.compare_digest(request.headers["X-Paper-Signature"], expected))
        status = next(statuses)
        return httpx.Response(status, content=ANSWER if status == 200 else b"down")

    snapshot = read(client_on(httpx.MockTransport(exchange)))
    assert valid == [True, True]
    assert str(snapshot["BTC"].total) == "1.50000000"
    assert (snapshot.exchange, snapshot.account) == ("paperex", "acct")


def test_the_last_failure_is_reported_once_the_attempts_are_spent() -> None:
    calls: list[int] = []

    def down(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503)

    with pytest.raises(ExchangeUnavailableError):
        read(client_on(httpx.MockTransport(down)))
    assert len(calls) == QUICK.retry.max_attempts


def test_an_error_names_exchange_account_and_endpoint_and_no_credential() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "bad key or signature"})

    with pytest.raises(AuthenticationError) as caught:
        read(client_on(httpx.MockTransport(refuse)))
    error = caught.value
    assert (error.exchange, error.account, error.endpoint) == ("paperex", "acct", "GET balances")
    for text in (str(error), repr(error)):
        assert API_KEY not in text
        assert API_SECRET not in text


def test_only_the_cash_wallet_is_served() -> None:
    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request for an unsupported wallet")

    with pytest.raises(UnsupportedCapabilityError) as caught:
        read(client_on(httpx.MockTransport(never)), WalletKind.MARGIN)
    assert caught.value.account == "acct"


@pytest.fixture
def paperex() -> Iterator[PaperexServer]:
    with PaperexServer().serving() as server:
        yield server


def account(url: str, **options: object) -> AccountConfig:
    return AccountConfig("paper", "paperex", StaticCredentials(CREDENTIALS), base_url=url,
                         options=options)


def test_the_plugin_reads_through_the_hosts_shared_client(paperex: PaperexServer) -> None:
    async def go() -> tuple[list[str], BalanceSnapshot, bool]:
        context = AccountContext(account(paperex.url))
        shared = context.http_client()
        sent: list[str] = []

        async def note(request: httpx.Request) -> None:
            sent.append(f"{request.method} {request.url.path}")

        shared.event_hooks["request"].append(note)
        reader = plugin.folio_balance_reader("paperex", context)
        assert reader is not None
        snapshot = await reader.fetch_balances(WalletKind.CASH)
        await context.resources.aclose()  # what the host does when it closes
        return sent, snapshot, shared.is_closed

    sent, snapshot, closed = asyncio.run(go())
    assert sent == ["GET /v1/balances"]
    assert str(snapshot["USD"].total) == "1000.25"
    assert closed, "the last lease on the shared client closes it"


def test_an_unknown_option_is_refused_naming_account_and_key() -> None:
    context = AccountContext(account("https://api.paperex.invalid", rate_limt=5))
    with pytest.raises(ConfigurationError) as caught:
        plugin.folio_balance_reader("paperex", context)
    assert caught.value.account == "paper"
    assert caught.value.key == "options.rate_limt"
