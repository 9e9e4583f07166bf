"""``folio demo`` shows the valued portfolio: every plugin-served simulator, valued in USDT.

Each exchange's part worked out by hand from its demo data, at its own last prices:

* AscendEX serves its seed sample (worked out in tests/integration/test_portfolio.py's
  docstring): BTC 22.1308675 at 8000, ETH 20.6 at 0.040723859375 x 8000, USDT 12485.366663467,
  196243.598688467 USDT.
* Binance serves its demo account (adapters/binance/simulator/demo.py), every asset priced at
  64000 USDT per BTC: BTC 0.4125 + 0.06 = 30240, LTC 12.5 x 0.0013 = 1040, ETH 3.15 x 0.052 =
  10483.2, BNB 25.4 x 0.002907432162 = 4726.3217225472, USDT 1843.27 + 250 - 1500 - 0.42 =
  592.85, and its futures wallet, USDT 2000 of wallet with 100 of unrealised profit: 2100 of
  equity. 49182.3717225472 USDT.
* Bybit's unified account (adapters/bybit/simulator/accounts.py): BTC 0.35 x 64000.5 =
  22400.175, ETH 4.2 x 3150.25 = 13231.05, SOL 120 x 142.38 = 17085.6, USDT 8000 less 182.5 of
  unrealised loss = 7817.5, USDC 3000 - 2500 borrowed - 1.84 interest = 498.16 x 0.9998 =
  498.060368. 61032.385368 USDT.
* OKX's trading account (adapters/okx/simulator/demo.py): BTC 0.25 x 64000 = 16000, ETH 2.4 x
  3100 = 7440, SOL 40 x 150 = 6000, USDT -1500 - 0.35 interest = -1500.35. 27939.65 USDT.

The totals are equity (net plus unrealised profit, docs/host-api.md). The demo is complete: the
unvalued case (the documentation sample's LTC) is covered on the seed by
tests/integration/test_portfolio.py and test_portfolio_cli.py.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from framework.cli import main

PARTS = {
    "ascendex": Decimal("196243.598688467"),
    "binance": Decimal("47082.3717225472") + Decimal("2100"),
    "bybit": Decimal("22400.175") + Decimal("13231.05") + Decimal("17085.6") + Decimal("7817.5")
    + Decimal("498.16") * Decimal("0.9998"),
    "okx": Decimal("16000") + Decimal("7440") + Decimal("6000") - Decimal("1500.35"),
}
TOTAL = sum(PARTS.values(), Decimal(0))
USDT_NET = (Decimal("12485.366663467") + Decimal("592.85") + Decimal("2000") + Decimal("8000")
            - Decimal("1500.35"))
"""Every USDT ledger: AscendEX's, Binance's spot and margin and futures, Bybit's, OKX's debt."""
USDT_PNL = Decimal("100") - Decimal("182.5")
"""Binance's futures profit and Bybit's perpetual loss."""


def test_demo_json_carries_the_whole_portfolio_valued_in_usdt(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document["simulators"]) == ["ascendex", "binance", "bybit", "okx"]
    valued = document["valued_portfolio"]
    assert valued["quote"] == "USDT"
    assert Decimal(valued["value"]["total"]) == TOTAL == Decimal("334398.0057790142")
    assert valued["value"]["complete"] is True
    assert valued["value"]["unvalued"] == []
    assert valued["failures"] == []
    assert valued["value"]["assets"]["LTC"]["value"] == "1040"  # LTCBTC x BTCUSDT
    usdt = valued["value"]["assets"]["USDT"]
    assert Decimal(usdt["net"]) == USDT_NET == Decimal("21577.866663467")
    assert Decimal(usdt["unrealized_pnl"]) == USDT_PNL
    assert Decimal(usdt["equity"]) == Decimal(usdt["value"]) == USDT_NET + USDT_PNL
    # the balance sections are views of the same read; the USDT debts are netted, and the
    # totals are equity: the futures profit and the perpetual's loss are in
    totals = document["portfolio"]
    assert totals["field"] == "equity"
    assert totals["included"] == ["ascendex-demo", "binance-demo", "bybit-demo", "okx-demo"]
    assert Decimal(totals["totals"]["ETH"]) == Decimal("30.35")  # 0.6 + 20 + 3.15 + 4.2 + 2.4
    assert Decimal(totals["totals"]["USDT"]) == USDT_NET + USDT_PNL
    # the risk of every risk wallet, one section per wallet
    health = {(wallet, a["account"]): a["value"]["health"]
              for wallet, section in document["risk"].items() for a in section["accounts"]}
    assert list(health) == [("cash", "bybit-demo"), ("cash", "okx-demo"),
                            ("margin", "ascendex-demo"), ("margin", "binance-demo"),
                            ("futures", "binance-demo")]
    futures = health["futures", "binance-demo"]
    # margin balance 2100 over maintenance margin 12.8 (adapters/binance/simulator/demo.py)
    assert (futures["metric"], futures["state"]) == ("cushion", "ok")
    assert Decimal(futures["value"]) == Decimal(2100) / Decimal("12.8")
    # OKX: adjEq (16000 x 0.95 + 7440 x 0.95 + 6000 x 0.9 - 1500.35) over mmr 105 plus the
    # liquidation fees (x 1.125), as adapters/okx/simulator/accounts.py computes mgnRatio (a
    # double's digits, as OKX sends them: compared to 12 places)
    okx = health["cash", "okx-demo"]
    expected = Decimal("26167.65") / (Decimal(105) * Decimal("1.125"))
    assert round(Decimal(okx["value"]), 12) == round(expected, 12)
    bybit = health["cash", "bybit-demo"]
    assert (bybit["metric"], bybit["higher_is_safer"]) == ("maintenance_margin_rate", False)
    assert health["margin", "ascendex-demo"]["state"] == "not_applicable"  # nothing borrowed


def test_demo_text_shows_a_believable_complete_total_and_its_prices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Portfolio in USDT" in out
    assert "\nTOTAL 334398.00577901 USDT\n" in out  # no INCOMPLETE: every holding has a price
    assert "UNVALUED" not in out
    source = {"binance": "GET /api/v3/ticker/price", "bybit": "GET /v5/market/tickers",
              "okx": "GET /api/v5/market/tickers?instType=SPOT"}
    for exchange, pair, price in [
        ("binance", "LTC/BTC", "0.00130000"), ("binance", "BTC/USDT", "64000.00000000"),
        ("bybit", "USDC/USDT", "0.9998"), ("bybit", "BTC/USDT", "64000.5"),
        ("okx", "SOL/USDT", "150"),
    ]:
        row = rf"\n{exchange} +{re.escape(pair)} +{re.escape(price)} +last +"
        assert re.search(row + re.escape(source[exchange]) + r" +\S+Z\n", out), (exchange, pair)
    assert "ok: margin_level 2.72590341 (liquidation at 1.1)" in out
