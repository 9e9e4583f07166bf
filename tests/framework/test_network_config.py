"""[network] defaults and per-account overrides: parsed, checked, and handed to plugins."""

from __future__ import annotations

import pytest

from framework.config import parse_config
from framework.errors import ConfigurationError
from framework.host import Folio
from framework.retry import DEFAULT_RETRY_POLICY
from framework.settings import DEFAULT_HTTP_SETTINGS, NETWORK_KEYS, HttpSettings
from framework.sync import SyncFolio
from tests.framework.helpers import cash_plugin

CONFIG = """
[network]
connect_timeout = 2
max_attempts = 2

[accounts.slow]
exchange = "alpha"
api_key_env = "K"
api_secret_env = "S"
network = { read_timeout = 45.5, deadline = 90 }

[accounts.plain]
exchange = "alpha"
api_key_env = "K"
api_secret_env = "S"
"""


def test_host_defaults_and_account_overrides_combine() -> None:
    config = parse_config(CONFIG, source="folio.toml")
    assert config.network.connect_timeout == 2
    assert config.network.retry.max_attempts == 2
    slow, plain = config.accounts
    settings = slow.http_settings(config.network)
    assert settings.read_timeout == 45.5
    assert settings.retry.deadline == 90
    assert settings.connect_timeout == 2  # inherited from [network]
    assert settings.retry.max_attempts == 2
    assert plain.http_settings(config.network) is config.network


@pytest.mark.anyio
async def test_plugins_receive_each_accounts_own_settings() -> None:
    plugin = cash_plugin("alpha")
    folio = Folio.from_config(parse_config(CONFIG), extra_plugins=[("alpha", plugin)])
    async with folio:
        await folio.all_balances()
    by_account = {r.context.account.name: r.context.http for r in plugin.readers}
    assert by_account["slow"].read_timeout == 45.5
    assert by_account["plain"].read_timeout == DEFAULT_HTTP_SETTINGS.read_timeout
    assert by_account["plain"].connect_timeout == 2


def test_a_host_can_replace_the_file_defaults() -> None:
    mine = HttpSettings(connect_timeout=1)
    folio = Folio.from_config(parse_config(CONFIG), http=mine)
    assert folio.account("slow").http_settings(mine).connect_timeout == 1


@pytest.mark.parametrize(
    ("text", "account", "key", "words"),
    [
        ("[network]\nread_timout = 3\n", None, "network.read_timout", "unknown key"),
        ("[network]\nread_timeout = 'soon'\n", None, "network.read_timeout",
         "a number of seconds"),
        ("[network]\nmax_attempts = 2.5\n", None, "network.max_attempts", "an integer"),
        ("[network]\nmax_attempts = true\n", None, "network.max_attempts", "an integer"),
        ("[network]\nmax_attempts = 0\n", None, "network", "max_attempts must be at least 1"),
        ('[accounts.a]\nexchange = "x"\napi_key_env = "K"\napi_secret_env = "S"\n'
         "network = { connect_timeout = -1 }\n", "a", "network",
         "connect_timeout must be positive"),
        ('[accounts.a]\nexchange = "x"\napi_key_env = "K"\napi_secret_env = "S"\n'
         'network = "fast"\n', "a", "network", "must be a table"),
        ('[accounts.a]\nexchange = "x"\napi_key_env = "K"\napi_secret_env = "S"\n'
         "network = { max_concurrency = 3 }\n", "a", "network.max_concurrency", "host-wide"),
    ],
)
def test_mistakes_name_the_file_account_and_key(
    text: str, account: str | None, key: str, words: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_config(text, source="folio.toml")
    error = caught.value
    assert (error.path, error.account, error.key) == ("folio.toml", account, key)
    assert words in str(error)


def test_every_network_key_is_a_setting_or_a_retry_field() -> None:
    for key in NETWORK_KEYS:
        assert hasattr(DEFAULT_HTTP_SETTINGS, key) or hasattr(DEFAULT_RETRY_POLICY, key)
    assert "retry" not in NETWORK_KEYS


def test_the_blocking_host_takes_the_files_network_defaults_too() -> None:
    plugin = cash_plugin("alpha")
    with SyncFolio.from_config(parse_config(CONFIG), extra_plugins=[("alpha", plugin)]) as folio:
        folio.all_balances()
    by_account = {r.context.account.name: r.context.http for r in plugin.readers}
    assert by_account["plain"].connect_timeout == 2  # from [network]
    assert by_account["slow"].read_timeout == 45.5  # the account's own override
