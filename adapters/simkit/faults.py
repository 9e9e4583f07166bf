"""Fault injection: the ways an exchange and the edge in front of it fail, on demand.

A :class:`Fault` says *what* goes wrong (its ``kind`` and parameters) and *when*: optionally
only for one route name, one API key (the ``x-auth-key`` header as sent: the edge cannot
verify it either) and one HTTP method; at most ``times`` times; with ``probability`` drawn
from a per-fault RNG seeded with ``seed``, so a failing test replays identically.

Kinds (each exchange's handler decides how an
error page or envelope looks for it):

* ``latency`` (``latency_ms``): the answer is delayed by an ``asyncio`` sleep, which never
  blocks other connections. Latency faults add up.
* ``clock_offset`` (``offset_ms``): the server clock reads ``offset_ms`` later for matching
  requests (timestamp window, ``Date`` header, server-time endpoint). Offsets add up.
* ``http_status`` (``status``, optional ``retry_after`` seconds, optional ``body``): an edge
  error page (AscendEX's: Cloudflare-like HTML for 429 and 5xx; ``Retry-After`` is sent only
  when configured).
* ``uri_limit`` (``limit``): request-targets longer than ``limit`` get 414; this lowers the
  server-wide limit for matching requests.
* ``method_not_allowed`` (needs ``method``): the route answers 405, as the edge did for
  routes not (or no longer) served with that method.
* ``json_error`` (``code``, optional ``message``/``reason``, ``status`` default 200): an
  exchange error envelope with any code, e.g. legacy ``{"code":6010,"message":"Not enough
  balance."}`` (``message``/``reason`` left out when not given).
* ``malformed_body`` (optional ``body``): a complete HTTP answer whose body is not valid
  JSON: ``body`` if given, else the first half of the real answer.
* ``truncated_body``: the real answer's headers with its full ``Content-Length``, half the
  body, then the connection closes.
* ``endless_body``: the real answer's status and headers, then a chunked body that starts like
  the real one and never ends: the server writes until the client hangs up (a client that
  buffers whole bodies grows without bound).
* ``oversize_body`` (optional ``length``, default 1 GiB): the real answer's headers with a
  ``Content-Length`` of ``length`` bytes, the real body, then the connection closes.
* ``connection_reset``: the request is read, then the TCP connection is reset (RST) with no
  answer at all.

Latency and clock offsets are modifiers and all apply; of the other kinds the first matching
fault, in the order they were added, decides the answer. Edge faults come before routing
checks of the origin (authentication included), like a proxy in front of the exchange.

JSON form (control endpoint ``POST /__simulator__/faults``): an object with ``kind`` and any
of the field names of :class:`Fault`, or a list of them, or ``{"faults": [...]}``::

    {"kind": "http_status", "status": 429, "retry_after": 2, "route": "cash/balance",
     "times": 3}
    {"kind": "latency", "latency_ms": 50, "probability": 0.5, "seed": 7}
    {"kind": "json_error", "code": 6010, "message": "Not enough balance."}
"""

from __future__ import annotations

import enum
import random
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any, Final, Self

from adapters.simkit.http11 import Response

__all__ = ["ActiveFault", "Fault", "FaultError", "FaultKind", "FaultSet", "Selection", "spoil"]


class FaultError(ValueError):
    """A fault definition is invalid (bad kind, missing or out-of-range parameter)."""


class FaultKind(enum.StrEnum):
    """What goes wrong; see the module docstring."""

    LATENCY = "latency"
    CLOCK_OFFSET = "clock_offset"
    HTTP_STATUS = "http_status"
    URI_LIMIT = "uri_limit"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    JSON_ERROR = "json_error"
    MALFORMED_BODY = "malformed_body"
    TRUNCATED_BODY = "truncated_body"
    ENDLESS_BODY = "endless_body"
    OVERSIZE_BODY = "oversize_body"
    CONNECTION_RESET = "connection_reset"


MODIFIERS: Final = frozenset({FaultKind.LATENCY, FaultKind.CLOCK_OFFSET})

OVERSIZE_LENGTH: Final = 1 << 30
"""The Content-Length an ``oversize_body`` fault declares by default (1 GiB)."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault rule. Prefer the class-method constructors, which name the parameters."""

    kind: FaultKind
    route: str | None = None
    """Route name (``info``, ``v2/account/info``, ``exchange-info``, ``cash/balance``,
    ``margin/balance``, ``margin/risk``); ``None`` = every request, unknown paths included."""
    api_key: str | None = None
    method: str | None = None
    times: int | None = None
    """Fire at most this many times, then retire; ``None`` = until cleared."""
    probability: float = 1.0
    seed: int = 0
    latency_ms: int = 0
    offset_ms: int = 0
    status: int | None = None
    retry_after: int | None = None
    code: int | None = None
    message: str | None = None
    reason: str | None = None
    body: str | None = None
    limit: int | None = None
    length: int | None = None
    """``oversize_body``: the Content-Length declared (default :data:`OVERSIZE_LENGTH`)."""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", FaultKind(self.kind))
        except ValueError:
            msg = f"unknown fault kind {self.kind!r}; one of {[k.value for k in FaultKind]}"
            raise FaultError(msg) from None
        known = self.known_routes()
        if self.route is not None and known is not None and self.route not in known:
            msg = f"unknown route {self.route!r}; one of {sorted(known)}"
            raise FaultError(msg)
        if self.method is not None:
            object.__setattr__(self, "method", self.method.upper())
        if self.times is not None and self.times < 1:
            msg = "times must be >= 1 (or None for unlimited)"
            raise FaultError(msg)
        if not 0.0 <= self.probability <= 1.0:
            msg = "probability must be within [0, 1]"
            raise FaultError(msg)
        self._check_parameters()

    def _check_parameters(self) -> None:
        kind = self.kind
        problem: str | None = None
        if kind is FaultKind.LATENCY and self.latency_ms <= 0:
            problem = "latency needs latency_ms > 0"
        elif kind is FaultKind.HTTP_STATUS and not (
            self.status is not None and 400 <= self.status <= 599
        ):
            problem = "http_status needs a status within 400..599"
        elif kind is FaultKind.URI_LIMIT and (self.limit is None or self.limit < 1):
            problem = "uri_limit needs limit >= 1"
        elif kind is FaultKind.METHOD_NOT_ALLOWED and self.method is None:
            problem = "method_not_allowed needs the method to reject"
        elif kind is FaultKind.JSON_ERROR and (
            self.code is None or not (self.status is None or 100 <= self.status <= 599)
        ):
            problem = "json_error needs a code (and an HTTP status within 100..599 if given)"
        elif kind is FaultKind.OVERSIZE_BODY and self.length is not None and self.length < 1:
            problem = "oversize_body needs length >= 1 (or none for 1 GiB)"
        elif self.retry_after is not None and self.retry_after < 0:
            problem = "retry_after must be >= 0 seconds"
        if problem:
            raise FaultError(problem)

    @classmethod
    def known_routes(cls) -> frozenset[str] | None:
        """Route names ``route`` may take (``None``: any); each exchange's ``Fault`` says."""
        return None

    # Constructors -------------------------------------------------------------------------

    @classmethod
    def latency(cls, latency_ms: int, **scope: Any) -> Self:
        """Delay matching answers by ``latency_ms``."""
        return cls(FaultKind.LATENCY, latency_ms=latency_ms, **scope)

    @classmethod
    def clock_offset(cls, offset_ms: int, **scope: Any) -> Self:
        """Shift the server clock by ``offset_ms`` for matching requests."""
        return cls(FaultKind.CLOCK_OFFSET, offset_ms=offset_ms, **scope)

    @classmethod
    def http_status(
        cls, status: int, *, retry_after: int | None = None, body: str | None = None,
        **scope: Any,
    ) -> Self:
        """An edge error page (429 rate limit, 502/521/524 origin trouble, ...)."""
        return cls(FaultKind.HTTP_STATUS, status=status, retry_after=retry_after, body=body,
                   **scope)

    @classmethod
    def rate_limited(cls, *, retry_after: int | None = None, **scope: Any) -> Self:
        """Cloudflare's HTTP 429 HTML page."""
        return cls.http_status(429, retry_after=retry_after, **scope)

    @classmethod
    def uri_limit(cls, limit: int, **scope: Any) -> Self:
        """414 for request-targets longer than ``limit``."""
        return cls(FaultKind.URI_LIMIT, limit=limit, **scope)

    @classmethod
    def method_not_allowed(cls, method: str, **scope: Any) -> Self:
        """405 for ``method`` (e.g. reject ``POST`` on ``margin/risk``)."""
        return cls(FaultKind.METHOD_NOT_ALLOWED, method=method, **scope)

    @classmethod
    def json_error(
        cls, code: int, message: str | None = None, reason: str | None = None, *,
        status: int | None = None, **scope: Any,
    ) -> Self:
        """An exchange error envelope with any ``code``."""
        return cls(FaultKind.JSON_ERROR, code=code, message=message, reason=reason,
                   status=status, **scope)

    @classmethod
    def malformed_body(cls, body: str | None = None, **scope: Any) -> Self:
        """A body that is not valid JSON (half the real one unless ``body`` is given)."""
        return cls(FaultKind.MALFORMED_BODY, body=body, **scope)

    @classmethod
    def truncated_body(cls, **scope: Any) -> Self:
        """Half the real body under the full Content-Length, then the connection closes."""
        return cls(FaultKind.TRUNCATED_BODY, **scope)

    @classmethod
    def endless_body(cls, **scope: Any) -> Self:
        """A chunked body that never ends (written until the client hangs up)."""
        return cls(FaultKind.ENDLESS_BODY, **scope)

    @classmethod
    def oversize_body(cls, length: int | None = None, **scope: Any) -> Self:
        """A ``Content-Length`` of ``length`` bytes (1 GiB by default) over the real body."""
        return cls(FaultKind.OVERSIZE_BODY, length=length, **scope)

    @classmethod
    def connection_reset(cls, **scope: Any) -> Self:
        """Reset the connection without answering."""
        return cls(FaultKind.CONNECTION_RESET, **scope)

    # JSON ---------------------------------------------------------------------------------

    @classmethod
    def from_json(cls, document: object) -> Self:
        """Build a fault from its JSON object form (see the module docstring)."""
        if not isinstance(document, Mapping):
            msg = "a fault must be a JSON object"
            raise FaultError(msg)
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(document) - set(known))
        if unknown:
            msg = f"unknown fault fields {unknown}; known: {sorted(known)}"
            raise FaultError(msg)
        if "kind" not in document:
            msg = "a fault needs a 'kind'"
            raise FaultError(msg)
        integers = {"times", "seed", "latency_ms", "offset_ms", "status", "retry_after",
                    "code", "limit", "length"}
        for name, value in document.items():
            if value is None and name != "kind":
                continue
            is_int = isinstance(value, int) and not isinstance(value, bool)
            if name in integers:
                ok = is_int
            elif name == "probability":
                ok = is_int or isinstance(value, float)
            else:
                ok = isinstance(value, str)
            if not ok:
                msg = f"fault field {name!r} has the wrong type: {value!r}"
                raise FaultError(msg)
        return cls(**document)

    def to_json(self) -> dict[str, Any]:
        """The JSON object form, without fields left at their defaults."""
        result: dict[str, Any] = {"kind": self.kind.value}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name != "kind" and value != item.default:
                result[item.name] = value
        return result


@dataclass(frozen=True, slots=True)
class ActiveFault:
    """A fault as currently installed: its id and how often it may still fire."""

    id: int
    fault: Fault
    remaining: int | None
    fired: int


@dataclass(frozen=True, slots=True)
class Selection:
    """What the faults decided for one request."""

    latency_ms: int = 0
    offset_ms: int = 0
    terminal: Fault | None = None


NO_FAULTS: Final = Selection()


class _Entry:
    __slots__ = ("fault", "fired", "id", "remaining", "rng")

    def __init__(self, entry_id: int, fault: Fault) -> None:
        self.id = entry_id
        self.fault = fault
        self.remaining = fault.times
        self.fired = 0
        self.rng = random.Random(fault.seed)  # noqa: S311 - determinism, not secrecy

    def matches(self, route: str | None, api_key: str | None, method: str) -> bool:
        fault = self.fault
        return (
            (fault.route is None or fault.route == route)
            and (fault.api_key is None or fault.api_key == api_key)
            and (fault.method is None or fault.method == method)
        )

    def roll(self) -> bool:
        """Decide whether a matching fault fires now, and count it if it does."""
        if self.fault.probability < 1.0 and self.rng.random() >= self.fault.probability:
            return False
        self.fired += 1
        if self.remaining is not None:
            self.remaining -= 1
        return True


class FaultSet:
    """The installed faults of one running server; safe to change from any thread.

    The event loop consults it once per request under a lock held for microseconds, so
    tests can add and clear faults from the main thread while requests are in flight.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[_Entry] = []
        self._next_id = 1

    def add(self, fault: Fault) -> int:
        """Install ``fault``; returns its id (for :meth:`remove`)."""
        with self._lock:
            entry = _Entry(self._next_id, fault)
            self._next_id += 1
            self._entries.append(entry)
            return entry.id

    def extend(self, faults: Iterable[Fault]) -> list[int]:
        """Install several faults in order."""
        return [self.add(fault) for fault in faults]

    @contextmanager
    def installed(self, fault: Fault) -> Iterator[int]:
        """``fault`` installed for the span of a ``with`` (its id bound by ``as``).

        What a conformance target's ``inject`` stages per scenario (framework/testing/contract.py).
        """
        fault_id = self.add(fault)
        try:
            yield fault_id
        finally:
            self.remove(fault_id)

    def remove(self, fault_id: int) -> bool:
        """Uninstall one fault; ``False`` if it was not (or no longer) installed."""
        with self._lock:
            before = len(self._entries)
            self._entries = [e for e in self._entries if e.id != fault_id]
            return len(self._entries) != before

    def clear(self) -> int:
        """Uninstall every fault; returns how many were installed."""
        with self._lock:
            count = len(self._entries)
            self._entries = []
            return count

    def active(self) -> list[ActiveFault]:
        """The installed faults, in evaluation order."""
        with self._lock:
            return [ActiveFault(e.id, e.fault, e.remaining, e.fired) for e in self._entries]

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def select(
        self, *, route: str | None, api_key: str | None, method: str, target_length: int
    ) -> Selection:
        """Decide the faults for one request (consuming ``times`` of those that fire)."""
        with self._lock:
            if not self._entries:
                return NO_FAULTS
            latency = offset = 0
            terminal: Fault | None = None
            for entry in self._entries:
                fault = entry.fault
                if not entry.matches(route, api_key, method):
                    continue
                if fault.kind in MODIFIERS:
                    if entry.roll():
                        latency += fault.latency_ms
                        offset += fault.offset_ms
                    continue
                if terminal is not None:
                    continue
                if fault.kind is FaultKind.URI_LIMIT and target_length <= (fault.limit or 0):
                    continue
                if entry.roll():
                    terminal = fault
            self._entries = [e for e in self._entries if e.remaining != 0]
            return Selection(latency, offset, terminal)


def spoil(response: Response, fault: Fault) -> Response:
    """Apply a body fault to a real answer.

    ``truncated_body`` cuts it on the wire, ``endless_body`` and ``oversize_body`` make it
    endless or declare it huge there; the other kinds replace the body with ``fault.body`` or,
    without one, with its first half.
    """
    if fault.kind is FaultKind.TRUNCATED_BODY:
        response.truncate = True
    elif fault.kind is FaultKind.ENDLESS_BODY:
        response.endless = True
    elif fault.kind is FaultKind.OVERSIZE_BODY:
        response.declared_length = fault.length or OVERSIZE_LENGTH
        response.close = True
    elif fault.body is not None:
        response.body = fault.body.encode("utf-8")
    else:
        response.body = response.body[: len(response.body) // 2]
    return response
