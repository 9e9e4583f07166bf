"""The passphrase, a third credential (OKX): configured, resolved and kept secret like the others.

Issue #12: "extend the configuration with it cleanly, with the same secrecy rules". Every
source reads it (environment, credentials file, memory), checks it with the same rules, names
the account and the key when it is missing or unusable, and never shows it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from framework.config import EnvCredentials, FileCredentials, StaticCredentials, parse_config
from framework.credentials import Credentials, Secret
from framework.errors import ConfigurationError
from framework.providers import DemoEndpoint

KEY, SECRET, PASSPHRASE = "key-123", "secret-456", "Pass phrase 7!"


def table(extra: str = 'api_passphrase_env = "OKX_PASSPHRASE"\n') -> str:
    return (
        '[accounts.main]\nexchange = "okx"\napi_key_env = "OKX_KEY"\n'
        f'api_secret_env = "OKX_SECRET"\n{extra}'
    )


def environ(**changes: str) -> dict[str, str]:
    values = {"OKX_KEY": KEY, "OKX_SECRET": SECRET, "OKX_PASSPHRASE": PASSPHRASE}
    values.update(changes)
    return values


def test_the_passphrase_variable_is_read_with_the_key_and_secret() -> None:
    (account,) = parse_config(table()).accounts
    source = account.credentials
    assert isinstance(source, EnvCredentials)
    assert source.api_passphrase_env == "OKX_PASSPHRASE"
    held = source.resolve("main", environ())
    assert held.api_passphrase is not None
    assert held.api_passphrase.reveal() == PASSPHRASE  # a space inside is the user's choice
    assert PASSPHRASE not in repr(held)
    assert "OKX_PASSPHRASE" in repr(source)


def test_without_the_key_there_is_no_passphrase() -> None:
    (account,) = parse_config(table(extra="")).accounts
    assert account.credentials.resolve("main", environ()).api_passphrase is None


def test_a_missing_passphrase_variable_names_the_account_and_the_key() -> None:
    (account,) = parse_config(table()).accounts
    values = environ()
    del values["OKX_PASSPHRASE"]
    with pytest.raises(ConfigurationError) as caught:
        account.credentials.resolve("main", values)
    text = str(caught.value)
    assert "[accounts.main]" in text
    assert "api_passphrase_env" in text
    assert "OKX_PASSPHRASE is not set" in text


@pytest.mark.parametrize(
    ("value", "problem"),
    [(" qz9x", "leading or trailing whitespace"), ("qz9\nx", "control character"),
     ("qz9\u00e9x", "non-ASCII")],
)
def test_an_unusable_passphrase_is_refused_without_showing_it(value: str, problem: str) -> None:
    (account,) = parse_config(table()).accounts
    with pytest.raises(ConfigurationError, match=problem) as caught:
        account.credentials.resolve("main", environ(OKX_PASSPHRASE=value))
    assert value.strip() not in str(caught.value)
    assert "API passphrase" in str(caught.value)


def test_a_passphrase_with_a_credentials_file_is_one_source_too_many() -> None:
    with pytest.raises(ConfigurationError, match="api_passphrase_env"):
        parse_config(
            '[accounts.main]\nexchange = "okx"\ncredentials_file = "vault.toml"\n'
            'api_passphrase_env = "OKX_PASSPHRASE"\n'
        )


def write_private(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def test_a_credentials_file_may_hold_the_passphrase(tmp_path: Path) -> None:
    vault = write_private(
        tmp_path / "vault.toml",
        f'api_key = "{KEY}"\napi_secret = "{SECRET}"\napi_passphrase = "{PASSPHRASE}"\n',
    )
    held = FileCredentials(str(vault)).resolve("main")
    assert held.api_passphrase == Secret(PASSPHRASE)
    empty = write_private(
        tmp_path / "empty.toml",
        f'api_key = "{KEY}"\napi_secret = "{SECRET}"\napi_passphrase = ""\n',
    )
    with pytest.raises(ConfigurationError, match="api_passphrase"):
        FileCredentials(str(empty)).resolve("main")


def test_credentials_in_memory_are_checked_with_their_passphrase() -> None:
    good = Credentials.from_strings(KEY, SECRET, PASSPHRASE)
    assert StaticCredentials(good).resolve("main") is good
    bad = Credentials.from_strings(KEY, SECRET, "trailing ")
    with pytest.raises(ConfigurationError, match="api_passphrase"):
        StaticCredentials(bad).resolve("main")
    with pytest.raises(TypeError, match="api_passphrase"):
        Credentials(Secret(KEY), Secret(SECRET), PASSPHRASE)  # type: ignore[arg-type]


def test_a_simulator_prints_the_passphrase_variable_and_its_value() -> None:
    handle = DemoEndpoint("okx", "http://127.0.0.1:4242",
                          Credentials.from_strings(KEY, SECRET, PASSPHRASE),
                          "OKX_SIM_API_KEY", "OKX_SIM_API_SECRET",
                          passphrase_env="OKX_SIM_API_PASSPHRASE")
    (account,) = parse_config(handle.sample_config("main")).accounts
    source = account.credentials
    assert isinstance(source, EnvCredentials)
    assert source.api_passphrase_env == "OKX_SIM_API_PASSPHRASE"
    printed = handle.sample_environment()
    assert printed["OKX_SIM_API_PASSPHRASE"] == PASSPHRASE
    assert source.resolve("main", printed).api_passphrase == Secret(PASSPHRASE)
    (demo,) = handle.demo_accounts()
    assert demo.credentials.resolve(demo.name).api_passphrase == Secret(PASSPHRASE)
