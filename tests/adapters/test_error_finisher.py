"""Errors leaving a client are located, and any credential the exchange echoed is scrubbed."""

from __future__ import annotations

import traceback

import pytest

from adapters.kit.client import ErrorFinisher
from framework.credentials import Credentials
from framework.errors import AuthenticationError, FolioError

KEY, SECRET = "key-AbC123xyz", "secret-ZzZ987"


def raised(error: FolioError) -> FolioError:
    try:
        raise error
    except FolioError as exc:
        return exc


@pytest.mark.parametrize(
    "message", [f"Invalid API key {KEY}", f"bad signature for secret {SECRET}"]
)
def test_echoed_credentials_are_scrubbed_and_the_traceback_cut(message: str) -> None:
    finish = ErrorFinisher("x", "main", Credentials.from_strings(KEY, SECRET))
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
    finish = ErrorFinisher("x", "main", Credentials.from_strings(KEY, SECRET))
    error = raised(AuthenticationError("API signature mismatch"))
    finish(error)
    assert error.__traceback__ is not None
    assert str(error) == "x account 'main': API signature mismatch"


def test_the_chained_cause_and_the_finished_frames_locals_are_dropped() -> None:
    def below(signed_query: str) -> None:  # a frame holding the signed request, as the sender's
        try:
            raise OSError("reset")
        except OSError as exc:
            raise AuthenticationError("API signature mismatch") from exc

    try:
        below(f"signature={SECRET}")
    except AuthenticationError as exc:
        error = exc
    finished = ErrorFinisher("x", "main", Credentials.from_strings(KEY, SECRET))(error)
    assert (finished.__cause__, finished.__context__) == (None, None)
    assert finished.__suppress_context__
    frames = [frame for frame, _ in traceback.walk_tb(finished.__traceback__)]
    assert frames  # the traceback stays (file and line, for debugging) ...
    assert all("signed_query" not in frame.f_locals for frame in frames)  # ... its locals go
