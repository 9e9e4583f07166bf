"""A portfolio with an exchange whose plugin reads no prices: unvalued, named, not a failure.

A host's own plugin (registered with ``Plugins(extra=...)``) serves cash balances only, from
memory: no HTTP is involved, so this is a narrow test of the planning of price reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from framework import (
    AccountConfig,
    AssetBalance,
    BalanceSnapshot,
    Credentials,
    Folio,
    Plugins,
    StaticCredentials,
    WalletKind,
)
from framework.hookspecs import hookimpl
from framework.providers import AccountContext

NOW = datetime(2026, 1, 2, tzinfo=UTC)


class _Reader:
    def __init__(self, account: str) -> None:
        self.account = account

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        rows = [
            AssetBalance("USDT", Decimal("250.5"), Decimal("250.5")),
            AssetBalance("XAU", Decimal("2"), Decimal("2")),
        ]
        return BalanceSnapshot("paper", self.account, wallet, rows, NOW)


class _Paper:
    @hookimpl
    def folio_balance_wallets(self) -> Mapping[str, list[WalletKind]]:
        return {"paper": [WalletKind.CASH]}

    @hookimpl
    def folio_balance_reader(self, exchange: str, context: AccountContext) -> _Reader | None:
        return _Reader(context.account.name) if exchange == "paper" else None


@pytest.mark.anyio
async def test_holdings_of_an_unpriced_exchange_are_unvalued_with_the_reason() -> None:
    credentials = StaticCredentials(Credentials.from_strings("key", "secret"))
    plugins = Plugins(extra=[("paper", _Paper())], use_entry_points=False)
    async with Folio([AccountConfig("p", "paper", credentials)], plugins=plugins) as folio:
        portfolio = await folio.portfolio(quote="USDT")
    assert portfolio.failures == ()  # nothing was read that failed
    assert portfolio.books == ()  # and no price read was attempted
    value = portfolio.value
    assert value is not None
    (xau,) = value.unvalued
    assert xau.asset == "XAU"
    assert xau.valuation is not None
    # Said as it is: nothing failed to be read (no "no prices could be read: " before it)
    assert xau.valuation.reason == "no installed plugin reads prices of paper"
    assert value.total == Decimal("250.5")  # the USDT, which needs no price
    assert not value.complete
    assert not portfolio.complete
    assert portfolio.risks == ()  # paper serves no risk: not read, not a failure
