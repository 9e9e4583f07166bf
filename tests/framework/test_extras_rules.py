"""``MarginRisk.extras``: exact, finite decimals only, like every other amount of the model.

An extra is shown and serialised beside the neutral fields; a NaN or an infinity there would
reach a dashboard as ``"NaN"`` or ``"Infinity"`` (framework/models.py, ``_decimal_values``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest

from framework.serialize import to_jsonable
from tests.framework.helpers import margin_risk


@pytest.mark.parametrize(
    "value",
    [Decimal("NaN"), Decimal("-NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity")],
    ids=str,
)
def test_an_extra_that_is_not_finite_is_refused(value: Decimal) -> None:
    extras: dict[str, Any] = {"points_balance": Decimal(0), "odd": value}
    with pytest.raises(TypeError, match=r"extras\['odd'\] must be a finite Decimal"):
        attrs.evolve(margin_risk(), extras=extras)


@pytest.mark.parametrize("value", [1, True, 0.5, "1", None], ids=repr)
def test_an_extra_that_is_not_a_decimal_is_refused(value: object) -> None:
    extras: dict[str, Any] = {"odd": value}
    with pytest.raises(TypeError, match=r"extras\['odd'\] must be a finite Decimal"):
        attrs.evolve(margin_risk(), extras=extras)


def test_finite_extras_are_kept_exactly_and_serialised_as_text() -> None:
    extras = {"points_balance": Decimal("0.00000001"), "big": Decimal("1E+30"),
              "negative": Decimal("-2.50")}
    risk = attrs.evolve(margin_risk(), extras=extras)
    assert dict(risk.extras) == extras
    assert {k: v.as_tuple() for k, v in risk.extras.items()} == {
        k: v.as_tuple() for k, v in extras.items()
    }
    document = to_jsonable(risk)
    assert isinstance(document, dict)
    assert all(isinstance(text, str) for text in document["extras"].values())
    assert document["extras"]["negative"] == "-2.50"
