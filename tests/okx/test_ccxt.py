"""The simulator against another client's implementation of OKX's signing: CCXT's ``okx``.

CCXT signs on its own (its ``okx.sign``: ``timestamp + METHOD + /api/v5/... + ?query`` with
the query percent-encoded as it sends it, no ``Content-Type`` on a GET, the passphrase as
``password``) and runs its own flow before any read: ``GET /api/v5/asset/currencies`` (signed,
when it has keys) and ``public/instruments`` for spot, futures, swaps and options; a ticker is
``GET /api/v5/market/ticker?instId=``. A real OKX answers all of that, so the simulator must,
or an independent client could not reach the signature check at all (docs/exchanges/okx.md,
"Example"). Only the URL is changed: CCXT is used as a user would (tests/helpers/ccxt_clients.py,
which also says when these tests skip).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from adapters.okx.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_PASSPHRASE,
    RunningOkxSimulator,
)
from tests.helpers.ccxt_clients import ccxt, ccxt_clients

pytestmark = pytest.mark.anyio


@pytest.fixture
async def okx_ccxt(okx_simulator: RunningOkxSimulator) -> AsyncIterator[Callable[..., Any]]:
    async with ccxt_clients("okx", okx_simulator.url) as make:
        yield make


def _keys(**changed: str) -> dict[str, str]:
    return {"apiKey": DEMO_API_KEY, "secret": DEMO_API_SECRET, "password": DEMO_PASSPHRASE,
            **changed}


async def test_ccxt_signatures_are_accepted(okx_ccxt: Callable[..., Any]) -> None:
    okx = okx_ccxt(**_keys())
    balance = await okx.fetch_balance()  # asset/currencies, instruments, account/balance
    assert {code: balance[code]["total"] for code in ("BTC", "ETH", "SOL", "USDT")} == {
        "BTC": 0.25, "ETH": 2.4, "SOL": 40.0, "USDT": -1500.35}  # CCXT reads eq as the total
    ticker = await okx.fetch_ticker("BTC/USDT")
    assert ticker["last"] == 64000.0


async def test_a_percent_encoded_query_is_verified_as_sent(
    okx_ccxt: Callable[..., Any],
) -> None:
    # CCXT sends and signs ``ccy=BTC%2CETH``: the request-target as received is what is signed.
    balance = await okx_ccxt(**_keys()).fetch_balance({"ccy": "BTC,ETH"})
    assert sorted(balance["total"]) == ["BTC", "ETH"]


async def test_keyless_ccxt_reads_a_ticker(
    okx_ccxt: Callable[..., Any], okx_simulator: RunningOkxSimulator,
) -> None:
    ticker = await okx_ccxt().fetch_ticker("ETH/USDT")
    assert (ticker["symbol"], ticker["last"]) == ("ETH/USDT", 3100.0)
    async with httpx.AsyncClient(base_url=okx_simulator.url) as http:
        unknown = await http.get("/api/v5/market/ticker", params={"instId": "NOPE-USDT"})
        missing = await http.get("/api/v5/market/ticker")
    assert (unknown.status_code, unknown.json()["code"]) == (200, "51001")
    assert (missing.status_code, missing.json()["code"]) == (400, "50014")


@pytest.mark.parametrize(("changed", "code", "error"), [
    ({"secret": "not-the-secret"}, "50113", "AuthenticationError"),
    ({"password": "not-the-passphrase"}, "50105", "AuthenticationError"),
    ({"apiKey": "not-a-key"}, "50111", "AuthenticationError"),
])
async def test_wrong_ccxt_credentials_are_refused_with_okx_codes(
    okx_ccxt: Callable[..., Any], changed: dict[str, str], code: str, error: str,
) -> None:
    with pytest.raises(getattr(ccxt, error)) as caught:
        await okx_ccxt(**_keys(**changed)).fetch_balance()
    assert f'"code":"{code}"' in str(caught.value)  # OKX's envelope, as CCXT quotes it


async def test_a_stale_ccxt_timestamp_is_50102(
    okx_ccxt: Callable[..., Any], okx_simulator: RunningOkxSimulator,
) -> None:
    okx_simulator.set_clock_offset_ms(31_000)  # OKX's clock 31 s ahead of CCXT's
    with pytest.raises(ccxt.InvalidNonce) as caught:
        await okx_ccxt(**_keys()).fetch_balance()
    assert '"code":"50102"' in str(caught.value)
