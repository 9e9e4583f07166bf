"""An embedded Binance REST simulator, for tests, ``folio demo`` and offline development.

An independent implementation of the exchange side of the three endpoints folio reads, from
Binance's published documentation: it imports nothing of folio's client, so the client's signer,
weights and parsing are checked against it rather than against themselves. The HTTP/1.1
server, the fault engine, the counters and the per-server runtime come from the shared
simulator kit (:mod:`adapters.simkit`); what is Binance lives here.

Quick use::

    from adapters.binance.simulator import BinanceSimulator, Fault

    with BinanceSimulator.seed().serve() as running:
        running.url                                   # "http://127.0.0.1:54321"
        running.faults.add(Fault.rate_limited(retry_after=3, route="account", times=1))
        running.used_weight("account")                # weight used this minute, /api/ budget

What it serves:

* ``GET /api/v3/account`` (weight 20, ``/api/`` budget), signed, with ``omitZeroBalances``;
* ``GET /sapi/v1/margin/account`` (weight 10, its own ``/sapi/`` budget), signed;
* ``GET /api/v3/time`` (weight 1), public;
* USD-M futures (:mod:`~.futures`): ``GET /fapi/v1/accountConfig`` and ``GET /fapi/v3/account``
  (weight 5 each, signed), ``GET /fapi/v1/time`` (weight 1) and the public Multi-Assets
  ``GET /fapi/v1/assetIndex`` (1 for a symbol, 10 for all), on the futures budget;
* for independent clients (CCXT's ``binanceusdm``), what they read before and for a balance or
  a ticker: the perpetuals and their tickers (:mod:`~.futures_markets`), the coin list and the
  margin pairs (:mod:`~.capital`).

Signed requests are checked like Binance checks them (:mod:`~.auth`): API-key format,
mandatory parameters, ``recvWindow``, the timestamp window (-1021), the key (-2015), the HMAC
signature (-1022), the key's permission and IP allow-list. Request weight is counted per IP and
minute (:mod:`~.weights`); every answer reports it in ``X-MBX-USED-WEIGHT-1M`` or
``X-SAPI-USED-IP-WEIGHT-1M``, and a request over the limit gets 429 with ``Retry-After``.
Faults (:mod:`~.faults`) inject latency, clock offsets, 429, 418, 5xx, error codes, garbled
and cut bodies and connection resets.

``BinanceSimulator.demo()`` serves a modest account every ticker values instead of the sample
(:mod:`~.demo`): the plugin's simulator, which ``folio demo`` starts.

Modules: :mod:`~.accounts` (account state, the seed), :mod:`~.demo` (the demo account),
:mod:`~.auth`, :mod:`~.routes`, :mod:`~.weights`, :mod:`~.faults`, :mod:`~.handler` (decision
order), :mod:`~.payloads`, :mod:`~.simulator`, :mod:`~.pytest_plugin` (fixtures).
"""

from adapters.binance.simulator.accounts import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    AccountsError,
    FixedTotals,
    MarginRow,
    PricedTotals,
    SimAccount,
    SpotRow,
    seed_account,
    seed_bytes,
)
from adapters.binance.simulator.auth import sign
from adapters.binance.simulator.demo import DEMO_MARKETS, demo_account
from adapters.binance.simulator.faults import Fault, FaultError, FaultKind
from adapters.binance.simulator.options import SimulatorOptions
from adapters.binance.simulator.simulator import (
    BinanceSimulator,
    RunningBinanceSimulator,
    system_clock_ms,
)
from adapters.simkit.stats import SimStats

__all__ = [
    "DEMO_API_KEY",
    "DEMO_API_SECRET",
    "DEMO_MARKETS",
    "AccountsError",
    "BinanceSimulator",
    "Fault",
    "FaultError",
    "FaultKind",
    "FixedTotals",
    "MarginRow",
    "PricedTotals",
    "RunningBinanceSimulator",
    "SimAccount",
    "SimStats",
    "SimulatorOptions",
    "SpotRow",
    "demo_account",
    "seed_account",
    "seed_bytes",
    "sign",
    "system_clock_ms",
]
