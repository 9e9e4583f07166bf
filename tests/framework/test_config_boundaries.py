"""Configuration rules at their edges, each pinned where the mutation run found no test.

docs/configuration.md documents each: a key or secret of at most 1024 characters, never empty,
with a no-break space refused as a space; a credentials file of at most 64 KiB, valid TOML
(whose error is not repeated: it quotes the line), owned by the user or by root; a DNS name of
at most 253 characters plus one trailing dot; a URL without control characters (DEL included);
and errors that name the account and the key without quoting what may be a secret. See
docs/testing.md for the mutation run.
"""

from __future__ import annotations

import copy
import os
import stat
from pathlib import Path

import pytest

from framework.config import (
    AccountConfig,
    FileCredentials,
    StaticCredentials,
    parse_config,
    plain_http_to_another_host,
)
from framework.config.private_file import unsafe_file
from framework.credentials import Credentials
from framework.errors import ConfigurationError
from tests.framework.helpers import account_table

CREDENTIALS = StaticCredentials(Credentials.from_strings("KEYKEYKEY1", "SECSECSEC1"))
SECRET = "d4f0a1b2c3d4e5f60718293a4b5c6d7e"
NOT_SHOWN = "<not shown: it may be a secret>"


def _refused(key: str, secret: str) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        StaticCredentials(Credentials.from_strings(key, secret)).resolve("main")
    return caught.value


# -- keys and secrets ------------------------------------------------------------------------


def test_a_secret_of_1024_characters_is_accepted_and_one_more_is_refused() -> None:
    longest = "A1" * 512
    held = StaticCredentials(Credentials.from_strings("KEY1", longest)).resolve("main")
    assert held.api_secret.reveal() == longest
    error = _refused("KEY1", longest + "B")
    assert (error.account, error.key) == ("main", "api_secret")
    assert "longer than any exchange-issued key or secret (1024 characters)" in str(error)


def test_an_empty_key_is_refused_as_empty() -> None:
    error = _refused("", "SECRET1")
    assert (error.account, error.key) == ("main", "api_key")
    assert "the API key is empty" in str(error)


@pytest.mark.parametrize(
    ("character", "reason"),
    [
        ("\x7f", "contains a control character"),
        ("\x9f", "contains a control character"),
        ("\u00a0", "contains a space"),  # a no-break space is a space, not a control character
        ("\u200b", "contains a non-ASCII character"),
    ],
)
def test_each_unusable_character_is_named_for_what_it_is(character: str, reason: str) -> None:
    error = _refused("KEY1", f"SEC{character}RET")
    assert reason in str(error)
    assert "SEC" not in str(error)


# -- credentials files -----------------------------------------------------------------------


def _credentials_file(tmp_path: Path, size: int) -> Path:
    body = b'api_key = "KEY1"\napi_secret = "SECRET1"\n'
    path = tmp_path / "vault.toml"
    path.write_bytes(body + b"#" * (size - len(body) - 1) + b"\n")
    path.chmod(0o600)
    assert path.stat().st_size == size
    return path


def test_a_credentials_file_of_64_kib_is_read_and_one_byte_more_is_refused(
    tmp_path: Path,
) -> None:
    limit = 64 * 1024
    read = FileCredentials(str(_credentials_file(tmp_path, limit))).resolve("main")
    assert read.api_secret.reveal() == "SECRET1"
    with pytest.raises(ConfigurationError, match=f"larger than {limit} bytes"):
        FileCredentials(str(_credentials_file(tmp_path, limit + 1))).resolve("main")


def test_a_credentials_file_that_is_not_toml_is_refused_without_quoting_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "vault.toml"
    path.write_bytes(f'api_key = "KEY1"\napi_secret = {SECRET}\n'.encode())
    path.chmod(0o600)
    with pytest.raises(ConfigurationError) as caught:
        FileCredentials(str(path)).resolve("main")
    assert "the credentials file is not valid TOML" in str(caught.value)
    assert caught.value.key == "credentials_file"
    assert SECRET not in str(caught.value)


def _status(uid: int, mode: int = 0o600) -> os.stat_result:
    # (st_mode, st_ino, st_dev, st_nlink, st_uid, st_gid, st_size, st_atime, st_mtime, st_ctime)
    return os.stat_result((stat.S_IFREG | mode, 1, 1, 1, uid, uid, 10, 0, 0, 0))


@pytest.mark.skipif(os.name == "nt", reason="ownership and modes are POSIX rules")
def test_a_credentials_file_of_root_or_of_the_user_is_accepted_and_no_other() -> None:
    path = Path("vault.toml")
    owner = os.geteuid()
    assert unsafe_file(_status(owner), path) is None
    assert unsafe_file(_status(0), path) is None  # root's files excepted
    for other in {1, 2, 65534} - {owner}:
        problem = unsafe_file(_status(other), path)
        assert problem is not None
        assert f"belongs to another user (uid {other})" in problem
    assert "mode 0640" in (unsafe_file(_status(owner, 0o640), path) or "")


# -- names and keys that may be secrets ------------------------------------------------------


def test_an_invalid_account_name_is_quoted_up_to_128_characters() -> None:
    shown = "a " * 64  # invalid (spaces), printable, nothing like a key: quoted
    with pytest.raises(ConfigurationError) as caught:
        AccountConfig(shown, "ascendex", CREDENTIALS)
    assert repr(shown) in str(caught.value)
    assert caught.value.account == shown
    longer = shown + "a"
    with pytest.raises(ConfigurationError) as caught:
        AccountConfig(longer, "ascendex", CREDENTIALS)
    assert "(not shown: it may be a secret)" in str(caught.value)
    assert caught.value.account is None


def test_an_unknown_key_that_may_be_a_secret_is_not_quoted() -> None:
    text = account_table(**{SECRET: "1"})
    with pytest.raises(ConfigurationError) as caught:
        parse_config(text)
    assert caught.value.key == NOT_SHOWN
    assert SECRET not in str(caught.value)
    assert "unknown key" in str(caught.value)


def test_a_bad_exchange_names_the_account_and_the_key() -> None:
    with pytest.raises(ConfigurationError) as caught:
        AccountConfig("main", "no such exchange!", CREDENTIALS)
    assert (caught.value.account, caught.value.key) == ("main", "exchange")
    assert "no such exchange" not in str(caught.value)


@pytest.mark.parametrize("value", ["5", '""', "true", '["K"]'])
def test_a_variable_name_that_is_not_a_non_empty_string_is_refused(value: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_config(account_table(api_key_env=value))
    assert "must be a non-empty string" in str(caught.value)
    assert caught.value.key == "api_key_env"


# -- base URLs -------------------------------------------------------------------------------


def _base_url_error(url: str) -> str | None:
    try:
        AccountConfig("main", "ascendex", CREDENTIALS, base_url=url)
    except ConfigurationError as exc:
        return exc.detail if exc.key == "base_url" else f"the wrong key: {exc.key!r}"
    return None


def test_a_del_anywhere_in_a_base_url_is_refused_and_punctuation_in_a_path_is_not() -> None:
    assert "control characters" in (_base_url_error("https://example.com/api\x7fv1") or "")
    assert _base_url_error("https://example.com/api!v1") is None
    assert _base_url_error("http://127.0.0.1:8080/a!b") is None


def test_a_dns_name_is_at_most_253_characters_besides_one_trailing_dot() -> None:
    longest = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])
    assert len(longest) == 253
    assert _base_url_error(f"https://{longest}/") is None
    assert _base_url_error(f"https://{longest}./") is None
    assert "valid host" in (_base_url_error(f"https://{longest}e/") or "")
    assert "valid host" in (_base_url_error(f"https://{longest}e./") or "")


@pytest.mark.parametrize("host", ["example.c-.", "e-.com.", "-example.com."])
def test_a_trailing_dot_does_not_excuse_a_bad_label(host: str) -> None:
    assert "valid host" in (_base_url_error(f"https://{host}/") or "")


def test_plain_http_to_another_host_is_a_plain_bool() -> None:
    assert plain_http_to_another_host("http://example.com") is True
    assert plain_http_to_another_host("HTTP://example.com") is True
    assert plain_http_to_another_host("https://example.com") is False
    assert plain_http_to_another_host("http://127.0.0.1:8080") is False


# -- the account value -----------------------------------------------------------------------


def test_an_account_knows_no_source_by_default_and_equality_ignores_it() -> None:
    plain = AccountConfig("main", "ascendex", CREDENTIALS)
    assert plain.source is None
    here = AccountConfig("main", "ascendex", CREDENTIALS, source="a.toml")
    there = AccountConfig("main", "ascendex", CREDENTIALS, source="b.toml")
    assert here == there == plain


def test_a_copy_of_an_account_is_the_account() -> None:
    account = AccountConfig("main", "ascendex", CREDENTIALS, options={"x": 1})
    assert copy.copy(account) is account
    assert copy.deepcopy(account) is account
