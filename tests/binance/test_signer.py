"""The signer against the HMAC examples published in Binance's API documentation.

The three expected signatures are the documentation's own (Request Security, "SIGNED request
example (HMAC)", and the older "Example 3" of a mixed query string and body), computed there
with ``openssl dgst -sha256 -hmac``: they come from outside our formula.
"""

from __future__ import annotations

import httpx
import pytest

from adapters.binance.signer import API_KEY_HEADER, BinanceAuth, sign, total_params
from framework.credentials import Credentials

DOC_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
DOC_TIME = 1499827319559
DOC_QUERY = (
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
    "&recvWindow=5000&timestamp=1499827319559"
)
DOC_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
FULLWIDTH_123456 = "\uff11\uff12\uff13\uff14\uff15\uff16"
"""The documentation's non-ASCII symbol: the digits 1 to 6 in their fullwidth forms."""
UNICODE_QUERY = (
    "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT"
    "&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
)
UNICODE_SIGNATURE = "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3"
MIXED_SIGNATURE = "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"
ORDER_PARAMS = {
    "symbol": "LTCBTC", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
    "quantity": "1", "price": "0.1",
}
CREDENTIALS = Credentials.from_strings(DOC_KEY, DOC_SECRET)


def _signed(auth: BinanceAuth, request: httpx.Request) -> httpx.Request:
    flow = auth.auth_flow(request)
    signed = next(flow)
    flow.close()
    return signed


def _order(params: dict[str, str]) -> httpx.Request:
    return httpx.Request("POST", "https://api.binance.com/api/v3/order", params=params)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [(DOC_QUERY, DOC_SIGNATURE), (UNICODE_QUERY, UNICODE_SIGNATURE)],
    ids=["ascii-symbol", "percent-encoded-unicode-symbol"],
)
def test_published_query_string_vectors(payload: str, expected: str) -> None:
    assert sign(DOC_SECRET, payload) == expected


def test_query_and_body_are_joined_without_a_separator() -> None:
    query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC"
    body = b"quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
    assert total_params(query, body) == query + body.decode()
    assert sign(DOC_SECRET, total_params(query, body)) == MIXED_SIGNATURE
    assert sign(DOC_SECRET, f"{query}&{body.decode()}") == DOC_SIGNATURE  # '&' changes it


def test_auth_reproduces_the_published_request() -> None:
    auth = BinanceAuth(CREDENTIALS, recv_window=5000, clock_ms=lambda: DOC_TIME)
    request = _signed(auth, _order(ORDER_PARAMS))
    assert request.url.query.decode() == f"{DOC_QUERY}&signature={DOC_SIGNATURE}"
    assert request.headers[API_KEY_HEADER] == DOC_KEY


def test_auth_signs_the_percent_encoding_it_sends() -> None:
    auth = BinanceAuth(CREDENTIALS, clock_ms=lambda: DOC_TIME)
    request = _signed(auth, _order({**ORDER_PARAMS, "symbol": FULLWIDTH_123456}))
    query = request.url.query.decode()
    assert query == f"{UNICODE_QUERY}&signature={UNICODE_SIGNATURE}"


def test_recv_window_is_the_configured_one_and_signature_comes_last() -> None:
    auth = BinanceAuth(CREDENTIALS, recv_window=60000, clock_ms=lambda: DOC_TIME)
    request = _signed(auth, httpx.Request("GET", "https://api.binance.com/sapi/v1/margin/account"))
    query = request.url.query.decode()
    unsigned, _, signature = query.rpartition("&signature=")
    assert unsigned == "recvWindow=60000&timestamp=1499827319559"
    assert signature == sign(DOC_SECRET, unsigned)
    assert signature == signature.lower()
    assert len(signature) == 64


def test_every_attempt_is_signed_with_a_fresh_timestamp() -> None:
    ticks = iter([DOC_TIME, DOC_TIME + 1234])
    auth = BinanceAuth(CREDENTIALS, clock_ms=lambda: next(ticks))
    queries = [_signed(auth, _order(ORDER_PARAMS)).url.query.decode() for _ in range(2)]
    assert "timestamp=1499827319559&" in queries[0]
    assert "timestamp=1499827320793&" in queries[1]
    assert queries[0].rpartition("=")[2] != queries[1].rpartition("=")[2]


def test_the_request_given_stays_unsigned_for_the_next_attempt() -> None:
    # The sender sends the same request on a retry: it must not carry the first signature.
    auth = BinanceAuth(CREDENTIALS, clock_ms=lambda: DOC_TIME)
    original = _order(ORDER_PARAMS)
    signed = _signed(auth, original)
    assert signed is not original
    assert original.url.query.decode() == DOC_QUERY.partition("&recvWindow=")[0]
    assert API_KEY_HEADER.lower() not in {name.lower() for name in original.headers}
    again = _signed(auth, original)
    assert again.url.query == signed.url.query  # the same clock: the same signed request
    assert again.url.query.decode().count("signature=") == 1


def test_the_signed_copy_keeps_method_body_headers_and_extensions() -> None:
    auth = BinanceAuth(CREDENTIALS, clock_ms=lambda: DOC_TIME)
    body = b"quantity=1&price=0.1"
    original = httpx.Request(
        "POST", "https://api.binance.com/api/v3/order?symbol=LTCBTC", content=body,
        headers={"Accept": "application/json"}, extensions={"timeout": {"total": 1.5}},
    )
    signed = _signed(auth, original)
    assert (signed.method, signed.content) == ("POST", body)
    assert signed.headers["Accept"] == "application/json"
    assert signed.extensions["timeout"] == {"total": 1.5}  # the sender's deadline travels on
    query = signed.url.query.decode()
    unsigned, _, signature = query.rpartition("&signature=")
    assert signature == sign(DOC_SECRET, total_params(unsigned, body))  # the body is signed too


def test_auth_repr_hides_credentials() -> None:
    auth = BinanceAuth(CREDENTIALS)
    assert DOC_KEY not in repr(auth)
    assert DOC_SECRET not in repr(auth)
    assert "recv_window=5000" in repr(auth)
