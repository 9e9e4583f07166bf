"""The Bybit simulator as the counterpart of other clients' signers: every legitimate way accepted,
every wrong one refused with Bybit's retCode (in an HTTP 200) or HTTP status.

Requests are signed by :mod:`tests.bybit.other_signers` (pybit's way, a percent-encoding
client's, the guide's) and sent byte for byte over loopback (:mod:`tests.helpers.raw_http`) to
a simulator on a fixed clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterator

import httpx
import pytest

from adapters.bybit.signer import BybitAuth
from adapters.bybit.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    BybitSimulator,
    RunningBybitSimulator,
)
from tests.bybit.conftest import DEMO
from tests.bybit.other_signers import encoded_query, headers, pybit_query, signature
from tests.helpers.raw_http import send

NOW = 1_658_384_314_791  # the guide's example timestamp
WALLET, INFO, KEY_INFO = "/v5/account/wallet-balance", "/v5/account/info", "/v5/user/query-api"
PARAMS = {"coin": "BTC,USDT", "accountType": "UNIFIED"}
Request = tuple[str, dict[str, str]]


@pytest.fixture
def bybit() -> Iterator[RunningBybitSimulator]:
    """The demo account on the guide's example time (one per test: the clock never moves)."""
    with BybitSimulator.demo(clock=lambda: NOW).serve() as running:
        yield running


def _get(path: str, query: str = "", *, sign_query: str | None = None, ts: int | str = NOW,
         key: str = DEMO_API_KEY, secret: str = DEMO_API_SECRET,
         recv_window: str | None = "5000", pybit: bool = True) -> Request:
    """A GET of ``path?query``, signed over ``sign_query`` (default: the query as sent)."""
    signed = headers(key, secret, ts, query if sign_query is None else sign_query,
                     recv_window=recv_window, pybit=pybit)
    return (f"{path}?{query}" if query else path), signed


def _replaced(request: Request, name: str, value: str | None) -> Request:
    target, sent = request
    sent = {k: v for k, v in sent.items() if k != name}
    return target, sent if value is None else {**sent, name: value}


def _digest(text: str) -> bytes:
    return hmac.new(DEMO_API_SECRET.encode(), text.encode(), hashlib.sha256).digest()


ACCEPTED: dict[str, Callable[[], Request]] = {
    "pybit: sorted, raw comma, SIGN-TYPE 2, Content-Type": lambda: _get(
        WALLET, pybit_query(PARAMS)),
    "percent-encoded comma, signed as sent": lambda: _get(WALLET, encoded_query(PARAMS),
                                                          pybit=False),
    "parameters unsorted (the guide: no need to sort)": lambda: _get(
        WALLET, "coin=BTC,USDT&accountType=UNIFIED", pybit=False),
    "header names in lower case": lambda: (
        (r := _get(WALLET, pybit_query(PARAMS)))[0], {k.lower(): v for k, v in r[1].items()}),
    "X-BAPI-SIGN-TYPE absent": lambda: _replaced(_get(INFO), "X-BAPI-SIGN-TYPE", None),
    "recv_window 20000, 15 s old": lambda: _get(INFO, ts=NOW - 15_000, recv_window="20000"),
    "exactly recv_window old": lambda: _get(INFO, ts=NOW - 5000),
    "999 ms ahead": lambda: _get(INFO, ts=NOW + 999),
    "no X-BAPI-RECV-WINDOW: 5000, signed as empty ([recv_window] optional)": lambda: _get(
        INFO, recv_window=None),
    "upper-case hex (the simulator's choice)": lambda: _replaced(
        _get(INFO), "X-BAPI-SIGN", signature(
            DEMO_API_SECRET, f"{NOW}{DEMO_API_KEY}5000").upper()),
    "another path's signature, same query (Bybit signs no path)": lambda: _get(KEY_INFO),
}


@pytest.mark.parametrize("build", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_every_legitimate_signer_is_accepted(
    bybit: RunningBybitSimulator, build: Callable[[], Request],
) -> None:
    target, sent = build()
    answer = send(bybit.port, target, list(sent.items()))
    assert (answer.status, answer.json()["retCode"]) == (200, 0), answer.body
    if target.startswith(WALLET):  # the coin filter was read from the query, encoded or not
        rows = answer.json()["result"]["list"][0]["coin"]
        assert [row["coin"] for row in rows] == ["BTC", "USDT"]


REFUSED: dict[str, tuple[Callable[[], Request], int]] = {
    "wrong secret": (lambda: _get(INFO, secret="not-the-secret"), 10004),
    "unknown key": (lambda: _get(INFO, key="UNKNOWNKEY0000000"), 10003),
    "5001 ms stale": (lambda: _get(INFO, ts=NOW - 5001), 10002),
    "1000 ms in the future": (lambda: _get(INFO, ts=NOW + 1000), 10002),
    "timestamp in seconds": (lambda: _get(INFO, ts=NOW // 1000), 10002),
    "timestamp in microseconds": (lambda: _get(INFO, ts=NOW * 1000), 10002),
    "timestamp not a number": (lambda: _get(INFO, ts="2022-07-21T06:18:34.791Z"), 10001),
    "tampered query": (lambda: _get(WALLET, "accountType=UNIFIED&coin=ETH",
                                    sign_query="accountType=UNIFIED&coin=BTC"), 10004),
    "signed decoded, sent percent-encoded": (lambda: _get(
        WALLET, encoded_query(PARAMS), sign_query="coin=BTC,USDT&accountType=UNIFIED"), 10004),
    "signed sorted, sent unsorted": (lambda: _get(
        WALLET, "coin=BTC,USDT&accountType=UNIFIED", sign_query=pybit_query(PARAMS)), 10004),
    "signed with a leading '?'": (lambda: _get(WALLET, "accountType=UNIFIED",
                                               sign_query="?accountType=UNIFIED"), 10004),
    "signed without its query": (lambda: _get(WALLET, "accountType=UNIFIED", sign_query=""),
                                 10004),
    "window signed 5000, sent 10000": (lambda: _replaced(
        _get(INFO), "X-BAPI-RECV-WINDOW", "10000"), 10004),
    "window sent but signed as absent": (lambda: _replaced(
        _get(INFO), "X-BAPI-SIGN", signature(DEMO_API_SECRET, f"{NOW}{DEMO_API_KEY}")), 10004),
    "Base64 instead of hex": (lambda: _replaced(_get(INFO), "X-BAPI-SIGN", base64.b64encode(
        _digest(f"{NOW}{DEMO_API_KEY}5000")).decode()), 10004),
    "no X-BAPI-SIGN": (lambda: _replaced(_get(INFO), "X-BAPI-SIGN", None), 10004),
    "no X-BAPI-TIMESTAMP": (lambda: _replaced(_get(INFO), "X-BAPI-TIMESTAMP", None), 10001),
}


@pytest.mark.parametrize(("build", "code"), REFUSED.values(), ids=REFUSED.keys())
def test_every_wrong_signature_is_refused_with_bybit_code(
    bybit: RunningBybitSimulator, build: Callable[[], Request], code: int,
) -> None:
    target, sent = build()
    answer = send(bybit.port, target, list(sent.items()))
    assert answer.status == 200  # Bybit refuses a signed request in the body, not the status
    assert (answer.json()["retCode"], answer.json()["result"]) == (code, {})


def test_no_key_is_http_401(bybit: RunningBybitSimulator) -> None:
    target, sent = _replaced(_get(INFO), "X-BAPI-API-KEY", None)
    assert send(bybit.port, target, list(sent.items())).status == 401


@pytest.mark.parametrize("query", [pybit_query(PARAMS), encoded_query(PARAMS), ""])
def test_folio_signs_a_request_as_pybit_does(query: str) -> None:
    auth = BybitAuth(DEMO, clock_ms=lambda: NOW)
    url = f"https://api.bybit.com{WALLET}" + (f"?{query}" if query else "")
    flow = auth.auth_flow(httpx.Request("GET", url))
    signed = next(flow)
    flow.close()
    assert signed.url.query.decode() == query  # what is signed is what is sent
    theirs = headers(DEMO_API_KEY, DEMO_API_SECRET, NOW, query, pybit=False)
    assert {name: signed.headers[name] for name in theirs} == theirs
