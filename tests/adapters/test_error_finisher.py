"""Errors leaving a client are located, and any credential the exchange echoed is scrubbed."""

from __future__ import annotations

import pytest

from adapters.runner import ErrorFinisher
from framework.credentials import Credentials
from framework.errors import AuthenticationError, FolioError

KEY, SECRET = "key-AbC123xyz", "secret-ZzZ987"


def raised(error: FolioError) -> FolioError:
    try:
        raise error
    except FolioError as exc:
        return exc


def locate(error: FolioError) -> None:
    error.located(exchange="x", account="main")


@pytest.mark.parametrize(
    "message", [f"Invalid API key {KEY}", f"bad signature for secret {SECRET}"]
)
def test_echoed_credentials_are_scrubbed_and_the_traceback_cut(message: str) -> None:
    finish = ErrorFinisher(locate, Credentials.from_strings(KEY, SECRET))
    error = raised(AuthenticationError(message, exchange_message=message, reason=message))
    assert isinstance(error, AuthenticationError)
    assert error.__traceback__ is not None
    finished = finish(error)
    assert finished is error
    assert (error.exchange, error.account) == ("x", "main")
    for text in (str(error), repr(error), error.exchange_message or "", error.reason or ""):
        assert KEY not in text
        assert SECRET not in text
        assert "***" in text
    assert error.__traceback__ is None  # frames below held the answer in their locals


def test_an_error_without_credentials_keeps_its_traceback() -> None:
    finish = ErrorFinisher(locate, Credentials.from_strings(KEY, SECRET))
    error = raised(AuthenticationError("API signature mismatch"))
    finish(error)
    assert error.__traceback__ is not None
    assert str(error) == "x account 'main': API signature mismatch"
