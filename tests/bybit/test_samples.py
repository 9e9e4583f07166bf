"""Bybit's own documented answers, read over loopback as folio reads Bybit.

Each body in tests/bybit/samples/ is the response example of Bybit's v5 documentation exactly
as published in bybit-exchange/docs (the source of https://bybit-exchange.github.io/docs/v5/),
docs/exchanges/bybit.md "Documented samples":

* ``docs_wallet_balance_uta2.json``: docs/v5/account/wallet-balance.mdx at commit 072c197d0
  (2026; the example since "add spot borrow", September 2025, written for UTA 2.0:
  ``spotBorrow``, the ``...ByMp`` figures);
* ``docs_wallet_balance_2023.json``: the same page at commit 6d0587c19 (April 2023, UTA 1.0
  days): an account with positions, ``accountMMRate`` "0" over a maintenance margin of
  0.38106773 (Bybit's rates carry 4 decimals);
* ``docs_account_info.json`` (docs/v5/account/account-info.mdx: ``unifiedMarginStatus`` 4, UTA
  1.0 pro; ``REGULAR_MARGIN``), ``docs_market_time.json``, ``docs_market_tickers_spot.json`` and
  ``docs_instruments_spot.json`` (the "Spot" tabs of docs/v5/market/tickers.mdx and
  instrument.mdx), all at commit 072c197d0.

The numbers expected are derived by hand from each sample, the derivation written beside them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

import pytest

from adapters.bybit.client import BybitPrices
from framework.models import NOT_APPLICABLE, BalanceSnapshot, HealthState, MarginRisk, WalletKind
from framework.prices import Pair, Price
from tests.helpers.samples import read_with, sample

WALLET: Final = "/v5/account/wallet-balance"
INFO: Final = "/v5/account/info"
D = Decimal


def _read(served: dict[str, Any], risk: bool) -> tuple[Any, list[str]]:
    if risk:
        return read_with("bybit", served, lambda c: c.fetch_margin_risk(WalletKind.CASH))
    return read_with("bybit", served, lambda c: c.fetch_balances(WalletKind.CASH))


# (sample, coin: total, available, borrowed, interest, unrealized_pnl)
BALANCES: Final = [
    # walletBalance "0", borrowAmount "0.0", spotBorrow "0": total = 0 + 0.0 - 0 = 0.0
    pytest.param("docs_wallet_balance_uta2.json", "BTC", (D("0.0"), D(0), D("0.0"), D(0), D(0)),
                 id="docs-uta2"),
    # walletBalance 0.805994, no spotBorrow (absent before 2025), no locked, IMs "0":
    # total = 0.805994, available = total + upl - locked - totalOrderIM - totalPositionIM
    pytest.param("docs_wallet_balance_2023.json", "BTC",
                 (D("0.805994"), D("0.805994"), D(0), D(0), D(0)), id="docs-2023"),
]


@pytest.mark.parametrize(("name", "coin", "row"), BALANCES)
def test_a_documented_wallet_reads_to_the_figures_derived_by_hand(
    name: str, coin: str, row: tuple[Decimal, ...],
) -> None:
    snapshot, paths = _read({WALLET: sample("bybit", name)}, risk=False)
    assert isinstance(snapshot, BalanceSnapshot), snapshot
    (asset,) = snapshot
    assert asset.asset == coin
    assert (asset.total, asset.available, asset.borrowed, asset.interest,
            asset.unrealized_pnl) == row
    assert paths == [WALLET]


def test_the_documented_uta2_wallet_with_account_info_is_not_exposed() -> None:
    risk, paths = _read({INFO: sample("bybit", "docs_account_info.json"),
                         WALLET: sample("bybit", "docs_wallet_balance_uta2.json")}, risk=True)
    assert isinstance(risk, MarginRisk), risk
    assert paths == [INFO, WALLET]
    # totalEquity 3.31216591 (above totalMarginBalance 3.00326056: Bybit counts more than
    # margin in equity); totalPerpUPL 0 and no coin owed: total = 3.31216591 - 0 + 0
    assert (risk.quote_asset, risk.equity, risk.total_value) == (
        "USD", D("3.31216591"), D("3.31216591"))
    assert (risk.borrowed_value, risk.unrealized_pnl, risk.maintenance_margin) == (D(0), D(0), D(0))
    assert risk.available_value == D("3.00326056")  # totalAvailableBalance
    assert risk.leverage == D(1)  # total / equity
    assert risk.health.state is HealthState.NOT_APPLICABLE  # no maintenance margin, no debt
    assert risk.health.value is NOT_APPLICABLE
    assert risk.extras["unified_margin_status"] == 4  # UTA 1.0 (pro), as the example says


def test_the_documented_2023_wallet_with_positions_reads_ok_at_bybits_rounded_rate() -> None:
    risk, _ = _read({INFO: sample("bybit", "docs_account_info.json"),
                     WALLET: sample("bybit", "docs_wallet_balance_2023.json")}, risk=True)
    assert isinstance(risk, MarginRisk), risk
    # totalEquity 18070.32797922 = totalWalletBalance 18070.43799271 + totalPerpUPL -0.11001349
    assert (risk.equity, risk.unrealized_pnl) == (D("18070.32797922"), D("-0.11001349"))
    assert risk.total_value == D("18070.43799271")  # equity - upl + 0 owed
    assert risk.maintenance_margin == D("0.38106773")
    # 18070.43799271 / 18070.32797922 = 1.0000060881..., to Bybit's 8 decimals
    assert risk.leverage == D("1.00000609")
    # accountMMRate "0": 0.38106773 / 18070.32797922 = 0.0000211, below Bybit's 4 decimals;
    # exposed (a maintenance margin), far from 1: ok, at the rate as sent
    assert (risk.health.state, risk.health.value) == (HealthState.OK, D(0))
    assert risk.extras["account_im_rate"] == D("0.0101")  # 182.60183684 / 18070.32797922


def test_the_documented_server_time_is_read_from_time_nano() -> None:
    result, _ = read_with("bybit", {"/v5/market/time": sample("bybit", "docs_market_time.json")},
                          lambda c: c.call(c.protocol.server_time_ms))
    assert isinstance(result, tuple), result
    assert result[0] == 1688639403423  # timeNano 1688639403423213947 // 10**6


def test_the_documented_spot_market_is_learnt_and_priced() -> None:
    # instruments-info: BTCUSDT, baseCoin BTC, quoteCoin USDT, status Trading;
    # tickers: BTCUSDT lastPrice 20533.13 (bid1Price and ask1Price are not the last trade)
    served = {"/v5/market/instruments-info": sample("bybit", "docs_instruments_spot.json"),
              "/v5/market/tickers": sample("bybit", "docs_market_tickers_spot.json")}
    prices, paths = read_with("bybit", served, lambda c: c.fetch_prices(), keyless=BybitPrices)
    assert isinstance(prices, list), prices
    (price,) = prices
    assert isinstance(price, Price)
    assert (price.pair, price.value) == (Pair("BTC", "USDT"), D("20533.13"))
    assert paths == ["/v5/market/instruments-info", "/v5/market/tickers"]
