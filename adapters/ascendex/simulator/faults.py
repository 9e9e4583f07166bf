"""AscendEX faults: the shared fault kinds (:mod:`adapters.simkit.faults`), scoped to its routes.

A fault may be limited to a route by name (``cash/balance``, ``margin/risk``, ``info``...);
naming a route AscendEX does not serve is a mistake in the test, so it is refused.
"""

from __future__ import annotations

from adapters.ascendex.simulator.routes import route_names
from adapters.simkit.faults import ActiveFault, FaultError, FaultKind, FaultSet, Selection, spoil
from adapters.simkit.faults import Fault as _Fault

__all__ = ["ActiveFault", "Fault", "FaultError", "FaultKind", "FaultSet", "Selection", "spoil"]


class Fault(_Fault):
    """A fault rule whose ``route`` must be one of AscendEX's route names."""

    __slots__ = ()

    @classmethod
    def known_routes(cls) -> frozenset[str]:
        """AscendEX's route names."""
        return route_names()
