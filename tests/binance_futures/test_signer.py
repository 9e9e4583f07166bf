"""Futures requests are signed by spot's signer: checked against the futures documentation.

Binance's USD-M futures "General Info" publishes its own HMAC example (another key and secret
than spot's) for ``POST /fapi/v1/order``: the query-string and the body form sign one string,
the mixed form signs the query string joined to the body with no separator. The documented
mixed string has a space after ``timestamp=`` (its signature matches only with it), so the
vector is used byte for byte. No GET example is published for ``/fapi/v3/account``: the signed
GET is checked against an HMAC computed here with :mod:`hmac`, from the documented algorithm.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl

import httpx

from adapters.binance.signer import API_KEY_HEADER, BinanceAuth, sign
from framework.credentials import Credentials

FUTURES_KEY = "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83"
FUTURES_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
QUERY = ("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC"
         "&recvWindow=5000&timestamp=1591702613943")
QUERY_SIGNATURE = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"
MIXED = ("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=9000"
         "&recvWindow=5000&timestamp= 1591702613943")
MIXED_SIGNATURE = "f9d0ae5e813ef6ccf15c2b5a434047a0181cb5a342b903b367ca6d27a66e36f2"


def test_the_published_futures_vectors() -> None:
    assert sign(FUTURES_SECRET, QUERY) == QUERY_SIGNATURE
    assert sign(FUTURES_SECRET, MIXED) == MIXED_SIGNATURE


def test_the_signed_account_read_matches_an_independent_hmac() -> None:
    auth = BinanceAuth(Credentials.from_strings(FUTURES_KEY, FUTURES_SECRET),
                       clock_ms=lambda: 1591702613943)
    flow = auth.auth_flow(httpx.Request("GET", "https://fapi.binance.com/fapi/v3/account"))
    signed = next(flow)
    flow.close()
    query = signed.url.query.decode("ascii")
    unsigned, _, signature = query.rpartition("&signature=")
    assert unsigned == "recvWindow=5000&timestamp=1591702613943"
    expected = hmac.new(FUTURES_SECRET.encode(), unsigned.encode(), hashlib.sha256).hexdigest()
    assert signature == expected
    assert dict(parse_qsl(query))["signature"] == expected  # the last parameter, once
    assert signed.headers[API_KEY_HEADER] == FUTURES_KEY
