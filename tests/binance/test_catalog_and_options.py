"""The endpoint catalog as documented, and the account options with every way to get them wrong."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import pytest

from adapters.binance import options as options_module
from adapters.binance.endpoints import ACCOUNT, ENDPOINTS, MARGIN_ACCOUNT, SERVER_TIME, Budget
from adapters.binance.options import MAX_RECV_WINDOW, BinanceOptions
from framework.config import parse_config
from framework.errors import ConfigurationError
from tests.docs.test_docs import ROOT, blocks


def test_catalog_holds_the_documented_paths_weights_and_budgets() -> None:
    rows = {(e.method, e.path, e.signed, e.weight, e.budget) for e in ENDPOINTS}
    assert rows == {
        ("GET", "/api/v3/account", True, 20, Budget.API),
        ("GET", "/sapi/v1/margin/account", True, 10, Budget.SAPI),
        ("GET", "/api/v3/time", False, 1, Budget.API),
        ("GET", "/api/v3/exchangeInfo", False, 20, Budget.API),
        ("GET", "/api/v3/ticker/price", False, 2, Budget.API),  # one symbol
        ("GET", "/api/v3/ticker/price", False, 4, Budget.API),  # several, or all
    }
    assert ACCOUNT.params == (("omitZeroBalances", "true"),)
    assert (MARGIN_ACCOUNT.params, SERVER_TIME.params) == ((), ())
    assert [e.label for e in ENDPOINTS] == ["GET account", "GET margin/account", "GET time",
                                            "GET exchangeInfo", "GET ticker/price",
                                            "GET ticker/price"]


def test_each_budget_names_its_used_weight_header() -> None:
    assert Budget.API.used_weight_header == "X-MBX-USED-WEIGHT-1M"
    assert Budget.SAPI.used_weight_header == "X-SAPI-USED-IP-WEIGHT-1M"


def test_defaults_are_binances_own() -> None:
    options = BinanceOptions.from_mapping({})
    assert options == BinanceOptions(
        recv_window=5000, omit_zero_balances=True, sync_clock=True, weight_limit=6000,
        sapi_weight_limit=12000,
    )


def test_every_option_can_be_set() -> None:
    options = BinanceOptions.from_mapping({
        "recv_window": MAX_RECV_WINDOW, "omit_zero_balances": False, "sync_clock": False,
        "weight_limit": 0, "sapi_weight_limit": 600,
    })
    assert (options.recv_window, options.omit_zero_balances, options.sync_clock) == (
        60000, False, False
    )
    assert (options.weight_limit, options.sapi_weight_limit) == (0, 600)


@pytest.mark.parametrize(
    ("options", "key", "says"),
    [
        ({"recvWindow": 5000}, "options.recvWindow", "unknown Binance option"),
        ({"recv_window": 0}, "options.recv_window", "from 1 to 60000"),
        ({"recv_window": 60001}, "options.recv_window", "from 1 to 60000"),
        ({"recv_window": 5000.5}, "options.recv_window", "integer"),
        ({"recv_window": True}, "options.recv_window", "integer"),
        ({"omit_zero_balances": "yes"}, "options.omit_zero_balances", "true or false"),
        ({"sync_clock": 1}, "options.sync_clock", "true or false"),
        ({"weight_limit": -1}, "options.weight_limit", "non-negative"),
        ({"sapi_weight_limit": "12000"}, "options.sapi_weight_limit", "non-negative"),
    ],
)
def test_bad_options_name_file_account_and_key(
    options: dict[str, Any], key: str, says: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        BinanceOptions.from_mapping(options, account="main", source="folio.toml")
    error = caught.value
    assert (error.path, error.account, error.key) == ("folio.toml", "main", key)
    assert says in error.detail
    assert str(error).startswith(f"folio.toml [accounts.main] key '{key}': ")


def test_the_options_shown_in_the_docs_are_valid() -> None:
    page = ROOT / "docs" / "exchanges" / "binance.md"
    shown = [block for block in blocks(page) if block.language == "toml"]
    assert shown, "the Binance page shows a folio.toml example"
    for block in shown:
        for account in parse_config(block.text, source=f"binance.md:{block.line}").accounts:
            assert account.exchange == "binance"
            BinanceOptions.from_mapping(account.options, account=account.name)


def test_the_options_modules_example_shows_the_defaults() -> None:
    docstring = options_module.__doc__ or ""
    after = docstring.split("::", 1)[1].splitlines()[2:]  # skip the blank line after "::"
    example = "\n".join(line[4:] for line in itertools.takewhile(str.strip, after))
    account = '[accounts.main]\nexchange = "binance"\napi_key_env = "K"\napi_secret_env = "S"\n'
    (parsed,) = parse_config(account + example).accounts
    shown = BinanceOptions.from_mapping(parsed.options)
    assert shown == BinanceOptions()
    assert set(parsed.options) == {f.name for f in attrs.fields(BinanceOptions)}
