"""Signed-request checks of the simulator, each with Binance's status, code and words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.binance.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    BinanceSimulator,
    RunningBinanceSimulator,
    SimAccount,
    SpotRow,
    sign,
)
from tests.binance_simulator.helpers import DOC_TIME, FrozenClock, call, hex_hmac

ACCOUNT = "/api/v3/account"
MARGIN = "/sapi/v1/margin/account"
REJECTED = "Invalid API-key, IP, or permissions for action."


def _rejection(status: int, code: int, msg: str) -> tuple[int, dict[str, object]]:
    return status, {"code": code, "msg": msg}


def test_the_simulators_signer_reproduces_the_published_example() -> None:
    query = ("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
             "&recvWindow=5000&timestamp=1499827319559")
    expected = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    assert sign(DEMO_API_SECRET, query) == expected


@pytest.mark.parametrize("path", [ACCOUNT, MARGIN])
def test_a_correctly_signed_request_is_served(
    seed_server: RunningBinanceSimulator, path: str
) -> None:
    answer = call(seed_server.port, path, {"recvWindow": "5000"})
    assert answer.status == 200
    assert "code" not in answer.json()


def test_the_signature_is_not_case_sensitive(seed_server: RunningBinanceSimulator) -> None:
    upper = hex_hmac(DEMO_API_SECRET, f"timestamp={DOC_TIME}").upper()
    assert call(seed_server.port, MARGIN, signature=upper).status == 200


CASES = {
    "no-key": ({"key": None}, _rejection(401, -2014, "API-key format invalid.")),
    "short-key": ({"key": "abc"}, _rejection(401, -2014, "API-key format invalid.")),
    "key-with-symbols": ({"key": "-" * 64}, _rejection(401, -2014, "API-key format invalid.")),
    "no-timestamp": ({"timestamp": None}, _rejection(
        400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.")),
    "no-signature": ({"sign_with": None}, _rejection(
        400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.")),
    "unknown-key": ({"key": "Z" * 64}, _rejection(401, -2015, REJECTED)),
    "wrong-secret": ({"sign_with": "not-the-secret"}, _rejection(
        400, -1022, "Signature for this request is not valid.")),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_rejections(
    seed_server: RunningBinanceSimulator,
    case: tuple[dict[str, object], tuple[int, dict[str, object]]],
) -> None:
    arguments, (status, body) = case
    answer = call(seed_server.port, ACCOUNT, **arguments)  # type: ignore[arg-type]
    assert (answer.status, answer.json()) == (status, body)


@pytest.mark.parametrize(
    ("window", "status", "body"),
    [
        ("60000", 200, None),
        ("60001", 400, {"code": -1131, "msg": "recvWindow must be less than 60000"}),
        ("5s", 400, {"code": -1102, "msg": "Mandatory parameter 'recvWindow' was not sent, "
                                           "was empty/null, or malformed."}),
    ],
)
def test_recv_window_bounds(
    seed_server: RunningBinanceSimulator, window: str, status: int, body: object
) -> None:
    answer = call(seed_server.port, MARGIN, {"recvWindow": window})
    assert answer.status == status
    if body is not None:
        assert answer.json() == body


OUTSIDE = {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}
AHEAD = {"code": -1021, "msg": "Timestamp for this request was 1000ms ahead of the server's time."}


@pytest.mark.parametrize(
    ("offset_ms", "window", "body"),
    [
        (999, None, None),  # ahead, but less than a second
        (1000, None, AHEAD),
        (-5000, None, None),  # exactly the default window old
        (-5001, None, OUTSIDE),
        (-5001, "6000", None),  # a wider window admits it
        (-60000, "60000", None),
    ],
    ids=["999ms-ahead", "1s-ahead", "5s-old", "5001ms-old", "wider-window", "widest-window"],
)
def test_the_timestamp_window(
    seed_server: RunningBinanceSimulator,
    offset_ms: int,
    window: str | None,
    body: dict[str, object] | None,
) -> None:
    params = {"recvWindow": window} if window else {}
    answer = call(seed_server.port, ACCOUNT, params, timestamp=DOC_TIME + offset_ms)
    if body is None:
        assert answer.status == 200
    else:
        assert (answer.status, answer.json()) == (400, body)


def test_a_stale_request_is_refused_for_its_time_before_its_signature(
    seed_server: RunningBinanceSimulator,
) -> None:
    answer = call(seed_server.port, ACCOUNT, sign_with="wrong", timestamp=DOC_TIME - 60_000)
    assert answer.json()["code"] == -1021


def test_the_server_clock_offset_moves_the_window(
    seed_server: RunningBinanceSimulator, clock: FrozenClock
) -> None:
    seed_server.set_clock_offset_ms(10_000)
    assert call(seed_server.port, ACCOUNT).json() == OUTSIDE
    assert call(seed_server.port, "/api/v3/time", sign_with=None, key=None,
                timestamp=None).json() == {"serverTime": clock.now_ms + 10_000}


RESTRICTED_KEY = "R" * 64
LOCKED_KEY = "L" * 64


@pytest.fixture
def restricted_server(clock: FrozenClock) -> Iterator[RunningBinanceSimulator]:
    accounts = [
        SimAccount(RESTRICTED_KEY, "restricted-secret", spot=[SpotRow("BTC", "1.00000000")],
                   allowed_ips=["203.0.113.7"]),
        SimAccount(LOCKED_KEY, "locked-secret", can_read=False),
        SimAccount(DEMO_API_KEY, DEMO_API_SECRET, allowed_ips=["127.0.0.1"]),
    ]
    with BinanceSimulator(accounts, clock).serve() as running:
        yield running


@pytest.mark.parametrize(
    ("key", "secret", "status"),
    [(RESTRICTED_KEY, "restricted-secret", 401), (LOCKED_KEY, "locked-secret", 401),
     (DEMO_API_KEY, DEMO_API_SECRET, 200)],
    ids=["caller-outside-the-allow-list", "no-enable-reading", "caller-inside-the-allow-list"],
)
def test_key_permissions_and_ip_allow_list(
    restricted_server: RunningBinanceSimulator, key: str, secret: str, status: int
) -> None:
    answer = call(restricted_server.port, MARGIN, key=key, sign_with=secret)
    assert answer.status == status
    if status == 401:
        assert answer.json() == {"code": -2015, "msg": REJECTED}
