"""An embedded OKX (API v5) REST simulator, for tests, ``folio demo`` and offline development.

An independent implementation of the exchange side of the endpoints folio reads, from OKX's
published documentation: it imports nothing of folio's client, so the client's signer and
reading are checked against it rather than against themselves. Server, faults, counters and
control routes come from :mod:`adapters.simkit`; what is OKX lives here.

Quick use::

    from adapters.okx.simulator import Fault, OkxSimulator

    with OkxSimulator.demo().serve() as running:
        running.url                                  # "http://127.0.0.1:54321"
        running.faults.add(Fault.rate_limited(route="account/balance", times=1))

Signed requests are checked as OKX checks them (:mod:`.auth`: headers, the ISO timestamp
within 30 s, key, environment, passphrase, IP, Base64 HMAC-SHA256 over the request-target as
received). Each route keeps OKX's documented limit per 2 s (:mod:`.handler`). Modules:
:mod:`.accounts` (figures from currency rows), :mod:`.demo` (the sample and the demo
account), :mod:`.auth`, :mod:`.handler`, :mod:`.faults`, :mod:`.simulator`,
:mod:`.pytest_plugin`.
"""

from adapters.okx.simulator.accounts import AccountsError, Row, SimAccount, SimPosition
from adapters.okx.simulator.auth import sign
from adapters.okx.simulator.demo import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_MARKETS,
    DEMO_PASSPHRASE,
    demo_account,
    sample_account,
)
from adapters.okx.simulator.faults import Fault, FaultError, FaultKind
from adapters.okx.simulator.handler import Market
from adapters.okx.simulator.simulator import OkxSimulator, RunningOkxSimulator, SimulatorOptions

__all__ = ["DEMO_API_KEY", "DEMO_API_SECRET", "DEMO_MARKETS", "DEMO_PASSPHRASE",
           "AccountsError", "Fault", "FaultError", "FaultKind", "Market", "OkxSimulator",
           "Row", "RunningOkxSimulator", "SimAccount", "SimPosition", "SimulatorOptions",
           "demo_account", "sample_account", "sign"]
