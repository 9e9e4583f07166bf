"""Behaviours the exchange's documentation leaves open, as explicit settings.

Every default is the reading docs/exchanges/ascendex.md ("How the simulator answers") gives;
a test that wants the other reading flips one field instead of patching the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["SimulatorOptions"]


@dataclass(frozen=True, slots=True)
class SimulatorOptions:
    """Simulator-wide settings (per-account data lives in :class:`SimAccount`)."""

    timestamp_window_ms: int = 30_000
    """Accepted |server time - x-auth-timestamp|; the documented 30 seconds, both ways."""
    lenient_signatures: bool = False
    """Also accept the legacy signing variants real clients used (base64-decoded secret
    as HMAC key; no ``+`` separator; hex digest). Off: only the documented algorithm."""
    ip_denied_code: Literal[200014, 200015] = 200015
    """Code for a caller outside a non-empty ``allowedIps``: 200015 PERMISSION_DENIED or
    200014 RESTRICTED_ACCOUNT (no source says which)."""
    unknown_asset: Literal["empty", "error"] = "empty"
    """``asset=XYZ`` for an asset the account does not list: ``[]`` or a 100004 error."""
    max_uri_length: int = 2048
    """Longer request-targets get the edge's 414 (hummingbot #5001)."""
    max_body_bytes: int = 1 << 20
    """Larger request bodies get 413 (no endpoint in scope takes a body)."""
    instance_number: int = 1
    """``n`` of the ``instance: <group>-_-<n>`` header on group routes."""
    idle_timeout_s: float | None = 60.0
    """Close keep-alive connections idle this long (Akka's default); ``None`` = never."""
    rate_limit: tuple[int, int] | None = None
    """``(requests, window_ms)`` per ``x-auth-key`` (unsigned requests share one budget) in any
    sliding window, beyond which the edge answers 429 with its HTML page and ``Retry-After:
    1``. AscendEX documents no REST limit, so the default is none; tests of client-side rate
    limiting set one and read ``stats().throttled``."""

    def __post_init__(self) -> None:
        if self.timestamp_window_ms < 0:
            msg = "timestamp_window_ms must be >= 0"
            raise ValueError(msg)
        if self.ip_denied_code not in (200014, 200015):
            msg = "ip_denied_code must be 200014 or 200015"
            raise ValueError(msg)
        if self.unknown_asset not in ("empty", "error"):
            msg = "unknown_asset must be 'empty' or 'error'"
            raise ValueError(msg)
        if self.rate_limit is not None and (self.rate_limit[0] < 1 or self.rate_limit[1] < 1):
            msg = "rate_limit must be (requests >= 1, window_ms >= 1)"
            raise ValueError(msg)
        if self.max_uri_length < 16 or self.max_body_bytes < 0:
            msg = "max_uri_length must be >= 16 and max_body_bytes >= 0"
            raise ValueError(msg)
