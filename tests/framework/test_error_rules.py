"""Every rule framework/errors.py documents, pinned: each test fails when its rule is broken."""

from __future__ import annotations

import re
import traceback
from typing import Final

import pytest

import framework.errors as errors_module
from framework.errors import (
    AccountStateError,
    AuthenticationError,
    BannedError,
    ClockSkewError,
    ConfigurationError,
    ExchangeError,
    ExchangeUnavailableError,
    FolioError,
    InvalidRequestError,
    InvalidResponseError,
    PermanentError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    TransientError,
    TransportError,
)

SECRET: Final = "s3cr3t-K7xQ2mZ9pL4v"


def _tree() -> list[tuple[str, str]]:
    """(class, parent) for each line of the hierarchy drawn in the module docstring."""
    doc = errors_module.__doc__ or ""
    parents: list[str] = []
    pairs: list[tuple[str, str]] = []
    for line in doc.splitlines():
        match = re.match(r"^( *)(?:[├└]── )?(\w+Error)\b", line.replace("│", " "))
        if match is None:
            continue
        depth = len(match.group(1)) // 4
        del parents[depth:]
        if parents:
            pairs.append((match.group(2), parents[-1]))
        parents.append(match.group(2))
    return pairs


def test_the_documented_hierarchy_is_the_real_one() -> None:
    pairs = _tree()
    assert len(pairs) >= 20
    for name, parent in pairs:
        cls, base = getattr(errors_module, name), getattr(errors_module, parent)
        assert cls.__bases__ == (base,), f"{name} should derive from {parent}"
    assert set(errors_module.__all__) == {name for name, _ in pairs} | {"FolioError"}


@pytest.mark.parametrize(
    ("kind", "retryable"),
    [
        (ExchangeError, False),  # a bare ExchangeError says nothing about a retry
        (PermanentError, False),
        (TransientError, True),
        (TransportError, True),
        (RequestTimeoutError, True),
        (RateLimitedError, True),
        (BannedError, True),  # retryable later; the retry policy itself never retries a ban
        (ExchangeUnavailableError, True),
        (AuthenticationError, False),
        (ClockSkewError, False),
        (PermissionDeniedError, False),
        (InvalidRequestError, False),
        (AccountStateError, False),
        (InvalidResponseError, False),
    ],
)
def test_retryable_is_pinned_per_class(kind: type[ExchangeError], retryable: bool) -> None:
    assert kind("x").retryable is retryable


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({}, "detail"),
        ({"exchange": "ascendex"}, "ascendex: detail"),
        ({"account": "main"}, "account 'main': detail"),
        ({"endpoint": "GET info"}, "GET info: detail"),
        ({"exchange": "ascendex", "endpoint": "GET info"}, "ascendex GET info: detail"),
        (
            {"exchange": "ascendex", "account": "main", "endpoint": "GET info"},
            "ascendex account 'main' GET info: detail",
        ),
    ],
)
def test_the_message_names_whatever_location_is_known(fields: dict[str, str], text: str) -> None:
    error = FolioError("detail", **fields)
    assert str(error) == text
    assert repr(error) == f"FolioError({text!r})"
    assert error.detail == "detail"
    shown = "".join(traceback.format_exception_only(error)).strip()
    assert shown == f"framework.errors.FolioError: {text}"


@pytest.mark.parametrize("field", ["exchange", "account", "endpoint"])
def test_located_never_overwrites_a_known_field(field: str) -> None:
    error = ExchangeError("x", exchange="binance", account="desk", endpoint="GET sapi")
    returned = error.located(**{field: "other"})
    assert returned is error
    assert (error.exchange, error.account, error.endpoint) == ("binance", "desk", "GET sapi")


@pytest.mark.parametrize("field", ["exchange", "account", "endpoint"])
def test_located_fills_each_unknown_field(field: str) -> None:
    error = FolioError("x")
    error.located(**{field: "here"})
    assert getattr(error, field) == "here"
    assert [f for f in ("exchange", "account", "endpoint") if getattr(error, f)] == [field]


def test_redact_removes_the_secret_from_everything_an_error_shows() -> None:
    error = AuthenticationError(
        f"Invalid API key {SECRET}",
        exchange="ascendex",
        account="main",
        reason=f"bad key {SECRET}",
        exchange_message=f"key {SECRET} unknown",
        code=200001,
    )
    assert error.redact(SECRET) is error
    assert error.args == ("Invalid API key ***",)
    assert error.detail == "Invalid API key ***"
    assert (error.reason, error.exchange_message) == ("bad key ***", "key *** unknown")
    shown = "".join(traceback.format_exception(error)) + repr(error) + repr(vars(error))
    assert SECRET not in shown
    assert error.code == 200001


def test_redact_on_a_plain_folio_error_scrubs_args_too() -> None:
    error = ConfigurationError(f"value {SECRET} and {SECRET[:6]}", key="k")
    error.redact(SECRET, SECRET[:6])
    assert error.args == ("value *** and ***",)
    assert SECRET[:6] not in str(error)


def test_an_empty_secret_redacts_nothing() -> None:
    error = ExchangeError("a b", reason="r", exchange_message="m")
    error.redact("", "b")
    assert (error.detail, error.args) == ("a ***", ("a ***",))
    assert (error.reason, error.exchange_message) == ("r", "m")


def test_redact_leaves_absent_exchange_words_absent() -> None:
    error = ExchangeError(f"x {SECRET}")
    error.redact(SECRET)
    assert (error.reason, error.exchange_message) == (None, None)


def test_exchange_errors_keep_what_the_exchange_said() -> None:
    error = InvalidResponseError(
        "bad", field="$.data[0].x", code="E1", reason="R", exchange_message="M", status=502,
        exchange="binance", account="a", endpoint="GET e",
    )
    assert (error.field, error.code, error.reason, error.exchange_message, error.status) == (
        "$.data[0].x", "E1", "R", "M", 502
    )
    assert str(error) == "binance account 'a' GET e: bad"
    limited = RateLimitedError("slow down", retry_after=2.5, status=429)
    assert (limited.retry_after, limited.status) == (2.5, 429)
    assert RateLimitedError("x").retry_after is None


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({}, "bad"),
        ({"path": "f.toml"}, "f.toml: bad"),
        ({"account": "main"}, "[accounts.main]: bad"),
        ({"key": "base_url"}, "key 'base_url': bad"),
        ({"path": "f.toml", "account": "main", "key": "k"}, "f.toml [accounts.main] key 'k': bad"),
    ],
)
def test_a_configuration_error_names_file_account_and_key(
    fields: dict[str, str], text: str
) -> None:
    error = ConfigurationError("bad", **fields)
    assert str(error) == text
    assert error.exchange is None
