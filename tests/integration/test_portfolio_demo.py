"""``folio demo`` shows the valued portfolio: both plugin-served simulators, valued in USDT.

AscendEX serves its seed sample (worked out in tests/integration/test_portfolio.py's
docstring): BTC 22.1308675 at 8000, ETH 20.6 at 0.040723859375 x 8000, USDT 12485.366663467,
196243.598688467 USDT. Binance serves its demo account (adapters/binance/simulator/demo.py),
every asset priced at 64000 USDT per BTC: BTC 0.4125 + 0.06 = 30240, LTC 12.5 x 0.0013 = 1040,
ETH 3.15 x 0.052 = 10483.2, BNB 25.4 x 0.002907432162 = 4726.3217225472, USDT 1843.27 + 250
- 1500 - 0.42 = 592.85: 47082.3717225472 USDT. The demo is complete: the unvalued case (the
documentation sample's LTC) is covered on the seed by tests/integration/test_portfolio.py and
test_portfolio_cli.py.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from framework.cli import main

TOTAL = Decimal("196243.598688467") + Decimal("47082.3717225472")


def test_demo_json_carries_the_whole_portfolio_valued_in_usdt(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    valued = document["valued_portfolio"]
    assert valued["quote"] == "USDT"
    assert Decimal(valued["value"]["total"]) == TOTAL == Decimal("243325.9704110142")
    assert valued["value"]["complete"] is True
    assert valued["value"]["unvalued"] == []
    assert valued["failures"] == []
    assert valued["value"]["assets"]["LTC"]["value"] == "1040"  # LTCBTC x BTCUSDT
    # the balance sections are views of the same read; the USDT debt is netted
    assert document["portfolio"]["totals"]["ETH"] == "23.75000000"
    assert Decimal(document["portfolio"]["totals"]["USDT"]) == Decimal("13078.216663467")


def test_demo_text_shows_a_believable_complete_total_and_its_prices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Portfolio in USDT" in out
    assert "\nTOTAL 243325.97041101 USDT\n" in out  # no INCOMPLETE: every holding has a price
    assert "UNVALUED" not in out
    assert "binance   LTC/BTC       0.00130000  last  GET /api/v3/ticker/price" in out
    assert "binance   BTC/USDT  64000.00000000  last  GET /api/v3/ticker/price" in out
    assert "ok: margin_level 2.72590341 (liquidation at 1.1)" in out
