"""Network defaults, in one place, so they can be read, documented and tuned together.

The framework does not speak HTTP itself; adapters turn these neutral numbers into their HTTP
client's settings. Values are sized for a host polling many accounts: short connect timeouts
(a dead exchange should fail fast), a read timeout that tolerates a slow matching engine, a
retry policy that rides out a blip without hammering, and a concurrency cap that keeps a
fan-out from opening thousands of sockets at once.

A host sets them for every account (``Folio(..., http=HttpSettings(...))`` or the ``[network]``
table of ``folio.toml``); one account can override any of them (``[accounts.<name>.network]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from framework.retry import DEFAULT_RETRY_POLICY, RetryPolicy

__all__ = ["DEFAULT_HTTP_SETTINGS", "NETWORK_KEYS", "HttpSettings"]


_MOST_AT_ONCE: Final = 4096
"""Above this a fan-out is CPU-bound anyway (docs/performance.md), and more sockets at once
only press on the exchange's edge."""


def _socket_budget() -> int:
    """Accounts to read at once: what the descriptor limit affords, 256 kept spare.

    Half the limit where it is 512 or less (macOS starts at 256), never more than 4,096, and
    1,024 where the limit cannot be read.
    """
    try:
        import resource  # noqa: PLC0415 - POSIX only

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return 1024
    if soft == resource.RLIM_INFINITY or soft > _MOST_AT_ONCE + 256:
        return _MOST_AT_ONCE
    return max(1, soft - 256 if soft > 512 else soft // 2)


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not value > 0:
        msg = f"{attribute.name} must be positive, got {value!r}"
        raise ValueError(msg)


@attrs.frozen(slots=True)
class HttpSettings:
    """Timeouts (seconds), connection limits and retries for one account's HTTP traffic."""

    connect_timeout: float = attrs.field(default=5.0, validator=_positive)
    """Time to establish a TCP (and TLS) connection."""

    read_timeout: float = attrs.field(default=10.0, validator=_positive)
    """Time to wait for each chunk of the response."""

    write_timeout: float = attrs.field(default=10.0, validator=_positive)
    """Time to send the request, for transports that bound writes (folio's own bounds the whole
    request by the call's deadline)."""

    pool_timeout: float = attrs.field(default=5.0, validator=_positive)
    """Time to wait for a free connection from the pool."""


    keepalive_expiry: float = attrs.field(default=30.0, validator=_positive)
    """Idle seconds before a kept-alive connection is closed."""

    max_concurrency: int = attrs.field(factory=_socket_budget, validator=_positive)
    """Accounts one host (``Folio``) reads at the same time in a fan-out; the rest wait. By
    default as many as the process may open sockets for (``ulimit -n`` less 256, half of it
    where that is 512 or less), at most 4,096, and 1,024 where the limit cannot be read: the
    cap exists so a fan-out over thousands of accounts never fails for lack of descriptors,
    not to slow down one that fits (docs/performance.md)."""

    max_body_bytes: int = attrs.field(default=8 * 1024 * 1024, validator=_positive)
    """Largest answer body read (bytes, as received and as decoded), 8 MiB by default: more
    than ten times the largest real answer (docs/reliability.md, "Bounded answers"). It is
    enforced while reading, so an endless or oversized body costs at most this much memory
    and ends the read with a non-retried error naming the endpoint and the limit."""

    retry: RetryPolicy = DEFAULT_RETRY_POLICY
    """When a failed read is tried again; see :mod:`framework.retry`."""

    def with_overrides(self, overrides: Mapping[str, Any]) -> HttpSettings:
        """A copy with the ``[network]`` keys in ``overrides`` applied (see NETWORK_KEYS).

        :raises ValueError: an unknown key or an out-of-range value, naming the key.
        """
        unknown = sorted(set(overrides) - NETWORK_KEYS)
        if unknown:
            msg = f"unknown network setting {unknown[0]!r} (expected one of {sorted(NETWORK_KEYS)})"
            raise ValueError(msg)
        own = {k: v for k, v in overrides.items() if k in _OWN_KEYS}
        retry = {k: v for k, v in overrides.items() if k in _RETRY_KEYS}
        policy = attrs.evolve(self.retry, **retry) if retry else self.retry
        return attrs.evolve(self, **own, retry=policy)


_OWN_KEYS: Final = frozenset(f.name for f in attrs.fields(HttpSettings)) - {"retry"}
_RETRY_KEYS: Final = frozenset(f.name for f in attrs.fields(RetryPolicy))
NETWORK_KEYS: Final = _OWN_KEYS | _RETRY_KEYS
"""Keys accepted in a ``[network]`` table: the timeouts and limits above plus the retry policy's."""

DEFAULT_HTTP_SETTINGS: Final = HttpSettings()
