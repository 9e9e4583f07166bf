"""PaperexAuth signs what PaperEx checks, on every attempt, and never shows a credential."""

from __future__ import annotations

import itertools

import httpx
from folio_paperex.signer import PaperexAuth, sign

from framework.credentials import Credentials

CREDENTIALS = Credentials.from_strings("paper-key-1", "paper-secret-1")

# From `printf '1700000000000/v1/balances' | openssl dgst -sha256 -hmac 'paper-secret-1'`:
# another implementation of HMAC-SHA256, not a re-run of sign().
EXPECTED = "ed0b9e7fb18019fbff0050e78c67f967fe314179b9e72255804cf4ec0e89e5b1"


def test_signature_matches_an_independent_hmac() -> None:
    assert sign("paper-secret-1", "1700000000000", "/v1/balances") == EXPECTED


def test_each_send_is_signed_with_its_own_timestamp() -> None:
    seen: list[httpx.Headers] = []

    def exchange(request: httpx.Request) -> httpx.Response:
        seen.append(httpx.Headers(request.headers))  # a copy: auth_flow signs in place
        return httpx.Response(200)

    ticks = itertools.count(1700000000000, 1000)
    auth = PaperexAuth(CREDENTIALS, clock_ms=lambda: next(ticks))
    request = httpx.Request("GET", "https://api.paperex.invalid/v1/balances?ignored=1")
    with httpx.Client(transport=httpx.MockTransport(exchange)) as client:
        client.send(request, auth=auth)
        client.send(request, auth=auth)
    assert [h["X-Paper-Timestamp"] for h in seen] == ["1700000000000", "1700000001000"]
    assert seen[0]["X-Paper-Signature"] == EXPECTED  # the path is signed, not the query
    assert seen[0]["X-Paper-Key"] == "paper-key-1"


def test_repr_shows_no_credential() -> None:
    shown = repr(PaperexAuth(CREDENTIALS))
    assert "paper-key-1" not in shown
    assert "paper-secret-1" not in shown
