"""Fault injection for the OKX simulator: the shared fault engine (:mod:`adapters.simkit.faults`).

What each kind *answers* is OKX's (see :mod:`.handler`): ``http_status`` 429 is
``{"code":"50011","msg":"Too Many Requests","data":[]}`` (with ``Retry-After`` when
configured), 503 ``50001``, 500 and other 5xx ``50026``, 502/504/403 an HTML page from the
edge; ``json_error`` is ``{"code":"<code>","msg":<message>,"data":[]}`` with HTTP ``status``
(default 200, as OKX sends most business errors); the body and connection kinds behave as on
the other simulators.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.simkit.faults import Fault as _GenericFault
from adapters.simkit.faults import FaultError, FaultKind, FaultSet

__all__ = ["ROUTE_NAMES", "Fault", "FaultError", "FaultKind", "FaultSet"]

ROUTE_NAMES = frozenset({"account/config", "account/balance", "account/positions",
                         "asset/currencies", "market/tickers", "market/ticker",
                         "public/instruments", "public/time"})


@dataclass(frozen=True, slots=True)
class Fault(_GenericFault):
    """One fault rule on the OKX simulator's routes."""

    @classmethod
    def known_routes(cls) -> frozenset[str]:
        """The route names of :mod:`.handler`."""
        return ROUTE_NAMES
