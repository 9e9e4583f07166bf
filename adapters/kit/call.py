"""What one request carries besides its bytes: the typed seam between protocol and sender.

An adapter's protocol builds each request as a :class:`Call`: the ``httpx.Request`` itself,
the endpoint's name (for errors and logs), its cost against the exchange's limits, the rate
limiters it waits for, the ``httpx.Auth`` that signs it, and, for a server-time read, the
:class:`~adapters.kit.clock.RoundTrip` to stamp when it leaves. The sender
(:mod:`adapters.kit.sender`) reads these fields; nothing travels in ``request.extensions`` or a
context variable, so mypy checks every hand-over and a plugin author sees all of it in one
place (docs/plugins.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import httpx

from adapters.kit.clock import RoundTrip
from adapters.kit.ratelimit import SlidingWindowLimiter

__all__ = ["Call"]


@attrs.frozen(slots=True)
class Call:
    """One request of an adapter, as its protocol hands it to the sender.

    ``request`` is sent as it is on every attempt: ``auth`` signs it again each time (httpx
    runs ``auth_flow`` on every send), so a retry never carries a stale timestamp. An ``auth``
    that changes the URL (Binance appends its signature) yields a signed copy and leaves
    ``request`` untouched for the next attempt.
    """

    request: httpx.Request
    endpoint: str
    """The endpoint's name in errors and logs, e.g. ``GET cash/balance``."""
    cost: int = 1
    """Units this request takes from each of ``limiters`` (the exchange's "weight")."""
    limiters: Sequence[SlidingWindowLimiter] = ()
    """The client-side rate limits it waits for before it leaves."""
    auth: httpx.Auth | None = None
    """The signer; ``None`` for a public endpoint."""
    trip: RoundTrip | None = None
    """Stamped when the request leaves and when its answer arrives (a server-time read)."""
