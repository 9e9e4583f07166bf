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
    ("environ", "key", "variable"),
    [
        pytest.param({}, "api_key_env", "ALPHA_KEY", id="nothing-set"),
        pytest.param({"ALPHA_KEY": "", "ALPHA_SECRET": SECRET}, "api_key_env", "ALPHA_KEY",
                     id="empty-key"),
        pytest.param({"ALPHA_KEY": KEY}, "api_secret_env", "ALPHA_SECRET", id="no-secret"),
    ],
)
def test_a_missing_variable_is_a_configuration_error_naming_it(
    environ: dict[str, str], key: str, variable: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        EnvCredentials("ALPHA_KEY", "ALPHA_SECRET").resolve("main", environ)
    error = caught.value
    assert (error.account, error.key) == ("main", key)
    assert f"environment variable {variable} is not set" in str(error)
    assert str(error).startswith(f"[accounts.main] key {key!r}:")
    assert KEY not in str(error)
    assert SECRET not in str(error)


def test_static_credentials_are_returned_as_held(credentials: Credentials) -> None:
    assert StaticCredentials(credentials).resolve("main", {}) is credentials
