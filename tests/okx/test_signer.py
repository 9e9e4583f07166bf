"""The OKX signer against vectors derived from the documented algorithm.

OKX publishes the inputs of its example (secret ``22582BD0CFF14C41EDBF1AB98506286D``, time
``2020-12-08T09:08:57.715Z``, paths and a body) but no resulting signature, so the expected
values below were derived from the documented algorithm (docs/exchanges/okx.md, "Signing") and
each is recomputed here with ``hmac``/``base64`` directly, independently of the adapter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import httpx
import pytest

from adapters.okx import OkxAuth, iso_timestamp, sign
from framework.credentials import Credentials
from framework.errors import ConfigurationError

SECRET = "22582BD0CFF14C41EDBF1AB98506286D"
STAMP = "2020-12-08T09:08:57.715Z"
STAMP_MS = int(datetime(2020, 12, 8, 9, 8, 57, 715000, tzinfo=UTC).timestamp() * 1000)
VECTORS = [  # (method, request path, body, derived OK-ACCESS-SIGN)
    ("GET", "/api/v5/account/balance?ccy=BTC", "",
     "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY="),
    ("GET", "/api/v5/account/balance", "", "AkD5YszBhggtIyjDlmTy/9PpNVntel+1Lff8wh0qpQw="),
    ("GET", "/api/v5/account/balance?ccy=BTC,ETH", "",
     "oah2EOT2Fnz1bjkgiAnuKl+zFQzDG3/nqPUqyYzArrE="),
    ("GET", "/api/v5/account/config", "", "Kr/8IrbDYujS4cg2KkmB+tO2HMUXxyayG6ZwNb4H/yA="),
    ("POST", "/api/v5/account/set-leverage",
     '{"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"}',
     "eCnnCgWLjlQ9XnpUkrcny3qNq3WW/81KNrDr/XR6Xv8="),
]


def _independent(prehash: str) -> str:
    digest = hmac.new(SECRET.encode(), prehash.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@pytest.mark.parametrize(("method", "path", "body", "expected"), VECTORS)
def test_derived_vectors(method: str, path: str, body: str, expected: str) -> None:
    prehash = STAMP + method + path + body
    assert _independent(prehash) == expected  # the vector itself, recomputed
    assert sign(SECRET, prehash) == expected


@pytest.mark.parametrize(("method", "path", "body", "expected"), VECTORS)
def test_the_auth_signs_the_request_target_as_sent(
    method: str, path: str, body: str, expected: str
) -> None:
    credentials = Credentials.from_strings("key", SECRET, "phrase")
    auth = OkxAuth(credentials, clock_ms=lambda: STAMP_MS)
    request = httpx.Request(method, "https://www.okx.com" + path, content=body.encode())
    signed = next(auth.auth_flow(request))
    assert signed.url.raw_path.decode() == path  # the comma travels as a comma
    assert signed.headers["OK-ACCESS-SIGN"] == expected
    assert signed.headers["OK-ACCESS-TIMESTAMP"] == STAMP
    assert signed.headers["OK-ACCESS-KEY"] == "key"
    assert signed.headers["OK-ACCESS-PASSPHRASE"] == "phrase"
    assert "x-simulated-trading" not in signed.headers


def test_demo_trading_adds_the_header_and_a_fresh_time_each_attempt() -> None:
    times = iter([STAMP_MS, STAMP_MS + 1])
    auth = OkxAuth(Credentials.from_strings("k", SECRET, "p"), demo_trading=True,
                   clock_ms=lambda: next(times))
    request = httpx.Request("GET", "https://www.okx.com/api/v5/account/config")
    first = next(auth.auth_flow(request)).headers["OK-ACCESS-TIMESTAMP"]
    again = next(auth.auth_flow(request))
    assert (first, again.headers["OK-ACCESS-TIMESTAMP"]) == (STAMP, "2020-12-08T09:08:57.716Z")
    assert again.headers["x-simulated-trading"] == "1"
    assert again.headers["OK-ACCESS-SIGN"] == _independent(
        "2020-12-08T09:08:57.716ZGET/api/v5/account/config")


def test_timestamps_are_iso_utc_milliseconds() -> None:
    assert iso_timestamp(STAMP_MS) == STAMP
    assert iso_timestamp(0) == "1970-01-01T00:00:00.000Z"
    assert iso_timestamp(1_000_000_000_007) == "2001-09-09T01:46:40.007Z"


@pytest.mark.parametrize("passphrase", [None, ""])
def test_a_missing_passphrase_is_a_configuration_error(passphrase: str | None) -> None:
    credentials = Credentials.from_strings("k", SECRET, passphrase) if passphrase is not None \
        else Credentials.from_strings("k", SECRET)
    with pytest.raises(ConfigurationError) as caught:
        OkxAuth(credentials, account="main")
    assert caught.value.account == "main"
    assert caught.value.key == "api_passphrase_env"
    assert SECRET not in str(caught.value)


def test_repr_shows_no_secret() -> None:
    auth = OkxAuth(Credentials.from_strings("the-key", SECRET, "the-phrase"))
    assert "the-key" not in repr(auth)
    assert SECRET not in repr(auth)
    assert "the-phrase" not in repr(auth)
