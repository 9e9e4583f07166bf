"""Risk tables show a long computed leverage to 10 decimals; JSON keeps every digit."""

from __future__ import annotations

import json
from decimal import Decimal

from framework.render import risk_table
from framework.results import AccountResult, FanOut
from framework.serialize import dumps
from tests.framework.test_exposure import futures_risk


def test_a_long_quotient_is_shortened_in_the_table_only() -> None:
    risk = futures_risk()  # leverage 1000/1050, notional 2100/1050
    assert len(str(risk.leverage)) > 20
    text = risk_table(FanOut([AccountResult("f", "binance", value=risk)]))
    assert "0.9523809524 " in text
    assert "0.95238095238" not in text
    document = json.loads(dumps(risk))
    assert document["leverage"] == str(risk.leverage)  # every digit kept


def test_a_short_leverage_is_shown_as_sent() -> None:
    risk = futures_risk(leverage=Decimal("1.5"), total_value=Decimal("1575"),
                        equity=Decimal("1625"))
    text = risk_table(FanOut([AccountResult("f", "binance", value=risk)]))
    assert " 1.5 " in text


def test_an_exchange_figure_with_nine_decimals_is_shown_as_sent() -> None:
    risk = futures_risk(leverage=Decimal("0.952380952"))
    text = risk_table(FanOut([AccountResult("f", "binance", value=risk)]))
    assert " 0.952380952 " in text
