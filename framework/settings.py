"""Network defaults, in one place, so they can be read, documented and tuned together.

The framework does not speak HTTP itself; adapters turn these neutral numbers into their HTTP
client's settings. Values are sized for a host polling many accounts: short connect timeouts
(a dead exchange should fail fast), a read timeout that tolerates a slow matching engine, and a
concurrency cap that keeps a fan-out from opening thousands of sockets at once.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["DEFAULT_HTTP_SETTINGS", "HttpSettings"]


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not value > 0:
        msg = f"{attribute.name} must be positive, got {value!r}"
        raise ValueError(msg)


@attrs.frozen(slots=True)
class HttpSettings:
    """Timeouts (seconds) and connection limits for one account's HTTP traffic."""

    connect_timeout: float = attrs.field(default=5.0, validator=_positive)
    """Time to establish a TCP (and TLS) connection."""

    read_timeout: float = attrs.field(default=10.0, validator=_positive)
    """Time to wait for each chunk of the response."""

    write_timeout: float = attrs.field(default=10.0, validator=_positive)
    """Time to send the request."""

    pool_timeout: float = attrs.field(default=5.0, validator=_positive)
    """Time to wait for a free connection from the pool."""

    max_connections: int = attrs.field(default=10, validator=_positive)
    """Connections one account may hold open; reads of one account rarely overlap."""

    keepalive_expiry: float = attrs.field(default=30.0, validator=_positive)
    """Idle seconds before a kept-alive connection is closed."""

    max_concurrency: int = attrs.field(default=256, validator=_positive)
    """Accounts a fan-out reads at the same time; the rest wait their turn."""


DEFAULT_HTTP_SETTINGS = HttpSettings()
