"""Secrets never show themselves; environment credentials name what is missing, not values."""

from __future__ import annotations

import json
import logging
import pickle

import pytest

from framework.config import AccountConfig, EnvCredentials, StaticCredentials
from framework.credentials import Credentials, Secret
from framework.errors import ConfigurationError

KEY = "AKIA-very-visible-key"
SECRET = "s3cr3t-signing-secret"


@pytest.fixture
def credentials() -> Credentials:
    return Credentials.from_strings(KEY, SECRET)


def test_a_secret_shows_only_a_placeholder() -> None:
    secret = Secret(SECRET)
    shown = [repr(secret), str(secret), f"{secret}", f"{secret:>30}", "%s" % secret]  # noqa: UP031
    assert shown == ["Secret('***')", "***", "***", "***", "***"]
    assert secret.reveal() == SECRET


def test_containers_of_secrets_do_not_show_them(credentials: Credentials) -> None:
    account = AccountConfig("main", "alpha", StaticCredentials(credentials))
    static = StaticCredentials(credentials)
    for text in [repr(credentials), str(credentials), repr(account), repr(static)]:
        assert KEY not in text
        assert SECRET not in text
    assert "Secret('***')" in repr(credentials)


def test_a_secret_in_a_log_line_is_masked(
    credentials: Credentials, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        log = logging.getLogger("folio.test")
        log.info("signing with %s and %r", credentials.api_secret, credentials)
    assert SECRET not in caplog.text
    assert "signing with ***" in caplog.text


def test_a_secret_refuses_pickle_and_json(credentials: Credentials) -> None:
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(credentials)
    with pytest.raises(TypeError, match="not JSON serializable"):
        json.dumps({"secret": credentials.api_secret})


def test_secrets_compare_by_value() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert hash(Secret("a")) == hash(Secret("a"))
    assert Secret("a") != "a"
    assert not Secret("")
    assert Secret("x")


def test_a_secret_holds_text_only() -> None:
    with pytest.raises(TypeError, match="a Secret holds a str, got bytes"):
        Secret(b"raw-bytes")  # type: ignore[arg-type]


def test_environment_credentials_are_read_when_resolved(monkeypatch: pytest.MonkeyPatch) -> None:
    source = EnvCredentials("ALPHA_KEY", "ALPHA_SECRET")
    monkeypatch.setenv("ALPHA_KEY", KEY)
    monkeypatch.setenv("ALPHA_SECRET", SECRET)
    assert source.resolve("main") == Credentials.from_strings(KEY, SECRET)
    explicit = source.resolve("main", {"ALPHA_KEY": "k2", "ALPHA_SECRET": "s2"})
    assert explicit.api_key.reveal() == "k2"
    assert KEY not in repr(source)


@pytest.mark.parametrize(
    ("environ", "key", "variable", "state"),
    [
        pytest.param({}, "api_key_env", "ALPHA_KEY", "is not set", id="nothing-set"),
        pytest.param({"ALPHA_KEY": "", "ALPHA_SECRET": SECRET}, "api_key_env", "ALPHA_KEY",
                     "is set but empty", id="empty-key"),
        pytest.param({"ALPHA_KEY": KEY}, "api_secret_env", "ALPHA_SECRET", "is not set",
                     id="no-secret"),
        pytest.param({"ALPHA_KEY": KEY, "ALPHA_SECRET": ""}, "api_secret_env", "ALPHA_SECRET",
                     "is set but empty", id="empty-secret"),
    ],
)
def test_a_missing_variable_is_a_configuration_error_naming_it(
    environ: dict[str, str], key: str, variable: str, state: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        EnvCredentials("ALPHA_KEY", "ALPHA_SECRET").resolve("main", environ)
    error = caught.value
    assert (error.account, error.key) == ("main", key)
    assert f"environment variable {variable} {state} (it should hold the API" in str(error)
    assert str(error).startswith(f"[accounts.main] key {key!r}:")
    assert KEY not in str(error)
    assert SECRET not in str(error)


def test_static_credentials_are_returned_as_held(credentials: Credentials) -> None:
    assert StaticCredentials(credentials).resolve("main", {}) is credentials


@pytest.mark.parametrize("quote", ['"', "'"])
@pytest.mark.parametrize("key", ["api_key_env", "api_secret_env"])
def test_a_key_or_secret_in_quotes_is_refused_without_showing_it(quote: str, key: str) -> None:
    """``export X='"abc"'`` or a .env line read with its quotes: refused before any request."""
    environ = {"ALPHA_KEY": KEY, "ALPHA_SECRET": SECRET}
    variable = "ALPHA_KEY" if key == "api_key_env" else "ALPHA_SECRET"
    environ[variable] = f"{quote}{environ[variable]}{quote}"
    with pytest.raises(ConfigurationError) as caught:
        EnvCredentials("ALPHA_KEY", "ALPHA_SECRET").resolve("main", environ)
    error = caught.value
    assert (error.account, error.key) == ("main", key)
    assert f"in environment variable {variable} is wrapped in quotes" in str(error)
    assert "give the value without them" in str(error)
    assert KEY not in str(error)
    assert SECRET not in str(error)


def test_quotes_inside_a_value_and_around_a_passphrase_are_kept() -> None:
    """Only matching quotes at both ends of an issued value are a copying accident."""
    environ = {"K": 'ab"cd', "S": "'secret", "P": '"my pass phrase"'}
    resolved = EnvCredentials("K", "S", "P").resolve("main", environ)
    assert resolved.api_key.reveal() == 'ab"cd'
    assert resolved.api_secret.reveal() == "'secret"
    assert resolved.api_passphrase is not None
    assert resolved.api_passphrase.reveal() == '"my pass phrase"'
