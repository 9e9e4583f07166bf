"""Every exchange's option rules cover exactly its option fields: nothing unchecked, no ghosts."""

from __future__ import annotations

import attrs
import pytest

from adapters.ascendex import options as ascendex_options
from adapters.binance import options as binance_options


@pytest.mark.parametrize(
    ("module", "cls"),
    [(ascendex_options, ascendex_options.AscendexOptions),
     (binance_options, binance_options.BinanceOptions)],
)
def test_rules_name_every_option_field(module: object, cls: type) -> None:
    rules = vars(module)["_RULES"]
    assert set(rules) == {field.name for field in attrs.fields(cls)}
