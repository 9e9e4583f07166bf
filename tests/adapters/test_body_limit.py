"""Answer bodies are bounded while they are read, on every transport (docs/reliability.md).

An endless chunked body and a huge ``Content-Length`` come from the simulator's edge over a
loopback socket, read through the real client on folio's own transport (aiohttp under httpx,
framework/transport.py) and on httpx's own (``httpx.AsyncHTTPTransport``): the bound is the
sender's (adapters/kit/body.py), not the transport's. Narrow rules (the exact boundary, a
compressed body that inflates past the limit) use ``httpx.MockTransport``.
"""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator, Callable
from typing import Literal

import httpx
import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, Fault, RunningSimulator
from adapters.kit.responses import DEFAULT_MAX_BODY_BYTES
from framework.config import parse_config
from framework.credentials import Credentials
from framework.errors import BodyTooLargeError, ConfigurationError, InvalidResponseError
from framework.models import BalanceSnapshot, WalletKind
from framework.retry import RetryPolicy, decide
from framework.settings import DEFAULT_HTTP_SETTINGS, NETWORK_KEYS, HttpSettings
from tests.adapters.sending import call, mock_sender

LIMIT = 64 * 1024
"""Far above the simulator's cash answer (about 1 KiB), far below what an endless body sends."""
HTTP = HttpSettings(max_body_bytes=LIMIT, retry=RetryPolicy(base_delay=0.001, max_delay=0.005))
CASH = "cash/balance"
CREDENTIALS = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)
Kind = Literal["aiohttp", "httpx"]
KINDS: tuple[Kind, ...] = ("aiohttp", "httpx")


async def read_cash(kind: Kind, url: str, http: HttpSettings = HTTP) -> BalanceSnapshot:
    """One cash read through the real client on the transport ``kind`` over loopback."""
    transport = httpx.AsyncHTTPTransport() if kind == "httpx" else None  # None: folio's own
    async with AsyncAscendexClient(
        CREDENTIALS, base_url=url, account="bounded", http=http, transport=transport,
        options=AscendexOptions.from_mapping({"account_group": 6}),
    ) as client:
        return await client.balances(WalletKind.CASH)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("fault", "says"),
    [
        (Fault.endless_body(route=CASH), "refused while reading it"),
        (Fault.oversize_body(route=CASH), "declares 1073741824 bytes"),
    ],
    ids=["endless-chunked", "huge-content-length"],
)
async def test_a_body_over_the_limit_is_refused_and_not_retried(
    kind: Kind,
    fault: Fault,
    says: str,
    ascendex_simulator_factory: Callable[..., RunningSimulator],
) -> None:
    simulator = ascendex_simulator_factory()
    simulator.faults.add(fault)
    with pytest.raises(BodyTooLargeError) as caught:
        await read_cash(kind, simulator.url)
    error = caught.value
    assert isinstance(error, InvalidResponseError)
    assert not error.retryable
    assert error.limit == LIMIT
    assert (error.exchange, error.account, error.endpoint) == (
        "ascendex", "bounded", "GET cash/balance"
    )
    text = str(error)
    assert "GET cash/balance" in text
    assert f"max_body_bytes ({LIMIT} bytes)" in text
    assert says in text
    assert simulator.stats().count(route=CASH) == 1  # not retried


@pytest.mark.anyio
@pytest.mark.parametrize("kind", KINDS)
async def test_a_normal_answer_passes_a_small_limit(
    kind: Kind, ascendex_simulator_factory: Callable[..., RunningSimulator]
) -> None:
    simulator = ascendex_simulator_factory()
    snapshot = await read_cash(kind, simulator.url)
    assert snapshot["BTC"].total > 0


# -- narrow rules, on a mock transport ------------------------------------------------------


def _answer(body: bytes, **headers: str) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=body)

    return handler


def _content(response: httpx.Response) -> bytes:
    return response.content


async def _read(handler: Callable[[httpx.Request], httpx.Response], limit: int) -> bytes:
    """The body as the sender reads it, with ``max_body_bytes`` at ``limit``."""
    sender, client = mock_sender(handler, HttpSettings(max_body_bytes=limit))
    async with client:
        return await sender.send(call(), _content)


@pytest.mark.anyio
async def test_a_body_of_exactly_the_limit_is_read_one_byte_more_is_not() -> None:
    assert await _read(_answer(b"x" * 100), 100) == b"x" * 100
    with pytest.raises(BodyTooLargeError, match=r"max_body_bytes \(100 bytes\)") as caught:
        await _read(_answer(b"x" * 101), 100)
    assert caught.value.endpoint == "GET x"


class _Unread(httpx.AsyncByteStream):
    """A body that fails the test if anyone starts reading it."""

    def __aiter__(self) -> AsyncIterator[bytes]:
        raise AssertionError("the body was read")


@pytest.mark.anyio
@pytest.mark.parametrize("size", [101, 1 << 40])
async def test_a_declared_length_over_the_limit_is_refused_before_reading(size: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": str(size)}, stream=_Unread())

    with pytest.raises(BodyTooLargeError, match=f"declares {size} bytes"):
        await _read(handler, 100)


class _Chunks(httpx.AsyncByteStream):
    """A chunked body of ``count`` pieces of ``size`` bytes; counts the pieces taken."""

    def __init__(self, size: int, count: int) -> None:
        self._size = size
        self._count = count
        self.taken = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self._count):
            self.taken += 1
            yield b"x" * self._size


@pytest.mark.anyio
async def test_a_chunked_body_is_cut_as_soon_as_it_passes_the_limit() -> None:
    body = _Chunks(1000, 1_000_000)  # about 1 GB if it were read to the end

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=body)

    with pytest.raises(BodyTooLargeError, match="refused while reading it"):
        await _read(handler, 10_500)
    assert body.taken == 11  # the piece that passed the limit is the last one taken


@pytest.mark.anyio
async def test_a_compressed_body_is_bounded_as_decoded_too() -> None:
    bomb = gzip.compress(b"0" * (LIMIT * 64))  # about 4 MiB of zeros in a few KiB
    assert len(bomb) < LIMIT
    handler = _answer(bomb, **{"content-encoding": "gzip"})
    with pytest.raises(BodyTooLargeError):
        await _read(handler, LIMIT)
    # and a compressed body whose decoding fits is read as usual
    small = gzip.compress(b'{"a": 1}')
    assert await _read(_answer(small, **{"content-encoding": "gzip"}), LIMIT) == b'{"a": 1}'


def test_the_error_is_not_retried_by_the_policy() -> None:
    error = BodyTooLargeError("too large", limit=1)
    decision = decide(RetryPolicy(), error, attempt=1, elapsed=0.0, jitter=0.5)
    assert not decision.retry


# -- the setting -----------------------------------------------------------------------------


def test_the_default_leaves_room_and_is_documented() -> None:
    assert DEFAULT_HTTP_SETTINGS.max_body_bytes == DEFAULT_MAX_BODY_BYTES == 8 * 1024 * 1024
    assert "max_body_bytes" in NETWORK_KEYS


def test_network_tables_set_it_for_the_host_and_per_account() -> None:
    config = parse_config(
        """
[network]
max_body_bytes = 1048576

[accounts.big]
exchange = "alpha"
api_key_env = "K"
api_secret_env = "S"
network = { max_body_bytes = 33554432 }
""",
        source="folio.toml",
    )
    assert config.network.max_body_bytes == 1 << 20
    (big,) = config.accounts
    assert big.http_settings(config.network).max_body_bytes == 32 << 20


@pytest.mark.parametrize(("value", "says"), [("1.5", "integer"), ("0", "positive")])
def test_a_bad_limit_is_a_configuration_error(value: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says):
        parse_config(f"[network]\nmax_body_bytes = {value}\n", source="folio.toml")
