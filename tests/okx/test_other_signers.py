"""The OKX simulator as the counterpart of other clients' signers: every legitimate way accepted,
every wrong one refused with OKX's code and HTTP status.

Requests are signed by :mod:`tests.okx.other_signers` (python-okx's way, CCXT's, the
documentation's) and sent byte for byte over loopback (:mod:`tests.helpers.raw_http`), to a
simulator on a fixed clock: the documentation's example time, 2020-12-08T09:08:57.715Z.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from collections.abc import Callable, Iterator

import httpx
import pytest

from adapters.okx.signer import OkxAuth, iso_timestamp
from adapters.okx.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_PASSPHRASE,
    OkxSimulator,
    RunningOkxSimulator,
    demo_account,
)
from tests.helpers.raw_http import send
from tests.okx.conftest import DEMO
from tests.okx.other_signers import ccxt_target, headers, iso_ms, python_okx_target, signature

NOW = 1_607_418_537_715  # 2020-12-08T09:08:57.715Z, the documentation's example time
STAMP = iso_ms(NOW)
BALANCE, CONFIG = "/api/v5/account/balance", "/api/v5/account/config"
DEMO_KEY = "0d3e7a1c-0000-4000-8000-5d3e70000001"
Request = tuple[str, dict[str, str | bytes]]


@pytest.fixture
def okx() -> Iterator[RunningOkxSimulator]:
    """A live key (the demo account's) and a demo-trading key, on the documentation's time.

    One per test: the clock never moves, so a shared server's per-key limits would not reset.
    """
    demo_trading = dataclasses.replace(demo_account(), api_key=DEMO_KEY, demo=True)
    with OkxSimulator([demo_account(), demo_trading], lambda: NOW).serve() as running:
        yield running


def _signed(target: str, *, stamp: str = STAMP, sign_target: str | None = None,
            key: str = DEMO_API_KEY, secret: str = DEMO_API_SECRET,
            passphrase: str = DEMO_PASSPHRASE, method: str = "GET",
            flag: str | None = None) -> Request:
    """``target`` with the documentation's headers, signed over ``sign_target`` (default: it)."""
    return target, headers(key, secret, passphrase, stamp, sign_target or target,
                           method=method, flag=flag)


def _replaced(request: Request, name: str, value: str | bytes | None) -> Request:
    target, sent = request
    sent = {k: v for k, v in sent.items() if k != name}
    return target, sent if value is None else {**sent, name: value}


def _raw_digest(secret: str, prehash: str) -> bytes:
    return hmac.new(secret.encode(), prehash.encode(), hashlib.sha256).digest()


ACCEPTED: dict[str, Callable[[], Request]] = {
    "python-okx: raw comma, flag 0, Content-Type": lambda: (
        (t := python_okx_target(BALANCE, {"ccy": "BTC,ETH"})),
        headers(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE, STAMP, t, flag="0",
                content_type=True)),
    "python-okx: no parameters, no '?'": lambda: (
        (t := python_okx_target(CONFIG, {})),
        headers(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE, STAMP, t, flag="0",
                content_type=True)),
    "python-okx: demo-trading key, flag 1": lambda: (
        (t := python_okx_target(BALANCE, {"ccy": "BTC,ETH"})),
        headers(DEMO_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE, STAMP, t, flag="1",
                content_type=True)),
    "ccxt: percent-encoded comma, signed as sent": lambda: _signed(
        ccxt_target(BALANCE, {"ccy": "BTC,ETH"})),
    "header names in lower case": lambda: (
        (r := _signed(BALANCE + "?ccy=BTC,ETH"))[0], {k.lower(): v for k, v in r[1].items()}),
    "header names in upper case": lambda: (
        (r := _signed(BALANCE + "?ccy=BTC,ETH"))[0], {k.upper(): v for k, v in r[1].items()}),
    "an empty query sent and signed as '?'": lambda: _signed(CONFIG + "?"),
    "29.999 s late": lambda: _signed(CONFIG, stamp=iso_ms(NOW - 29_999)),
    "29.999 s early": lambda: _signed(CONFIG, stamp=iso_ms(NOW + 29_999)),
}


@pytest.mark.parametrize("build", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_every_legitimate_signer_is_accepted(
    okx: RunningOkxSimulator, build: Callable[[], Request],
) -> None:
    target, sent = build()
    answer = send(okx.port, target, list(sent.items()))
    assert (answer.status, answer.json()["code"]) == (200, "0"), answer.body
    if "ccy=" in target:  # the filter was read from the query as sent, encoded or not
        assert [row["ccy"] for row in answer.json()["data"][0]["details"]] == ["BTC", "ETH"]


REFUSED: dict[str, tuple[Callable[[], Request], str]] = {
    "wrong secret": (lambda: _signed(CONFIG, secret="not-the-secret"), "50113"),
    "unknown key": (lambda: _signed(CONFIG, key="not-a-key"), "50111"),
    "wrong passphrase": (lambda: _signed(CONFIG, passphrase="not-the-passphrase"), "50105"),
    "30.001 s stale": (lambda: _signed(CONFIG, stamp=iso_ms(NOW - 30_001)), "50102"),
    "30.001 s in the future": (lambda: _signed(CONFIG, stamp=iso_ms(NOW + 30_001)), "50102"),
    "tampered query": (
        lambda: _signed(BALANCE + "?ccy=ETH", sign_target=BALANCE + "?ccy=BTC"), "50113"),
    "signed for another path": (lambda: _signed(BALANCE, sign_target=CONFIG), "50113"),
    "signed without its query": (
        lambda: _signed(BALANCE + "?ccy=BTC", sign_target=BALANCE), "50113"),
    "signed decoded, sent percent-encoded": (
        lambda: _signed(BALANCE + "?ccy=BTC%2CETH", sign_target=BALANCE + "?ccy=BTC,ETH"),
        "50113"),
    "signed without the '?'": (
        lambda: _signed(BALANCE + "?ccy=BTC", sign_target=BALANCE + "ccy=BTC"), "50113"),
    "signed with '?' but sent without": (lambda: _signed(CONFIG, sign_target=CONFIG + "?"),
                                         "50113"),
    "method signed in lower case": (lambda: _signed(CONFIG, method="get"), "50113"),
    "Base64 without its padding": (lambda: _replaced(
        _signed(CONFIG), "OK-ACCESS-SIGN",
        signature(DEMO_API_SECRET, STAMP + "GET" + CONFIG).rstrip(b"=")), "50113"),
    "hex instead of Base64": (lambda: _replaced(
        _signed(CONFIG), "OK-ACCESS-SIGN",
        _raw_digest(DEMO_API_SECRET, STAMP + "GET" + CONFIG).hex()), "50113"),
    "Base64 of the hex digest": (lambda: _replaced(
        _signed(CONFIG), "OK-ACCESS-SIGN", base64.b64encode(
            _raw_digest(DEMO_API_SECRET, STAMP + "GET" + CONFIG).hex().encode())), "50113"),
    "timestamp without milliseconds": (
        lambda: _signed(CONFIG, stamp="2020-12-08T09:08:57Z"), "50112"),
    "timestamp in microseconds": (
        lambda: _signed(CONFIG, stamp="2020-12-08T09:08:57.715000Z"), "50112"),
    "timestamp with +00:00": (
        lambda: _signed(CONFIG, stamp="2020-12-08T09:08:57.715+00:00"), "50112"),
    "timestamp without a zone": (
        lambda: _signed(CONFIG, stamp="2020-12-08T09:08:57.715"), "50112"),
    "Unix time in ms (okxapi/python-okx#55)": (lambda: _signed(CONFIG, stamp=str(NOW)),
                                                "50102"),
    "no OK-ACCESS-KEY": (lambda: _replaced(_signed(CONFIG), "OK-ACCESS-KEY", None), "50103"),
    "no OK-ACCESS-PASSPHRASE": (
        lambda: _replaced(_signed(CONFIG), "OK-ACCESS-PASSPHRASE", None), "50104"),
    "no OK-ACCESS-SIGN": (lambda: _replaced(_signed(CONFIG), "OK-ACCESS-SIGN", None), "50106"),
    "empty OK-ACCESS-SIGN": (lambda: _replaced(_signed(CONFIG), "OK-ACCESS-SIGN", ""), "50106"),
    "no OK-ACCESS-TIMESTAMP": (
        lambda: _replaced(_signed(CONFIG), "OK-ACCESS-TIMESTAMP", None), "50107"),
    "live key with x-simulated-trading: 1 (python-okx's default flag)": (
        lambda: _signed(CONFIG, flag="1"), "50101"),
    "demo-trading key without x-simulated-trading": (lambda: _signed(CONFIG, key=DEMO_KEY),
                                                     "50101"),
}


@pytest.mark.parametrize(("build", "code"), REFUSED.values(), ids=REFUSED.keys())
def test_every_wrong_signature_is_refused_with_okx_code(
    okx: RunningOkxSimulator, build: Callable[[], Request], code: str,
) -> None:
    target, sent = build()
    answer = send(okx.port, target, list(sent.items()))
    assert (answer.status, answer.json()["code"], answer.json()["data"]) == (401, code, [])


@pytest.mark.parametrize("target", [BALANCE + "?ccy=BTC,ETH", BALANCE + "?ccy=BTC%2CETH", CONFIG])
def test_folio_signs_a_request_as_python_okx_and_ccxt_do(target: str) -> None:
    auth = OkxAuth(DEMO, clock_ms=lambda: NOW)
    flow = auth.auth_flow(httpx.Request("GET", f"https://www.okx.com{target}"))
    signed = next(flow)
    flow.close()
    assert signed.url.raw_path.decode() == target  # what is signed is what is sent
    theirs = headers(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE, STAMP, target)
    assert {name: signed.headers[name] for name in theirs} == {
        name: value.decode() if isinstance(value, bytes) else value
        for name, value in theirs.items()}
    assert "x-simulated-trading" not in signed.headers  # a live key sends none, as CCXT


@pytest.mark.parametrize("ms", [0, NOW, NOW - NOW % 1000, NOW - NOW % 1000 + 999,
                                253_402_300_799_999])
def test_folio_timestamps_are_python_okx_timestamps(ms: int) -> None:
    assert iso_timestamp(ms) == iso_ms(ms)
