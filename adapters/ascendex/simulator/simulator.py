"""``AscendexSimulator``: the configuration of a simulated exchange, and how to serve it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from adapters.ascendex.simulator.accounts import (
    AccountMode,
    AccountsFileError,
    SimAccount,
    load_accounts,
    seed_account,
)
from adapters.ascendex.simulator.handler import Exchange
from adapters.ascendex.simulator.options import SimulatorOptions
from adapters.ascendex.simulator.tickers import SEED_TICKERS, Tickers, derived_tickers
from adapters.simkit.runtime import Runtime, system_clock_ms
from adapters.simkit.server import RunningSimulator, serve_forever

__all__ = ["AscendexSimulator", "system_clock_ms"]


class AscendexSimulator:
    """A local AscendEX: accounts, options and a clock; serve it as often as needed.

    The configuration is immutable once built; per-server state (faults, stats, clock offset)
    belongs to each :class:`RunningSimulator`.
    """

    def __init__(
        self,
        accounts: Iterable[SimAccount],
        clock: Callable[[], int] | None = None,
        *,
        options: SimulatorOptions | None = None,
        tickers: Mapping[str, str] | None = None,
    ) -> None:
        """Configure the accounts, the clock, the options and the spot tickers.

        ``tickers`` maps ``BASE/QUOTE`` to a last price; ``None`` derives them from the
        accounts' reference prices (:func:`~adapters.ascendex.simulator.tickers.derived_tickers`).
        """
        self.accounts: tuple[SimAccount, ...] = tuple(accounts)
        if not self.accounts:
            msg = "a simulator needs at least one account"
            raise AccountsFileError(msg)
        by_key: dict[str, SimAccount] = {}
        for account in self.accounts:
            if account.api_key in by_key:
                msg = f"duplicate api_key {account.api_key!r}"
                raise AccountsFileError(msg)
            by_key[account.api_key] = account
        self._by_key = by_key
        self.clock: Callable[[], int] = clock if clock is not None else system_clock_ms
        self.options = options if options is not None else SimulatorOptions()
        self.tickers = Tickers(derived_tickers(self.accounts) if tickers is None else tickers)

    @classmethod
    def seed(
        cls,
        *,
        mode: AccountMode = "seed",
        draft_field_names: bool = False,
        clock: Callable[[], int] | None = None,
        options: SimulatorOptions | None = None,
    ) -> AscendexSimulator:
        """One account with the documentation's key and secret, group 6 and the seed samples.

        In the default seed-fidelity mode the three sample responses are served byte for
        byte, but with the exchange's ``totalBalance`` where the 2019 draft wrote
        ``totalABalance``: a client pointed at the simulator reads the field the exchange
        sends. ``draft_field_names=True`` serves the draft's spelling, untouched;
        ``mode="live"`` writes every answer compactly in the live key order. The tickers are
        :data:`~adapters.ascendex.simulator.tickers.SEED_TICKERS`, the prices behind the
        sample's USDT figures.
        """
        return cls([seed_account(mode, draft_field_names=draft_field_names)], clock,
                   options=options, tickers=SEED_TICKERS)

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        *,
        clock: Callable[[], int] | None = None,
        options: SimulatorOptions | None = None,
    ) -> AscendexSimulator:
        """Accounts from a JSON file (format: :mod:`adapters.ascendex.simulator.accounts`)."""
        return cls(load_accounts(path), clock, options=options)

    def account(self, api_key: str) -> SimAccount:
        """The account of ``api_key`` (``KeyError`` if unknown)."""
        return self._by_key[api_key]

    def _exchange(self, *, control: bool) -> Exchange:
        return Exchange(self._by_key, self.options, Runtime(self.clock, control=control),
                        self.tickers)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, control: bool = False
    ) -> RunningSimulator:
        """Start serving on a background thread; use as a context manager to stop it.

        ``control=True`` opens the ``/__simulator__/`` control routes (see
        :mod:`adapters.simkit.control`, the same for every simulator).
        """
        return RunningSimulator(
            self._exchange(control=control), host, port, name="ascendex-simulator"
        )

    async def serve_forever(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        on_ready: Callable[[str], object] | None = None,
        control: bool = True,
    ) -> None:
        """Serve on the current event loop until cancelled (the CLI's foreground mode).

        ``on_ready(url)`` is called once the socket listens; control routes are on by
        default here, since an out-of-process simulator can only be driven over HTTP.
        """
        await serve_forever(self._exchange(control=control), host, port, on_ready)
