"""value_in's arithmetic and choices, with exact expected Decimals.

The rules are those of docs/host-api.md, section "Valuation".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Context, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from framework import Pair, Price, PriceBook, value_in, value_risk
from framework.models import NOT_APPLICABLE, HealthMetric, MarginHealth, MarginRisk
from framework.valuation import BRIDGE_PREFERENCE, DIVISION_DIGITS, PriceStep
from tests.framework.helpers import FETCHED_AT, margin_risk

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
D34 = Context(prec=34, rounding=ROUND_HALF_EVEN)


def price(pair: str, value: str, exchange: str = "x") -> Price:
    return Price(Pair.parse(pair), Decimal(value), exchange, "GET /ticker", AT)


def book(*listed: tuple[str, str], exchange: str = "x") -> PriceBook:
    return PriceBook(exchange, [price(p, v, exchange) for p, v in listed], AT)


# -- direct and inverse ---------------------------------------------------------------------


def test_the_direct_pair_multiplies_exactly() -> None:
    v = value_in("BTC", Decimal("0.5"), "USDT", book(("BTC/USDT", "43250.5")))
    assert v.value == Decimal("21625.25")
    assert v.rate == Decimal("43250.5")
    assert v.path_text == "BTC/USDT"
    assert v.exact
    assert v.valued
    assert v.reason is None
    assert [step.inverted for step in v.path] == [False]
    assert v.prices[0].source == "GET /ticker"


def test_the_direct_pair_wins_over_its_inverse_and_any_bridge() -> None:
    prices = book(("BTC/USDT", "40000"), ("USDT/BTC", "0.00003"), ("BTC/ETH", "20"),
                  ("ETH/USDT", "2000"))
    v = value_in("BTC", Decimal(1), "USDT", prices)
    assert (v.value, v.path_text) == (Decimal(40000), "BTC/USDT")


def test_an_inverse_that_divides_exactly_stays_exact() -> None:
    v = value_in("USDT", Decimal(100), "BTC", book(("BTC/USDT", "40000")))
    assert v.value == Decimal("0.0025")
    assert v.rate == Decimal("0.000025")
    assert v.path_text == "BTC/USDT inverted"
    assert v.exact


def test_an_inverse_that_cannot_divide_exactly_is_rounded_to_34_digits_half_even() -> None:
    v = value_in("EUR", Decimal(100), "USDT", book(("USDT/EUR", "0.9")))
    assert DIVISION_DIGITS == 34
    assert v.value == Decimal("111.1111111111111111111111111111111")
    assert v.rate == Decimal("1.111111111111111111111111111111111")
    assert not v.exact
    assert v.path_text == "USDT/EUR inverted"
    two_thirds = value_in("EUR", Decimal(2), "USDT", book(("USDT/EUR", "3")))
    assert two_thirds.value == Decimal("0.6666666666666666666666666666666667")  # half even, up


def test_a_rate_is_rounded_on_its_own_not_the_value_through_it() -> None:
    # 2 EUR / 3 rounded once is not 2 x (1/3 rounded): the value must be the former
    v = value_in("EUR", Decimal(2), "USDT", book(("USDT/EUR", "3")))
    assert v.value == Decimal("0.6666666666666666666666666666666667")
    assert v.rate == Decimal("0.3333333333333333333333333333333333")
    assert v.value != D34.multiply(Decimal(2), v.rate)


# -- bridges --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listed", "value", "path", "exact"),
    [
        ([("ETH/BTC", "0.05"), ("BTC/USDT", "40000")], "4000.00", "ETH/BTC x BTC/USDT", True),
        ([("BTC/ETH", "20"), ("BTC/USDT", "40000")], "4000", "BTC/ETH inverted x BTC/USDT", True),
        ([("ETH/BTC", "0.05"), ("USDT/BTC", "0.000025")], "4000", "ETH/BTC x USDT/BTC inverted",
         True),
        ([("BTC/ETH", "20"), ("USDT/BTC", "0.000025")], "4000",
         "BTC/ETH inverted x USDT/BTC inverted", True),
        ([("BTC/ETH", "3"), ("USDT/BTC", "7")], "0.09523809523809523809523809523809524",
         "BTC/ETH inverted x USDT/BTC inverted", False),
    ],
)
def test_a_bridge_in_each_orientation(
    listed: list[tuple[str, str]], value: str, path: str, exact: bool
) -> None:
    v = value_in("ETH", Decimal(2), "USDT", book(*listed))
    assert v.value == Decimal(value)
    assert v.path_text == path
    assert v.exact is exact
    assert len(v.path) == 2


def test_two_inversions_are_rounded_once() -> None:
    # 2 / (3 x 7) rounded once; dividing twice would give ...523810 in the last digits
    v = value_in("ETH", Decimal(2), "USDT", book(("BTC/ETH", "3"), ("USDT/BTC", "7")))
    assert v.value == D34.divide(Decimal(2), Decimal(21))
    assert v.rate == D34.divide(Decimal(1), Decimal(21))


def test_the_bridge_with_fewer_inverted_legs_wins_over_the_preferred_intermediate() -> None:
    prices = book(("ABC/USDC", "2"), ("USDC/EUR", "0.9"), ("ABC/ZZZ", "5"), ("ZZZ/EUR", "3"),
                  ("USDT/ABC", "0.5"), ("USDT/EUR", "0.9"))
    v = value_in("ABC", Decimal(1), "EUR", prices)
    assert v.path_text in {"ABC/USDC x USDC/EUR", "ABC/ZZZ x ZZZ/EUR"}
    assert v.path_text == "ABC/USDC x USDC/EUR"  # USDC precedes ZZZ; USDT needs an inversion
    assert v.value == Decimal("1.8")


@pytest.mark.parametrize("missing", [(), ("USDT",), ("USDT", "USDC"), ("USDT", "USDC", "BTC")])
def test_bridges_follow_the_documented_preference_order(missing: tuple[str, ...]) -> None:
    listed = [(f"ABC/{via}", "2") for via in (*BRIDGE_PREFERENCE, "AAA", "ZZZ")]
    listed += [(f"{via}/EUR", "3") for via in (*BRIDGE_PREFERENCE, "AAA", "ZZZ")]
    kept = [(p, v) for p, v in listed if not any(m in p for m in missing)]
    v = value_in("ABC", Decimal(1), "EUR", book(*kept))
    expected = next(via for via in BRIDGE_PREFERENCE if via not in missing)
    assert v.path_text == f"ABC/{expected} x {expected}/EUR"
    assert v.value == Decimal(6)


def test_unknown_intermediates_are_chosen_by_name() -> None:
    prices = book(("ABC/ZZZ", "2"), ("ZZZ/EUR", "3"), ("ABC/MMM", "5"), ("MMM/EUR", "7"))
    assert value_in("ABC", Decimal(1), "EUR", prices).path_text == "ABC/MMM x MMM/EUR"


def test_only_one_intermediate_is_ever_used() -> None:
    prices = book(("A/B", "2"), ("B/C", "3"), ("C/USDT", "5"))
    v = value_in("A", Decimal(1), "USDT", prices)
    assert v.value is None
    assert v.reason == "no A/USDT, USDT/A or bridge on x"


# -- unvalued, zero, signs, the quote itself ------------------------------------------------


def test_no_price_is_unvalued_with_the_reason_never_zero() -> None:
    v = value_in("DOGE", Decimal(5), "USDT", book(("BTC/USDT", "1")))
    assert (v.value, v.rate, v.path, v.path_text) == (None, None, (), "")
    assert not v.valued
    assert v.reason == "no DOGE/USDT, USDT/DOGE or bridge on x"
    assert v.amount == Decimal(5)


def test_no_book_is_unvalued_and_says_why() -> None:
    assert value_in("BTC", Decimal(1), "USDT", None).reason == "no prices could be read"
    said = value_in("BTC", Decimal(1), "USDT", None, book_error="x: HTTP 503")
    assert said.reason == "no prices could be read: x: HTTP 503"
    assert said.value is None


def test_an_asset_code_no_pair_can_list_is_unvalued() -> None:
    v = value_in("btc", Decimal(1), "USDT", book(("BTC/USDT", "1")))
    assert v.value is None
    assert v.reason == "'btc' is not an asset code a pair can list"


def test_a_zero_amount_is_worth_zero_through_its_path() -> None:
    v = value_in("EUR", Decimal(0), "USDT", book(("USDT/EUR", "0.9")))
    assert v.value == 0
    assert str(v.value) == "0"
    assert v.path_text == "USDT/EUR inverted"
    assert v.exact  # 0 / 0.9 needs no rounding, although the rate 1 / 0.9 does
    assert v.rate == Decimal("1.111111111111111111111111111111111")
    listed = value_in("BTC", Decimal("0.00000000"), "USDT", book(("BTC/USDT", "40000.5")))
    assert (str(listed.value), listed.path_text) == ("0", "BTC/USDT")  # not 0E-9


def test_a_negative_amount_keeps_its_sign() -> None:
    prices = book(("ETH/BTC", "0.0521"), ("BTC/USDT", "43250.5"))
    v = value_in("ETH", Decimal("-2"), "USDT", prices)
    assert v.value == Decimal("-4506.70210")
    inverse = value_in("EUR", Decimal("-100"), "USDT", book(("USDT/EUR", "0.9")))
    assert inverse.value == Decimal("-111.1111111111111111111111111111111")


@pytest.mark.parametrize(
    ("asset", "amount", "listed", "shown", "rate"),
    [
        ("ETH", "20", [("ETH/BTC", "0.040723859375"), ("BTC/USDT", "8000")], "6515.8175",
         "325.790875"),
        ("ETH", "-2", [("ETH/BTC", "0.0521"), ("BTC/USDT", "43250.5")], "-4506.7021",
         "2253.35105"),
        ("BTC", "0.00499500", [("BTC/USDT", "64000.00000000")], "319.68", "64000"),
        ("BTC", "2.50", [("BTC/USDT", "40")], "100", "40"),
        ("BTC", "-0.000", [("BTC/USDT", "40")], "0", "40"),
        ("EUR", "0.0", [("USDT/EUR", "0.5")], "0", "2"),
        ("USDT", "11200.000", [], "11200", "1"),
        ("USDT", "1E+2", [], "100", "1"),
    ],
)
def test_a_value_is_written_without_the_zeros_the_arithmetic_left(
    asset: str, amount: str, listed: list[tuple[str, str]], shown: str, rate: str
) -> None:
    # Equal numbers either way; str() of a value must not depend on how the exchange padded.
    v = value_in(asset, Decimal(amount), "USDT", book(*listed))
    assert (str(v.value), str(v.rate)) == (shown, rate)
    assert v.amount.as_tuple() == Decimal(amount).as_tuple()  # the amount as it was sent


def test_the_quote_itself_needs_no_price_and_no_book() -> None:
    v = value_in("USDT", Decimal("-12.5"), "USDT", None)
    assert (v.value, v.rate, v.path, v.exact) == (Decimal("-12.5"), Decimal(1), (), True)
    assert v.path_text == ""


# -- magnitudes -----------------------------------------------------------------------------


def test_huge_and_tiny_magnitudes_are_exact_when_only_multiplied() -> None:
    amount = Decimal("123456789012345678901234567890.123456789")
    v = value_in("BTC", amount, "USDT", book(("BTC/USDT", "43250.50000001")))
    assert v.value == Decimal("5339567853179691353207969135320796.91353154573456789")
    assert v.exact
    tiny = value_in("SHIB", Decimal("1E-30"), "USDT", book(("SHIB/USDT", "0.000000000001")))
    assert tiny.value == Decimal("1E-42")


def test_an_inverse_of_a_tiny_price_keeps_34_significant_digits() -> None:
    v = value_in("USDT", Decimal(3), "SHIB", book(("SHIB/USDT", "7E-12")))
    assert v.value == Decimal("428571428571.4285714285714285714286")
    assert len(v.value.as_tuple().digits) == 34
    assert not v.exact


@given(
    amount=st.decimals(min_value=-(10**20), max_value=10**20, places=8, allow_nan=False),
    listed=st.decimals(min_value=Decimal("1E-10"), max_value=10**10, places=10),
)
def test_property_inverse_then_direct_round_trips_within_the_rounding(
    amount: Decimal, listed: Decimal
) -> None:
    prices = book(("BTC/USDT", str(listed)))
    direct = value_in("BTC", amount, "USDT", prices)
    assert direct.value == Context(prec=999).multiply(amount, listed)
    assert direct.exact
    inverse = value_in("USDT", amount, "BTC", prices)
    assert inverse.value is not None
    if inverse.exact:
        assert Context(prec=999).multiply(inverse.value, listed) == amount
    else:
        exact = Context(prec=999).divide(amount, listed)
        assert abs(inverse.value - exact) <= abs(exact).scaleb(-33)


# -- the book -------------------------------------------------------------------------------


def test_a_book_holds_only_its_exchanges_prices_each_pair_once() -> None:
    with pytest.raises(ValueError, match="a x book cannot hold a price of 'y'"):
        PriceBook("x", [price("BTC/USDT", "1", exchange="y")], AT)
    with pytest.raises(ValueError, match="BTC/USDT appears more than once"):
        PriceBook("x", [price("BTC/USDT", "1"), price("BTC/USDT", "2")], AT)
    with pytest.raises(ValueError, match="files"):
        PriceBook("x", {Pair("ETH", "USDT"): price("BTC/USDT", "1")}, AT)
    with pytest.raises(ValueError, match="aware UTC"):
        PriceBook("x", [], datetime(2026, 1, 1))  # naive: refused
    with pytest.raises(ValueError, match="aware UTC"):
        PriceBook("x", [], datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=1))))


def test_a_books_repr_does_not_list_thousands_of_prices() -> None:
    assert "<2 prices>" in repr(book(("BTC/USDT", "1"), ("ETH/USDT", "2")))


def test_a_step_rate_is_the_listed_price_or_its_rounded_inverse() -> None:
    listed = price("USDT/EUR", "0.9")
    assert PriceStep(listed, inverted=False).rate == Decimal("0.9")
    assert PriceStep(listed, inverted=True).rate == Decimal("1.111111111111111111111111111111111")


def test_bad_amounts_and_quotes_are_refused() -> None:
    prices = book(("BTC/USDT", "1"))
    with pytest.raises(TypeError, match="amount must be a Decimal, got float"):
        value_in("BTC", 1.5, "USDT", prices)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        value_in("BTC", Decimal("NaN"), "USDT", prices)
    with pytest.raises(ValueError, match="quote must be an upper-case asset code"):
        value_in("BTC", Decimal(1), "usdt", prices)


# -- risk in another quote ------------------------------------------------------------------


def _binance_risk() -> MarginRisk:
    return MarginRisk(
        exchange="binance",
        account="main",
        quote_asset="BTC",
        total_value=Decimal("0.5"),
        available_value=None,
        borrowed_value=Decimal("0.1"),
        interest_value=Decimal("0.002"),
        equity=Decimal("0.398"),
        leverage=Decimal("1.256"),
        max_leverage=None,
        health=MarginHealth.assess(
            metric=HealthMetric.MARGIN_LEVEL,
            ratio=Decimal("4.9"),
            liquidation_threshold=Decimal("1.1"),
            equity=Decimal("0.398"),
            debt=Decimal("0.102"),
        ),
        fetched_at=FETCHED_AT,
    )


def test_a_risk_figure_is_shown_in_another_quote() -> None:
    shown = value_risk(_binance_risk(), "USDT", book(("BTC/USDT", "40000"), exchange="binance"))
    assert shown.valued
    assert shown.total_value.value == Decimal("20000.0")
    assert shown.equity.value == Decimal("15920.000")
    assert shown.debt.value == Decimal("4080.000")
    assert shown.available_value is None  # not reported stays not reported
    assert shown.equity.path_text == "BTC/USDT"


def test_a_risk_figure_without_prices_is_unvalued_and_another_exchanges_book_is_refused() -> None:
    risk = margin_risk(exchange="alpha", cushion=NOT_APPLICABLE)
    unvalued = value_risk(risk, "BTC", None, book_error="alpha: HTTP 503")
    assert not unvalued.valued
    assert unvalued.equity.reason == "no prices could be read: alpha: HTTP 503"
    with pytest.raises(ValueError, match="a alpha risk figure cannot be valued with x prices"):
        value_risk(risk, "BTC", book(("BTC/USDT", "1")))


@pytest.mark.parametrize("code", ["BT\nC", "B\u2028TC", "US DT", "E\tTH", "\x00", "btc", "A/B", ""])
def test_a_pair_refuses_an_asset_code_that_could_forge_a_row(code: str) -> None:
    with pytest.raises(ValueError, match="asset code"):
        Pair(code, "USDT")
    with pytest.raises(ValueError, match="asset code"):
        Pair("USDT", code)
