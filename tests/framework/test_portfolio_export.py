"""``folio portfolio --format csv|jsonl`` on hand-built portfolios with hostile asset names.

An asset code comes from an exchange's answer: the exports must carry it as data, one row or
one line per position, whatever it holds (the command end to end is in
tests/integration/test_portfolio_cli.py).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from framework.cli.portfolio import print_portfolio
from framework.models import AssetBalance, BalanceSnapshot, WalletKind
from framework.portfolio import AccountPortfolio, Portfolio, PricePlan, build_portfolio
from framework.prices import Pair, Price
from framework.results import AccountResult, FanOut
from framework.valuation import PriceBook

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
FORMULA = '=HYPERLINK("http://x","y")'
SPLIT = "A\u2028B\x85C"


def _portfolio() -> Portfolio:
    rows = [
        AssetBalance(FORMULA, Decimal(2), Decimal(2)),
        AssetBalance(SPLIT, Decimal(0), Decimal(0), borrowed=Decimal("5000")),
        AssetBalance("BTC", Decimal(1), Decimal(1)),
    ]
    account = AccountPortfolio(
        "-acct", "paper", [BalanceSnapshot("paper", "-acct", WalletKind.CASH, rows, NOW)]
    )
    book = PriceBook("paper", [Price(Pair("BTC", "USDT"), Decimal(30000), "paper", "GET /t",
                                     NOW)], NOW)
    books = FanOut([AccountResult("-acct", "paper", value=book)])
    return build_portfolio([account], "USDT", books, PricePlan({"-acct": ("-acct",)}))


def test_csv_text_cells_never_run_as_formulas_and_numbers_keep_their_sign(
    capsys: pytest.CaptureFixture[str],
) -> None:
    portfolio = _portfolio()
    print_portfolio(portfolio, "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["account"], r["asset"]) for r in rows] == [
        ("'-acct", "'" + FORMULA), ("'-acct", SPLIT), ("'-acct", "BTC")
    ]
    assert rows[1]["net"] == "-5000"  # a debt, not a formula: unquoted
    assert (rows[2]["value"], rows[2]["prices"]) == ("30000", "30000")


def test_jsonl_is_one_object_per_line_whatever_a_name_holds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_portfolio(_portfolio(), "jsonl")
    lines = capsys.readouterr().out.splitlines()  # splits on U+2028 and U+0085 too
    assert [json.loads(line)["asset"] for line in lines] == [FORMULA, SPLIT, "BTC"]
