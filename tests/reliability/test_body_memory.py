"""An endless answer costs a bounded amount of memory, measured in a child process.

The simulator (in this process) answers cash/balance with a chunked body that never ends. A
child process reads it once through the real client with the default settings (on folio's own
transport, or on httpx's given as ``transport=``) and reports its peak resident set
(``ru_maxrss``) before and after. Unbounded, the read would buffer the body
until the 30 s deadline, gigabytes at loopback speed (the audit saw about 350 MB/s); bounded, it
stops at ``max_body_bytes`` (8 MiB), and the peak grows by a small multiple of that. No clock
is involved: the assertion is on memory only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.ascendex.simulator import Fault, RunningSimulator
from framework.settings import DEFAULT_HTTP_SETTINGS

ROOT = Path(__file__).parents[2]
CHILD = """
import asyncio, json, resource, sys
import httpx
from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET
from framework.errors import BodyTooLargeError
from framework.credentials import Credentials
from framework.models import WalletKind

url, kind = sys.argv[1], sys.argv[2]
options = AscendexOptions.from_mapping({"account_group": 6})
settings = dict(base_url=url, account="rss", options=options)
credentials = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)

def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

async def read():
    transport = httpx.AsyncHTTPTransport() if kind == "httpx" else None
    async with AsyncAscendexClient(credentials, transport=transport, **settings) as client:
        await client.balances(WalletKind.CASH)

before = peak_kib()
try:
    asyncio.run(read())
    outcome = "read"
except BodyTooLargeError as exc:
    outcome = f"refused at {exc.limit}"
print(json.dumps({"before": before, "after": peak_kib(), "outcome": outcome}))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
@pytest.mark.parametrize("kind", ["pooled", "httpx"])
def test_peak_memory_stays_bounded_on_an_endless_body(
    kind: str, ascendex_simulator_factory: Callable[..., RunningSimulator]
) -> None:
    simulator = ascendex_simulator_factory()
    simulator.faults.add(Fault.endless_body(route="cash/balance"))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, simulator.url, kind],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    limit = DEFAULT_HTTP_SETTINGS.max_body_bytes
    assert report["outcome"] == f"refused at {limit}"
    grown_bytes = (report["after"] - report["before"]) * 1024
    # The body (8 MiB), its joined copy and the readers' buffers: well under 8 times the limit,
    # where an unbounded read grows by hundreds of megabytes per second until the deadline.
    assert grown_bytes < 8 * limit, f"peak RSS grew by {grown_bytes / 2**20:.0f} MiB"
