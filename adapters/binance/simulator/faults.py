"""Fault injection for the Binance simulator: the AscendEX simulator's fault engine, reused.

The kinds, their parameters, their JSON form and the matching rules (route, API key, method,
``times``, seeded ``probability``) are those of :mod:`adapters.simkit.faults`, which
knows nothing exchange-specific but the route names; :class:`Fault` only says which routes
exist here (``account``, ``margin/account``, ``time``, ``exchange-info``, ``ticker/price``)
and adds Binance's ban. What each kind *answers* is Binance's (see :mod:`.handler`):

* ``http_status`` 429: ``{"code":-1003,"msg":"Too much request weight used; ..."}`` with
  ``Retry-After`` when configured; 418: the IP-ban answer, ``"... IP banned until <ms>"``;
  500/503: ``{"code":-1001,...}``; 502/504 and 403: an HTML page from the CDN or firewall;
* ``json_error``: ``{"code":<code>,"msg":<message>}`` with HTTP ``status`` (default 400);
* ``latency``, ``clock_offset``, ``malformed_body``, ``truncated_body``, ``connection_reset``,
  ``uri_limit`` and ``method_not_allowed`` behave as for AscendEX.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from adapters.binance.simulator.routes import route_names
from adapters.simkit.faults import Fault as _GenericFault
from adapters.simkit.faults import FaultError, FaultKind, FaultSet

__all__ = ["Fault", "FaultError", "FaultKind", "FaultSet"]


@dataclass(frozen=True, slots=True)
class Fault(_GenericFault):
    """One fault rule on the Binance simulator's routes."""

    @classmethod
    def known_routes(cls) -> frozenset[str]:
        """``account``, ``margin/account``, ``time``, ``exchange-info``, ``ticker/price``."""
        return route_names()

    @classmethod
    def banned(cls, *, retry_after: int | None = None, **scope: Any) -> Self:
        """HTTP 418: the IP is banned for going on after 429s; ``retry_after`` seconds left."""
        return cls.http_status(418, retry_after=retry_after, **scope)
