"""Every table of folio.toml and of each exchange's options is read strictly with cattrs.

An unknown key in any table, and a value of the wrong type for any key, is a
ConfigurationError naming the file, the account and the key; no message, repr or traceback
quotes a value that may be a secret (docs/configuration.md).
"""

from __future__ import annotations

import subprocess
import sys
import traceback
from typing import Any, Final

import attrs
import pytest

from adapters.ascendex.options import AscendexOptions
from adapters.binance.options import BinanceOptions
from framework.config import parse_config
from framework.config.document import AccountTable, DocumentTable, NetworkTable, PluginsTable
from framework.config.tables import Refused, TableReader, checked_by, flag
from framework.errors import ConfigurationError
from framework.settings import NETWORK_KEYS
from tests.framework.helpers import account_table

SECRET: Final = "d4f0a1b2c3d4e5f60718293a4b5c6d7e"
NOT_SHOWN: Final = "<not shown: it may be a secret>"
ACCOUNT: Final = account_table("main")


def refused(text: str) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        parse_config(text, source="folio.toml")
    return caught.value


def everything_shown(error: BaseException) -> str:
    """str, repr, args and the whole formatted traceback, causes and contexts included."""
    return f"{error} {error!r} {error.args} {''.join(traceback.format_exception(error))}"


def options_refused(cls: Any, options: dict[str, Any]) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        cls.from_mapping(options, account="main", source="folio.toml")
    return caught.value


# Where a key can be written, as (TOML that puts `key = value` there, account, key prefix).
TABLES: Final = [
    pytest.param(lambda kv: f"{kv}\n", None, "", id="top-level"),
    pytest.param(lambda kv: f"[plugins]\n{kv}\n", None, "plugins.", id="plugins"),
    pytest.param(lambda kv: f"[network]\n{kv}\n", None, "network.", id="network"),
    pytest.param(lambda kv: f"{ACCOUNT}{kv}\n", "main", "", id="account"),
    pytest.param(lambda kv: f"{ACCOUNT}[accounts.main.network]\n{kv}\n", "main", "network.",
                 id="account-network"),
]


@pytest.mark.parametrize(("table", "account", "prefix"), TABLES)
def test_an_unknown_key_is_refused_in_every_table(
    table: Any, account: str | None, prefix: str
) -> None:
    error = refused(table("colour = 1"))
    assert (error.path, error.account, error.key) == ("folio.toml", account, f"{prefix}colour")
    assert "unknown" in error.detail
    assert str(error).startswith("folio.toml ")
    assert f"key '{prefix}colour'" in str(error)
    if account is not None:
        assert f"[accounts.{account}]" in str(error)


@pytest.mark.parametrize(("table", "account", "prefix"), TABLES)
def test_an_unknown_key_that_may_be_a_secret_is_named_but_not_quoted(
    table: Any, account: str | None, prefix: str
) -> None:
    error = refused(table(f"{SECRET} = 1"))
    assert (error.account, error.key) == (account, f"{prefix}{NOT_SHOWN}")
    assert SECRET not in everything_shown(error)


@pytest.mark.parametrize(
    ("cls", "name"), [(AscendexOptions, "AscendEX"), (BinanceOptions, "Binance")]
)
def test_an_unknown_option_is_refused_for_every_exchange(cls: Any, name: str) -> None:
    error = options_refused(cls, {"colour": 1})
    assert (error.path, error.account, error.key) == ("folio.toml", "main", "options.colour")
    assert f"unknown {name} option" in error.detail
    error = options_refused(cls, {SECRET: 1})
    assert error.key == f"options.{NOT_SHOWN}"
    assert SECRET not in everything_shown(error)


def test_options_written_in_the_file_reach_the_exchange_and_are_checked_there() -> None:
    text = account_table("main", exchange='"binance"') + "[accounts.main.options]\nrecv = 1\n"
    (account,) = parse_config(text, source="folio.toml").accounts
    with pytest.raises(ConfigurationError) as caught:
        BinanceOptions.from_mapping(account.options, account=account.name, source=account.source)
    assert str(caught.value).startswith("folio.toml [accounts.main] key 'options.recv': ")


def _keys(cls: type) -> list[str]:
    return [field.name for field in attrs.fields(cls)]


WRONG_TYPES: Final = [
    *[pytest.param(f"{key} = [1]\n", None, key, id=f"top-level-{key}") for key in
      _keys(DocumentTable)],
    *[pytest.param(f"[plugins]\n{key} = {{}}\n", None, f"plugins.{key}", id=f"plugins-{key}")
      for key in _keys(PluginsTable)],
    *[pytest.param(f"[network]\n{key} = [1]\n", None, f"network.{key}", id=f"network-{key}")
      for key in _keys(NetworkTable)],
    *[pytest.param(f"{account_table('main', drop=key)}{key} = [1]\n", "main", key,
                   id=f"account-{key}") for key in _keys(AccountTable)],
    *[pytest.param(f"{ACCOUNT}[accounts.main.network]\n{key} = \"1\"\n", "main",
                   f"network.{key}", id=f"account-network-{key}") for key in _keys(NetworkTable)],
]


@pytest.mark.parametrize(("text", "account", "key"), WRONG_TYPES)
def test_a_value_of_the_wrong_type_is_named_by_its_key(
    text: str, account: str | None, key: str
) -> None:
    error = refused(text)
    assert (error.path, error.account, error.key) == ("folio.toml", account, key)
    assert error.detail.startswith("must be")
    assert f"key '{key}': must be" in str(error)


@pytest.mark.parametrize("cls", [AscendexOptions, BinanceOptions])
def test_an_option_of_the_wrong_type_is_named_by_its_key(cls: Any) -> None:
    for key in _keys(cls):
        error = options_refused(cls, {key: [1]})
        assert (error.path, error.account, error.key) == ("folio.toml", "main", f"options.{key}")
        assert error.detail.startswith("must be")


SECRET_VALUES: Final = [
    pytest.param(f'exchange = "{SECRET}"', id="exchange"),
    pytest.param(f'api_key_env = "{SECRET}"', id="api_key_env"),
    pytest.param(f'base_url = "{SECRET}"', id="base_url"),
    pytest.param(f'base_url = "https://{SECRET}@example.com"', id="base_url-userinfo"),
    pytest.param(f'allow_insecure_http = "{SECRET}"', id="allow_insecure_http"),
    pytest.param(f'options = "{SECRET}"', id="options"),
    pytest.param(f'network = {{ read_timeout = "{SECRET}" }}', id="network"),
    pytest.param(f'network = {{ max_attempts = "{SECRET}" }}', id="network-count"),
]


@pytest.mark.parametrize("line", SECRET_VALUES)
def test_a_secret_pasted_as_a_value_is_never_quoted(line: str) -> None:
    key = line.split(" ", 1)[0]
    text = account_table("main", drop=key) + line + "\n"
    error = refused(text)
    assert error.account == "main"
    assert error.key is not None
    assert error.key.split(".")[0] == key
    assert SECRET not in everything_shown(error)


@pytest.mark.parametrize("cls", [AscendexOptions, BinanceOptions])
def test_a_secret_pasted_as_an_option_value_is_never_quoted(cls: Any) -> None:
    for key in _keys(cls):
        error = options_refused(cls, {key: SECRET})
        assert error.key == f"options.{key}"
        assert SECRET not in everything_shown(error)


def test_the_network_table_has_exactly_the_network_keys() -> None:
    assert set(_keys(NetworkTable)) == NETWORK_KEYS


def test_every_value_of_every_table_has_a_rule_of_its_own() -> None:
    """A field without a rule would fall back to cattrs' coercing hooks: refused at build."""

    @attrs.frozen
    class Loose:
        on: bool = attrs.field(default=False, metadata=checked_by(flag()))
        name: str = "x"

    with pytest.raises(TypeError, match=r"Loose\.name has no rule"):
        TableReader().read({}, Loose, path=None, account=None)
    for cls in (DocumentTable, PluginsTable, AccountTable, NetworkTable,
                AscendexOptions, BinanceOptions):
        for field in attrs.fields(cls):
            assert "folio.rule" in field.metadata or attrs.has(field.type), field.name


def test_the_first_problem_is_an_unknown_key_then_the_fields_in_order() -> None:
    text = account_table("main", exchange="1") + 'colour = 1\nbase_url = 2\n'
    assert refused(text).key == "colour"
    text = account_table("main", exchange="1", api_key_env="2")
    assert refused(text).key == "exchange"


def test_importing_the_framework_does_not_import_cattrs() -> None:
    """The converters are built at the first read (docs/performance.md: import time)."""
    code = (
        "import sys, framework, framework.config\n"
        "assert 'cattrs' not in sys.modules, 'imported'\n"
        "framework.config.parse_config('[network]\\nread_timeout = 3\\n')\n"
        "assert 'cattrs' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_failure_that_is_not_a_rules_verdict_is_named_by_its_key_but_not_quoted() -> None:
    def odd(value: object) -> object:
        raise TypeError(f"cannot use {value}")

    @attrs.frozen
    class Odd:
        n: int = attrs.field(default=0, metadata=checked_by(odd))

    with pytest.raises(ConfigurationError) as caught:
        TableReader().read({"n": SECRET}, Odd, path="folio.toml", account="main")
    assert (caught.value.key, caught.value.detail) == (
        "n", "cannot be read (TypeError); the value is not shown"
    )
    assert SECRET not in everything_shown(caught.value)


def test_a_table_refused_by_its_class_as_a_whole_is_named_without_a_key() -> None:
    def even(_instance: object, _attribute: object, value: int) -> None:
        if value % 2:
            raise Refused("n must be even")

    @attrs.frozen
    class Even:
        n: int = attrs.field(default=0, metadata=checked_by(lambda value: value), validator=even)

    with pytest.raises(ConfigurationError) as caught:
        TableReader().read({"n": 3}, Even, path="folio.toml", account="main", prefix="options.")
    assert (caught.value.key, caught.value.detail) == ("options", "n must be even")
