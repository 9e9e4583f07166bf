"""Values an exchange does not report are None: kept apart from zero and from n/a everywhere."""

from __future__ import annotations

import json

import attrs
import pytest

from framework.models import MarginRisk
from framework.render import risk_table
from framework.results import AccountResult, FanOut
from framework.serialize import dumps
from tests.framework.helpers import margin_risk


def unreported() -> MarginRisk:
    return attrs.evolve(margin_risk(), available_value=None, interest_value=None,
                        max_leverage=None)


def test_none_means_not_reported_and_is_accepted_only_there() -> None:
    risk = unreported()
    assert (risk.available_value, risk.interest_value, risk.max_leverage) == (None, None, None)
    with pytest.raises(TypeError):
        attrs.evolve(margin_risk(), total_value=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        attrs.evolve(margin_risk(), available_value=0.5)  # type: ignore[arg-type]  # floats


def test_json_writes_null_and_never_a_zero() -> None:
    document = json.loads(dumps(unreported()))
    assert document["available_value"] is None
    assert document["interest_value"] is None
    assert document["max_leverage"] is None
    assert json.loads(dumps(margin_risk()))["interest_value"] == "0"


def test_tables_show_a_dash_for_not_reported_and_na_for_not_applicable() -> None:
    fan_out = FanOut([AccountResult("main", "alpha", value=unreported())])
    line = risk_table(fan_out).splitlines()[1]
    cells = line.split()
    assert cells[6:9] == ["-", "-", "n/a"]  # interest, available, leverage (n/a: undefined)
    assert cells[9] == "-"  # max leverage
