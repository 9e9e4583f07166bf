"""A host's test suite against every installed exchange, without importing an adapter.

A host application (docs/host-api.md) never imports an adapter, so neither should its tests:
the plugins that are installed each ship a simulator through the ``folio_simulators`` hook
(framework/hookspecs.py), and this module starts them, hands over a ready configuration and
the simulators' test credentials, and stages faults through each simulator's control routes
over HTTP (:mod:`framework.testing.control`). Swapping an exchange is an installation for the
tests too. The pytest fixture ``folio_simulators`` (:mod:`framework.testing.fixtures`) wraps
:meth:`SimulatedExchanges.start`; docs/testing.md, "Testing a host", shows both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import Final

import attrs

from framework.config import AccountConfig, FolioConfig
from framework.errors import UnknownExchangeError
from framework.host import Plugins
from framework.providers import SimulatorHandle
from framework.testing.control import SimulatorControl, SimulatorControlError
from framework.testing.faults import SimulatorFault

__all__ = ["SimulatedExchange", "SimulatedExchanges"]

LOOPBACK: Final = "127.0.0.1"


@attrs.frozen(slots=True)
class SimulatedExchange:
    """One running simulator: its URL, its demo accounts and, if it has them, its controls."""

    exchange: str
    handle: SimulatorHandle = attrs.field(repr=False)

    @property
    def url(self) -> str:
        """The base URL an account's ``base_url`` points at."""
        return self.handle.url

    @property
    def accounts(self) -> Sequence[AccountConfig]:
        """The simulator's demo accounts, with its test credentials held in memory."""
        return tuple(self.handle.demo_accounts())

    @property
    def controllable(self) -> bool:
        """Whether the simulator serves control routes (and so can stage faults)."""
        return isinstance(getattr(self.handle, "control_url", None), str)

    @property
    def faults(self) -> SimulatorControl:
        """The simulator's control routes; raises if its plugin announces none."""
        control_url = getattr(self.handle, "control_url", None)
        if not isinstance(control_url, str):
            msg = (
                "the simulator serves no control routes (its handle has no control_url), so "
                "no fault can be staged on it"
            )
            raise SimulatorControlError(msg, exchange=self.exchange)
        return SimulatorControl(self.exchange, control_url)


class SimulatedExchanges:
    """Every installed plugin's simulator, running; use :meth:`start` to get one.

    ``accounts`` and ``config`` read every simulator's demo accounts (credentials in memory,
    never from the environment); ``config_toml()`` and ``environment`` are the same accounts
    as a ``folio.toml`` and the variables it names, for a host (or a subprocess) that loads a
    file. ``plugins`` are the plugins the simulators came from: hand them to ``Folio`` so the
    host under test reads through the same ones.
    """

    def __init__(self, plugins: Plugins, running: Sequence[SimulatedExchange]) -> None:
        self.plugins = plugins
        self._running = {simulated.exchange: simulated for simulated in running}

    @classmethod
    @contextmanager
    def start(
        cls,
        exchanges: Iterable[str] | None = None,
        *,
        plugins: Plugins | None = None,
        host: str = LOOPBACK,
    ) -> Iterator[SimulatedExchanges]:
        """Start the simulators of ``exchanges`` (default: every one installed) on free ports.

        They serve until the ``with`` block ends. An exchange no loaded plugin simulates is an
        :class:`~framework.errors.UnknownExchangeError` naming the ones that are.
        """
        plugins = plugins if plugins is not None else Plugins()
        available = {simulator.exchange: simulator for simulator in plugins.registry.simulators()}
        wanted = sorted(available) if exchanges is None else [e.lower() for e in exchanges]
        unknown = [exchange for exchange in wanted if exchange not in available]
        if unknown:
            names = ", ".join(sorted(available)) or "none"
            msg = f"no installed plugin ships a simulator for {unknown[0]!r} (available: {names})"
            raise UnknownExchangeError(msg, exchange=unknown[0])
        with ExitStack() as stack:
            running = [
                SimulatedExchange(exchange, stack.enter_context(available[exchange].start(host, 0)))
                for exchange in dict.fromkeys(wanted)
            ]
            yield cls(plugins, running)

    @property
    def exchanges(self) -> tuple[str, ...]:
        """The exchanges whose simulators run, sorted."""
        return tuple(sorted(self._running))

    def __getitem__(self, exchange: str) -> SimulatedExchange:
        """The simulator of ``exchange``."""
        found = self._running.get(exchange)
        if found is None:
            names = ", ".join(self.exchanges) or "none"
            msg = f"no simulator of {exchange!r} is running (running: {names})"
            raise UnknownExchangeError(msg, exchange=exchange)
        return found

    def __iter__(self) -> Iterator[SimulatedExchange]:
        return iter(self._running[exchange] for exchange in self.exchanges)

    def __len__(self) -> int:
        return len(self._running)

    def __repr__(self) -> str:
        urls = ", ".join(f"{s.exchange}={s.url}" for s in self)
        return f"SimulatedExchanges({urls})"

    @property
    def accounts(self) -> tuple[AccountConfig, ...]:
        """Every simulator's demo accounts, in exchange order."""
        return tuple(account for simulated in self for account in simulated.accounts)

    @property
    def config(self) -> FolioConfig:
        """A configuration of :attr:`accounts`, ready for ``Folio.from_config``."""
        return FolioConfig(self.accounts, source="framework.testing simulators")

    def config_toml(self) -> str:
        """The simulators' ``folio.toml`` tables, naming the variables of :attr:`environment`."""
        return "\n".join(simulated.handle.sample_config() for simulated in self)

    @property
    def environment(self) -> Mapping[str, str]:
        """The variables :meth:`config_toml` names, set to the simulators' test credentials."""
        merged: dict[str, str] = {}
        for simulated in self:
            merged.update(simulated.handle.sample_environment())
        return merged

    @contextmanager
    def staged(
        self, *faults: SimulatorFault, exchanges: Iterable[str] | None = None
    ) -> Iterator[None]:
        """Stage ``faults`` on every running simulator (or those of ``exchanges``) for a block.

        Each simulator answers in its exchange's own form; every fault is removed when the
        block ends, on each simulator it was staged on.
        """
        chosen = self.exchanges if exchanges is None else tuple(exchanges)
        with ExitStack() as stack:
            for exchange in chosen:
                stack.enter_context(self[exchange].faults.staged(*faults))
            yield

    def clear_faults(self) -> None:
        """Remove every fault from every simulator that has control routes."""
        for simulated in self:
            if simulated.controllable:
                simulated.faults.clear()
