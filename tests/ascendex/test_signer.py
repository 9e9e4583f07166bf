"""The signer against the vectors published in AscendEX's documentation.

The expected signatures below were published by the exchange (or computed with openssl from
the documented algorithm, docs/exchanges/ascendex.md), not produced by our own code.
"""

from __future__ import annotations

import httpx
import pytest

from adapters.ascendex.signer import API_PATH_EXTENSION, AscendexAuth, sign
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
    extensions = {API_PATH_EXTENSION: api_path} if api_path else {}
    request = httpx.Request("GET", url, extensions=extensions)
    flow = auth.auth_flow(request)
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
