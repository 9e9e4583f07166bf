"""``BinanceSimulator``: the configuration of a simulated Binance, and how to serve it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from adapters.binance.simulator.accounts import AccountsError, SimAccount, seed_account
from adapters.binance.simulator.demo import DEMO_MARKETS, demo_account
from adapters.binance.simulator.handler import BinanceExchange
from adapters.binance.simulator.markets import Market, markets_for
from adapters.binance.simulator.options import SimulatorOptions
from adapters.binance.simulator.routes import ROUTES
from adapters.simkit.runtime import Runtime, system_clock_ms
from adapters.simkit.server import RunningSimulator

__all__ = ["BinanceSimulator", "RunningBinanceSimulator", "system_clock_ms"]


class RunningBinanceSimulator(RunningSimulator):
    """A Binance simulator serving on a background thread (see :class:`RunningSimulator`).

    Adds the request-weight counters to the faults, stats and clock of the generic server.
    """

    def __init__(self, exchange: BinanceExchange, host: str, port: int) -> None:
        self._weights = exchange.weights
        self._binance = exchange
        super().__init__(exchange, host, port, name="binance-simulator")

    def relist(self, markets: Iterable[Market]) -> None:
        """Serve ``markets`` from now on, as an exchange that halts, delists or lists markets.

        ``exchangeInfo`` and ``ticker/price`` answer from the new list at once (one reference
        swapped, so a request sees either list whole), the accounts are unchanged.
        """
        self._binance.markets = {market.symbol: market for market in markets}

    def used_weight(self, route: str = "account", ip: str = "127.0.0.1") -> int:
        """Weight ``ip`` used in the current window of the budget ``route`` draws on.

        ``route`` is a route name (``account`` and ``time`` share the ``/api/`` budget;
        ``margin/account`` has its own).
        """
        budgets = {r.name: r.budget for r in ROUTES.values()}
        if route not in budgets:
            msg = f"unknown route {route!r}; one of {sorted(budgets)}"
            raise KeyError(msg)
        return self._weights.used(ip, budgets[route], self.now_ms())

    def __enter__(self) -> RunningBinanceSimulator:
        return self

    def reset_weights(self) -> None:
        """Forget every charge, as if a new minute had begun for every IP."""
        self._weights.reset()


class BinanceSimulator:
    """A local Binance: accounts, options and a clock; serve it as often as needed.

    The configuration is immutable once built; per-server state (faults, stats, clock offset,
    used weight) belongs to each :class:`RunningBinanceSimulator`.
    """

    def __init__(
        self,
        accounts: Iterable[SimAccount],
        clock: Callable[[], int] | None = None,
        *,
        options: SimulatorOptions | None = None,
        markets: Iterable[Market] | None = None,
    ) -> None:
        self.accounts: tuple[SimAccount, ...] = tuple(accounts)
        if not self.accounts:
            msg = "a simulator needs at least one account"
            raise AccountsError(msg)
        by_key = {account.api_key: account for account in self.accounts}
        if len(by_key) != len(self.accounts):
            msg = "two accounts share an api_key"
            raise AccountsError(msg)
        self._by_key = by_key
        self.clock: Callable[[], int] = clock if clock is not None else system_clock_ms
        self.options = options if options is not None else SimulatorOptions()
        self.markets = tuple(markets) if markets is not None else markets_for(self.accounts)
        """What ``exchangeInfo`` lists and ``ticker/price`` prices (:mod:`.markets`)."""

    @classmethod
    def seed(
        cls, *, clock: Callable[[], int] | None = None, options: SimulatorOptions | None = None
    ) -> BinanceSimulator:
        """One account: the documentation's example key and secret and its sample answers."""
        return cls([seed_account()], clock, options=options)

    @classmethod
    def demo(
        cls, *, clock: Callable[[], int] | None = None, options: SimulatorOptions | None = None
    ) -> BinanceSimulator:
        """One account: the seed's key and secret, a modest wallet every ticker values.

        What the plugin's simulator serves (``folio demo``, ``folio simulate binance``, the host
        testing kit), see :mod:`.demo`; the adapter tests keep :meth:`seed`, the
        documentation's sample, which a first look at folio cannot value.
        """
        return cls([demo_account()], clock, options=options, markets=DEMO_MARKETS)

    def account(self, api_key: str) -> SimAccount:
        """The account of ``api_key`` (``KeyError`` if unknown)."""
        return self._by_key[api_key]

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, control: bool = False
    ) -> RunningBinanceSimulator:
        """Start serving on a background thread; use as a context manager to stop it.

        ``control=True`` opens the ``/__simulator__/`` control routes
        (:mod:`adapters.simkit.control`), the same as AscendEX's, for a host that drives a
        simulator it did not start.
        """
        runtime = Runtime(self.clock, control=control)
        exchange = BinanceExchange(self._by_key, self.options, runtime, self.markets)
        return RunningBinanceSimulator(exchange, host, port)
