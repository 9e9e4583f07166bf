"""The error hierarchy: located one-line messages and the retryable/permanent split."""

from __future__ import annotations

import pytest

from framework.errors import (
    AccountStateError,
    AuthenticationError,
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


def test_an_error_names_where_it_happened() -> None:
    error = AuthenticationError(
        "API signature mismatch", exchange="ascendex", account="main", endpoint="GET cash/balance"
    )
    assert str(error) == "ascendex account 'main' GET cash/balance: API signature mismatch"
    assert repr(error) == f"AuthenticationError({str(error)!r})"
    assert str(FolioError("nothing known")) == "nothing known"


def test_located_fills_only_what_is_unknown() -> None:
    error = InvalidResponseError("not a decimal", field="$.data[0].totalBalance", endpoint="GET x")
    assert error.located(exchange="alpha", account="main", endpoint="GET y") is error
    assert (error.exchange, error.account, error.endpoint) == ("alpha", "main", "GET x")
    error.located(account="other")
    assert error.account == "main"


def test_a_configuration_error_names_file_account_and_key() -> None:
    error = ConfigurationError("unknown key", path="folio.toml", account="main", key="api_secret")
    assert str(error) == "folio.toml [accounts.main] key 'api_secret': unknown key"
    assert str(ConfigurationError("bad", key="plugins.strict")) == "key 'plugins.strict': bad"


@pytest.mark.parametrize(
    ("kind", "retryable"),
    [
        (TransportError, True),
        (RequestTimeoutError, True),
        (RateLimitedError, True),
        (ExchangeUnavailableError, True),
        (AuthenticationError, False),
        (ClockSkewError, False),
        (PermissionDeniedError, False),
        (InvalidRequestError, False),
        (AccountStateError, False),
        (InvalidResponseError, False),
    ],
)
def test_errors_split_by_what_the_caller_can_do(
    kind: type[ExchangeError], retryable: bool
) -> None:
    error = kind("x", code=100, exchange_message="raw text", status=503)
    assert error.retryable is retryable
    assert isinstance(error, TransientError if retryable else PermanentError)
    assert (error.code, error.exchange_message, error.status) == (100, "raw text", 503)
