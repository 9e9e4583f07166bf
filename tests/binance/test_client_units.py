"""Narrow unit tests of the clients with ``httpx.MockTransport``: what goes on the wire, clock
correction, retries, used weight and the limiters each endpoint draws on.

Behaviour against a real server is covered over loopback sockets in tests/binance_integration;
these tests pin down details a real server cannot produce on demand (a transport failure of
each kind, an exact clock) and run without sockets.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl

import httpx
import pytest

from adapters.binance import AsyncBinanceClient, BinanceOptions, Budget
from adapters.binance.endpoints import ACCOUNT, MARGIN_ACCOUNT, SERVER_TIME
from framework.credentials import Credentials
from framework.errors import (
    ClockSkewError,
    ExchangeError,
    ExchangeUnavailableError,
    RequestTimeoutError,
    TransportError,
    UnsupportedCapabilityError,
)
from framework.models import WalletKind
from framework.retry import NO_RETRIES, RetryPolicy
from framework.settings import HttpSettings
from tests.binance.conftest import sample_bytes

KEY = "k" * 64
SECRET = "s" * 64
CREDENTIALS = Credentials.from_strings(KEY, SECRET)
LOCAL_MS = 1_700_000_000_000  # a time an exchange can answer (adapters/kit/clock.py)
ONE_TRY = HttpSettings(retry=NO_RETRIES)
_hosts = itertools.count()

Handler = Callable[[httpx.Request], httpx.Response]


def _host() -> str:
    """A base URL no other test uses: limiters are shared process-wide per host."""
    return f"https://h{next(_hosts)}.binance.test"


def _json(status: int, document: object, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(document).encode(),
                          headers={"content-type": "application/json", **headers})


def _samples(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/api/v3/time":
        return _json(200, {"serverTime": LOCAL_MS})
    name = "account" if request.url.path == "/api/v3/account" else "margin_account"
    return httpx.Response(200, content=sample_bytes(name),
                          headers={"content-type": "application/json"})


def _client(handler: Handler, **settings: object) -> AsyncBinanceClient:
    settings.setdefault("base_url", _host())
    settings.setdefault("http", ONE_TRY)
    return AsyncBinanceClient(CREDENTIALS, transport=httpx.MockTransport(handler),
                              account="main", clock_ms=lambda: LOCAL_MS,
                              **settings)  # type: ignore[arg-type]


@pytest.fixture
def sent() -> list[httpx.Request]:
    return []


def _recording(sent: list[httpx.Request], handler: Handler = _samples) -> Handler:
    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return handler(request)

    return record


def _params(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode())


# -- the wire -------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_signed_requests_carry_key_window_timestamp_and_signature_last(
    sent: list[httpx.Request],
) -> None:
    async with _client(_recording(sent)) as client:
        await client.balances(WalletKind.CASH)
        await client.balances(WalletKind.MARGIN)
        await client.server_time()
    account, margin, time = sent
    assert [name for name, _ in _params(account)] == [
        "omitZeroBalances", "recvWindow", "timestamp", "signature"
    ]
    assert _params(account)[:3] == [
        ("omitZeroBalances", "true"), ("recvWindow", "5000"), ("timestamp", str(LOCAL_MS))
    ]
    assert [name for name, _ in _params(margin)] == ["recvWindow", "timestamp", "signature"]
    assert account.headers["X-MBX-APIKEY"] == margin.headers["X-MBX-APIKEY"] == KEY
    assert _params(time) == []
    assert "X-MBX-APIKEY" not in time.headers


@pytest.mark.anyio
async def test_options_change_what_is_sent(sent: list[httpx.Request]) -> None:
    options = BinanceOptions(omit_zero_balances=False, recv_window=60000)
    async with _client(_recording(sent), options=options) as client:
        await client.balances(WalletKind.CASH)
    assert _params(sent[0])[:2] == [("omitZeroBalances", "false"), ("recvWindow", "60000")]


@pytest.mark.anyio
async def test_a_wallet_binance_does_not_have_is_refused_before_any_request(
    sent: list[httpx.Request],
) -> None:
    async with _client(_recording(sent)) as client:
        with pytest.raises(UnsupportedCapabilityError) as caught:
            await client.balances(WalletKind.FUTURES)
    assert sent == []
    assert (caught.value.exchange, caught.value.account) == ("binance", "main")


@pytest.mark.anyio
async def test_reads_return_the_converted_and_the_wire_answers(sent: list[httpx.Request]) -> None:
    async with _client(_recording(sent)) as client:
        risk = await client.margin_risk()
        wire = await client.spot_account()
    assert str(risk.equity) == "6.24095242"
    assert wire.uid == 354937868
    assert [r.url.path for r in sent] == ["/sapi/v1/margin/account", "/api/v3/account"]


# -- transport failures ---------------------------------------------------------------------------


def _raising(exc: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("refused"), TransportError),
        (httpx.RemoteProtocolError("peer closed"), TransportError),
        (httpx.ReadTimeout("slow"), RequestTimeoutError),
        (httpx.PoolTimeout("busy"), RequestTimeoutError),
    ],
)
@pytest.mark.anyio
async def test_transport_failures_are_typed_located_and_quote_no_secret(
    exc: Exception, cls: type[ExchangeError]
) -> None:
    async with _client(_raising(exc)) as client:
        with pytest.raises(cls) as caught:
            await client.balances(WalletKind.MARGIN)
    error = caught.value
    assert error.retryable
    assert (error.exchange, error.account, error.endpoint) == (
        "binance", "main", "GET margin/account"
    )
    text = str(error) + repr(error)
    assert KEY not in text
    assert "signature" not in text


# -- clock correction -----------------------------------------------------------------------------

AHEAD_MS = 20_000


def _exchange_clock_ahead(request: httpx.Request) -> httpx.Response:
    """An exchange whose clock is 20 s ahead of ours, with Binance's 5 s window."""
    server_ms = LOCAL_MS + AHEAD_MS
    if request.url.path == "/api/v3/time":
        return _json(200, {"serverTime": server_ms})
    timestamp = int(dict(_params(request))["timestamp"])
    if server_ms - timestamp > 5000:
        return _json(400, {"code": -1021,
                           "msg": "Timestamp for this request is outside of the recvWindow."})
    return _samples(request)


@pytest.mark.anyio
async def test_a_rejected_timestamp_is_corrected_once(sent: list[httpx.Request]) -> None:
    async with _client(_recording(sent, _exchange_clock_ahead)) as client:
        snapshot = await client.balances(WalletKind.CASH)
        assert client.clock_offset_ms == AHEAD_MS
    assert snapshot.assets == ("BTC", "LTC")
    assert [r.url.path for r in sent] == ["/api/v3/account", "/api/v3/time", "/api/v3/account"]
    stamps = [dict(_params(r)).get("timestamp") for r in sent]
    assert stamps == [str(LOCAL_MS), None, str(LOCAL_MS + AHEAD_MS)]


@pytest.mark.anyio
async def test_without_sync_clock_the_skew_is_reported(sent: list[httpx.Request]) -> None:
    options = BinanceOptions(sync_clock=False)
    async with _client(_recording(sent, _exchange_clock_ahead), options=options) as client:
        with pytest.raises(ClockSkewError) as caught:
            await client.balances(WalletKind.CASH)
    assert len(sent) == 1
    assert caught.value.code == -1021
    assert caught.value.endpoint == "GET account"


@pytest.mark.anyio
async def test_a_skew_that_cannot_be_measured_is_the_server_time_read_s_own_error() -> None:
    def no_time(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v3/time":
            return _json(503, {"code": -1001, "msg": "Internal error"})
        return _exchange_clock_ahead(request)

    # the server-time read is a read like any other: its transient failure is what the caller
    # gets (retryable), not a ClockSkewError telling the operator to fix NTP
    async with _client(no_time) as client:
        with pytest.raises(ExchangeUnavailableError) as caught:
            await client.margin_risk()
    assert (caught.value.endpoint, caught.value.account) == ("GET time", "main")
    assert client.clock_offset_ms == 0


# -- retries --------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_failed_attempt_is_retried_and_signed_again(sent: list[httpx.Request]) -> None:
    answers: Iterator[httpx.Response] = iter([
        _json(503, {"code": -1001, "msg": "Internal error"}),
        _json(429, {"code": -1003, "msg": "Too much request weight used"}, **{"Retry-After": "2"}),
    ])
    ticks = itertools.count(LOCAL_MS, 1000)
    slept: list[float] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or _samples(request)

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async with AsyncBinanceClient(
        CREDENTIALS, transport=httpx.MockTransport(_recording(sent, flaky)), base_url=_host(),
        clock_ms=lambda: next(ticks), sleep=sleep,
        http=HttpSettings(retry=RetryPolicy(max_attempts=3, base_delay=0.5)),
    ) as client:
        assert (await client.balances(WalletKind.CASH)).assets == ("BTC", "LTC")
    assert len(sent) == 3
    assert len({dict(_params(r))["signature"] for r in sent}) == 3
    assert len(slept) == 2
    assert 0.25 <= slept[0] <= 0.5  # backoff with jitter after the 503
    assert slept[1] == 2.0  # the 429's Retry-After


# -- weight ---------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_the_weight_binance_reports_is_exposed_per_budget() -> None:
    def with_weight(request: httpx.Request) -> httpx.Response:
        response = _samples(request)
        if request.url.path.startswith("/sapi/"):
            response.headers["X-SAPI-USED-IP-WEIGHT-1M"] = "130"
        else:
            is_time = request.url.path == "/api/v3/time"
            response.headers["X-MBX-USED-WEIGHT-1M"] = "garbage" if is_time else "4021"
        return response

    async with _client(with_weight) as client:
        assert client.used_weight == {}
        await client.balances(WalletKind.CASH)
        await client.server_time()  # a header that is not a number is ignored
        await client.margin_risk()
        assert client.used_weight == {Budget.API: 4021, Budget.SAPI: 130}


@pytest.mark.anyio
async def test_each_endpoint_is_charged_its_weight_in_its_budget() -> None:
    options = BinanceOptions(weight_limit=50, sapi_weight_limit=25)
    async with _client(_samples, options=options) as client:
        (api,) = client.budgets.of(ACCOUNT)
        (sapi,) = client.budgets.of(MARGIN_ACCOUNT)
        assert client.budgets.of(SERVER_TIME) == (api,)
        assert api is not sapi
        await client.balances(WalletKind.CASH)  # 20
        await client.server_time()  # 1
        await client.balances(WalletKind.MARGIN)  # 10, in its own budget
        assert api.try_acquire(30) > 0  # 21 used: 30 more would pass 50
        assert api.try_acquire(29) == 0
        assert sapi.try_acquire(16) > 0  # 10 used of 25
        assert sapi.try_acquire(15) == 0


@pytest.mark.anyio
async def test_the_clock_check_inside_a_margin_read_is_charged_to_the_api_budget() -> None:
    rejected = iter([True])

    def skewed_once(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/sapi/v1/margin/account" and next(rejected, False):
            return _json(400, {"code": -1021, "msg": "Timestamp outside of the recvWindow."})
        return _samples(request)

    options = BinanceOptions(weight_limit=50, sapi_weight_limit=25)
    async with _client(skewed_once, options=options) as client:
        await client.balances(WalletKind.MARGIN)  # margin 10 (rejected), time 1, margin 10 again
        (api,) = client.budgets.of(ACCOUNT)
        (sapi,) = client.budgets.of(MARGIN_ACCOUNT)
        assert api.try_acquire(50) > 0  # the time call's 1 sits in /api ...
        assert api.try_acquire(49) == 0
        assert sapi.try_acquire(6) > 0  # ... and the margin endpoint paid 20, not 21
        assert sapi.try_acquire(5) == 0


@pytest.mark.anyio
async def test_clients_of_one_host_share_its_budget_and_a_zero_limit_is_off() -> None:
    url = _host()
    async with _client(_samples, base_url=url) as first, \
            _client(_samples, base_url=url) as second:
        assert first.budgets.of(ACCOUNT) == second.budgets.of(ACCOUNT)
        async with _client(_samples) as elsewhere:
            assert elsewhere.budgets.of(ACCOUNT) != first.budgets.of(ACCOUNT)
    off = BinanceOptions(weight_limit=0, sapi_weight_limit=0)
    async with _client(_samples, options=off) as client:
        assert client.budgets.of(ACCOUNT) == client.budgets.of(MARGIN_ACCOUNT) == ()


@pytest.mark.anyio
async def test_repr_names_the_account_and_hides_the_key() -> None:
    async with _client(_samples) as client:
        text = repr(client)
    assert "account='main'" in text
    assert KEY not in text
