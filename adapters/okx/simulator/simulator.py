"""``OkxSimulator``: the configuration of a simulated OKX, and how to serve it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from adapters.okx.simulator.accounts import AccountsError, SimAccount
from adapters.okx.simulator.demo import DEMO_MARKETS, DEMO_USD, demo_account, sample_account
from adapters.okx.simulator.handler import Market, OkxExchange
from adapters.simkit.runtime import Runtime, system_clock_ms
from adapters.simkit.server import RunningSimulator

__all__ = ["OkxSimulator", "RunningOkxSimulator", "SimulatorOptions", "system_clock_ms"]


@dataclass(frozen=True, slots=True)
class SimulatorOptions:
    """The HTTP server's limits (the exchange's own limits are in :mod:`.handler`)."""

    max_uri_length: int = 8192
    max_body_bytes: int = 1 << 20
    idle_timeout_s: float | None = 60.0


class RunningOkxSimulator(RunningSimulator):
    """An OKX simulator serving on a background thread (see :class:`RunningSimulator`)."""

    def __enter__(self) -> RunningOkxSimulator:
        return self


class OkxSimulator:
    """A local OKX: accounts, spot markets with USD prices, and a clock; serve it as needed."""

    def __init__(
        self,
        accounts: Iterable[SimAccount],
        clock: Callable[[], int] | None = None,
        *,
        markets: Iterable[Market] = DEMO_MARKETS,
        usd: Mapping[str, Decimal] | None = None,
        options: SimulatorOptions | None = None,
    ) -> None:
        self.accounts = tuple(accounts)
        by_key = {account.api_key: account for account in self.accounts}
        if not self.accounts or len(by_key) != len(self.accounts):
            msg = "a simulator needs at least one account, and each its own api_key"
            raise AccountsError(msg)
        self.usd = dict(usd if usd is not None else DEMO_USD)
        missing = {row.ccy for a in self.accounts for row in a.rows} - set(self.usd)
        if missing:
            msg = f"no USD price for {sorted(missing)}"
            raise AccountsError(msg)
        self._by_key = by_key
        self.markets = tuple(markets)
        self.clock: Callable[[], int] = clock if clock is not None else system_clock_ms
        self.options = options or SimulatorOptions()

    @classmethod
    def seed(cls, *, clock: Callable[[], int] | None = None) -> OkxSimulator:
        """One account answering the documentation's balance example byte for byte."""
        return cls([sample_account()], clock)

    @classmethod
    def demo(cls, *, clock: Callable[[], int] | None = None) -> OkxSimulator:
        """The demo account, every figure computed at the demo's tickers (``folio demo``)."""
        return cls([demo_account()], clock)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, control: bool = False
    ) -> RunningOkxSimulator:
        """Start serving on a background thread; ``control=True`` opens ``/__simulator__/``."""
        runtime = Runtime(self.clock, control=control)
        exchange = OkxExchange(self._by_key, self.markets, self.usd, runtime, self.options)
        return RunningOkxSimulator(exchange, host, port, name="okx-simulator")
