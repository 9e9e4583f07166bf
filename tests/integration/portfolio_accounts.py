"""Accounts for the portfolio tests: the seed accounts of both simulators, on loopback.

The expected numbers of the portfolio tests are the simulators' seed data, written out by
hand in the tests (adapters/ascendex/simulator/data, adapters/binance/simulator/data).
"""

from __future__ import annotations

from adapters.ascendex.simulator import DEMO_API_KEY as ASCENDEX_KEY
from adapters.ascendex.simulator import DEMO_API_SECRET as ASCENDEX_SECRET
from adapters.binance.simulator import DEMO_API_KEY as BINANCE_KEY
from adapters.binance.simulator import DEMO_API_SECRET as BINANCE_SECRET
from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings

ONE_ATTEMPT = HttpSettings(retry=NO_RETRIES)
"""A failure injected once fails the read at once (the retry layer has its own tests)."""


def ascendex(name: str, url: str, secret: str = ASCENDEX_SECRET) -> AccountConfig:
    """An AscendEX account on the seed simulator at ``url``."""
    credentials = StaticCredentials(Credentials.from_strings(ASCENDEX_KEY, secret))
    return AccountConfig(name, "ascendex", credentials, base_url=url)


def binance(name: str, url: str, secret: str = BINANCE_SECRET) -> AccountConfig:
    """A Binance account on the seed simulator at ``url``."""
    credentials = StaticCredentials(Credentials.from_strings(BINANCE_KEY, secret))
    return AccountConfig(name, "binance", credentials, base_url=url)


def unserved(name: str) -> AccountConfig:
    """An account on an exchange that no installed plugin serves."""
    credentials = StaticCredentials(Credentials.from_strings("key", "secret"))
    return AccountConfig(name, "nowhere", credentials, base_url="http://127.0.0.1:9")
