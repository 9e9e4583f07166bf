"""The signer against the vectors published in AscendEX's documentation.

The expected signatures below were published by the exchange (or computed with openssl from
the documented algorithm, docs/exchanges/ascendex.md), not produced by our own code.
"""

from __future__ import annotations

import httpx
import pytest

from adapters.ascendex.signer import AscendexAuth, sign
from framework.credentials import Credentials

DOC_KEY = "CEcrjGyipqt0OflgdQQSRGdrDXdDUY2x"
DOC_SECRET = "hV8FgjyJtpvVeAcMAgzgAFQCN36wmbWuN7o3WPcYcYhFd8qvE43gzFGVsFcCqMNk"
DOC_CREDENTIALS = Credentials.from_strings(DOC_KEY, DOC_SECRET)
SHELL_DEMO_SECRET = "98dRnVqbIhriRMZJfax3EvSPRBJrIuZ6J755KcLz6napGUpzmApJmfBY7EY3yYZn"

PUBLISHED = [
    # (secret, timestamp, api-path, signature) as published in the API docs and demos
    (DOC_SECRET, "1608133910000", "info", "/pwaAgWZQ1Xd/J4yZ4ReHSPQxd3ORP/YR8TvAttqqYM="),
    (DOC_SECRET, "1562952827927", "user/info", "vBZf8OQuiTJIVbNpNHGY3zcUsK5gJpwb5lgCgarpxYI="),
    (SHELL_DEMO_SECRET, "1562952827927000", "user/info",
     "UlpDqbDlNYydgT57It2IGiZGts13GnfF+D6Cmzq7xQE="),
]

DOCUMENTED_ALGORITHM = [
    # computed independently (openssl) from the documented algorithm, per endpoint in scope
    ("balance", "eI3sj13E5AbneFPRvNUaI4SMpmgo+20LMwSnI/ZYojE="),
    ("margin/risk", "LgjVVAIW9Xrf8qWaQQ9gm5yc9PdBJ3IbCLzHzRzN41o="),
    ("v2/account/info", "QNIIHExASsjPvcXnXsMK6ThYiG7MeJv+Eu1ICamWMPs="),
]

WRONG_VARIANTS = {
    # what clients that sign something else produce for 1608133910000 / balance
    "naive cash path": "q5iEZRaTCH2qmzcgY29zJc5uhUxwCYdiahu68iPwfGM=",
    "base64-decoded secret": "NdG01hX9fBFKe95sxsqcdV8rTbUFYhOd7uidf89ISFU=",
    "no plus, base64": "jjg41luZgE5aU5SK2tkgfRMxUiEfTcIrPbcO5CwMqg8=",
}


@pytest.mark.parametrize(("secret", "timestamp", "api_path", "expected"), PUBLISHED)
def test_published_vectors(secret: str, timestamp: str, api_path: str, expected: str) -> None:
    assert sign(secret, timestamp, api_path) == expected


@pytest.mark.parametrize(("api_path", "expected"), DOCUMENTED_ALGORITHM)
def test_endpoint_prehash_vectors(api_path: str, expected: str) -> None:
    assert sign(DOC_SECRET, "1608133910000", api_path) == expected


def test_balance_signature_differs_from_every_known_wrong_variant() -> None:
    ours = sign(DOC_SECRET, "1608133910000", "balance")
    assert ours not in WRONG_VARIANTS.values()


def _signed(auth: AscendexAuth, api_path: str | None, url: str) -> httpx.Request:
    signer = auth.for_path(api_path) if api_path is not None else auth
    request = httpx.Request("GET", url)
    flow = signer.auth_flow(request)
    signed = next(flow)
    flow.close()
    return signed


def test_auth_sets_headers_from_the_injected_clock() -> None:
    auth = AscendexAuth(DOC_CREDENTIALS, clock_ms=lambda: 1608133910000)
    request = _signed(auth, "info", "https://ascendex.com/api/pro/v1/info")
    assert request.headers["x-auth-key"] == DOC_KEY
    assert request.headers["x-auth-timestamp"] == "1608133910000"
    assert request.headers["x-auth-signature"] == PUBLISHED[0][3]


def test_query_string_is_not_signed() -> None:
    auth = AscendexAuth(DOC_CREDENTIALS, clock_ms=lambda: 1608133910000)
    plain = _signed(auth, "balance", "https://ascendex.com/6/api/pro/v1/cash/balance")
    filtered = _signed(
        auth, "balance", "https://ascendex.com/6/api/pro/v1/cash/balance?asset=BTC&showAll=true"
    )
    assert plain.headers["x-auth-signature"] == filtered.headers["x-auth-signature"]
    assert plain.headers["x-auth-signature"] == DOCUMENTED_ALGORITHM[0][1]


def test_every_attempt_is_signed_with_a_fresh_timestamp() -> None:
    ticks = iter([1608133910000, 1608133911234])
    auth = AscendexAuth(Credentials.from_strings(DOC_KEY, DOC_SECRET), clock_ms=lambda: next(ticks))
    first = _signed(auth, "balance", "https://ascendex.com/6/api/pro/v1/cash/balance")
    second = _signed(auth, "balance", "https://ascendex.com/6/api/pro/v1/cash/balance")
    assert first.headers["x-auth-timestamp"] == "1608133910000"
    assert second.headers["x-auth-timestamp"] == "1608133911234"
    assert first.headers["x-auth-signature"] != second.headers["x-auth-signature"]


def test_public_requests_stay_unsigned() -> None:
    auth = AscendexAuth(Credentials.from_strings(DOC_KEY, DOC_SECRET), clock_ms=lambda: 1)
    request = _signed(auth, None, "https://ascendex.com/api/pro/v1/exchange-info")
    assert not any(name.startswith("x-auth-") for name in request.headers)


def test_auth_repr_hides_credentials() -> None:
    auth = AscendexAuth(Credentials.from_strings(DOC_KEY, DOC_SECRET))
    assert DOC_KEY not in repr(auth)
    assert DOC_SECRET not in repr(auth)


def test_a_signer_per_path_shares_the_key_and_clock_and_leaves_the_account_s_untouched() -> None:
    ticks = iter([1608133910000, 1608133910000])
    auth = AscendexAuth(DOC_CREDENTIALS, clock_ms=lambda: next(ticks))
    info = auth.for_path("info")
    balance = auth.for_path("balance")
    assert (auth.api_path, info.api_path, balance.api_path) == (None, "info", "balance")
    assert info.clock_ms is balance.clock_ms is auth.clock_ms
    first = _signed(info, None, "https://ascendex.com/api/pro/v1/info")
    second = _signed(balance, None, "https://ascendex.com/6/api/pro/v1/cash/balance")
    assert first.headers["x-auth-signature"] == PUBLISHED[0][3]
    assert second.headers["x-auth-signature"] == DOCUMENTED_ALGORITHM[0][1]
    assert first.headers["x-auth-key"] == second.headers["x-auth-key"] == DOC_KEY
    assert "api_path='info'" in repr(info)


def test_the_request_given_is_the_one_signed_again_on_every_attempt() -> None:
    # httpx runs auth_flow per send; the sender sends the same request object on a retry, so
    # the headers are set (not appended): a retry carries one timestamp, the new one.
    ticks = iter([1608133910000, 1608133911234])
    auth = AscendexAuth(DOC_CREDENTIALS, clock_ms=lambda: next(ticks)).for_path("balance")
    request = httpx.Request("GET", "https://ascendex.com/6/api/pro/v1/cash/balance")
    for _ in range(2):
        flow = auth.auth_flow(request)
        assert next(flow) is request
        flow.close()
    assert request.headers.get_list("x-auth-timestamp") == ["1608133911234"]
    assert len(request.headers.get_list("x-auth-signature")) == 1
