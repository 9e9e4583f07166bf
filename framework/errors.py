"""One error hierarchy for every exchange, split by what the caller can do about it.

::

    FolioError
    ├── ConfigurationError            fix the config file or the environment
    ├── PluginError                   a plugin is broken
    │   ├── PluginLoadError           it failed to import or register (strict mode)
    │   └── PluginContractError       it returned something the hook spec does not allow
    ├── UnknownAccountError           no account of that name is configured
    ├── OutOfMemoryError              the process ran out of memory reading an account
    ├── RecursionLimitError           a read nested deeper than Python's recursion limit
    ├── ReadCancelledError            a read was cancelled by something other than the host
    ├── UnsupportedError              nothing installed can serve the request
    │   ├── UnknownExchangeError
    │   └── UnsupportedCapabilityError
    └── ExchangeError                 the exchange (or the way to it) failed; has .code etc.
        ├── TransientError            worth retrying later, unchanged
        │   ├── TransportError        connection refused / reset / protocol garbage
        │   ├── RequestTimeoutError
        │   ├── RateLimitedError      .retry_after seconds when the exchange said so
        │   │   └── BannedError       banned for a while: never retried
        │   └── ExchangeUnavailableError   5xx, maintenance
        └── PermanentError            retrying the same request cannot help
            ├── AuthenticationError   bad key, bad signature, expired key
            │   └── ClockSkewError    the request's timestamp is outside the exchange's window
            ├── PermissionDeniedError key lacks a permission, account restricted
            ├── InvalidRequestError   the exchange rejected our parameters
            ├── AccountStateError     the exchange cannot find or use the account
            └── InvalidResponseError  the answer does not match the schema; .field names where
                └── BodyTooLargeError the body passed max_body_bytes; .limit

Every error carries ``exchange``, ``account`` and ``endpoint`` when they are known, and its
message says them, so a log line from a fan-out over 200 accounts points at the one that broke.
No error ever holds a credential: messages are built from names, codes and field paths, never
from request headers. Plugins raise only these classes, so a host handles every exchange alike.
"""

from __future__ import annotations

from typing import TypedDict, Unpack

__all__ = [
    "AccountStateError",
    "AuthenticationError",
    "BannedError",
    "BodyTooLargeError",
    "ClockSkewError",
    "ConfigurationError",
    "ExchangeError",
    "ExchangeUnavailableError",
    "FolioError",
    "InvalidRequestError",
    "InvalidResponseError",
    "OutOfMemoryError",
    "PermanentError",
    "PermissionDeniedError",
    "PluginContractError",
    "PluginError",
    "PluginLoadError",
    "RateLimitedError",
    "ReadCancelledError",
    "RecursionLimitError",
    "RequestTimeoutError",
    "TransientError",
    "TransportError",
    "UnknownAccountError",
    "UnknownExchangeError",
    "UnsupportedCapabilityError",
    "UnsupportedError",
]


class FolioError(Exception):
    """Base of every error folio raises on purpose.

    ``detail`` is the human sentence; ``exchange``, ``account`` and ``endpoint`` locate it.
    ``str(error)`` joins them into one line, e.g.
    ``ascendex account 'main' GET cash/balance: API signature mismatch``.
    """

    def __init__(
        self,
        detail: str,
        *,
        exchange: str | None = None,
        account: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.exchange = exchange
        self.account = account
        self.endpoint = endpoint

    @property
    def location(self) -> str:
        """Where the error happened, e.g. ``ascendex account 'main' GET cash/balance``."""
        parts: list[str] = []
        if self.exchange:
            parts.append(self.exchange)
        if self.account:
            parts.append(f"account {self.account!r}")
        if self.endpoint:
            parts.append(self.endpoint)
        return " ".join(parts)

    def __str__(self) -> str:
        where = self.location
        return f"{where}: {self.detail}" if where else self.detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def located(
        self,
        *,
        exchange: str | None = None,
        account: str | None = None,
        endpoint: str | None = None,
    ) -> FolioError:
        """Fill in location fields that are still unknown; returns ``self`` for ``raise``.

        Lower layers (a converter, a signer) know the field but not the account; the layer that
        knows the account completes the error on its way up instead of wrapping it.
        """
        self.exchange = self.exchange or exchange
        self.account = self.account or account
        self.endpoint = self.endpoint or endpoint
        return self

    def redact(self, *secrets: str) -> FolioError:
        """Replace each of ``secrets`` with ``***`` wherever this error quotes text.

        folio never puts a credential into an error, but an exchange may echo one back in its
        own message ("Invalid API key <key>"); the layer that holds the credentials calls this
        before the error leaves it. Returns ``self`` for ``raise``.
        """
        self.detail = _scrub(self.detail, secrets)
        self.args = tuple(_scrub(a, secrets) if isinstance(a, str) else a for a in self.args)
        return self


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class ConfigurationError(FolioError):
    """The configuration is wrong: names the file, the account and the key when known."""

    def __init__(
        self,
        detail: str,
        *,
        path: str | None = None,
        account: str | None = None,
        key: str | None = None,
    ) -> None:
        self.path = path
        self.key = key
        super().__init__(detail, account=account)

    @property
    def location(self) -> str:
        parts: list[str] = []
        if self.path:
            parts.append(self.path)
        if self.account:
            parts.append(f"[accounts.{self.account}]")
        if self.key:
            parts.append(f"key {self.key!r}")
        return " ".join(parts)


class PluginError(FolioError):
    """A plugin is broken; the message names the plugin and its distribution."""


class PluginLoadError(PluginError):
    """A plugin could not be imported or registered (raised in strict mode only)."""


class PluginContractError(PluginError):
    """A plugin's hook returned something its specification does not allow."""


class UnknownAccountError(FolioError):
    """The host asked for an account name that is not configured."""


class OutOfMemoryError(FolioError):
    """The process ran out of memory while reading one account (a ``MemoryError`` there).

    Not a plugin bug and not an exchange's answer: the host reports it for that account, and
    a fan-out still reports the others, since the memory the read held is free again once the
    error has left it. Not retried. The ``MemoryError`` is the ``__cause__``.
    """


class RecursionLimitError(FolioError):
    """A read went deeper than Python's recursion limit (a ``RecursionError`` there).

    Not labelled a plugin bug: the interpreter raised it, and the cause may as well be an
    answer nested too deeply for a parser as code that recurses without end. Reported for that
    account only; not retried. The ``RecursionError`` is the ``__cause__``.
    """


class ReadCancelledError(FolioError):
    """A read ended in ``asyncio.CancelledError`` although the host did not cancel its call.

    Something the read waited on was cancelled (a shared read whose own caller was cancelled,
    a task the plugin started): for the host this is that account's failure, not a
    cancellation of the whole fan-out, which would hide every other account's result. Reading
    again may succeed. A cancellation the host asked for still propagates as
    ``CancelledError``.
    """


class UnsupportedError(FolioError):
    """No installed plugin serves what was asked; the message lists what is installed."""


class UnknownExchangeError(UnsupportedError):
    """No installed plugin serves this exchange."""


class UnsupportedCapabilityError(UnsupportedError):
    """The exchange's plugin does not offer this capability (e.g. margin risk)."""


class ExchangeContext(TypedDict, total=False):
    """Keyword arguments every :class:`ExchangeError` accepts (see its docstring)."""

    exchange: str | None
    account: str | None
    endpoint: str | None
    code: int | str | None
    reason: str | None
    exchange_message: str | None
    status: int | None


class ExchangeError(FolioError):
    """The exchange, or the network path to it, did not give a usable answer.

    ``code``, ``reason`` and ``exchange_message`` keep what the exchange said, verbatim, for
    codes folio does not know; ``status`` is the HTTP status when there was one.
    """

    def __init__(
        self,
        detail: str,
        *,
        exchange: str | None = None,
        account: str | None = None,
        endpoint: str | None = None,
        code: int | str | None = None,
        reason: str | None = None,
        exchange_message: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(detail, exchange=exchange, account=account, endpoint=endpoint)
        self.code = code
        self.reason = reason
        self.exchange_message = exchange_message
        self.status = status

    @property
    def retryable(self) -> bool:
        """Whether sending the same request again later may succeed."""
        return isinstance(self, TransientError)

    def redact(self, *secrets: str) -> ExchangeError:
        """Also scrub the exchange's own words (see :meth:`FolioError.redact`)."""
        super().redact(*secrets)
        if self.exchange_message is not None:
            self.exchange_message = _scrub(self.exchange_message, secrets)
        if self.reason is not None:
            self.reason = _scrub(self.reason, secrets)
        return self


class TransientError(ExchangeError):
    """A failure that may go away if the same request is sent again later."""


class TransportError(TransientError):
    """The connection failed: refused, reset, or the peer spoke broken HTTP."""


class RequestTimeoutError(TransientError):
    """No complete answer arrived in time."""


class RateLimitedError(TransientError):
    """The exchange throttled us; ``retry_after`` is its advice in seconds, when it gave one."""

    def __init__(
        self,
        detail: str,
        *,
        retry_after: float | None = None,
        **context: Unpack[ExchangeContext],
    ) -> None:
        super().__init__(detail, **context)
        self.retry_after = retry_after


class BannedError(RateLimitedError):
    """The exchange banned this IP address or key for a while (e.g. Binance's HTTP 418).

    Never retried by folio: every early request is refused again and, on some exchanges,
    lengthens the ban. ``retry_after`` says how long, when the exchange said so.
    """


class ExchangeUnavailableError(TransientError):
    """The exchange answered with a server error or is under maintenance."""


class PermanentError(ExchangeError):
    """Sending the same request again cannot succeed; something must change first."""


class AuthenticationError(PermanentError):
    """The exchange did not accept our credentials (key, signature, expiry or timestamp)."""


class ClockSkewError(AuthenticationError):
    """The exchange rejected the request's timestamp: the local clock is too far off.

    Permanent for the same request (its signed timestamp cannot change), but a new request
    signed with a corrected clock succeeds.
    """


class PermissionDeniedError(PermanentError):
    """The credentials are valid but lack a permission the request needs."""


class InvalidRequestError(PermanentError):
    """The exchange rejected the request's parameters or route."""


class AccountStateError(PermanentError):
    """The exchange cannot find or use the account (wrong account group, not set up)."""


class InvalidResponseError(PermanentError):
    """The response does not match the documented schema.

    ``field`` is the JSON path of the offending value (``$.data[1].availableBalance``) when a
    single field is to blame; the message lists every problem found. ``garbled`` is true when
    the body could not be read at all (not JSON, cut short): reads are idempotent and a re-read
    is validated again, so such an answer is :attr:`retryable` (re-read within the retry
    policy), while a well-formed answer that fails the schema is not (docs/reliability.md).
    """

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        garbled: bool = False,
        **context: Unpack[ExchangeContext],
    ) -> None:
        super().__init__(detail, **context)
        self.field = field
        self.garbled = garbled

    @property
    def retryable(self) -> bool:
        """Only a garbled answer is worth reading again (see the class docstring)."""
        return self.garbled


class BodyTooLargeError(InvalidResponseError):
    """The answer's body is larger than ``max_body_bytes``; it was refused while being read.

    Not retried: the next answer of the same endpoint would be as large, and reading it again
    costs the memory the bound protects (docs/reliability.md). ``limit`` is the bound in bytes.
    """

    def __init__(self, detail: str, *, limit: int, endpoint: str | None = None) -> None:
        super().__init__(detail, field="$", endpoint=endpoint)
        self.limit = limit
