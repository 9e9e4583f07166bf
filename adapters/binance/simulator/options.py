"""Simulator-wide settings: Binance's documented limits, as explicit and changeable fields."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SimulatorOptions"]


@dataclass(frozen=True, slots=True)
class SimulatorOptions:
    """Settings of a simulated Binance (per-account data lives in :class:`SimAccount`)."""

    default_recv_window_ms: int = 5000
    """``recvWindow`` of a signed request that sends none."""
    max_recv_window_ms: int = 60_000
    """A larger ``recvWindow`` is refused with -1131."""
    ahead_tolerance_ms: int = 1000
    """A ``timestamp`` this far or further ahead of server time is refused with -1021."""
    api_weight_limit: int = 6000
    """Weight per window per IP shared by every ``/api/`` route."""
    sapi_weight_limit: int = 12_000
    """Weight per window per IP for each ``/sapi/`` route."""
    fapi_weight_limit: int = 2400
    """Weight per window per IP shared by every ``/fapi/`` (USD-M futures) route."""
    weight_window_ms: int = 60_000
    """Length of a weight window; windows start on multiples of it (whole minutes)."""
    max_uri_length: int = 8192
    """Longer request-targets get 414."""
    max_body_bytes: int = 1 << 20
    """Larger request bodies get 413 (no endpoint in scope takes a body)."""
    idle_timeout_s: float | None = 60.0
    """Close keep-alive connections idle this long; ``None`` = never."""

    def __post_init__(self) -> None:
        numbers = {
            "default_recv_window_ms": self.default_recv_window_ms,
            "max_recv_window_ms": self.max_recv_window_ms,
            "api_weight_limit": self.api_weight_limit,
            "sapi_weight_limit": self.sapi_weight_limit,
            "fapi_weight_limit": self.fapi_weight_limit,
            "weight_window_ms": self.weight_window_ms,
        }
        for name, value in numbers.items():
            if value < 1:
                msg = f"{name} must be >= 1"
                raise ValueError(msg)
        if self.ahead_tolerance_ms < 0:
            msg = "ahead_tolerance_ms must be >= 0"
            raise ValueError(msg)
        if self.max_uri_length < 16 or self.max_body_bytes < 0:
            msg = "max_uri_length must be >= 16 and max_body_bytes >= 0"
            raise ValueError(msg)
