"""OKX test fixtures: the simulator over loopback, and clients on folio's own transport."""

from __future__ import annotations

from adapters.okx.simulator import DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE
from framework.credentials import Credentials
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings

DEMO = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE)
ONE_ATTEMPT = HttpSettings(retry=NO_RETRIES)
