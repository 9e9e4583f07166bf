"""``folio demo`` shows the valued portfolio: both seed simulators, valued in USDT.

The numbers are the seed data's, worked out by hand in tests/integration/test_portfolio.py.
"""

from __future__ import annotations

import json

import pytest

from framework.cli import main


def test_demo_json_carries_the_portfolio_valued_in_usdt(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--json"]) == 0  # LTC has no price: unvalued, not a failure
    document = json.loads(capsys.readouterr().out)
    valued = document["valued_portfolio"]
    assert valued["quote"] == "USDT"
    assert valued["value"]["total"] == "302326796757.75582817496488704"
    assert valued["value"]["complete"] is False
    assert [(u["account"], u["asset"]) for u in valued["value"]["unvalued"]] == [
        ("binance-demo", "LTC")
    ]
    assert valued["failures"] == []
    # the balance sections are views of the same read
    assert document["portfolio"]["totals"]["ETH"] == "20.6"


def test_demo_text_shows_values_shares_and_the_unvalued_holding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Portfolio in USDT" in out
    assert "TOTAL 302326796757.75582817 USDT (INCOMPLETE: only what could be valued, see below)" in out
    assert "████████████████████  100.0%" in out  # BTC on Binance is nearly all of it
    assert "UNVALUED binance-demo (binance) cash LTC" in out
    assert "binance   BTC/USDT  64000.00000000  last  GET /api/v3/ticker/price" in out
