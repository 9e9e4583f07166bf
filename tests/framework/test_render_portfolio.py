"""Rendering the portfolio: share bars, the display rounding of values, the share rule.

Narrow units on hand-built portfolios (no I/O); the command end to end is in
tests/integration/test_portfolio_cli.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from framework.models import AssetBalance, BalanceSnapshot, WalletKind
from framework.portfolio import AccountPortfolio, PricePlan, build_portfolio
from framework.prices import Pair, Price
from framework.render_portfolio import BAR_WIDTH, assets_table, share_bar, value_text
from framework.results import AccountResult, FanOut
from framework.valuation import PriceBook

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("share", "bar"),
    [
        ("0", " " * 20),
        ("1", "█" * 20),
        ("0.5", "█" * 10 + " " * 10),
        ("0.0625", "█▎" + " " * 18),  # 10 eighths of a cell
        ("0.00625", "▏" + " " * 19),  # one eighth of a cell
        ("0.003125", " " * 20),  # half an eighth rounds half to even: nothing drawn
        ("1.7", "█" * 20),  # clamped
        ("-0.2", " " * 20),  # clamped
    ],
)
def test_share_bar(share: str, bar: str) -> None:
    drawn = share_bar(Decimal(share))
    assert len(drawn) == BAR_WIDTH
    assert drawn == bar


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("177046.9400000", "177046.94"),
        ("11200", "11200.00"),
        ("0.1", "0.10"),
        ("1285.366663467", "1285.36666347"),  # half to even at the 8th place
        ("0.000000005", "0.00"),  # 5E-9 rounds half to even to 0
        ("0.000000015", "0.00000002"),
        ("-37525.2576", "-37525.2576"),
        ("-0.000000001", "0.00"),  # no minus sign on a zero
    ],
)
def test_value_text_rounds_only_for_display(value: str, text: str) -> None:
    assert value_text(Decimal(value)) == text


def _snapshot(*rows: tuple[str, str, str]) -> BalanceSnapshot:
    balances = [
        AssetBalance(asset, Decimal(total), Decimal(total), borrowed=Decimal(borrowed))
        for asset, total, borrowed in rows
    ]
    return BalanceSnapshot("paper", "a", WalletKind.MARGIN, balances, NOW)


def _book(*prices: tuple[str, str]) -> FanOut[PriceBook]:
    listed = [
        Price(Pair.parse(pair), Decimal(value), "paper", "GET /ticker", NOW)
        for pair, value in prices
    ]
    return FanOut([AccountResult("a", "paper", value=PriceBook("paper", listed, NOW))])


def test_shares_are_of_what_is_held_and_a_net_debt_gets_no_bar() -> None:
    # BTC 1 at 30000, ETH 10 at 1000, USDT 5000 borrowed: net -5000
    account = AccountPortfolio(
        "a", "paper", [_snapshot(("BTC", "1", "0"), ("ETH", "10", "0"), ("USDT", "0", "5000"))]
    )
    portfolio = build_portfolio(
        [account], "USDT", _book(("BTC/USDT", "30000"), ("ETH/USDT", "1000")),
        PricePlan({"a": ("a",)}),
    )
    assert portfolio.value is not None
    assert portfolio.value.total == Decimal("35000")  # 30000 + 10000 - 5000
    text = assets_table(portfolio)
    lines = {line.split()[0]: line for line in text.splitlines()[1:4]}
    assert lines["BTC"].endswith(share_bar(Decimal("0.75")) + "  75.0%")  # 30000 / 40000 held
    assert lines["ETH"].endswith(share_bar(Decimal("0.25")) + "  25.0%")
    assert "█" not in lines["USDT"]
    assert "-5000.00" in lines["USDT"]
    assert "TOTAL 35000.00 USDT" in text


def test_an_inverted_price_that_does_not_divide_evenly_is_marked_inexact() -> None:
    account = AccountPortfolio("a", "paper", [_snapshot(("USDT", "1", "0"))])
    plan = PricePlan({"a": ("a",)})
    portfolio = build_portfolio([account], "BTC", _book(("BTC/USDT", "3")), plan)
    assert portfolio.value is not None
    (usdt,) = portfolio.value.assets
    assert not usdt.exact
    assert not portfolio.value.exact
    assert usdt.value == Decimal("0.3333333333333333333333333333333333")  # 34 digits


def test_an_unvalued_debt_makes_the_total_incomplete_but_never_a_lower_bound() -> None:
    # BTC 1 at 30000 valued; 100 XYZ borrowed, no XYZ market: the real total is below 30000
    account = AccountPortfolio("a", "paper", [_snapshot(("BTC", "1", "0"), ("XYZ", "0", "100"))])
    portfolio = build_portfolio(
        [account], "USDT", _book(("BTC/USDT", "30000")), PricePlan({"a": ("a",)})
    )
    assert portfolio.value is not None
    assert portfolio.value.total == Decimal("30000")
    assert not portfolio.value.complete
    (xyz,) = portfolio.value.unvalued
    assert xyz.net == Decimal("-100")
    text = assets_table(portfolio)
    assert "TOTAL 30000.00 USDT (INCOMPLETE: only what could be valued, see below)" in text
    assert "lower bound" not in text
