"""No API key, secret or signature stays reachable through a failed read's traceback.

The signers add the key and the signature to the request in place (AscendEX's headers,
Binance's header and query), so every frame that held the request held them. An error tracker
that records locals (Sentry's ``include_local_variables``, on by default) would collect them.
Each read below fails in one way (HTTP error, timeout, garbled body, exchange error code,
transport error, endless body) through the real client of both exchanges over loopback, on
folio's own transport (the shared client's, framework/transport.py) and on httpx's own
(``transport=``, as a plugin may pass). Then every frame of the error's traceback, and of
its ``__cause__``/``__context__`` chain, is walked, with each local's ``repr`` and the ``repr``
of each of its attributes and items one level down, and searched for the key, the secret and
every signature the signer made (recorded as they were made).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import httpx
import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.ascendex.simulator import DEMO_API_KEY as ASCENDEX_KEY
from adapters.ascendex.simulator import DEMO_API_SECRET as ASCENDEX_SECRET
from adapters.ascendex.simulator import Fault as AscendexFault
from adapters.binance import AsyncBinanceClient, BinanceOptions
from adapters.binance.simulator import DEMO_API_KEY as BINANCE_KEY
from adapters.binance.simulator import DEMO_API_SECRET as BINANCE_SECRET
from adapters.binance.simulator import Fault as BinanceFault
from framework.credentials import Credentials
from framework.errors import (
    ExchangeError,
    ExchangeUnavailableError,
    InvalidResponseError,
    RequestTimeoutError,
    TransportError,
)
from framework.models import WalletKind
from framework.retry import RetryPolicy
from framework.settings import HttpSettings

HERE = Path(__file__).resolve()
HTTP = HttpSettings(
    read_timeout=0.5,  # the timeout case holds its answer 5 s
    max_body_bytes=64 * 1024,
    retry=RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.002),
)
Exchange = Literal["ascendex", "binance"]
Sender = Literal["pooled", "httpx"]
ROUTE = {"ascendex": "cash/balance", "binance": "account"}
KEYS = {"ascendex": (ASCENDEX_KEY, ASCENDEX_SECRET), "binance": (BINANCE_KEY, BINANCE_SECRET)}

FAILURES: dict[str, tuple[Callable[[Any, str], Any], type[ExchangeError]]] = {
    "http-error": (lambda f, r: f.http_status(502, route=r), ExchangeUnavailableError),
    "timeout": (lambda f, r: f.latency(5_000, route=r), RequestTimeoutError),
    "garbled-body": (lambda f, r: f.malformed_body(route=r), InvalidResponseError),
    "exchange-code": (lambda f, r: f.json_error(-2015, "Invalid API-key, IP, or permissions",
                                                route=r, status=401), ExchangeError),
    "transport-error": (lambda f, r: f.connection_reset(route=r), TransportError),
    "endless-body": (lambda f, r: f.endless_body(route=r), InvalidResponseError),
}


def _texts_of(value: Any) -> Iterator[str]:
    """``repr(value)``, then the repr of each attribute and item of ``value``, one level down."""
    yield _repr(value)
    children: list[Any] = []
    if isinstance(value, dict):
        children += [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        children += list(value)
    if hasattr(value, "__dict__") and isinstance(vars(value), dict):
        children += list(vars(value).values())
    for cls in type(value).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if isinstance(slot, str) and hasattr(value, slot):
                children.append(getattr(value, slot))
    for child in children:
        yield _repr(child)


def _repr(value: Any) -> str:
    try:
        return repr(value)
    except Exception as exc:  # a repr that fails shows nothing
        return f"<repr failed: {type(exc).__name__}>"


def _frames(tb: TracebackType | None) -> Iterator[TracebackType]:
    while tb is not None:
        yield tb
        tb = tb.tb_next


def reachable(error: BaseException, skip: Path | None = HERE) -> Iterator[tuple[str, str]]:
    """(where, text) for everything an error tracker recording locals could see.

    Frames of the file ``skip`` are left out (this test's own frames hold the credentials).
    """
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending:
        exc = pending.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        yield f"{type(exc).__name__} itself", f"{exc!r} {exc}"
        for attribute in vars(exc).values():
            yield f"{type(exc).__name__} attribute", _repr(attribute)
        for entry in _frames(exc.__traceback__):
            code = entry.tb_frame.f_code
            if skip is not None and Path(code.co_filename).resolve() == skip:
                continue
            for name, value in entry.tb_frame.f_locals.items():
                where = f"{type(exc).__name__}: {code.co_filename}:{code.co_name} local {name!r}"
                for text in _texts_of(value):
                    yield where, text
        pending += [e for e in (exc.__cause__, exc.__context__) if e is not None]


def assert_nothing_secret(
    error: BaseException, needles: list[str], skip: Path | None = HERE
) -> None:
    assert needles, "the signers made no signature: the test did not exercise them"
    for where, text in reachable(error, skip):
        for needle in needles:
            assert needle not in text, f"{where} shows a credential or signature"


def _settings(exchange: Exchange, url: str) -> dict[str, Any]:
    options: Any = (
        AscendexOptions.from_mapping({"account_group": 6}) if exchange == "ascendex"
        else BinanceOptions()
    )
    return {"base_url": url, "account": "main", "http": HTTP, "options": options}


def _credentials(exchange: Exchange) -> Credentials:
    return Credentials.from_strings(*KEYS[exchange])


async def _no_wait(_seconds: float) -> None:
    return None


def _simulator(exchange: Exchange, failure: str, factories: dict[str, Any]) -> Any:
    running = factories[exchange]()
    make, _ = FAILURES[failure]
    running.faults.add(make(AscendexFault if exchange == "ascendex" else BinanceFault,
                            ROUTE[exchange]))
    return running


@pytest.fixture
def factories(
    ascendex_simulator_factory: Callable[..., Any], binance_simulator_factory: Callable[..., Any]
) -> dict[str, Any]:
    return {"ascendex": ascendex_simulator_factory, "binance": binance_simulator_factory}


@pytest.mark.anyio
@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("exchange", ["ascendex", "binance"])
@pytest.mark.parametrize("sender", ["pooled", "httpx"])
async def test_async_failures_keep_no_secret_reachable(
    exchange: Exchange, failure: str, sender: Sender, factories: dict[str, Any],
    signatures: list[str],
) -> None:
    running = _simulator(exchange, failure, factories)
    transport = httpx.AsyncHTTPTransport() if sender == "httpx" else None
    client_type: Any = AsyncAscendexClient if exchange == "ascendex" else AsyncBinanceClient
    client = client_type(_credentials(exchange), transport=transport, sleep=_no_wait,
                         **_settings(exchange, running.url))
    try:
        await client.balances(WalletKind.CASH)
    except ExchangeError as exc:
        error: ExchangeError = exc
    else:
        pytest.fail("the read did not fail")
    finally:
        await client.aclose()
    assert isinstance(error, FAILURES[failure][1])
    assert_nothing_secret(error, [*KEYS[exchange], *signatures])


def test_the_walk_finds_a_signed_request_in_a_frame() -> None:
    """The walk itself works: a signed request one level down in a local is found."""
    request = httpx.Request("GET", "https://x.test/a?signature=f00dfeed")

    def fail(held: dict[str, httpx.Request]) -> None:
        raise ValueError("boom")

    def outer() -> None:
        wrapper = {"request": request}  # one level down: an item of a local
        fail(wrapper)

    with pytest.raises(ValueError, match="boom") as caught:
        outer()
    with pytest.raises(AssertionError, match="credential or signature"):
        assert_nothing_secret(caught.value, ["f00dfeed"], skip=None)
