"""The whole stack against the simulator over real loopback sockets.

Host API (async and sync) -> registry -> plugin -> adapter -> httpx -> simulator, and back.
The expected numbers are the specification's sample responses.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from framework import Folio, SyncFolio, WalletKind, total_by_asset
from framework.credentials import Credentials
from framework.errors import AuthenticationError, UnsupportedCapabilityError
from framework.models import NOT_APPLICABLE, HealthMetric
from tests.integration.conftest import account

SEED_CASH = {
    "USDT": (Decimal("1285.366663467"), Decimal("1285.366663467")),
    "BTC": (Decimal("22.1308675"), Decimal("16.1308675")),
    "ETH": (Decimal("0.6"), Decimal("0.6")),
}
SEED_MARGIN = {
    "USDT": (Decimal("11200"), Decimal("11200"), Decimal("0"), Decimal("0")),
    "ETH": (Decimal("20"), Decimal("20"), Decimal("0"), Decimal("0")),
}
STYLES = [
    pytest.param({}, id="v1-paths-get-risk"),
    pytest.param({"path_style": "legacy", "risk_method": "POST"}, id="seed-paths-post-risk"),
]


def _cash(snapshot: object) -> dict[str, tuple[Decimal, Decimal]]:
    return {row.asset: (row.total, row.available) for row in snapshot}  # type: ignore[attr-defined]


@pytest.mark.anyio
@pytest.mark.parametrize("options", STYLES)
async def test_async_host_reads_the_seed_numbers(
    seed_url: str, demo_credentials: Credentials, options: dict[str, object]
) -> None:
    accounts = [account("main", seed_url, demo_credentials, **options)]
    async with Folio(accounts) as folio:
        cash = await folio.balances("main", WalletKind.CASH)
        margin = await folio.balances("main", WalletKind.MARGIN)
        risk = await folio.risk("main")
    assert (cash.exchange, cash.account, cash.wallet) == ("ascendex", "main", WalletKind.CASH)
    assert _cash(cash) == SEED_CASH
    assert cash.assets == ("USDT", "BTC", "ETH")
    assert {r.asset: (r.total, r.available, r.borrowed, r.interest) for r in margin} == SEED_MARGIN
    assert risk.total_value == risk.equity == risk.available_value == Decimal("17715.8175")
    assert risk.leverage == Decimal(1)
    assert risk.max_leverage == Decimal(10)
    assert risk.health.metric is HealthMetric.CUSHION
    assert risk.health.value is NOT_APPLICABLE


@pytest.mark.parametrize("options", STYLES)
def test_sync_host_reads_the_seed_numbers(
    seed_url: str, demo_credentials: Credentials, options: dict[str, object]
) -> None:
    accounts = [account("main", seed_url, demo_credentials, **options)]
    with SyncFolio(accounts) as folio:
        cash = folio.balances("main")
        margin = folio.balances("main", WalletKind.MARGIN)
        risk = folio.risk("main")
    assert _cash(cash) == SEED_CASH
    assert {r.asset: (r.total, r.available, r.borrowed, r.interest) for r in margin} == SEED_MARGIN
    assert risk.equity == Decimal("17715.8175")


@pytest.mark.anyio
async def test_fan_out_keeps_a_failing_account_beside_the_good_ones(
    seed_url: str, demo_credentials: Credentials
) -> None:
    wrong = Credentials.from_strings(demo_credentials.api_key.reveal(), "wrong-secret")
    accounts = [
        account("first", seed_url, demo_credentials),
        account("bad-secret", seed_url, wrong),
        account("second", seed_url, demo_credentials, account_group=6),
    ]
    async with Folio(accounts) as folio:
        result = await folio.all_balances(WalletKind.CASH)
    assert [r.account for r in result] == ["first", "bad-secret", "second"]
    assert not result.ok
    error = result.errors["bad-secret"]
    assert isinstance(error, AuthenticationError)  # not a parse error
    assert error.code == 200001
    assert (error.exchange, error.account) == ("ascendex", "bad-secret")
    totals = total_by_asset(result)
    assert totals.missing == ("bad-secret",)
    assert totals.totals["BTC"] == Decimal("44.2617350")
    assert _cash(result.values["second"]) == SEED_CASH


@pytest.mark.anyio
async def test_unsupported_wallet_is_a_typed_error(
    seed_url: str, demo_credentials: Credentials
) -> None:
    async with Folio([account("main", seed_url, demo_credentials)]) as folio:
        result = await folio.all_balances(WalletKind.FUTURES)
    error = result.errors["main"]
    assert isinstance(error, UnsupportedCapabilityError)
    assert "the futures wallet is not served for 'ascendex'" in str(error)
    assert "its wallets: cash, margin" in str(error)
