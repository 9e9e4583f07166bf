"""folio's logger names and the structured extras every folio log record carries.

Every logger folio uses is under one namespace, ``folio``, so a host turns them all on or off
with one line (``logging.getLogger("folio").setLevel(logging.DEBUG)``) and routes them as it
likes. One logger per concern, so each can be tuned on its own:

* ``folio.http``: the requests themselves (one DEBUG line per answer) and the shared HTTP client
  of each event loop (framework/http.py);
* ``folio.retry``: each retry and why, with its wait (adapters/kit/sender.py, by the rules of
  framework/retry.py);
* ``folio.plugins``: plugin loading (framework/loading.py);
* ``folio.events``: a request-event subscriber that raised (framework/events.py).

Every record folio emits carries three attributes, :data:`ACCOUNT`, :data:`EXCHANGE` and
:data:`ENDPOINT` (``record.folio_account``...), ``None`` where they do not apply (plugin
loading has no account), and says the same in its message: a retry line reads on its own in
a plain log. The ``folio_`` prefix keeps them clear of a host's own extras. A record never
carries a credential, a signature, a URL's query, a header or a response body: only names,
numbers and error type names (docs/reliability.md, tests/reliability/test_secrets.py).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ACCOUNT",
    "ENDPOINT",
    "EVENTS",
    "EXCHANGE",
    "HTTP",
    "PLUGINS",
    "RETRY",
    "ROOT",
    "extras",
    "who",
]

ROOT: Final = "folio"
HTTP: Final = "folio.http"
RETRY: Final = "folio.retry"
PLUGINS: Final = "folio.plugins"
EVENTS: Final = "folio.events"

ACCOUNT: Final = "folio_account"
"""The attribute of a log record that names the account (``None`` when there is none)."""
EXCHANGE: Final = "folio_exchange"
"""The attribute of a log record that names the exchange."""
ENDPOINT: Final = "folio_endpoint"
"""The attribute of a log record that names the endpoint (``GET cash/balance``)."""


def extras(
    account: str | None = None, exchange: str | None = None, endpoint: str | None = None
) -> dict[str, str | None]:
    """The ``extra=`` mapping of a folio log record: all three attributes, always present."""
    return {ACCOUNT: account, EXCHANGE: exchange, ENDPOINT: endpoint}


def who(account: str | None, exchange: str | None) -> str:
    """How a message names its account: ``ascendex account 'main'``."""
    if account is None:
        return exchange or "an exchange"
    return f"{exchange or 'exchange'} account {account!r}"
