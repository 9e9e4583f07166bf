"""The kit's ``with_query`` gives the URL httpx's ``copy_with`` gives, for any query.

It reuses a parsed URL with only the query swapped (adapters/kit/call.py): these tests hold
it to httpx's own result, for the queries a signer sends and for any other text.
"""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.binance.signer import BinanceAuth
from adapters.kit import call
from adapters.kit.call import with_query
from framework.credentials import Credentials

URLS = (
    "https://api.binance.com/api/v3/account?omitZeroBalances=true",
    "http://127.0.0.1:8123/fapi/v2/account",
    "http://[::1]:9000/a%20b/c?x=%41",
    "https://user:pw@example.com/p/?",
)
QUERIES = (
    "",
    "recvWindow=5000&timestamp=1700000000000&signature=" + "ab" * 32,
    "omitZeroBalances=true&recvWindow=5000&timestamp=1&signature=00",
    "symbol=BTCUSDT&x=%2F%2f",
    "a=b c",  # a space: httpx encodes it
    "a=100%",  # a bare percent sign: httpx encodes it
    "a=%zz",
    "list=[1,2]",
    "q=a#b",
    "k=v&k=w&:/?@!$'()*+,;=~._-",
)


def _same(left: httpx.URL, right: httpx.URL) -> None:
    assert str(left) == str(right)
    assert left.raw_path == right.raw_path
    assert left.query == right.query
    assert (left.scheme, left.host, left.port, left.path) == (
        right.scheme, right.host, right.port, right.path)
    assert left == right


def _as_copy_with(base: httpx.URL, query: str) -> None:
    """``with_query`` gives what ``copy_with`` gives, or refuses what it refuses."""
    try:
        expected = base.copy_with(query=query.encode("ascii"))
    except httpx.InvalidURL:
        with pytest.raises(httpx.InvalidURL):
            with_query(base, query)
        return
    _same(with_query(base, query), expected)


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("query", QUERIES)
def test_the_same_url_as_copy_with(url: str, query: str) -> None:
    _as_copy_with(httpx.URL(url), query)


@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80))
def test_any_printable_ascii_query_gives_the_same_url(query: str) -> None:
    _as_copy_with(httpx.URL(URLS[0]), query)


def test_a_query_httpx_would_rewrite_takes_copy_with(monkeypatch: pytest.MonkeyPatch) -> None:
    base = httpx.URL(URLS[0])
    taken: list[bytes] = []
    real = httpx.URL.copy_with

    def spy(self: httpx.URL, **kwargs: bytes) -> httpx.URL:
        taken.append(kwargs["query"])
        return real(self, **kwargs)

    monkeypatch.setattr(httpx.URL, "copy_with", spy)
    with_query(base, "a=b&signature=00")
    assert taken == []  # already as httpx writes it: the parsed URL is reused
    with_query(base, "a=b c")
    assert taken == [b"a=b c"]


def test_without_httpx_parse_result_it_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    class Plain(httpx.URL):
        """A URL whose parsed form is not a named tuple: no ``_replace`` to reuse."""

    base = Plain(URLS[1])
    monkeypatch.setattr(base, "_uri_reference", str(base._uri_reference))
    monkeypatch.setattr(Plain, "copy_with",
                        lambda self, **kw: httpx.URL(URLS[1]).copy_with(**kw))
    _same(with_query(base, "x=1"), httpx.URL(URLS[1]).copy_with(query=b"x=1"))
    assert call._ENCODED_QUERY.fullmatch("x=1")


def test_the_binance_signer_sends_what_copy_with_built() -> None:
    # The signed request carries the same URL as before the change, byte for byte.
    auth = BinanceAuth(Credentials.from_strings("key", "secret"), clock_ms=lambda: 1_700_000)
    request = httpx.Request("GET", httpx.URL(URLS[0]), headers={"Accept": "application/json"})
    signed = next(auth.auth_flow(request))
    query = "omitZeroBalances=true&recvWindow=5000&timestamp=1700000"
    expected = request.url.copy_with(
        query=f"{query}&signature={auth.signature(query)}".encode("ascii"))
    _same(signed.url, expected)
    assert request.url == httpx.URL(URLS[0])  # the call's request is left as it was
