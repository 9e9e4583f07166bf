"""Hostile and faulty answers to the three kit adapters (OKX, Bybit, Binance USD-M futures).

One table per class of fault, each row run against every exchange over a real loopback socket
(tests/reliability/hostile_server.py): the answer is given to the balance read's own request
(or to the clock probe's), every other request gets its real answer (tests/reliability/three.py).
Each read ends with the exact numbers or a typed error naming exchange, account, endpoint
and, when the body is to blame, the field; never a partial or silently wrong result, never a
credential (docs/reliability.md, "Hostile servers"). Waits go to a recording sleeper: nothing
here sleeps but the scripts' own drips, cut by a short deadline.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import format_datetime
from pathlib import Path
from typing import Final

import attrs
import pytest

from framework.errors import (
    BannedError,
    BodyTooLargeError,
    ExchangeError,
    ExchangeUnavailableError,
    FolioError,
    InvalidRequestError,
    InvalidResponseError,
    RateLimitedError,
    RequestTimeoutError,
    TransportError,
)
from framework.models import BalanceSnapshot
from framework.retry import RetryPolicy
from framework.serialize import amount_text
from framework.settings import HttpSettings
from tests.reliability.hostile_server import Exchange, HostileServer, Script, answer, reset
from tests.reliability.test_traceback_secrets import assert_nothing_secret
from tests.reliability.three import (
    AMOUNT_FIELD,
    BALANCE_PATH,
    BODIES,
    ENDPOINT,
    EXCHANGE,
    KIT,
    SECRETS,
    TIME_PATH,
    Kit,
    balance_body,
    balances,
    client,
    read_balances,
)

HERE: Final = Path(__file__).resolve()
LIMIT: Final = 256 * 1024
HTTP: Final = HttpSettings(
    max_body_bytes=LIMIT, read_timeout=5.0,
    retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02, deadline=2.0),
)
TIME_ENDPOINT: Final = {"okx": "GET public/time", "bybit": "GET market/time",
                        "binance_futures": "GET futures/time"}


class Waits:
    """A client's sleeper: records each wait and returns at once."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@attrs.frozen
class Seen:
    """One read's outcome and what the server saw."""

    result: BalanceSnapshot | FolioError
    targets: list[str]
    waits: list[float]

    def count(self, path: str) -> int:
        return sum(1 for target in self.targets if target == path)


def serve(name: Kit, script: Script, *, path: str | None = None) -> Seen:
    """Read ``name``'s balances; ``script`` answers ``path`` (the balance path by default)."""
    path = path or BALANCE_PATH[name]

    async def routed(exchange: Exchange) -> None:
        target = exchange.seen.target.split("?", 1)[0]
        if target == path:
            await script(exchange)
        else:
            exchange.writer.write(answer(200, BODIES[target]))

    waits = Waits()
    with HostileServer(routed) as server:
        result = read_balances(name, server.url, HTTP, sleep=waits)
        targets = [seen.target.split("?", 1)[0] for seen in server.requests]
    return Seen(result, targets, waits.seconds)


def sends(status: int, body: bytes | str, headers: dict[str, str] | None = None) -> Script:
    raw = body.encode() if isinstance(body, str) else body

    async def script(exchange: Exchange) -> None:
        exchange.writer.write(answer(status, raw, headers=headers))

    return script


def located(
    seen: Seen, name: Kit, cls: type[FolioError], *, endpoint: str | None = None
) -> FolioError:
    """The read's error: of class ``cls``, naming exchange, account, endpoint; no secret."""
    error = seen.result
    assert isinstance(error, cls), error
    assert isinstance(error, ExchangeError)
    assert error.exchange == EXCHANGE[name]
    assert error.account == "main"
    assert error.endpoint == (endpoint or ENDPOINT[name])
    assert_nothing_secret(error, SECRETS[name], skip=HERE)
    return error


def at_field(seen: Seen, name: Kit, field: str, *, garbled: bool = False) -> None:
    """Refused as an InvalidResponseError at ``field``, re-read only if ``garbled``."""
    error = located(seen, name, InvalidResponseError)
    assert isinstance(error, InvalidResponseError)
    assert (error.field, error.garbled) == (field, garbled), str(error)
    assert seen.count(BALANCE_PATH[name]) == (HTTP.retry.max_attempts if garbled else 1)


every_exchange = pytest.mark.parametrize("name", KIT)


# -- the amount grammar: one holding written every way ------------------------------------------

AMOUNTS: Final[dict[str, str | None]] = {
    # raw JSON of the BTC holding: the total it reads as, or None when it is refused at its field
    '"1.25"': "1.25",
    '"1e3"': "1000",  # an exponent is how some servers print; the number is exact
    '"1E-8"': "0.00000001",
    '"+1.25"': "1.25",
    '"-0"': "0",  # no negative zero reaches a table or a JSON document
    '"0.000"': "0",
    "1.25": None,  # a JSON number: amounts are strings on all three
    "1": None,
    '"NaN"': None,
    '"Infinity"': None,
    '"-Infinity"': None,
    '" 1.25"': None,
    '"1.25 "': None,
    '"1.25\\n"': None,
    '"0x10"': None,
    '"1_000"': None,
    '"\uff11"': None,  # a fullwidth 1
    '"1e999999"': None,
    '"' + "1" * 120 + '"': None,
    '""': None,
    "null": None,
    "true": None,
}


@every_exchange
@pytest.mark.parametrize("raw", list(AMOUNTS), ids=[a[:24] for a in AMOUNTS])
def test_an_amount_is_read_exactly_or_refused_at_its_field(name: Kit, raw: str) -> None:
    seen = serve(name, sends(200, balance_body(name, raw, available=False)))
    total = AMOUNTS[raw]
    if total is None:
        at_field(seen, name, AMOUNT_FIELD[name])
        return
    assert isinstance(seen.result, BalanceSnapshot), seen.result
    rows = {row.asset: row for row in seen.result}
    if "BTC" not in rows:  # Binance futures leaves out a row of zeros (omit_zero_balances)
        assert name == "binance_futures"
        assert Decimal(total) == 0
        return
    holding = rows["BTC"].total
    assert holding == Decimal(total)
    assert not amount_text(holding).startswith("-")


@every_exchange
def test_a_json_integer_beyond_pythons_digit_limit_is_refused_not_re_read(name: Kit) -> None:
    seen = serve(name, sends(200, balance_body(name, "1" * 5000)))
    at_field(seen, name, "$")
    assert "more than 4300 digits" in str(seen.result)


# -- valid JSON of the wrong shape --------------------------------------------------------------

OKX_OK: Final = balance_body("okx")
BYBIT_OK: Final = balance_body("bybit")
FUTURES_OK: Final = balance_body("binance_futures")
SHAPES: Final[dict[str, dict[Kit, tuple[str, str] | None]]] = {
    # case: exchange -> (body, the field refused), or None where the shape cannot arise
    "data not a list": {
        "okx": ('{"code":"0","msg":"","data":{}}', "$.data"),
        "bybit": ('{"retCode":0,"retMsg":"OK","result":{"list":{}}}', "$.result.list"),
        "binance_futures": (FUTURES_OK.replace('"positions":[]', '"positions":{}'),
                            "$.positions"),
    },
    "list empty": {
        "okx": ('{"code":"0","msg":"","data":[]}', "$.data"),
        "bybit": ('{"retCode":0,"retMsg":"OK","result":{"list":[]}}', "$.result.list"),
        "binance_futures": ("[]", "$"),
    },
    "two rows where one is expected": {
        "okx": (OKX_OK.replace('"data":[{', '"data":[{"totalEq":"1","details":[]},{'),
                "$.data"),
        "bybit": (BYBIT_OK.replace('"list":[', '"list":[' + BYBIT_OK.split('"list":[')[1]
                                   .split(',"coin"')[0] + ',"coin":[]},'), "$.result.list"),
        "binance_futures": None,  # no answer of the read is a list of one
    },
    "null where an object is expected": {
        "okx": ('{"code":"0","msg":"","data":[null]}', "$.data[0]"),
        "bybit": ('{"retCode":0,"retMsg":"OK","result":null}', "$.result"),
        "binance_futures": ("null", "$"),
    },
    "null row in a list": {
        "okx": (OKX_OK.replace('"details":[', '"details":[null,'), "$.data[0].details[0]"),
        "bybit": (BYBIT_OK.replace('"coin":[', '"coin":[null,'), "$.result.list[0].coin[0]"),
        "binance_futures": (FUTURES_OK.replace('"assets":[', '"assets":[null,'),
                            "$.assets[0]"),
    },
    "result missing": {
        "okx": ('{"code":"0","msg":""}', "$.data"),
        "bybit": ('{"retCode":0,"retMsg":"OK"}', "$.result"),
        "binance_futures": ("{}", "$.totalInitialMargin"),
    },
    "an asset listed twice": {
        "okx": (OKX_OK.replace('"details":[{', '"details":[{"ccy":"BTC","eq":"2","availBal":'
                               '"0","eqUsd":"1"},{'), "$.data[0].details[1].ccy"),
        "bybit": (BYBIT_OK.replace('"coin":[{', '"coin":[{"coin":"BTC","walletBalance":"3"},{'),
                  "$.result.list[0].coin[1].coin"),
        "binance_futures": (FUTURES_OK.replace('"assets":[{', '"assets":[' + FUTURES_OK.split(
            '"assets":[')[1].split("]")[0] + ",{"), "$.assets[1].asset"),
    },
    "a repeated JSON key": {
        "okx": (OKX_OK.replace('"eq":"1.25"', '"eq":"1.25","eq":"9"'),
                "$.data[0].details[0].eq"),
        "bybit": (BYBIT_OK.replace('"walletBalance":"1.25"',
                                   '"walletBalance":"1.25","walletBalance":"9"'),
                  "$.result.list[0].coin[0].walletBalance"),
        "binance_futures": (FUTURES_OK.replace('"walletBalance":"1.25"',
                                               '"walletBalance":"1.25","walletBalance":"9"'),
                            "$.assets[0].walletBalance"),
    },
    "the code of the wrong JSON type (OKX's a number, Bybit's a string)": {
        "okx": (OKX_OK.replace('"code":"0"', '"code":0'), "$.code"),
        "bybit": (BYBIT_OK.replace('"retCode":0', '"retCode":"0"'), "$.retCode"),
        "binance_futures": ('{"code":"-1021","msg":"Timestamp outside recvWindow"}', "$.code"),
    },
    "an error code of the wrong JSON type": {
        "okx": ('{"code":50011,"msg":"Too Many Requests","data":[]}', "$.code"),
        "bybit": ('{"retCode":"10006","retMsg":"Too many visits","result":{}}', "$.retCode"),
        "binance_futures": ('{"code":-1021.0,"msg":"Timestamp outside recvWindow"}', "$.code"),
    },
}
SHAPE_CASES: Final = [(case, name) for case, by in SHAPES.items() for name in KIT
                      if by[name] is not None]


@pytest.mark.parametrize(("case", "name"), SHAPE_CASES,
                         ids=[f"{name}-{case}" for case, name in SHAPE_CASES])
def test_valid_json_of_the_wrong_shape_is_refused_at_its_field_not_re_read(
    case: str, name: Kit
) -> None:
    shape = SHAPES[case][name]
    assert shape is not None
    body, field = shape
    seen = serve(name, sends(200, body))
    at_field(seen, name, field)


@every_exchange
@pytest.mark.parametrize("body", ['{"code":"0","data":[', "", "<html>oops</html>"],
                         ids=["cut-short", "empty", "html"])
def test_malformed_json_is_garbled_and_re_read_within_max_attempts(name: Kit, body: str) -> None:
    seen = serve(name, sends(200, body))
    at_field(seen, name, "$", garbled=True)
    assert "gave up after 3 attempts" in str(seen.result)


# -- error codes ----------------------------------------------------------------------------------

UNKNOWN: Final = {
    "okx": ('{"code":"99999","msg":"Something new","data":[]}', "99999"),
    "bybit": ('{"retCode":99999,"retMsg":"Something new","result":{}}', 99999),
    "binance_futures": ('{"code":-9999,"msg":"Something new"}', -9999),
}


@every_exchange
@pytest.mark.parametrize("status", [200, 400])
def test_an_unknown_error_code_is_kept_verbatim_and_not_retried(name: Kit, status: int) -> None:
    body, code = UNKNOWN[name]
    seen = serve(name, sends(status, body))
    error = located(seen, name, ExchangeError)
    assert type(error) is ExchangeError
    assert isinstance(error, ExchangeError)
    assert error.code == code
    assert "Something new" in str(error)
    assert seen.count(BALANCE_PATH[name]) == 1


@every_exchange
def test_an_unknown_error_code_with_a_5xx_is_unavailability_retried(name: Kit) -> None:
    seen = serve(name, sends(500, UNKNOWN[name][0]))
    located(seen, name, ExchangeUnavailableError)
    assert seen.count(BALANCE_PATH[name]) == HTTP.retry.max_attempts


SUCCESS_WITH_WORDS: Final = {
    "okx": OKX_OK.replace('"msg":""', '"msg":"Internal error"'),
    "bybit": BYBIT_OK.replace('"retMsg":"OK"', '"retMsg":"Internal error"'),
    # Binance has no success envelope: a code and a message in an answer are an error's
    "binance_futures": FUTURES_OK.replace('{"total', '{"code":200,"msg":"success","total', 1),
}


@every_exchange
def test_a_success_code_with_an_error_message_is_decided_by_the_code(name: Kit) -> None:
    """OKX and Bybit: the code decides, and the data is validated as ever; Binance: refused."""
    seen = serve(name, sends(200, SUCCESS_WITH_WORDS[name]))
    if name == "binance_futures":
        error = located(seen, name, ExchangeError)
        assert isinstance(error, ExchangeError)
        assert error.code == 200
        return
    assert isinstance(seen.result, BalanceSnapshot), seen.result
    assert seen.result["BTC"].total == Decimal("1.25")


# -- statuses, headers and encodings ------------------------------------------------------------

def http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.fromtimestamp(
        datetime.now(UTC).timestamp() + seconds_from_now, UTC), usegmt=True)


@attrs.frozen
class Status:
    """A status row: what the server sends, the error, requests to the balance path."""

    script: Callable[[], Script]
    error: type[FolioError] | Callable[[Kit], type[FolioError]]
    requests: int
    waits: tuple[float, ...] | None = None
    """The exact waits, where they are not jittered backoff."""


def _json_for(name: Kit) -> str:
    return balance_body(name)


STATUSES: Final[dict[str, Status]] = {
    "429 with Retry-After in seconds": Status(
        lambda: sends(429, "", {"Retry-After": "1"}), RateLimitedError, 3, (1.0, 1.0)),
    "429 with Retry-After a past HTTP date": Status(
        lambda: sends(429, "", {"Retry-After": http_date(-3600)}), RateLimitedError, 3,
        (0.0, 0.0)),
    "429 with Retry-After a date a day ahead": Status(
        lambda: sends(429, "", {"Retry-After": http_date(86_400)}), RateLimitedError, 1, ()),
    "429 with a garbage Retry-After": Status(
        lambda: sends(429, "<html>slow down</html>", {"Retry-After": "soon",
                                                      "Content-Type": "text/html"}),
        RateLimitedError, 3),
    "429 without Retry-After": Status(
        lambda: sends(429, "<html>slow down</html>", {"Content-Type": "text/html"}),
        RateLimitedError, 3),
    "418 (Binance's IP ban)": Status(
        lambda: sends(418, '{"code":-1003,"msg":"Way too many requests; IP banned"}',
                      {"Retry-After": "120"}),
        lambda name: BannedError if name == "binance_futures" else InvalidResponseError, 1),
    "5xx HTML page": Status(
        lambda: sends(503, "<html><h1>down</h1></html>", {"Content-Type": "text/html"}),
        ExchangeUnavailableError, 3),
    "redirect": Status(
        lambda: sends(302, "", {"Location": "http://127.0.0.1:9/elsewhere"}),
        InvalidRequestError, 1),
}


@every_exchange
@pytest.mark.parametrize("case", list(STATUSES))
def test_a_status_that_speaks_for_itself_is_its_typed_error(name: Kit, case: str) -> None:
    row = STATUSES[case]
    seen = serve(name, row.script())
    expected = row.error if isinstance(row.error, type) else row.error(name)
    error = located(seen, name, expected)
    assert seen.count(BALANCE_PATH[name]) == row.requests, str(error)
    if row.waits is not None:
        assert tuple(seen.waits) == row.waits
    if type(error) is RateLimitedError and row.requests == 1:
        assert "longer than max_retry_after" in str(error)


def _gzip_of(name: Kit) -> bytes:
    return gzip.compress(balance_body(name).encode())


@every_exchange
@pytest.mark.parametrize("case", ["text/html labelled", "corrupt gzip", "not gzip at all",
                                  "corrupt deflate"])
def test_an_answer_not_in_the_form_it_claims_is_garbled_and_re_read(name: Kit, case: str) -> None:
    packed = _gzip_of(name)
    script = {
        "text/html labelled": sends(200, balance_body(name), {"Content-Type": "text/html"}),
        "corrupt gzip": sends(200, packed[:12] + b"\x00" * 24 + packed[36:],
                              {"Content-Encoding": "gzip"}),
        "not gzip at all": sends(200, balance_body(name), {"Content-Encoding": "gzip"}),
        "corrupt deflate": sends(200, b"garbage", {"Content-Encoding": "deflate"}),
    }[case]
    seen = serve(name, script)
    at_field(seen, name, "$", garbled=True)
    assert "connection" not in str(seen.result)


@every_exchange
def test_a_gzip_answer_gives_the_same_numbers(name: Kit) -> None:
    seen = serve(name, sends(200, _gzip_of(name), {"Content-Encoding": "gzip"}))
    assert isinstance(seen.result, BalanceSnapshot), seen.result
    assert seen.result["BTC"].total == Decimal("1.25")


async def endless(exchange: Exchange) -> None:
    exchange.writer.write(answer(200, b"", headers={"Transfer-Encoding": "chunked"}))
    exchange.writer.write(b"1\r\n{\r\n")
    chunk = b"4000\r\n" + b" " * 0x4000 + b"\r\n"
    for _ in range(LIMIT // 0x4000 * 4):  # four times the cap, then the client has hung up
        exchange.writer.write(chunk)
        await exchange.writer.drain()


async def oversize(exchange: Exchange) -> None:
    exchange.writer.write(answer(200, b"{}", length=1 << 30))


async def stall_mid_headers(exchange: Exchange) -> None:
    exchange.writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ")
    for _ in range(100):  # a byte every 50 ms, never a blank line: longer than the deadline
        exchange.writer.write(b"x")
        await exchange.writer.drain()
        await asyncio.sleep(0.05)


async def reset_at_once(exchange: Exchange) -> None:
    reset(exchange.writer)


async def truncated_chunks(exchange: Exchange) -> None:
    exchange.writer.write(answer(200, b"", headers={"Transfer-Encoding": "chunked"})
                          + b"40\r\n" + b'{"code"')


CONNECTIONS: Final[dict[str, tuple[Script, type[FolioError], int]]] = {
    "a body over max_body_bytes (declared)": (oversize, BodyTooLargeError, 1),
    "a body that never ends": (endless, BodyTooLargeError, 1),
    "a stall mid-headers": (stall_mid_headers, RequestTimeoutError, 1),
    "a connection reset": (reset_at_once, TransportError, 3),
    "a truncated chunked body": (truncated_chunks, TransportError, 3),
}


@every_exchange
@pytest.mark.parametrize("case", list(CONNECTIONS))
def test_a_broken_connection_is_its_typed_error_within_the_deadline(name: Kit, case: str) -> None:
    script, cls, requests = CONNECTIONS[case]
    seen = serve(name, script)
    error = located(seen, name, cls)
    # The pool resends at once on a kept-alive connection that turns out closed (a reset
    # before any answer looks so): up to twice per attempt, never more.
    assert requests <= seen.count(BALANCE_PATH[name]) <= 2 * requests, str(error)
    if cls is BodyTooLargeError:
        assert f"max_body_bytes ({LIMIT} bytes)" in str(error)


# -- the server's clock --------------------------------------------------------------------------

SKEW: Final = {
    "okx": (401, '{"code":"50102","msg":"Timestamp request expired","data":[]}'),
    "bybit": (200, '{"retCode":10002,"retMsg":"invalid request, please check your server '
                   'timestamp or recv_window param","result":{}}'),
    "binance_futures": (400, '{"code":-1021,"msg":"Timestamp for this request is outside of '
                             'the recvWindow."}'),
}
TIME_FIELD: Final = {"okx": "$.data[0].ts", "bybit": "$.result.timeNano",
                     "binance_futures": "$.serverTime"}


def time_body(name: Kit, ms: str) -> str:
    """``name``'s server-time answer saying ``ms`` (raw text: may be garbage)."""
    if name == "okx":
        return f'{{"code":"0","msg":"","data":[{{"ts":"{ms}"}}]}}'
    if name == "bybit":
        nano = ms + "000000" if ms.isdigit() else ms
        return (f'{{"retCode":0,"retMsg":"OK","result":{{"timeSecond":"1","timeNano":"{nano}"}},'
                '"retExtInfo":{},"time":1}')
    return f'{{"serverTime":{ms if ms.lstrip("-").isdigit() else chr(34) + ms + chr(34)}}}'


def clock_probe(name: Kit, server_ms: str) -> tuple[BalanceSnapshot | FolioError, int]:
    """A read whose first balance request is refused for its timestamp, and whose clock probe
    says ``server_ms``: the outcome, and the signing offset the host adopted."""
    skewed: list[int] = []

    async def script(exchange: Exchange) -> None:
        target = exchange.seen.target.split("?", 1)[0]
        if target == TIME_PATH[name]:
            exchange.writer.write(answer(200, time_body(name, server_ms).encode()))
        elif target == BALANCE_PATH[name] and not skewed:
            skewed.append(1)
            exchange.writer.write(answer(SKEW[name][0], SKEW[name][1].encode()))
        else:
            exchange.writer.write(answer(200, BODIES[target]))

    async def go(url: str) -> tuple[BalanceSnapshot | FolioError, int]:
        async def nowhere(_seconds: float) -> None:
            return None

        async with client(name, url, HTTP, sleep=nowhere, clock_ms=lambda: NOW_MS) as reader:
            try:
                result: BalanceSnapshot | FolioError = await balances(reader, name)
            except FolioError as exc:
                result = exc
            return result, reader.clock_offset_ms

    with HostileServer(script) as server:
        return asyncio.run(go(server.url))


NOW_MS: Final = 1_700_000_000_000
"""The local clock of the clock-probe reads (a fixed clock shares no offset with others)."""


@every_exchange
@pytest.mark.parametrize("server_ms", ["0", "1", "-5", "9999999999999", "4102444800000",
                                       "soon", "1.7e12"])
def test_an_impossible_server_time_is_refused_and_the_offset_kept(
    name: Kit, server_ms: str
) -> None:
    result, offset = clock_probe(name, server_ms)
    seen = Seen(result, [], [])
    error = located(seen, name, InvalidResponseError, endpoint=TIME_ENDPOINT[name])
    assert isinstance(error, InvalidResponseError)
    assert error.field == TIME_FIELD[name]
    assert offset == 0  # nothing adopted: no account of the host signs with it


@every_exchange
@pytest.mark.parametrize("ahead_ms", [60_000, -86_400_000])
def test_a_possible_server_time_is_adopted_and_the_read_repeated(name: Kit, ahead_ms: int) -> None:
    result, offset = clock_probe(name, str(NOW_MS + ahead_ms))
    assert isinstance(result, BalanceSnapshot), result
    assert result["BTC"].total == Decimal("1.25")
    assert offset == ahead_ms
