"""Hostile and broken servers, through every way folio sends a request.

Each case is a small script on a real loopback server (tests/reliability/hostile_server.py):
a body dripped a byte at a time, a megabyte of headers, compression bombs, broken chunked
encoding, a lying ``Content-Length``, a 1xx before the answer, a redirect to another host, an
HTML page labelled ``application/json``, a BOM or UTF-16 body, absurd ``Retry-After`` values,
a slow 5xx storm, a reset mid-body, an answer to another request. Both exchanges' clients are
read on folio's own transport (the shared client's, framework/transport.py) and on httpx's own
(``transport=``, as a plugin may pass). Each read ends in the
right numbers or a typed folio error naming exchange, account and endpoint (and the field when
one is to blame), retried only when a re-read can help, within the call's deadline, with no
key, secret or signature in the message, the traceback's frames or the DEBUG log
(docs/reliability.md, "Hostile servers"). Waits between attempts go to a recording sleeper:
nothing in the tests sleeps; only the scripts' own servers take their time.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import zlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

import httpx
import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.ascendex.simulator import DEMO_API_KEY as ASCENDEX_KEY
from adapters.ascendex.simulator import DEMO_API_SECRET as ASCENDEX_SECRET
from adapters.binance import AsyncBinanceClient, BinanceOptions
from adapters.binance.simulator import DEMO_API_KEY as BINANCE_KEY
from adapters.binance.simulator import DEMO_API_SECRET as BINANCE_SECRET
from adapters.kit.responses import MAX_RETRY_AFTER
from framework.credentials import Credentials
from framework.errors import (
    AuthenticationError,
    BodyTooLargeError,
    ExchangeError,
    FolioError,
    InvalidRequestError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    TransportError,
)
from framework.models import BalanceSnapshot, WalletKind
from framework.retry import RetryPolicy
from framework.settings import HttpSettings
from tests.reliability.hostile_server import Exchange, HostileServer, Script, answer, reset
from tests.reliability.test_traceback_secrets import assert_nothing_secret

HERE: Final = Path(__file__).resolve()
Name = Literal["ascendex", "binance"]
Sender = Literal["pooled", "httpx"]
EXCHANGES: Final[list[Name]] = ["ascendex", "binance"]
SENDERS: Final[list[Sender]] = ["pooled", "httpx"]
KEYS: Final = {
    "ascendex": (ASCENDEX_KEY, ASCENDEX_SECRET),
    "binance": (BINANCE_KEY, BINANCE_SECRET),
}
ENDPOINT: Final = {"ascendex": "GET cash/balance", "binance": "GET account"}
LIMIT: Final = 256 * 1024
HTTP: Final = HttpSettings(
    max_body_bytes=LIMIT,
    retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02),
)
TIGHT: Final = HttpSettings(
    read_timeout=5.0,  # longer than the deadline: only the deadline can end these reads
    max_body_bytes=LIMIT,
    retry=RetryPolicy(max_attempts=50, base_delay=0.01, max_delay=0.02, deadline=0.5),
)
"""For the cases a per-read timeout never ends (a drip): a 0.5 s deadline."""
STORM: Final = HttpSettings(
    read_timeout=5.0,
    max_body_bytes=LIMIT,
    retry=RetryPolicy(max_attempts=50, base_delay=0.01, max_delay=0.02, deadline=1.0),
)
"""For the slow 5xx storm: a 1 s deadline, room for more than one 0.3 s answer."""

ASCENDEX_BODY: Final = (
    b'{"code":0,"data":[{"asset":"BTC","totalBalance":"1.25","availableBalance":"1"}]}'
)
BINANCE_BODY: Final = (
    b'{"balances":[{"asset":"BTC","free":"1","locked":"0.25"}],"canTrade":true,'
    b'"accountType":"SPOT","updateTime":1,"permissions":["SPOT"]}'
)


@pytest.fixture(autouse=True)
def nothing_secret_logged(
    caplog: pytest.LogCaptureFixture, signatures: list[str]
) -> Iterator[None]:
    """Every logger at DEBUG during each test; no key, secret or signature in any line."""
    with caplog.at_level(logging.DEBUG):
        yield
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in [ASCENDEX_KEY, ASCENDEX_SECRET, BINANCE_KEY, BINANCE_SECRET, *signatures]:
        assert secret not in logged


def body_for(exchange: Exchange) -> bytes:
    """The real answer to the request being answered (Binance's paths start /api/v3)."""
    return BINANCE_BODY if exchange.seen.target.startswith("/api/v3") else ASCENDEX_BODY


class Waits:
    """A client's sleeper: records each wait and returns at once."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def read(
    exchange: Name, sender: Sender, url: str, http: HttpSettings = HTTP,
    waits: Waits | None = None,
) -> BalanceSnapshot | FolioError:
    """One cash-balance read of account ``main``: the snapshot, or the folio error it raised."""
    waits = waits or Waits()
    credentials = Credentials.from_strings(*KEYS[exchange])
    options: Any = (
        AscendexOptions.from_mapping({"account_group": 6}) if exchange == "ascendex"
        else BinanceOptions()
    )
    settings: dict[str, Any] = {"base_url": url, "account": "main", "options": options,
                                "http": http}

    async def go() -> BalanceSnapshot | FolioError:
        transport = httpx.AsyncHTTPTransport() if sender == "httpx" else None
        kind: Any = AsyncAscendexClient if exchange == "ascendex" else AsyncBinanceClient
        async with kind(credentials, transport=transport, sleep=waits, **settings) as client:
            try:
                result: BalanceSnapshot = await client.balances(WalletKind.CASH)
            except FolioError as exc:
                return exc
            return result

    return asyncio.run(go())


def failed(
    result: BalanceSnapshot | FolioError, exchange: Name, cls: type[ExchangeError],
    secrets: list[str],
) -> ExchangeError:
    """``result`` as the typed, located error expected, after checking it keeps no secret."""
    assert isinstance(result, cls), result
    assert result.exchange == exchange
    assert result.account == "main"
    assert result.endpoint == ENDPOINT[exchange]
    assert_nothing_secret(result, [*KEYS[exchange], *secrets], skip=HERE)
    return result


def right(result: BalanceSnapshot | FolioError) -> None:
    assert isinstance(result, BalanceSnapshot), result
    assert result["BTC"].total == Decimal("1.25")
    assert result["BTC"].available == Decimal("1")


def probe(script: Script) -> Callable[[Name, Sender], tuple[BalanceSnapshot | FolioError, int]]:
    def run(exchange: Name, sender: Sender) -> tuple[BalanceSnapshot | FolioError, int]:
        with HostileServer(script) as server:
            result = read(exchange, sender, server.url)
            return result, len(server.requests)

    return run


every_client = pytest.mark.parametrize(
    ("exchange", "sender"), [(e, s) for e in EXCHANGES for s in SENDERS],
    ids=[f"{e}-{s}" for e in EXCHANGES for s in SENDERS],
)


# -- the deadline holds --------------------------------------------------------------------------

async def drip_body(exchange: Exchange) -> None:
    """Status and headers at once, then the body one byte every 50 ms (ten seconds in all)."""
    body = body_for(exchange)
    exchange.writer.write(answer(200, body)[: -len(body)])
    for i in range(len(body)):
        exchange.writer.write(body[i : i + 1])
        await exchange.writer.drain()
        await asyncio.sleep(0.05)


@every_client
def test_a_dripping_body_is_cut_at_the_deadline(
    exchange: Name, sender: Sender, signatures: list[str]
) -> None:
    """Every byte arrives within read_timeout, so only the deadline can end the read.

    The AscendEX client once said a clock had been read, without the endpoint.
    """
    with HostileServer(drip_body) as server:
        result = read(exchange, sender, server.url, TIGHT)
    error = failed(result, exchange, RequestTimeoutError, signatures)
    assert "deadline" in str(error)
    assert "clock" not in str(error)
    assert len(server.requests) == 1  # the deadline left no time for a second attempt


async def slow_storm(exchange: Exchange) -> None:
    """Every answer is a 503, each taking 0.3 s."""
    await asyncio.sleep(0.3)
    exchange.writer.write(answer(503, b"<html>down</html>", headers={"Content-Type": "text/html"}))


@every_client
def test_a_slow_5xx_storm_ends_at_the_deadline_keeping_the_last_error(
    exchange: Name, sender: Sender, signatures: list[str]
) -> None:
    with HostileServer(slow_storm) as server:
        result = read(exchange, sender, server.url, STORM)
    error = failed(result, exchange, RequestTimeoutError, signatures)
    assert "the last failure: ExchangeUnavailableError" in str(error)
    assert "HTTP 503" in str(error)
    assert 1 < len(server.requests) < STORM.retry.max_attempts


async def drip_headers(exchange: Exchange) -> None:
    """A status line, then header bytes one every 50 ms, never a blank line (at most 10 s)."""
    exchange.writer.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    for _ in range(200):
        exchange.writer.write(b"x")
        await exchange.writer.drain()
        await asyncio.sleep(0.05)


@every_client
def test_dripping_headers_are_cut_at_the_deadline(
    exchange: Name, sender: Sender, signatures: list[str]
) -> None:
    """Every header byte arrives within read_timeout, so only the deadline can end the read."""
    with HostileServer(drip_headers) as server:
        result = read(exchange, sender, server.url, TIGHT)
    failed(result, exchange, RequestTimeoutError, signatures)


# -- broken framing: a connection problem, re-read ---------------------------------------------

async def huge_headers(exchange: Exchange) -> None:
    body = body_for(exchange)
    exchange.writer.write(
        b"HTTP/1.1 200 OK\r\nX-Junk: " + b"a" * (1 << 20) + b"\r\n"
        + b"Content-Length: %d\r\n\r\n" % len(body) + body
    )


async def broken_chunks(exchange: Exchange) -> None:
    exchange.writer.write(answer(200, b"zz\r\n{}\r\n", headers={"Transfer-Encoding": "chunked"}))


async def short_body(exchange: Exchange) -> None:
    body = body_for(exchange)
    exchange.writer.write(answer(200, body, length=len(body) + 100))


async def reset_mid_body(exchange: Exchange) -> None:
    body = body_for(exchange)
    exchange.writer.write(answer(200, body)[: -len(body) // 2])
    await exchange.writer.drain()
    await asyncio.sleep(0.05)  # let the first half arrive before the RST
    reset(exchange.writer)


FRAMING: Final = {
    "1-MiB-header": huge_headers,
    "invalid-chunked": broken_chunks,
    "content-length-beyond-the-body": short_body,
    "reset-mid-body": reset_mid_body,
}


@every_client
@pytest.mark.parametrize("case", list(FRAMING))
def test_broken_framing_is_a_transport_error_re_read_within_max_attempts(
    exchange: Name, sender: Sender, case: str, signatures: list[str]
) -> None:
    result, requests = probe(FRAMING[case])(exchange, sender)
    error = failed(result, exchange, TransportError, signatures)
    assert "gave up after 3 attempts" in str(error)
    assert requests >= HTTP.retry.max_attempts  # the pool may resend a stale connection at once


# -- compression bombs: bounded as decoded, not retried -----------------------------------------

def bomb(encoding: str, *, chunked: bool) -> Script:
    inflated = b" " * (64 << 20)  # 64 MiB of spaces, about 64 KiB compressed
    packed = gzip.compress(inflated) if encoding == "gzip" else zlib.compress(inflated)

    async def script(exchange: Exchange) -> None:
        headers = {"Content-Encoding": encoding}
        body = packed
        if chunked:
            headers["Transfer-Encoding"] = "chunked"
            body = b"%x\r\n%b\r\n0\r\n\r\n" % (len(packed), packed)
        exchange.writer.write(answer(200, body, headers=headers))

    return script


@every_client
@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_compression_bomb_is_refused_at_max_body_bytes(
    exchange: Name, sender: Sender, encoding: str, chunked: bool, signatures: list[str]
) -> None:
    result, requests = probe(bomb(encoding, chunked=chunked))(exchange, sender)
    error = failed(result, exchange, BodyTooLargeError, signatures)
    assert f"max_body_bytes ({LIMIT} bytes)" in str(error)
    assert requests == 1


# -- answers folio reads as they are ------------------------------------------------------------

async def early_hints(exchange: Exchange) -> None:
    exchange.writer.write(
        b"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + answer(200, body_for(exchange))
    )


async def with_bom(exchange: Exchange) -> None:
    exchange.writer.write(answer(200, b"\xef\xbb\xbf" + body_for(exchange)))


async def utf16(exchange: Exchange) -> None:
    body = body_for(exchange).decode().encode("utf-16")
    exchange.writer.write(answer(200, body, headers={"Content-Type": "application/json; "
                                                                     "charset=utf-16"}))


@every_client
@pytest.mark.parametrize("script", [early_hints, with_bom, utf16],
                         ids=["1xx-first", "utf-8-BOM", "utf-16"])
def test_well_formed_answers_in_odd_dress_give_the_same_numbers(
    exchange: Name, sender: Sender, script: Script
) -> None:
    """RFC 8259 lets a reader ignore a BOM; UTF-16 JSON is detected from its first bytes
    (JSON starts with an ASCII character), so the numbers cannot change."""
    result, requests = probe(script)(exchange, sender)
    right(result)
    assert requests == 1


# -- answers that are refusals, not garbage -----------------------------------------------------

@every_client
@pytest.mark.parametrize(("status", "cls"), [(401, AuthenticationError),
                                             (403, PermissionDeniedError)])
def test_an_html_page_labelled_json_is_named_by_its_status(
    exchange: Name, sender: Sender, status: int, cls: type[ExchangeError], signatures: list[str]
) -> None:
    async def page(exchange: Exchange) -> None:
        exchange.writer.write(answer(status, b"<html><h1>Access denied</h1></html>"))

    result, requests = probe(page)(exchange, sender)
    error = failed(result, exchange, cls, signatures)
    assert f"HTTP {status}" in str(error)
    assert requests == 1


@every_client
@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_to_another_host_is_not_followed(
    exchange: Name, sender: Sender, status: int, signatures: list[str]
) -> None:
    """Following it would carry the key and signature there; the Location is not quoted."""
    async def elsewhere(_exchange: Exchange) -> None:
        return None

    with HostileServer(elsewhere) as thief:
        location = f"{thief.url}/steal?echo=" + "".join(KEYS[exchange])

        async def moved(exchange: Exchange) -> None:
            exchange.writer.write(answer(status, b"{}", headers={"Location": location}))

        result, requests = probe(moved)(exchange, sender)
        assert thief.requests == []
    error = failed(result, exchange, InvalidRequestError, signatures)
    assert f"redirect (HTTP {status})" in str(error)
    assert "base_url" in str(error)
    assert thief.url not in str(error)
    assert requests == 1


@every_client
def test_an_answer_to_another_request_is_refused_at_its_field(
    exchange: Name, sender: Sender, signatures: list[str]
) -> None:
    """Valid JSON of the wrong shape (a server-time answer) is not re-read."""
    async def server_time(exchange: Exchange) -> None:
        binance = exchange.seen.target.startswith("/api/v3")
        body = b'{"serverTime":1}' if binance else b'{"code":0,"data":{"serverTime":1}}'
        exchange.writer.write(answer(200, body))

    result, requests = probe(server_time)(exchange, sender)
    error = failed(result, exchange, InvalidResponseError, signatures)
    assert isinstance(error, InvalidResponseError)
    assert error.field == ("$.balances" if exchange == "binance" else "$.data")
    assert requests == 1


# -- absurd Retry-After --------------------------------------------------------------------------

RETRY_AFTER: Final = {
    # value: (waits between the 3 attempts, or None when the call ends at once)
    "-5": "backoff",
    "1.5": "backoff",
    "inf": "backoff",
    "nan": "backoff",
    "\uff15": "backoff",  # a full-width 5: a digit to str.isdigit, not to HTTP
    "99999999999999999999999": "at-once",
    "Wed, 21 Oct 2099 07:28:00 GMT": "at-once",
    "Wed, 21 Oct 2015 07:28:00 GMT": "zero",
}


@every_client
@pytest.mark.parametrize("value", list(RETRY_AFTER))
def test_an_absurd_retry_after_is_ignored_or_capped(
    exchange: Name, sender: Sender, value: str, signatures: list[str]
) -> None:
    async def throttled(exchange: Exchange) -> None:
        exchange.writer.write(answer(429, b"<html>slow down</html>",
                                     headers={"Retry-After": value, "Content-Type": "text/html"}))

    waits = Waits()
    with HostileServer(throttled) as server:
        result = read(exchange, sender, server.url, waits=waits)
    error = failed(result, exchange, RateLimitedError, signatures)
    assert isinstance(error, RateLimitedError)
    expected = RETRY_AFTER[value]
    if expected == "at-once":
        assert error.retry_after == MAX_RETRY_AFTER  # capped when read, then refused
        assert "longer than max_retry_after" in str(error)
        assert len(server.requests) == 1
    else:
        assert len(server.requests) == HTTP.retry.max_attempts
        if expected == "zero":
            assert waits.seconds == [0.0, 0.0]
        else:  # no usable advice: folio's own backoff
            assert error.retry_after is None
            assert len(waits.seconds) == 2
            assert all(0 < w <= HTTP.retry.max_delay for w in waits.seconds)


# -- many concurrent reads of one account against a server that answers garbage first ----------

@every_client
def test_fifty_concurrent_reads_against_garbage_first(
    exchange: Name, sender: Sender, signatures: list[str]
) -> None:
    """The first 100 answers are cut short; 50 reads of 3 attempts each share the rest.

    Whoever gets which answer, each read ends with the exact numbers or a garbled
    InvalidResponseError after its 3 attempts: never a partial or a wrong number.
    """
    garbage = 100

    async def garbage_first(exchange: Exchange) -> None:
        body = body_for(exchange)
        exchange.writer.write(answer(200, body[:13] if exchange.seen.index < garbage else body))

    async def fan_out(url: str) -> list[BalanceSnapshot | BaseException]:
        credentials = Credentials.from_strings(*KEYS[exchange])
        options: Any = (
            AscendexOptions.from_mapping({"account_group": 6}) if exchange == "ascendex"
            else BinanceOptions()
        )
        kind: Any = AsyncAscendexClient if exchange == "ascendex" else AsyncBinanceClient
        transport = httpx.AsyncHTTPTransport() if sender == "httpx" else None
        async with kind(credentials, transport=transport, sleep=Waits(), base_url=url,
                        account="main", options=options, http=HTTP) as client:
            reads = [client.balances(WalletKind.CASH) for _ in range(50)]
            done: list[BalanceSnapshot | BaseException] = await asyncio.gather(
                *reads, return_exceptions=True
            )
            return done

    with HostileServer(garbage_first) as server:
        results = asyncio.run(fan_out(server.url))
    assert len(server.requests) <= 50 * HTTP.retry.max_attempts
    good = 0
    served_good = len(server.requests) - garbage
    for result in results:
        if isinstance(result, BalanceSnapshot):
            right(result)
            good += 1
        else:
            assert isinstance(result, InvalidResponseError)
            error = failed(result, exchange, InvalidResponseError, signatures)
            assert isinstance(error, InvalidResponseError)
            assert error.garbled
            assert "gave up after 3 attempts" in str(error)
    assert good == served_good  # each good answer ended one read
