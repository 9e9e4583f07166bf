"""Every rule framework/config.py documents, pinned: each test fails when its rule is broken.

The rules are listed in docs/configuration.md: variable names that may be secrets are never
shown, keys and secrets must be printable ASCII without spaces, ``base_url`` must be a plain
``http(s)://host[:port][/path]`` and ``http://`` only to this machine unless the account opts
in, a credentials file must be private, and a relative one is found next to the config file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import pytest

from framework.config import (
    SECRET_RUN_LENGTH,
    AccountConfig,
    EnvCredentials,
    FileCredentials,
    StaticCredentials,
    load_config,
    parse_config,
    shown_variable,
)
from framework.credentials import Credentials
from framework.errors import ConfigurationError
from tests.framework.helpers import CREDENTIALS, account_table

HEX_SECRET: Final = "d4f09a1c3b7e2f5a8c6d0e4b1a9f7c3e"
"""Lower-case hex, as many exchanges issue secrets: the old check let it through."""
URLSAFE_SECRET: Final = "Qm9_vX2k-Lp8Rt4Zs6Wn1Yb3Hc5Jd7Fg0"
UPPER_HEX_SECRET: Final = "D4F09A1C3B7E2F5A8C6D0E4B1A9F7C3E"
MIXED_SECRET_WITH_UNDERSCORE: Final = "aB3dE5fG7hJ9kL2mN4p_Q6rS8tU0vW1x"
PASTED: Final = (HEX_SECRET, UPPER_HEX_SECRET, MIXED_SECRET_WITH_UNDERSCORE)


def _error(text: str, source: str | None = "folio.toml") -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        parse_config(text, source=source)
    return caught.value


# -- variable names that may be secrets ------------------------------------------------------------


@pytest.mark.parametrize("pasted", PASTED)
@pytest.mark.parametrize("key", ["api_key_env", "api_secret_env"])
def test_a_secret_pasted_as_a_variable_name_is_refused_unquoted(pasted: str, key: str) -> None:
    error = _error(account_table(**{key: f'"{pasted}"'}))
    assert (error.account, error.key) == ("main", key)
    assert "looks like a key or secret itself" in str(error)
    assert pasted not in str(error) + repr(error)


@pytest.mark.parametrize("pasted", [*PASTED, URLSAFE_SECRET, "lower_case_name", "A" * 65])
def test_names_that_may_be_secrets_are_never_shown_at_read_time(pasted: str) -> None:
    """Hosts build EnvCredentials in Python too: resolving and repr must not quote the value."""
    source = EnvCredentials("ALPHA_KEY", pasted)
    assert pasted not in repr(source)
    with pytest.raises(ConfigurationError) as caught:
        source.resolve("main", {"ALPHA_KEY": "k"})
    error = caught.value
    assert (error.account, error.key) == ("main", "api_secret_env")
    assert pasted not in str(error) + repr(error)
    assert "named by api_secret_env" in str(error)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("ASCENDEX_API_KEY", True),
        ("_KEY", True),
        ("DESK2_SECRET", True),
        ("A" * 64, True),
        ("A" * 65, False),  # longer than a conventional name
        ("2FA_KEY", False),  # starts with a digit
        ("ascendex_api_key", False),  # lower case
        ("ASCENDEX-KEY", False),
        (UPPER_HEX_SECRET, False),  # conventional characters, but a key
        ("", False),
    ],
)
def test_only_conventional_variable_names_are_shown(name: str, shown: bool) -> None:
    assert (shown_variable(name) == name) is shown
    if not shown:
        assert shown_variable(name) is None
        assert name not in repr(EnvCredentials(name, "SECRET_VAR")) or not name


def test_a_conventional_name_is_shown_in_messages_and_repr() -> None:
    source = EnvCredentials("ALPHA_KEY", "ALPHA_SECRET")
    assert repr(source) == "EnvCredentials(api_key_env='ALPHA_KEY', api_secret_env='ALPHA_SECRET')"
    with pytest.raises(ConfigurationError, match="environment variable ALPHA_KEY is not set"):
        source.resolve("main", {})


def test_the_secret_check_starts_at_a_run_of_sixteen() -> None:
    assert SECRET_RUN_LENGTH == 16
    below, at = "a1b2c3d4e5f6a7b", "a1b2c3d4e5f6a7b8"
    assert len(below) == 15
    parse_config(account_table(api_key_env=f'"{below}"'))  # accepted: short, not shown
    error = _error(account_table(api_key_env=f'"{at}"'))
    assert "looks like a key" in str(error)
    # Names made of words joined by '_' are long but have no such run.
    parse_config(account_table(api_key_env='"ASCENDEX_SUB2_ACCOUNT_API_KEY_2024"'))
    # A long run needs letters and digits: a long word is a name.
    parse_config(account_table(api_key_env='"ASCENDEXAPISECRETKEY"'))
    parse_config(account_table(api_key_env='"KEY_1234567890123456"'))


# -- keys and secrets as loaded --------------------------------------------------------------------

KEY: Final = "bclE7z8EjSNl3BsXuv4RdM9UtwVJbyxM"
SECRET: Final = "e2b2f3d1a9c84b7e8f6a5d4c3b2a1f0e"
BAD_VALUES: Final = [
    pytest.param("\n", "leading or trailing whitespace", id="trailing-LF"),
    pytest.param("\r\n", "leading or trailing whitespace", id="trailing-CRLF"),
    pytest.param(" ", "leading or trailing whitespace", id="trailing-space"),
    pytest.param("\t", "leading or trailing whitespace", id="trailing-tab"),
    pytest.param("\x00", "control character", id="NUL"),
    pytest.param("\x1b", "control character", id="ESC"),
    pytest.param("\x7f", "control character", id="DEL"),
    pytest.param("\x85", "leading or trailing whitespace", id="C1-NEL"),
    pytest.param("\x9b", "control character", id="C1-CSI"),
    pytest.param("\x9f", "control character", id="C1-last"),
    pytest.param("\u00e9", "non-ASCII", id="non-ASCII"),
    pytest.param("\u00a0", "leading or trailing whitespace", id="no-break-space"),
]


def _toml_escaped(value: str) -> str:
    return "".join(c if 0x21 <= ord(c) < 0x7F and c not in '"\\' else f"\\u{ord(c):04x}"
                   for c in value)


def _file_table(value: str) -> str:
    """An account whose credentials come from the file ``value`` (raw TOML)."""
    text = account_table(drop="api_key_env", credentials_file=value)
    return text.replace('api_secret_env = "S"\n', "")


def _bad(value: str, suffix: str, middle: bool) -> str:
    return value[:8] + suffix + value[8:] if middle else value + suffix


@pytest.mark.parametrize(("suffix", "words"), BAD_VALUES)
@pytest.mark.parametrize("which", ["key", "secret"])
@pytest.mark.parametrize("middle", [False, True])
def test_unusable_keys_and_secrets_are_refused_from_every_source(
    tmp_path: Path, suffix: str, words: str, which: str, middle: bool
) -> None:
    key = _bad(KEY, suffix, middle) if which == "key" else KEY
    secret = _bad(SECRET, suffix, middle) if which == "secret" else SECRET
    vault = tmp_path / "vault.toml"
    escaped = [_toml_escaped(v) for v in (key, secret)]
    vault.write_text(f'api_key = "{escaped[0]}"\napi_secret = "{escaped[1]}"\n', encoding="utf-8")
    vault.chmod(0o600)
    sources: dict[str, EnvCredentials | StaticCredentials | FileCredentials] = {
        f"api_{which}_env": EnvCredentials("ALPHA_KEY", "ALPHA_SECRET"),
        f"api_{which}": StaticCredentials(Credentials.from_strings(key, secret)),
        f"api_{which} ": FileCredentials(str(vault)),
    }
    for expected_key, source in sources.items():
        with pytest.raises(ConfigurationError) as caught:
            source.resolve("main", {"ALPHA_KEY": key, "ALPHA_SECRET": secret})
        error = caught.value
        assert (error.account, error.key) == ("main", expected_key.strip())
        shown = str(error) + repr(error) + repr(error.args)
        what = "API key" if which == "key" else "API secret"
        assert what in shown
        if middle or not suffix.isspace():
            # inside the value, whitespace other than the edges is a space or control char
            assert any(w in shown for w in (words, "control character", "space"))
        else:
            assert words in shown
        for value in (KEY, SECRET, KEY[:12], SECRET[:12], KEY[-12:], SECRET[-12:]):
            assert value not in shown


def test_a_space_inside_a_key_is_refused() -> None:
    source = StaticCredentials(Credentials.from_strings("abc def", SECRET))
    with pytest.raises(ConfigurationError, match="API key contains a space; it is not shown"):
        source.resolve("main")


def test_printable_ascii_keys_are_accepted_from_every_source(tmp_path: Path) -> None:
    printable = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"\\')
    held = Credentials.from_strings(printable, SECRET)
    assert StaticCredentials(held).resolve("main") is held
    env = EnvCredentials("ALPHA_KEY", "ALPHA_SECRET")
    assert env.resolve("main", {"ALPHA_KEY": printable, "ALPHA_SECRET": SECRET}) == held
    vault = tmp_path / "vault.toml"
    vault.write_text(f'api_key = "{printable}"\napi_secret = "{SECRET}"\n', encoding="utf-8")
    vault.chmod(0o600)
    assert FileCredentials(str(vault)).resolve("main") == held


# -- base_url --------------------------------------------------------------------------------------

BAD_URLS: Final = [
    pytest.param('"httpfoo://ascendex.com"', "must be an http:// or https:// URL", id="httpfoo"),
    pytest.param('"httpsx://ascendex.com"', "must be an http:// or https:// URL", id="httpsx"),
    pytest.param('"https:/ascendex.com"', "must be an http:// or https:// URL", id="one-slash"),
    pytest.param('"HTTPS://ascendex.com"', "must be an http:// or https:// URL", id="upper"),
    pytest.param('"ascendex.com"', "must be an http:// or https:// URL", id="no-scheme"),
    pytest.param('"https://"', "valid host", id="no-host"),
    pytest.param('"https://:443"', "valid host", id="port-only"),
    pytest.param('"https://ascendex.com:99999"', "valid host and port", id="port-too-big"),
    pytest.param('"https://ascendex.com:0"', "valid host and port", id="port-zero"),
    pytest.param('"https://ascendex.com:https"', "valid host and port", id="port-word"),
    pytest.param('"https://[::zz]/"', "valid host", id="bad-ipv6"),
    pytest.param('"https://asc endex.com"', "without spaces", id="space"),
    pytest.param('"https://ascendex.com\\n"', "control characters", id="newline"),
    pytest.param('"https://ascendex.com\\t"', "control characters", id="tab"),
    pytest.param('"https://ascendéx.com"', "non-ASCII", id="non-ascii"),
    pytest.param('"https://user:pw@ascendex.com"', "user name or password", id="userinfo"),
    pytest.param('"https://ascendex.com?x=1"', "query", id="query"),
    pytest.param('"https://ascendex.com/?"', "query", id="empty-query"),
    pytest.param('"https://ascendex.com#top"', "fragment", id="fragment"),
    pytest.param('"http://ascendex.com"', "allow_insecure_http = true", id="http-remote"),
    pytest.param('"http://10.0.0.5:8080"', "clear text", id="http-private-ip"),
    pytest.param('"http://128.0.0.1"', "clear text", id="http-next-to-loopback"),
    pytest.param('"http://localhost.example.com"', "clear text", id="http-localhost-prefix"),
    pytest.param('"http://[::2]:80"', "clear text", id="http-ipv6-not-loopback"),
    pytest.param("443", "must be an http:// or https:// URL", id="not-a-string"),
]


@pytest.mark.parametrize(("value", "words"), BAD_URLS)
def test_a_base_url_that_cannot_work_is_refused_at_loading(value: str, words: str) -> None:
    error = _error(account_table(base_url=value))
    assert (error.path, error.account, error.key) == ("folio.toml", "main", "base_url")
    assert words in str(error)
    assert "pw@" not in str(error)


GOOD_URLS: Final = [
    "https://ascendex.com",
    "https://ascendex.com/",
    "https://ascendex.com:8443/proxy/prefix",
    "https://[2001:db8::1]:443",
    "http://127.0.0.1:8080",
    "http://127.8.9.10",
    "http://localhost:1",
    "http://LOCALHOST:65535/",
    "http://[::1]:8080",
]


@pytest.mark.parametrize("url", GOOD_URLS)
def test_plain_urls_and_http_to_this_machine_are_accepted(url: str) -> None:
    (parsed,) = parse_config(account_table(base_url=f'"{url}"')).accounts
    assert parsed.base_url == url
    assert parsed.allow_insecure_http is False


def test_http_to_another_machine_needs_the_opt_in() -> None:
    text = account_table(base_url='"http://exchange-test.internal:8080"')
    assert "allow_insecure_http = true" in str(_error(text))
    (parsed,) = parse_config(text + "allow_insecure_http = true\n").accounts
    assert parsed.allow_insecure_http is True
    assert parsed.base_url == "http://exchange-test.internal:8080"
    # the opt-in is for clear text only: a broken URL stays refused
    broken = account_table(base_url='"http://exa mple.com"') + "allow_insecure_http = true\n"
    assert "without spaces" in str(_error(broken))


@pytest.mark.parametrize("value", ['"yes"', "1", "0", "[]"])
def test_the_opt_in_is_a_boolean(value: str) -> None:
    error = _error(account_table(base_url='"http://10.0.0.5"', allow_insecure_http=value))
    assert (error.key, error.detail) == ("allow_insecure_http", "must be true or false")


def test_accounts_built_in_python_check_base_url_too() -> None:
    with pytest.raises(ConfigurationError, match="clear text") as caught:
        AccountConfig("main", "alpha", CREDENTIALS, base_url="http://10.0.0.5", source="h.toml")
    assert (caught.value.account, caught.value.key, caught.value.path) == (
        "main", "base_url", "h.toml"
    )
    with pytest.raises(ConfigurationError, match="http:// or https://"):
        AccountConfig("main", "alpha", CREDENTIALS, base_url="httpfoo://x")
    allowed = AccountConfig(
        "main", "alpha", CREDENTIALS, base_url="http://10.0.0.5", allow_insecure_http=True
    )
    assert allowed.base_url == "http://10.0.0.5"
    assert AccountConfig("main", "alpha", CREDENTIALS).base_url is None


# -- credential sources in the file ----------------------------------------------------------------


@pytest.mark.parametrize("one", ["api_key_env", "api_secret_env"])
def test_a_credentials_file_with_one_variable_key_is_refused(one: str) -> None:
    text = account_table(
        drop="api_secret_env" if one == "api_key_env" else "api_key_env",
        credentials_file='"vault.toml"',
    )
    assert one in text
    error = _error(text)
    assert error.key == "credentials_file"
    assert "give either credentials_file or api_key_env/api_secret_env" in str(error)


def test_a_relative_credentials_file_is_next_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_dir = tmp_path / "etc"
    config_dir.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (config_dir / "vault.toml").write_text(f'api_key = "{KEY}"\napi_secret = "{SECRET}"\n')
    (config_dir / "vault.toml").chmod(0o600)
    config = config_dir / "folio.toml"
    config.write_text(_file_table('"vault.toml"'), encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    (parsed,) = load_config(config).accounts
    assert isinstance(parsed.credentials, FileCredentials)
    assert parsed.credentials.path == str(config_dir / "vault.toml")
    assert parsed.credentials.resolve("main") == Credentials.from_strings(KEY, SECRET)
    # relative to the config file named by a relative path, too
    monkeypatch.chdir(tmp_path)
    (again,) = load_config(Path("etc") / "folio.toml").accounts
    monkeypatch.chdir(elsewhere)
    assert again.credentials == parsed.credentials


def test_without_a_config_path_a_relative_file_is_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (parsed,) = parse_config(_file_table('"sub/vault.toml"')).accounts
    assert isinstance(parsed.credentials, FileCredentials)
    assert parsed.credentials.path == str(tmp_path / "sub" / "vault.toml")


def test_home_and_absolute_credentials_files_are_kept(tmp_path: Path) -> None:
    for value, expected in [
        ("~/vault.toml", os.path.expanduser("~/vault.toml")),
        (str(tmp_path / "v.toml"), str(tmp_path / "v.toml")),
    ]:
        (parsed,) = parse_config(
            _file_table(f'"{value}"'), source=str(tmp_path / "x" / "folio.toml")
        ).accounts
        assert isinstance(parsed.credentials, FileCredentials)
        assert parsed.credentials.path == expected


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602, 0o610, 0o601, 0o660])
def test_a_credentials_file_others_may_read_or_change_is_refused(tmp_path: Path, mode: int) -> None:
    vault = tmp_path / "vault.toml"
    vault.write_text(f'api_key = "{KEY}"\napi_secret = "{SECRET}"\n', encoding="utf-8")
    vault.chmod(mode)
    with pytest.raises(ConfigurationError) as caught:
        FileCredentials(str(vault)).resolve("main")
    error = caught.value
    assert (error.account, error.key, error.path) == ("main", "credentials_file", str(vault))
    assert f"(mode {mode:04o}); make it private with: chmod 600 {vault}" in str(error)
    assert KEY not in str(error)
    assert SECRET not in str(error)


@pytest.mark.parametrize("mode", [0o600, 0o400, 0o700])
def test_a_private_credentials_file_is_read(tmp_path: Path, mode: int) -> None:
    vault = tmp_path / "vault.toml"
    vault.write_text(f'api_key = "{KEY}"\napi_secret = "{SECRET}"\n', encoding="utf-8")
    vault.chmod(mode)
    assert FileCredentials(str(vault)).resolve("main") == Credentials.from_strings(KEY, SECRET)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(b"\xff\xfe api_key", "not UTF-8 text", id="binary"),
        pytest.param(b'api_key = "k"\napi_secret = "s"\nextra = 1\n', "unknown key", id="extra"),
        pytest.param(b'api_key = ""\napi_secret = "s"\n', "missing or not a non-empty",
                     id="empty-key"),
    ],
)
def test_a_broken_credentials_file_is_a_configuration_error(
    tmp_path: Path, content: bytes, words: str
) -> None:
    vault = tmp_path / "vault.toml"
    vault.write_bytes(content)
    vault.chmod(0o600)
    with pytest.raises(ConfigurationError, match=words) as caught:
        FileCredentials(str(vault)).resolve("main")
    assert (caught.value.account, caught.value.path) == ("main", str(vault))


def test_an_unusable_credentials_path_is_a_configuration_error(tmp_path: Path) -> None:
    for path in [str(tmp_path / "absent.toml"), str(tmp_path), "~no-such-user-here/v.toml",
                 f"{tmp_path}/a\0b"]:
        with pytest.raises(ConfigurationError, match="cannot read the credentials file"):
            FileCredentials(path).resolve("main")
    error = _error(_file_table('"a\\u0000b"'))
    assert error.key == "credentials_file"


# -- account names ---------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 63, 64])
def test_account_names_up_to_64_characters_are_accepted(length: int) -> None:
    name = "a" * length
    (parsed,) = parse_config(account_table(name)).accounts
    assert parsed.name == name
    assert AccountConfig(name, "alpha", CREDENTIALS).name == name


@pytest.mark.parametrize("name", ["a" * 65, "-lead", ".lead", "_lead", "a b", "a/b", "ä"])
def test_other_account_names_are_refused_in_the_file_and_in_python(name: str) -> None:
    error = _error(account_table(f'"{name}"'))
    assert "account name must be 1-64" in str(error)
    with pytest.raises(ConfigurationError, match="must be 1-64"):
        AccountConfig(name, "alpha", CREDENTIALS)


# -- network values --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "+inf"])
@pytest.mark.parametrize("key", ["connect_timeout", "pool_timeout", "keepalive_expiry", "deadline"])
def test_non_finite_network_numbers_are_refused_at_loading(value: str, key: str) -> None:
    error = _error(account_table(network=f"{{ {key} = {value} }}"))
    assert (error.account, error.key) == ("main", f"network.{key}")
    error = _error(f"[network]\n{key} = {value}\n")
    assert error.key == f"network.{key}"
    with pytest.raises(ConfigurationError, match=f"{key} must be a finite number") as caught:
        AccountConfig("main", "alpha", CREDENTIALS, network={key: float(value)}).http_settings(
            parse_config("").network
        )
    assert caught.value.key == "network"
