"""Configuration files: what a valid file gives, and that every mistake names file, account, key."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.config import (
    AccountConfig,
    EnvCredentials,
    FolioConfig,
    PluginPolicy,
    load_config,
    parse_config,
)
from framework.errors import ConfigurationError
from tests.framework.helpers import CREDENTIALS, account, account_table

FULL = """
[plugins]
block = ["some-plugin"]
external = false
strict = true

[accounts.main]
exchange = "AscendEX"
api_key_env = "ASCENDEX_API_KEY"
api_secret_env = "ASCENDEX_API_SECRET"
base_url = "https://ascendex.com"

[accounts.main.options]
account_group = 6

[accounts."cold-2.b"]
exchange = "acme"
api_key_env = "ACME_KEY"
api_secret_env = "ACME_SECRET"
"""

LEAKED = "hunter2-secret-value"
def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "folio.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_file_gives_accounts_and_plugin_policy(tmp_path: Path) -> None:
    path = _write(tmp_path, FULL)
    config = load_config(path)

    assert config.source == str(path)
    assert config.plugins == PluginPolicy(block={"some-plugin"}, external=False, strict=True)
    main, cold = config.accounts
    assert (main.name, main.exchange) == ("main", "ascendex")  # exchange names are lower case
    assert main.credentials == EnvCredentials("ASCENDEX_API_KEY", "ASCENDEX_API_SECRET")
    assert main.base_url == "https://ascendex.com"
    assert dict(main.options) == {"account_group": 6}
    assert main.source == str(path)
    with pytest.raises(TypeError):
        main.options["account_group"] = 7  # type: ignore[index]
    assert (cold.name, cold.exchange, cold.base_url, dict(cold.options)) == (
        "cold-2.b", "acme", None, {}
    )


def test_variables_are_not_read_while_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASCENDEX_API_KEY", raising=False)
    config = parse_config(FULL, source="inline")
    with pytest.raises(ConfigurationError, match="ASCENDEX_API_KEY is not set"):
        config.accounts[0].credentials.resolve("main", {})


def test_an_empty_file_has_no_accounts_and_the_default_policy() -> None:
    config = parse_config("")
    assert config.accounts == ()
    assert config.plugins == PluginPolicy(block=(), external=True, strict=False)


BAD = [
    pytest.param("[accounts.main\n", None, None, "not valid TOML", id="not-toml"),
    pytest.param("acounts = 1\n", None, "acounts", "unknown top-level", id="top-level-typo"),
    pytest.param("accounts = 1\n", None, "accounts", "must be a table",
                 id="accounts-not-a-table"),
    pytest.param("plugins = []\n", None, "plugins", "must be a table",
                 id="plugins-not-a-table"),
    pytest.param('[plugins]\nallow = ["x"]\n', None, "plugins.allow", "unknown key in [plugins]",
                 id="plugins-unknown-key"),
    pytest.param('[plugins]\nblock = "acme"\n', None, "plugins.block", "must be a list",
                 id="block-not-a-list"),
    pytest.param("[plugins]\nblock = [1]\n", None, "plugins.block", "must be a list",
                 id="block-not-names"),
    pytest.param('[plugins]\nexternal = "no"\n', None, "plugins.external",
                 "must be true or false", id="external-not-bool"),
    pytest.param("[plugins]\nstrict = 1\n", None, "plugins.strict", "must be true or false",
                 id="strict-not-bool"),
    pytest.param('[accounts]\nmain = "ascendex"\n', "main", None, "must be a table",
                 id="account-not-a-table"),
    pytest.param(account_table('"my account"'), "my account", None, "account name must be",
                 id="bad-account-name"),
    pytest.param(account_table(api_secret=f'"{LEAKED}"'), "main", "api_secret", "unknown key",
                 id="secret-in-file"),
    pytest.param(account_table(drop="exchange"), "main", "exchange", "required key is missing",
                 id="missing-exchange"),
    pytest.param(account_table(drop="api_key_env"), "main", "api_key_env", "required key",
                 id="missing-key-variable"),
    pytest.param(account_table(drop="api_secret_env"), "main", "api_secret_env", "required key",
                 id="missing-secret-variable"),
    pytest.param(account_table(exchange="6"), "main", "exchange", "must be a non-empty string",
                 id="exchange-not-a-string"),
    pytest.param(account_table(exchange='""'), "main", "exchange", "must be a non-empty string",
                 id="exchange-empty"),
    pytest.param(account_table(api_secret_env=f'"{LEAKED}/+="'), "main", "api_secret_env",
                 "must be the NAME of an environment variable", id="secret-instead-of-name"),
    pytest.param(account_table(base_url='"ftp://ascendex.com"'), "main", "base_url",
                 "must be an http:// or https:// URL", id="base-url-scheme"),
    pytest.param(account_table(base_url="443"), "main", "base_url", "must be an http://",
                 id="base-url-not-a-string"),
    pytest.param(account_table(options='"account_group=6"'), "main", "options",
                 "must be a table", id="options-not-a-table"),
    pytest.param(account_table(credentials_file='"~/vault.toml"'), "main", "credentials_file",
                 "give either credentials_file or api_key_env", id="two-credential-sources"),
    pytest.param(account_table(network="{ retries = 3 }"), "main", "network.retries",
                 "unknown key", id="account-network-unknown-key"),
    pytest.param(account_table(network='{ read_timeout = "20s" }'), "main",
                 "network.read_timeout", "must be a number of seconds",
                 id="account-network-wrong-type"),
    pytest.param("[network]\nmax_attempts = 1.5\n", None, "network.max_attempts",
                 "must be an integer", id="network-wrong-type"),
]


@pytest.mark.parametrize(("text", "account_name", "key", "detail"), BAD)
def test_each_mistake_names_the_file_the_account_and_the_key(
    tmp_path: Path, text: str, account_name: str | None, key: str | None, detail: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigurationError) as caught:
        load_config(path)
    error = caught.value
    assert (error.path, error.account, error.key) == (str(path), account_name, key)
    message = str(error)
    assert message.startswith(str(path))
    assert detail in message
    if account_name is not None:
        assert f"[accounts.{account_name}]" in message
    if key is not None:
        assert f"key {key!r}" in message
    assert LEAKED not in message


def test_a_missing_file_says_how_to_start(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(ConfigurationError, match=r"not found .*folio demo") as caught:
        load_config(path)
    assert caught.value.path == str(path)


def test_an_unreadable_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read configuration file") as caught:
        load_config(tmp_path)  # a directory
    assert caught.value.path == str(tmp_path)


def test_accounts_built_in_python_are_checked_like_the_file() -> None:
    with pytest.raises(ConfigurationError, match="account name 'a b' must be 1-64") as caught:
        AccountConfig("a b", "alpha", CREDENTIALS)
    assert caught.value.account == "a b"
    with pytest.raises(ConfigurationError) as duplicate:
        FolioConfig(accounts=[account("main"), account("main")], source="hosts.toml")
    assert str(duplicate.value) == "hosts.toml [accounts.main]: account name is used twice"


def test_an_account_error_names_its_file_and_key() -> None:
    source = parse_config(account_table(), source="prod.toml").accounts[0]
    error = source.config_error("unknown option", key="options.grup")
    assert str(error) == "prod.toml [accounts.main] key 'options.grup': unknown option"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, PluginPolicy(block={"a"}, external=False, strict=False)),
        ({"FOLIO_BLOCK_PLUGINS": "b, c,,"}, PluginPolicy(block={"a", "b", "c"}, external=False)),
        ({"FOLIO_NO_EXTERNAL_PLUGINS": ""}, PluginPolicy(block={"a"}, external=False)),
        ({"FOLIO_NO_EXTERNAL_PLUGINS": "0"}, PluginPolicy(block={"a"}, external=True)),
        ({"FOLIO_STRICT_PLUGINS": "ON"}, PluginPolicy(block={"a"}, external=False, strict=True)),
        ({"FOLIO_STRICT_PLUGINS": "nope"}, PluginPolicy(block={"a"}, external=False)),
    ],
)
def test_environment_switches_win_over_the_file(
    environ: dict[str, str], expected: PluginPolicy
) -> None:
    assert PluginPolicy(block=["a"], external=False).with_environment(environ) == expected
