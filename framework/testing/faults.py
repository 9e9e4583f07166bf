"""Faults a host's test suite stages on a simulator, described without naming an exchange.

A simulator that serves the control routes (docs/testing.md, "Testing a host") takes faults as
JSON objects: a ``kind``, the kind's parameters and an optional scope. This module is that JSON
written as a typed value, so a host stages "the next read is throttled" the same way on every
exchange, and the simulator (which knows the exchange) answers the way that exchange would.
The kinds and what folio reports for each are the table in docs/testing.md; the simulator
checks every field and refuses an unknown kind or route with HTTP 400, which the kit raises as
:class:`framework.testing.control.SimulatorControlError`.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

__all__ = ["SimulatorFault", "SimulatorFaultKind"]


class SimulatorFaultKind(enum.StrEnum):
    """What goes wrong; the names are the simulators' JSON ``kind`` values."""

    LATENCY = "latency"
    CLOCK_OFFSET = "clock_offset"
    HTTP_STATUS = "http_status"
    JSON_ERROR = "json_error"
    MALFORMED_BODY = "malformed_body"
    TRUNCATED_BODY = "truncated_body"
    ENDLESS_BODY = "endless_body"
    OVERSIZE_BODY = "oversize_body"
    CONNECTION_RESET = "connection_reset"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    URI_LIMIT = "uri_limit"


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 1:
        msg = f"{attribute.name} must be at least 1 (or None), not {value}"
        raise ValueError(msg)


@attrs.frozen(slots=True)
class SimulatorFault:
    """One fault rule for a simulator's ``POST /__simulator__/faults``.

    ``times`` bounds how often it fires (``None``: until cleared). ``route`` limits it to one
    of the exchange's route names (they differ per exchange: its docs/exchanges/ page lists
    them) and ``api_key`` to one account's requests; both ``None`` means every request, which
    is what an exchange-neutral test wants. ``parameters`` are the kind's own fields
    (``status``, ``retry_after``, ``latency_ms``...) and any other field the simulators take
    (``method``, ``probability``, ``seed``), sent as they are.
    """

    kind: SimulatorFaultKind = attrs.field(converter=SimulatorFaultKind)
    parameters: dict[str, int | float | str] = attrs.field(factory=dict)
    times: int | None = attrs.field(default=None, validator=_positive)
    route: str | None = None
    api_key: str | None = attrs.field(default=None, repr=False)

    # The kinds a host stages most ---------------------------------------------------------

    @classmethod
    def rate_limited(
        cls, *, retry_after: int | None = None, times: int | None = None
    ) -> SimulatorFault:
        """HTTP 429 as the exchange sends it; folio reports ``RateLimitedError``."""
        return cls.http_status(429, retry_after=retry_after, times=times)

    @classmethod
    def unavailable(cls, status: int = 503, *, times: int | None = None) -> SimulatorFault:
        """A 5xx answer from the exchange or its edge: ``ExchangeUnavailableError``."""
        return cls.http_status(status, times=times)

    @classmethod
    def http_status(
        cls, status: int, *, retry_after: int | None = None, times: int | None = None
    ) -> SimulatorFault:
        """Any error status (400..599) in the exchange's own form."""
        parameters: dict[str, int | float | str] = {"status": status}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        return cls(SimulatorFaultKind.HTTP_STATUS, parameters, times=times)

    @classmethod
    def malformed_body(
        cls, body: str | None = None, *, times: int | None = None
    ) -> SimulatorFault:
        """A complete answer whose body is not the exchange's JSON.

        The body is ``body``, or half the real one; folio reports ``InvalidResponseError``
        naming the field.
        """
        parameters: dict[str, int | float | str] = {} if body is None else {"body": body}
        return cls(SimulatorFaultKind.MALFORMED_BODY, parameters, times=times)

    @classmethod
    def truncated_body(cls, *, times: int | None = None) -> SimulatorFault:
        """Half the body under its full ``Content-Length``, then the connection closes."""
        return cls(SimulatorFaultKind.TRUNCATED_BODY, times=times)

    @classmethod
    def connection_reset(cls, *, times: int | None = None) -> SimulatorFault:
        """The connection is reset without an answer; folio reports ``TransportError``."""
        return cls(SimulatorFaultKind.CONNECTION_RESET, times=times)

    @classmethod
    def latency(cls, latency_ms: int, *, times: int | None = None) -> SimulatorFault:
        """Every matching answer comes ``latency_ms`` later (latencies add up)."""
        return cls(SimulatorFaultKind.LATENCY, {"latency_ms": latency_ms}, times=times)

    @classmethod
    def clock_offset(cls, offset_ms: int, *, times: int | None = None) -> SimulatorFault:
        """The exchange's clock reads ``offset_ms`` later for matching requests."""
        return cls(SimulatorFaultKind.CLOCK_OFFSET, {"offset_ms": offset_ms}, times=times)

    def to_json(self) -> dict[str, Any]:
        """The JSON object the control route takes."""
        document: dict[str, Any] = {"kind": self.kind.value, **self.parameters}
        scope = {"times": self.times, "route": self.route, "api_key": self.api_key}
        document.update({name: value for name, value in scope.items() if value is not None})
        return document
