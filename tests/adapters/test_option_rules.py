"""Every exchange's options are read by rules of their own: nothing unchecked, nothing coerced."""

from __future__ import annotations

import attrs
import pytest

from adapters.ascendex.options import AscendexOptions
from adapters.binance.options import BinanceOptions
from framework.errors import ConfigurationError

OPTIONS = [AscendexOptions, BinanceOptions]


@pytest.mark.parametrize("cls", OPTIONS)
def test_every_option_field_carries_a_rule(cls: type) -> None:
    for field in attrs.fields(cls):
        assert callable(field.metadata.get("folio.rule")), field.name


@pytest.mark.parametrize("cls", OPTIONS)
def test_the_defaults_pass_their_own_rules(cls: type) -> None:
    defaults = attrs.asdict(cls(), recurse=False)
    as_written = {k: getattr(v, "value", v) for k, v in defaults.items() if v is not None}
    assert cls.from_mapping(as_written) == cls()  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", OPTIONS)
@pytest.mark.parametrize("value", ["1", 1.0, None, [], {}])
def test_no_option_takes_a_value_of_another_type(cls: type, value: object) -> None:
    """A string "1" is not 1 and 1.0 is not true: cattrs' coercing defaults are not used."""
    for field in attrs.fields(cls):
        with pytest.raises(ConfigurationError) as caught:
            cls.from_mapping({field.name: value}, account="main",  # type: ignore[attr-defined]
                             source="folio.toml")
        assert caught.value.key == f"options.{field.name}"
        assert (caught.value.account, caught.value.path) == ("main", "folio.toml")
        assert caught.value.detail.startswith("must be")
