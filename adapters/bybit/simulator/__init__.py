"""An embedded Bybit v5 REST simulator, for tests, ``folio demo`` and offline development.

An independent implementation of the exchange side of the endpoints folio reads, from Bybit's
published documentation (docs/exchanges/bybit.md, "The simulator"): it imports nothing of
folio's client, so the client's signer and reading are checked against it rather than against
themselves. The HTTP server, faults, counters and control routes come from
:mod:`adapters.simkit`; what is Bybit lives here: :mod:`~.accounts` (accounts, markets, the
USD figures), :mod:`~.handler` (decision order, authentication, payloads),
:mod:`~.simulator`, :mod:`~.pytest_plugin`.

Quick use::

    with BybitSimulator.demo().serve() as running:
        running.url                                   # "http://127.0.0.1:54321"
        running.faults.add(Fault.json_error(10006, "Too many visits!", times=1))
"""

from adapters.bybit.simulator.accounts import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_MARKETS,
    AccountsError,
    Coin,
    Market,
    SimAccount,
    demo_account,
)
from adapters.bybit.simulator.handler import authenticate, sign
from adapters.bybit.simulator.simulator import (
    BybitSimulator,
    Fault,
    RunningBybitSimulator,
    SimulatorOptions,
)

__all__ = [
    "DEMO_API_KEY", "DEMO_API_SECRET", "DEMO_MARKETS", "AccountsError", "BybitSimulator", "Coin",
    "Fault", "Market", "RunningBybitSimulator", "SimAccount", "SimulatorOptions",
    "authenticate", "demo_account", "sign",
]
