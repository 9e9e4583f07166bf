"""Every rule of the AscendEX balance converters, on the one path that reads every answer.

Every answer goes through :func:`structure` (the adapter's cattrs converter, amounts parsed by
the one amount grammar) and then :func:`balance_snapshot`. Each rule below is checked on that
path directly and through the protocol that drives it, so a rule broken in either fails a test
here. The rules are in docs/exchanges/ascendex.md ("What each field means", "Validation").
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

import pytest

from adapters.ascendex.convert import balance_snapshot, structure
from adapters.ascendex.simulator.payloads import encode_ok
from adapters.ascendex.wire import CashBalanceRow, MarginBalanceRow
from framework.errors import FolioError, InvalidResponseError
from framework.models import BalanceSnapshot, WalletKind
from tests.ascendex.reading import read_once

NOW: Final = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ROW_TYPES: Final[dict[WalletKind, Any]] = {
    WalletKind.CASH: list[CashBalanceRow],
    WalletKind.MARGIN: list[MarginBalanceRow],
}
WALLETS: Final = [WalletKind.CASH, WalletKind.MARGIN]


def row(asset: str, total: str = "1", available: str = "1", **more: str) -> dict[str, str]:
    return {"asset": asset, "totalBalance": total, "availableBalance": available, **more}


def margin_row(asset: str, total: str = "1", available: str = "1", borrowed: str = "0",
               interest: str = "0", **more: str) -> dict[str, str]:
    return row(asset, total, available, borrowed=borrowed, interest=interest, **more)


def strict(rows: list[dict[str, str]], wallet: WalletKind) -> BalanceSnapshot:
    wire = structure(rows, ROW_TYPES[wallet])
    return balance_snapshot(wire, wallet=wallet, account="main", fetched_at=NOW)


def through_protocol(
    rows: list[dict[str, str]], wallet: WalletKind
) -> BalanceSnapshot | FolioError:
    """One read as a host gets it (tests/ascendex/reading.py), errors located."""
    return read_once(lambda client: client.balances(wallet), encode_ok(rows), now=NOW,
                     headers={"content-type": "application/json"})


def both_paths(rows: list[dict[str, str]], wallet: WalletKind) -> list[BalanceSnapshot]:
    """The snapshot read directly and the one read through the protocol: they are equal."""
    direct = strict(rows, wallet)
    read = through_protocol(rows, wallet)
    assert isinstance(read, BalanceSnapshot), read
    assert read == direct
    return [direct, read]


def rows_for(wallet: WalletKind, *rows_: dict[str, str]) -> list[dict[str, str]]:
    if wallet is WalletKind.CASH:
        return [{k: v for k, v in r.items() if k not in {"borrowed", "interest"}} for r in rows_]
    return [{"borrowed": "0", "interest": "0", **r} for r in rows_]


# -- each amount lands in its own field ------------------------------------------------------


@pytest.mark.parametrize("wallet", WALLETS)
def test_the_live_spelling_wins_over_the_draft_spelling_on_both_paths(wallet: WalletKind) -> None:
    rows = rows_for(wallet, {**row("BTC", "2", "1"), "totalABalance": "999"})
    for snapshot in both_paths(rows, wallet):
        assert snapshot["BTC"].total == Decimal(2)
    result = through_protocol(rows, wallet)
    assert isinstance(result, BalanceSnapshot)
    assert result["BTC"].total == Decimal(2)


@pytest.mark.parametrize("wallet", WALLETS)
def test_the_draft_spelling_alone_is_read_on_both_paths(wallet: WalletKind) -> None:
    rows = rows_for(wallet, {"asset": "BTC", "totalABalance": "5", "availableBalance": "3"})
    for snapshot in both_paths(rows, wallet):
        assert (snapshot["BTC"].total, snapshot["BTC"].available) == (Decimal(5), Decimal(3))


def test_borrowed_and_interest_are_each_their_own_field_on_both_paths() -> None:
    rows = [margin_row("BTC", "10", "4", borrowed="1.5", interest="0.25")]
    for snapshot in both_paths(rows, WalletKind.MARGIN):
        btc = snapshot["BTC"]
        assert (btc.total, btc.available, btc.borrowed, btc.interest) == (
            Decimal(10), Decimal(4), Decimal("1.5"), Decimal("0.25"),
        )
        assert (btc.locked, btc.net) == (Decimal(6), Decimal("8.25"))


@pytest.mark.parametrize("wallet", WALLETS)
def test_total_and_available_are_each_their_own_field_on_both_paths(wallet: WalletKind) -> None:
    rows = rows_for(wallet, row("ETH", "7.5", "0.5"), row("BTC", "3", "2"))
    for snapshot in both_paths(rows, wallet):
        assert snapshot.assets == ("ETH", "BTC")  # the exchange's order
        assert (snapshot["ETH"].total, snapshot["ETH"].available) == (Decimal("7.5"),
                                                                      Decimal("0.5"))
        assert (snapshot["BTC"].total, snapshot["BTC"].available) == (Decimal(3), Decimal(2))
        assert (snapshot.exchange, snapshot.account, snapshot.wallet, snapshot.fetched_at) == (
            "ascendex", "main", wallet, NOW,
        )
        if wallet is WalletKind.CASH:
            assert all(b.borrowed == b.interest == 0 for b in snapshot)


# -- impossible balances ---------------------------------------------------------------------

IMPOSSIBLE: Final = [
    # (wallet, the third row's amounts, the key named)
    pytest.param(WalletKind.CASH, {"totalBalance": "-1", "availableBalance": "0"},
                 "totalBalance", id="cash-negative-total"),
    pytest.param(WalletKind.CASH, {"totalBalance": "1", "availableBalance": "-0.5"},
                 "availableBalance", id="cash-negative-available"),
    pytest.param(WalletKind.CASH, {"totalBalance": "1", "availableBalance": "1.00000001"},
                 "availableBalance", id="cash-available-over-total"),
    pytest.param(WalletKind.MARGIN, {"totalBalance": "-0.1", "availableBalance": "0"},
                 "totalBalance", id="margin-negative-total"),
    pytest.param(WalletKind.MARGIN, {"totalBalance": "2", "availableBalance": "3"},
                 "availableBalance", id="margin-available-over-total"),
    pytest.param(WalletKind.MARGIN, {"borrowed": "-1"}, "borrowed", id="margin-negative-borrowed"),
    pytest.param(WalletKind.MARGIN, {"interest": "-0.00000001"}, "interest",
                 id="margin-negative-interest"),
    pytest.param(WalletKind.CASH, {"totalABalance": "-3", "availableBalance": "0"},
                 "totalBalance", id="draft-negative-total"),
]


def _three_rows(wallet: WalletKind, third: dict[str, str]) -> list[dict[str, str]]:
    rows = rows_for(wallet, row("USDT", "5", "5"), row("ETH", "1", "0.5"), row("BTC", "2", "1"))
    if "totalABalance" in third:
        del rows[2]["totalBalance"]
    rows[2].update(third)
    return rows


@pytest.mark.parametrize(("wallet", "third", "key"), IMPOSSIBLE)
def test_an_impossible_balance_is_refused_at_its_field(
    wallet: WalletKind, third: dict[str, str], key: str
) -> None:
    rows = _three_rows(wallet, third)
    with pytest.raises(InvalidResponseError) as caught:
        strict(rows, wallet)
    assert caught.value.field == f"$.data[2].{key}"
    assert "impossible balance of 'BTC'" in caught.value.detail
    result = through_protocol(rows, wallet)
    assert type(result) is InvalidResponseError
    assert result.field == f"$.data[2].{key}"
    assert (result.exchange, result.account) == ("ascendex", "main")
    assert result.endpoint == f"GET {wallet.value}/balance"


BOUNDARIES: Final = [
    pytest.param(WalletKind.CASH, row("BTC", "1.5", "1.5"), id="available-equals-total"),
    pytest.param(WalletKind.CASH, row("BTC", "0", "0"), id="zeros"),
    pytest.param(WalletKind.CASH, row("BTC", "-0", "0"), id="negative-zero-total"),
    pytest.param(WalletKind.CASH, row("BTC", "0", "-0"), id="negative-zero-available"),
    pytest.param(WalletKind.MARGIN, margin_row("BTC", "2", "2", "0", "0"), id="no-debt"),
    pytest.param(WalletKind.MARGIN, margin_row("BTC", "0", "0", "-0", "-0"),
                 id="negative-zero-debt"),
    pytest.param(WalletKind.MARGIN, margin_row("BTC", "1", "0", "5", "1"),
                 id="debt-above-holding"),
]


@pytest.mark.parametrize(("wallet", "the_row"), BOUNDARIES)
def test_possible_balances_at_the_boundaries_are_read_on_both_paths(
    wallet: WalletKind, the_row: dict[str, str]
) -> None:
    for snapshot in both_paths([the_row], wallet):
        btc = snapshot["BTC"]
        assert btc.total == Decimal(the_row["totalBalance"])
        assert btc.available == Decimal(the_row["availableBalance"])


# -- asset codes -----------------------------------------------------------------------------


@pytest.mark.parametrize("wallet", WALLETS)
@pytest.mark.parametrize(("first", "second"), [("BTC", "btc"), ("usdt", "USDT"), ("Eth", "ETH")])
def test_asset_codes_that_differ_only_in_case_are_refused(
    wallet: WalletKind, first: str, second: str
) -> None:
    rows = rows_for(wallet, row(first), row(second, "2", "2"))
    with pytest.raises(InvalidResponseError) as caught:
        strict(rows, wallet)
    assert caught.value.field == "$.data[1].asset"
    assert "differ only in case" in caught.value.detail
    result = through_protocol(rows, wallet)
    assert type(result) is InvalidResponseError
    assert result.field == "$.data[1].asset"


@pytest.mark.parametrize("wallet", WALLETS)
def test_a_repeated_asset_is_refused_on_both_paths(wallet: WalletKind) -> None:
    rows = rows_for(wallet, row("BTC"), row("ETH"), row("BTC", "2", "2"))
    with pytest.raises(InvalidResponseError) as caught:
        strict(rows, wallet)
    assert caught.value.field == "$.data[2].asset"
    assert "listed twice" in caught.value.detail


@pytest.mark.parametrize("wallet", WALLETS)
@pytest.mark.parametrize("asset", ["", " BTC", "BTC\t"])
def test_an_empty_or_padded_asset_is_refused_on_both_paths(wallet: WalletKind, asset: str) -> None:
    rows = rows_for(wallet, row("ETH"), row(asset))
    with pytest.raises(InvalidResponseError) as caught:
        strict(rows, wallet)
    assert caught.value.field == "$.data[1].asset"


# -- what is not ordinary is judged by the same rules ----------------------------------------


UNUSUAL: Final = [
    pytest.param(row("BTC", "1e2", "1"), "", id="exponent"),
    pytest.param(row("BTC", "1E-8", "0"), "", id="exponent-upper"),
    pytest.param(row("BTC", "1", "1_0"), "availableBalance", id="underscore"),
    pytest.param(row("BTC", " 1", "1"), "totalBalance", id="space"),
    pytest.param(row("BTC", "\uff11", "1"), "totalBalance", id="fullwidth"),
    pytest.param(row("BTC", "NaN", "1"), "totalBalance", id="nan"),
    pytest.param(row("BTC", "Infinity", "1"), "totalBalance", id="infinity"),
    pytest.param(row("BTC", "9" * 101, "1"), "totalBalance", id="101-digits"),
    pytest.param({"asset": "BTC", "availableBalance": "1"}, "totalBalance", id="no-total"),
    pytest.param({"asset": "BTC", "totalBalance": "1"}, "availableBalance", id="no-available"),
    pytest.param({"asset": 1, "totalBalance": "1", "availableBalance": "1"}, "asset",
                 id="numeric-asset"),
]


@pytest.mark.parametrize(("the_row", "refused_at"), UNUSUAL)
def test_an_unusual_row_is_read_or_refused_at_its_field(
    the_row: dict[str, Any], refused_at: str
) -> None:
    result = through_protocol([the_row], WalletKind.CASH)
    if not refused_at:
        assert isinstance(result, BalanceSnapshot), result
        assert result["BTC"].total == Decimal(the_row["totalBalance"])
        assert result == strict([the_row], WalletKind.CASH)
        return
    assert type(result) is InvalidResponseError
    assert result.field == f"$.data[0].{refused_at}"
    with pytest.raises(InvalidResponseError) as caught:
        strict([the_row], WalletKind.CASH)
    assert caught.value.field == f"$.data[0].{refused_at}"


@pytest.mark.parametrize("wallet", WALLETS)
def test_a_margin_row_without_its_debt_is_refused(wallet: WalletKind) -> None:
    rows: list[dict[str, Any]] = [row("BTC")]
    if wallet is WalletKind.CASH:
        assert strict(rows, wallet)["BTC"].total == 1
        return
    for the_row, missing in ((rows[0], "borrowed"), ({**rows[0], "borrowed": "0"}, "interest"),
                             ({**rows[0], "interest": "0"}, "borrowed")):
        with pytest.raises(InvalidResponseError) as caught:
            strict([the_row], wallet)
        assert caught.value.field == f"$.data[0].{missing}"


@pytest.mark.parametrize(("data", "where"), [
    (None, "$.data"), ({}, "$.data"), ({"asset": "BTC"}, "$.data"), (["BTC"], "$.data[0]"),
    ([None], "$.data[0]"), ("x", "$.data"),
])
def test_other_shapes_are_refused(data: Any, where: str) -> None:
    for row_type in ROW_TYPES.values():
        with pytest.raises(InvalidResponseError) as caught:
            structure(data, row_type)
        assert caught.value.field == where


def test_amounts_of_over_100_characters_are_read_while_their_digits_fit() -> None:
    longest = "9" * 50 + "." + "9" * 49  # 100 characters, 99 digits
    assert str(strict([row("BTC", longest, "1")], WalletKind.CASH)["BTC"].total) == longest
    result = through_protocol([row("BTC", longest + "9", "1")], WalletKind.CASH)
    assert isinstance(result, BalanceSnapshot)
    assert str(result["BTC"].total) == longest + "9"
    with pytest.raises(InvalidResponseError) as caught:
        strict([row("BTC", longest + "99", "1")], WalletKind.CASH)
    assert caught.value.field == "$.data[0].totalBalance"
