"""The simulator's ``/fapi/`` routes as the counterpart of Binance's own connectors' signers:
every legitimate way accepted, every wrong one refused with Binance's code and HTTP status.

Requests are signed by :mod:`tests.binance_futures.other_signers` (the futures connector's way,
the modular SDK's, the documentation's) and sent byte for byte over loopback
(:mod:`tests.helpers.raw_http`) to a simulator on a fixed clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterator

import httpx
import pytest

from adapters.binance.signer import BinanceAuth
from adapters.binance.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    BinanceSimulator,
    RunningBinanceSimulator,
)
from framework.credentials import Credentials
from tests.binance_futures.other_signers import (
    CONNECTOR_HEADERS,
    connector_query,
    sdk_query,
    signature,
)
from tests.helpers.raw_http import send

NOW = 1_591_702_613_943  # the futures documentation's signing example time
ACCOUNT, CONFIG = "/fapi/v3/account", "/fapi/v1/accountConfig"
Request = tuple[str, dict[str, str]]


@pytest.fixture(scope="module")
def binance() -> Iterator[RunningBinanceSimulator]:
    """The demo account (spot and futures) on the documentation's example time."""
    with BinanceSimulator.demo(clock=lambda: NOW).serve() as running:
        yield running


def _keyed(target: str, key: str | None = DEMO_API_KEY) -> Request:
    return target, {**CONNECTOR_HEADERS, **({} if key is None else {"X-MBX-APIKEY": key})}


def _signed(path: str, payload: str, *, secret: str = DEMO_API_SECRET,
            key: str | None = DEMO_API_KEY) -> Request:
    """``path?payload&signature=...`` with the signature of ``payload`` under ``secret``."""
    return _keyed(f"{path}?{payload}&signature={signature(secret, payload)}", key)


ACCEPTED: dict[str, Callable[[], Request]] = {
    "futures connector: timestamp only, signature last": lambda: _keyed(
        f"{ACCOUNT}?{connector_query(DEMO_API_SECRET, {}, NOW)}"),
    "futures connector: recvWindow given": lambda: _keyed(
        f"{CONFIG}?{connector_query(DEMO_API_SECRET, {'recvWindow': 6000}, NOW - 5500)}"),
    "modular SDK": lambda: _keyed(f"{ACCOUNT}?{sdk_query(DEMO_API_SECRET, {}, NOW)}"),
    "parameters in another order": lambda: _signed(ACCOUNT, f"timestamp={NOW}&recvWindow=5000"),
    "upper-case hex (the documentation: not case-sensitive)": lambda: _keyed(
        f"{ACCOUNT}?timestamp={NOW}&signature="
        f"{signature(DEMO_API_SECRET, f'timestamp={NOW}').upper()}"),
    "header name in lower case": lambda: (
        (r := _signed(ACCOUNT, f"timestamp={NOW}"))[0],
        {k.lower(): v for k, v in r[1].items()}),
    "recvWindow 60000, 60 s old": lambda: _signed(
        ACCOUNT, f"recvWindow=60000&timestamp={NOW - 60_000}"),
    "999 ms ahead": lambda: _signed(ACCOUNT, f"timestamp={NOW + 999}"),
    "another path's signature, same parameters (Binance signs no path)": lambda: _keyed(
        f"{CONFIG}?{connector_query(DEMO_API_SECRET, {}, NOW)}"),
}


@pytest.mark.parametrize("build", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_every_legitimate_signer_is_accepted(
    binance: RunningBinanceSimulator, build: Callable[[], Request],
) -> None:
    target, sent = build()
    answer = send(binance.port, target, list(sent.items()))
    assert answer.status == 200, answer.body
    assert "code" not in answer.json()


_OUTSIDE = "Timestamp for this request is outside of the recvWindow."
_AHEAD = "Timestamp for this request was 1000ms ahead of the server's time."
_DUPLICATE = "Duplicate values for a parameter detected."


def _malformed(name: str) -> str:
    return f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."


REFUSED: dict[str, tuple[Callable[[], Request], int, int, str | None]] = {
    "wrong secret": (lambda: _signed(ACCOUNT, f"timestamp={NOW}", secret="not-the-secret"),
                     400, -1022, "Signature for this request is not valid."),
    "unknown key": (lambda: _signed(ACCOUNT, f"timestamp={NOW}", key="Z" * 64), 401, -2015,
                    None),
    "malformed key": (lambda: _signed(ACCOUNT, f"timestamp={NOW}", key="not-a-key"), 401,
                      -2014, "API-key format invalid."),
    "no key": (lambda: _signed(ACCOUNT, f"timestamp={NOW}", key=None), 401, -2014,
               "API-key format invalid."),
    "5001 ms stale": (lambda: _signed(ACCOUNT, f"timestamp={NOW - 5001}"), 400, -1021,
                      _OUTSIDE),
    "1000 ms ahead": (lambda: _signed(ACCOUNT, f"timestamp={NOW + 1000}"), 400, -1021, _AHEAD),
    "timestamp in seconds": (lambda: _signed(ACCOUNT, f"timestamp={NOW // 1000}"), 400, -1021,
                             _OUTSIDE),
    "timestamp in microseconds": (lambda: _signed(ACCOUNT, f"timestamp={NOW * 1000}"), 400,
                                  -1021, _AHEAD),
    "timestamp of 5000 digits": (lambda: _signed(ACCOUNT, "timestamp=" + "9" * 5000), 400,
                                 -1102, _malformed("timestamp")),
    "recvWindow above 60000": (lambda: _signed(ACCOUNT, f"recvWindow=60001&timestamp={NOW}"),
                               400, -1131, "recvWindow must be less than 60000"),
    "tampered query": (lambda: _keyed(
        f"{ACCOUNT}?recvWindow=6000&timestamp={NOW}&signature="
        f"{signature(DEMO_API_SECRET, f'recvWindow=5000&timestamp={NOW}')}"), 400, -1022, None),
    "timestamp sent twice": (lambda: _signed(ACCOUNT, f"timestamp={NOW}&timestamp={NOW}"), 400,
                             -1101, _DUPLICATE),
    "signature sent twice": (lambda: _keyed(
        f"{ACCOUNT}?timestamp={NOW}&signature=0&signature="
        f"{signature(DEMO_API_SECRET, f'timestamp={NOW}')}"), 400, -1101, _DUPLICATE),
    "no timestamp": (lambda: _signed(ACCOUNT, "recvWindow=5000"), 400, -1102,
                     _malformed("timestamp")),
    "no signature": (lambda: _keyed(f"{ACCOUNT}?timestamp={NOW}"), 400, -1102,
                     _malformed("signature")),
    "empty signature": (lambda: _keyed(f"{ACCOUNT}?timestamp={NOW}&signature="), 400, -1102,
                        _malformed("signature")),
    "Base64 instead of hex": (lambda: _keyed(
        f"{ACCOUNT}?timestamp={NOW}&signature=" + base64.urlsafe_b64encode(hmac.new(
            DEMO_API_SECRET.encode(), f"timestamp={NOW}".encode(), hashlib.sha256).digest(),
        ).decode().rstrip("=")), 400, -1022, None),
}


@pytest.mark.parametrize(("build", "status", "code", "msg"), REFUSED.values(),
                         ids=REFUSED.keys())
def test_every_wrong_signature_is_refused_with_binance_code(
    binance: RunningBinanceSimulator, build: Callable[[], Request], status: int, code: int,
    msg: str | None,
) -> None:
    target, sent = build()
    answer = send(binance.port, target, list(sent.items()))
    assert (answer.status, answer.json()["code"]) == (status, code)
    if msg is not None:
        assert answer.json()["msg"] == msg


@pytest.mark.parametrize("recv_window", [5000, 60_000])
def test_folio_signs_a_request_as_the_futures_connector_does(recv_window: int) -> None:
    auth = BinanceAuth(Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET),
                       recv_window=recv_window, clock_ms=lambda: NOW)
    flow = auth.auth_flow(httpx.Request("GET", f"https://fapi.binance.com{ACCOUNT}"))
    signed = next(flow)
    flow.close()
    assert signed.url.query.decode() == connector_query(
        DEMO_API_SECRET, {"recvWindow": recv_window}, NOW)
    assert signed.headers["X-MBX-APIKEY"] == DEMO_API_KEY
