"""The signer against vectors computed here with hmac/hashlib from Bybit's documented algorithm.

Bybit's guide publishes example signatures without the secret that made them, so they cannot
check a signer (docs/exchanges/bybit.md, "Signing"). The vectors below are derived
independently: the prehash ``timestamp + api_key + recv_window + queryString`` is written out
by hand and HMAC-SHA256'd with the standard library. The first four literals were also
computed outside this repository and match.
"""

from __future__ import annotations

import hashlib
import hmac

import httpx
import pytest

from adapters.bybit import BybitAuth, prehash, sign
from tests.bybit.conftest import DEMO

KEY, SECRET = "CFEJUGQEQPPHGOHGHM", "VDFZSSPUTKRJMXAVMJXBHEXIPZNZJIZUBVRQ"

VECTORS = [
    ("1658384314791CFEJUGQEQPPHGOHGHM5000accountType=UNIFIED",
     "85bf838975c2e3e6cffe87175d392d4c83b880214ae65f6ed9a543a1a51b85ba"),
    ("1658384314791CFEJUGQEQPPHGOHGHM5000",
     "bd5570327de98430a9956443fe706c174972db773aea5e50ce4b46ff3ea856bc"),
    ("1658384314791CFEJUGQEQPPHGOHGHM5000accountType=UNIFIED&coin=BTC,USDT",
     "82fccb2a4844fe0a9371690d812391ca54d8c2753128d9b7324d1f0a67e173fb"),
]


def independent(text: str) -> str:
    return hmac.new(SECRET.encode(), text.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize(("text", "signature"), VECTORS)
def test_sign_matches_the_derived_vectors(text: str, signature: str) -> None:
    assert independent(text) == signature
    assert sign(SECRET, text) == signature


def test_legacy_published_vector_checks_the_mac_primitive() -> None:
    # Bybit's pre-v5 documentation published secret, payload and signature together.
    secret = "t7T0YlFnYXk0Fx3JswQsDrViLg1Gh3DUU5Mr"
    payload = "api_key=B2Rou0PLPpGqcU0Vu2&leverage=100&symbol=BTCUSD&timestamp=1542434791000"
    assert sign(secret, payload) == (
        "670e3e4aa32b243f2dedf1dafcec2fd17a440e71b05681550416507de591d908")


def test_prehash_is_the_documented_concatenation() -> None:
    # The guide's own GET example shows this string to sign (its signature is unverifiable).
    assert prehash(1658384314791, "XXXXXXXXXX", 5000,
                   "category=option&symbol=BTC-29JUL22-25000-C") == (
        "1658384314791XXXXXXXXXX5000category=option&symbol=BTC-29JUL22-25000-C")


def _signed(auth: BybitAuth, request: httpx.Request) -> httpx.Request:
    return next(auth.auth_flow(request))


def test_auth_signs_the_query_as_sent_in_headers_only() -> None:
    auth = BybitAuth(DEMO, recv_window=5000, clock_ms=lambda: 1658384314791)
    url = "https://api.bybit.com/v5/account/wallet-balance?accountType=UNIFIED&coin=BTC,USDT"
    original = httpx.Request("GET", url)
    signed = _signed(auth, original)
    assert signed.url == original.url  # nothing added to the URL
    assert signed.url.query == b"accountType=UNIFIED&coin=BTC,USDT"
    assert signed.headers["X-BAPI-API-KEY"] == KEY
    assert signed.headers["X-BAPI-TIMESTAMP"] == "1658384314791"
    assert signed.headers["X-BAPI-RECV-WINDOW"] == "5000"
    assert signed.headers["X-BAPI-SIGN"] == VECTORS[2][1]
    assert "X-BAPI-SIGN" not in original.headers  # the call's request stays unsigned


def test_a_percent_encoded_query_is_signed_as_it_travels() -> None:
    auth = BybitAuth(DEMO, recv_window=20000, clock_ms=lambda: 1700000000000)
    signed = _signed(auth, httpx.Request("GET", "https://h/v5/x", params={"coin": "A B"}))
    query = signed.url.query.decode()
    assert query == "coin=A+B"
    assert signed.headers["X-BAPI-SIGN"] == independent(f"1700000000000{KEY}20000{query}")


def test_each_attempt_gets_a_fresh_timestamp() -> None:
    times = iter([1000, 2000])
    auth = BybitAuth(DEMO, clock_ms=lambda: next(times))
    request = httpx.Request("GET", "https://h/v5/account/info")
    first, second = _signed(auth, request), _signed(auth, request)
    assert (first.headers["X-BAPI-TIMESTAMP"], second.headers["X-BAPI-TIMESTAMP"]) == (
        "1000", "2000")
    assert second.headers["X-BAPI-SIGN"] == independent(f"2000{KEY}5000")


def test_repr_shows_no_credential() -> None:
    text = repr(BybitAuth(DEMO))
    assert KEY not in text
    assert SECRET not in text
