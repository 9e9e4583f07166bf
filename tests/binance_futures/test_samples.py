"""Binance's own documented USD-M futures answers, read over loopback as folio reads them.

The bodies in tests/binance_futures/samples/ are the response examples of Binance's USD-M
futures documentation (https://developers.binance.com/docs/derivatives/usds-margined-futures/):
"Account Information V3" (``GET /fapi/v3/account``, its "single-asset mode" and "multi-assets
mode" examples), "Futures Account Configuration" (``GET /fapi/v1/accountConfig``), "Get Current
Multi-Assets Mode" (``GET /fapi/v1/multiAssetsMargin``), "Check Server Time" and
"Multi-Assets Mode Asset Index" (one ``symbol``, and the list). Binance publishes them with
``//`` comments, and the V3 examples lack two commas and carry a trailing one: they are stored
with the comments removed and those three marks set right, every key and figure as
published (docs/exchanges/binance.md, "Documented samples").

The numbers expected are derived by hand from each sample, the derivation written beside them.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import partial
from typing import Any, Final

import pytest

from framework.errors import InvalidResponseError
from framework.models import NOT_APPLICABLE, BalanceSnapshot, HealthState, MarginRisk, WalletKind
from tests.helpers.samples import read_with, sample

ACCOUNT: Final = "/fapi/v3/account"
CONFIG: Final = "/fapi/v1/accountConfig"
D = Decimal


def _config(*, multi: bool) -> bytes:
    """The documented accountConfig (``multiAssetsMargin`` false); ``multi``: that flag true,
    as an account in Multi-Assets mode answers (the one figure changed, not a sample)."""
    documented = sample("binance_futures", "docs_account_config.json")
    if not multi:
        return documented
    return json.dumps({**json.loads(documented), "multiAssetsMargin": True}).encode()


def _served(name: str, *, multi: bool) -> dict[str, Any]:
    return {ACCOUNT: sample("binance_futures", name), CONFIG: _config(multi=multi)}


# (sample, mode, {asset: (total, available, unrealized_pnl)})
BALANCES: Final = [
    # Single-Asset: USDT's availableBalance 23.72469206 is its own; USDC's 126.72469206 is more
    # than it holds (103.12345678), so its maxWithdrawAmount 103.12345678 is read
    pytest.param("docs_account_v3_single_asset.json", False, {
        "USDT": (D("23.72469206"), D("23.72469206"), D(0)),
        "USDC": (D("103.12345678"), D("103.12345678"), D(0))}, id="docs-single-asset"),
    # Multi-Assets: every row's availableBalance is the account's 126.72469206 (USD): each
    # row's own maxWithdrawAmount is read
    pytest.param("docs_account_v3_multi_assets.json", True, {
        "USDT": (D("23.72469206"), D("23.72469206"), D(0)),
        "BUSD": (D("103.12345678"), D("103.12345678"), D(0))}, id="docs-multi-assets"),
]


@pytest.mark.parametrize(("name", "multi", "rows"), BALANCES)
def test_a_documented_account_reads_to_the_rows_derived_by_hand(
    name: str, multi: bool, rows: dict[str, tuple[Decimal, ...]],
) -> None:
    snapshot, paths = read_with("binance_futures", _served(name, multi=multi),
                                lambda c: c.fetch_balances(WalletKind.FUTURES))
    assert isinstance(snapshot, BalanceSnapshot), snapshot
    assert {row.asset: (row.total, row.available, row.unrealized_pnl)
            for row in snapshot} == rows
    assert paths == [CONFIG, ACCOUNT]  # the mode first: it decides what the totals mean


def test_the_documented_multi_assets_account_is_one_usd_pool_without_exposure() -> None:
    risk, _ = read_with("binance_futures", _served("docs_account_v3_multi_assets.json",
                                                   multi=True),
                        lambda c: c.fetch_margin_risk(WalletKind.FUTURES))
    assert isinstance(risk, MarginRisk), risk
    # totals in USD: totalWalletBalance 126.72469206 = 23.72469206 + 103.12345678 (both at 1)
    assert (risk.quote_asset, risk.total_value, risk.equity) == (
        "USD", D("126.72469206"), D("126.72469206"))
    assert (risk.available_value, risk.borrowed_value) == (D("126.72469206"), D(0))
    # the BTCUSDT position: positionAmt 1.000 but notional "0" and maintMargin "0"
    assert (risk.maintenance_margin, risk.position_notional) == (D(0), D(0))
    assert risk.health.state is HealthState.NOT_APPLICABLE
    assert risk.health.value is NOT_APPLICABLE


def test_the_documented_single_asset_account_contradicts_itself_and_is_refused() -> None:
    # "only for USDT asset", says each total, yet totalWalletBalance is 103.12345678 (USDC's
    # wallet) while the USDT row holds 23.72469206: impossible whichever reading (the sum
    # would be 126.84814884). Its risk is refused at the field; its rows still read (above).
    risk, _ = read_with("binance_futures", _served("docs_account_v3_single_asset.json",
                                                   multi=False),
                        lambda c: c.fetch_margin_risk(WalletKind.FUTURES))
    assert isinstance(risk, InvalidResponseError), risk
    assert (risk.field, risk.account, risk.endpoint) == (
        "$.totalWalletBalance", "main", "GET futures/account")


def test_the_documented_server_time_is_read() -> None:
    result, _ = read_with("binance_futures",
                          {"/fapi/v1/time": sample("binance_futures", "docs_time.json")},
                          lambda c: c.call(c.protocol.server_time_ms))
    assert isinstance(result, tuple), result
    assert result[0] == 1499827319559  # serverTime, ms


@pytest.mark.parametrize(("name", "symbols"), [
    ("docs_asset_index_one.json", ("ADAUSD",)),  # symbol=ADAUSD: one object
    ("docs_asset_index_list.json", ("ADAUSD", "USDTUSD")),  # no symbol: the list
])
def test_the_documented_asset_index_gives_the_ask_rate(name: str, symbols: tuple[str, ...]) -> None:
    served = {"/fapi/v1/assetIndex": sample("binance_futures", name)}
    result, _ = read_with("binance_futures", served,
                          lambda c: c.call(partial(c.protocol.ask_rates, symbols=symbols)))
    if len(symbols) == 1:
        # askRate 2.12253107 = index 1.92957370 x (1 + askBuffer 0.1), to 8 decimals
        assert result == {"ADAUSD": D("2.12253107")}
    else:  # the documented list holds ADAUSD only: a loan in USDT has no rate in it
        assert isinstance(result, InvalidResponseError), result
        assert (result.field, result.endpoint) == ("$", "GET futures/assetIndex")
