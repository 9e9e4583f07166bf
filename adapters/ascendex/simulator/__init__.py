"""An embedded AscendEX Pro REST simulator: ``moto`` for AscendEX.

The exchange closed in 2026; this package is the counterpart every folio test and the demo
talk to, and that users can point their own applications at offline. It is an independent
implementation of the exchange side as docs/exchanges/ascendex.md describes it ("The
simulator", "How the simulator answers"): it imports only the standard library and nothing of
folio's client, so the client's signer is checked against it rather than against itself.

Quick use::

    from adapters.ascendex.simulator import AscendexSimulator, Fault

    with AscendexSimulator.seed().serve() as running:
        running.url                      # "http://127.0.0.1:54321"
        running.faults.add(Fault.rate_limited(times=1, route="cash/balance"))
        running.stats().count(route="cash/balance")

What it serves (both the ``/api/pro/v1/...`` paths and the seed draft's unversioned ones):

* ``GET /api/pro/v1/info``, ``/api/pro/info`` (api-path ``info``) and
  ``/api/pro/v2/account/info`` (api-path ``v2/account/info``): account info of the key;
* ``GET /<group>/api/pro/v1/cash/balance`` and ``.../margin/balance`` (api-path ``balance``),
  with ``asset`` and ``showAll``;
* ``GET|POST /<group>/api/pro/v1/margin/risk`` (api-path ``margin/risk``);
* ``GET /api/pro/v1/exchange-info?requestTime=<ms>`` (public server time);
* ``GET /api/pro/v1/spot/ticker`` (and the older ``/api/pro/v1/ticker``) with ``symbol``:
  public spot tickers at the prices behind the accounts' USDT figures (see :mod:`~.tickers`);
* ``GET /api/pro/v2/assets``, ``/api/pro/v1/products``, ``/api/pro/v1/cash/products`` and
  ``/api/pro/v2/futures/contract``: the public market catalog, derived from the accounts
  (what CCXT's ``load_markets`` reads; see :mod:`~.catalog`);
* with ``control=True``: ``/__simulator__/{faults,stats,clock}``
  (the routes every simulator serves, :mod:`adapters.simkit.control`).

Run it in its own process (how the benchmarks use it, so it never shares their event loop)::

    python -m adapters.ascendex.simulator --accounts accounts.json --port 0

which prints ``listening on http://127.0.0.1:<port>`` once it accepts connections, with the
control routes on (see :mod:`~.__main__`).

Modules: :mod:`~.accounts` (account state, the accounts-file format), :mod:`~.auth`
(signature, timestamp and key checks), :mod:`~.routes`, :mod:`~.tickers` (spot prices),
:mod:`~.faults` (fault kinds and their JSON form), :mod:`~.handler` (decision order),
:mod:`~.server` (asyncio HTTP/1.1), :mod:`~.catalog` (public market catalog),
:mod:`~.pytest_plugin` (fixtures).
"""

from adapters.ascendex.simulator.accounts import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    SEED_ACCOUNT_GROUP,
    AccountMode,
    AccountsFileError,
    CashRow,
    ComputedRisk,
    FixedRisk,
    MarginRow,
    SimAccount,
    load_accounts,
    parse_accounts,
)
from adapters.ascendex.simulator.auth import sign
from adapters.ascendex.simulator.faults import ActiveFault, Fault, FaultError, FaultKind, FaultSet
from adapters.ascendex.simulator.options import SimulatorOptions
from adapters.ascendex.simulator.simulator import AscendexSimulator, system_clock_ms
from adapters.simkit.server import RunningSimulator
from adapters.simkit.stats import SimStats

__all__ = [
    "DEMO_API_KEY",
    "DEMO_API_SECRET",
    "SEED_ACCOUNT_GROUP",
    "AccountMode",
    "AccountsFileError",
    "ActiveFault",
    "AscendexSimulator",
    "CashRow",
    "ComputedRisk",
    "Fault",
    "FaultError",
    "FaultKind",
    "FaultSet",
    "FixedRisk",
    "MarginRow",
    "RunningSimulator",
    "SimAccount",
    "SimStats",
    "SimulatorOptions",
    "load_accounts",
    "parse_accounts",
    "sign",
    "system_clock_ms",
]
