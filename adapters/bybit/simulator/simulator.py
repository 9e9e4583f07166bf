"""``BybitSimulator``: the configuration of a simulated Bybit, and how to serve it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from adapters.bybit.simulator.accounts import (
    DEMO_MARKETS,
    AccountsError,
    Market,
    SimAccount,
    demo_account,
)
from adapters.bybit.simulator.handler import IP_LIMIT, ROUTES, BybitExchange
from adapters.simkit.faults import Fault as _GenericFault
from adapters.simkit.runtime import Runtime, system_clock_ms
from adapters.simkit.server import RunningSimulator

__all__ = ["BybitSimulator", "Fault", "RunningBybitSimulator", "SimulatorOptions"]


@dataclass(frozen=True, slots=True)
class Fault(_GenericFault):
    """One fault rule on the Bybit simulator's routes (the shared kinds, Bybit's answers).

    ``http_status`` 403 and 429 answer Bybit's plain texts, others an HTML page;
    ``json_error`` is an envelope with that ``retCode`` (HTTP 200 unless ``status``).
    """

    @classmethod
    def known_routes(cls) -> frozenset[str]:
        """``account/info``, ``account/wallet-balance``, ``market/tickers``, ..."""
        return frozenset(name for name, _ in ROUTES.values())


@dataclass(frozen=True, slots=True)
class SimulatorOptions:
    """Connection settings of the simulated server."""

    max_uri_length: int = 8192
    max_body_bytes: int = 1 << 20
    idle_timeout_s: float | None = 60.0
    ip_limit: tuple[int, int] | None = IP_LIMIT
    """Requests per window (ms) from one IP address, all routes: Bybit's 600 per 5 s. ``None``
    lifts it, for a benchmark that reads hundreds of keys from one address
    (docs/performance.md, "Mixed run over all exchanges")."""


class RunningBybitSimulator(RunningSimulator):
    """A Bybit simulator serving on a background thread (see :class:`RunningSimulator`)."""

    def __enter__(self) -> RunningBybitSimulator:
        return self


class BybitSimulator:
    """A local Bybit: accounts, spot markets and a clock; serve it as often as needed."""

    def __init__(
        self, accounts: Iterable[SimAccount], clock: Callable[[], int] | None = None, *,
        markets: Iterable[Market] = DEMO_MARKETS, options: SimulatorOptions | None = None,
    ) -> None:
        self.accounts = tuple(accounts)
        by_key = {account.api_key: account for account in self.accounts}
        if not self.accounts or len(by_key) != len(self.accounts):
            msg = "a simulator needs accounts, each with its own api_key"
            raise AccountsError(msg)
        self._by_key = by_key
        self.markets = tuple(markets)
        self.clock = clock if clock is not None else system_clock_ms
        self.options = options if options is not None else SimulatorOptions()

    @classmethod
    def demo(cls, *, clock: Callable[[], int] | None = None) -> BybitSimulator:
        """The demo account (:func:`~.accounts.demo_account`) on the demo markets."""
        return cls([demo_account()], clock)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, control: bool = False
    ) -> RunningBybitSimulator:
        """Start serving on a background thread; use as a context manager to stop it.

        ``control=True`` opens the ``/__simulator__/`` routes (:mod:`adapters.simkit.control`).
        """
        runtime = Runtime(self.clock, control=control)
        exchange = BybitExchange(self._by_key, self.markets, runtime, self.options)
        return RunningBybitSimulator(exchange, host, port, name="bybit-simulator")
