"""Exchange-side authentication, in the exchange's order, and the published vectors.

Both are in docs/exchanges/ascendex.md ("How the simulator answers").
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters.ascendex.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    AscendexSimulator,
    CashRow,
    RunningSimulator,
    SimAccount,
    SimulatorOptions,
)
from tests.simulator.helpers import VECTOR_TIME, Client, FixedClock, Reply

CASH = "/6/api/pro/v1/cash/balance"
MISMATCH = {"code": 200001, "message": "API signature mismatch",
            "reason": "AUTHENTICATION_FAILED"}


def send(client: Client, path: str, signature: str, *, timestamp: str = str(VECTOR_TIME),
         key: str = DEMO_API_KEY, method: str = "GET") -> Reply:
    headers = {"x-auth-key": key, "x-auth-timestamp": timestamp, "x-auth-signature": signature}
    return client.request(method, path, headers=headers)


# Published vectors, and signatures computed with openssl from the documented algorithm ---

@pytest.mark.parametrize(
    ("path", "expected_signature"),
    [
        ("/api/pro/v1/info", "/pwaAgWZQ1Xd/J4yZ4ReHSPQxd3ORP/YR8TvAttqqYM="),  # published
        ("/api/pro/info", "/pwaAgWZQ1Xd/J4yZ4ReHSPQxd3ORP/YR8TvAttqqYM="),
        ("/api/pro/v2/account/info", "QNIIHExASsjPvcXnXsMK6ThYiG7MeJv+Eu1ICamWMPs="),
        ("/6/api/pro/v1/cash/balance", "eI3sj13E5AbneFPRvNUaI4SMpmgo+20LMwSnI/ZYojE="),
        ("/6/api/pro/v1/margin/balance", "eI3sj13E5AbneFPRvNUaI4SMpmgo+20LMwSnI/ZYojE="),
        ("/6/api/pro/cash/balance", "eI3sj13E5AbneFPRvNUaI4SMpmgo+20LMwSnI/ZYojE="),
        ("/6/api/pro/v1/margin/risk", "LgjVVAIW9Xrf8qWaQQ9gm5yc9PdBJ3IbCLzHzRzN41o="),
    ],
)
def test_published_vectors_are_accepted_at_their_timestamp(
    client: Client, path: str, expected_signature: str
) -> None:
    reply = send(client, path, expected_signature)
    assert reply.status == 200
    assert reply.json()["code"] == 0


def test_query_string_is_not_signed(client: Client) -> None:
    reply = send(client, CASH + "?asset=BTC&showAll=true",
                 "eI3sj13E5AbneFPRvNUaI4SMpmgo+20LMwSnI/ZYojE=")
    assert reply.json()["code"] == 0


@pytest.mark.parametrize(
    ("path", "wrong_signature"),
    [
        # what a naive client signs: the URL path instead of the api-path
        ("/6/api/pro/v1/cash/balance", "q5iEZRaTCH2qmzcgY29zJc5uhUxwCYdiahu68iPwfGM="),
        ("/6/api/pro/v1/margin/balance", "lFeccKXMl3H2uJFoPGrDfUjXn8gvnyII1SxJwWXaM0w="),
        # right vector, wrong endpoint
        ("/6/api/pro/v1/margin/risk", "eI3sj13E5AbneFPRvNUaI4SMpmgo+20LMwSnI/ZYojE="),
        ("/api/pro/v2/account/info", "/pwaAgWZQ1Xd/J4yZ4ReHSPQxd3ORP/YR8TvAttqqYM="),
    ],
)
def test_wrong_api_path_is_a_signature_mismatch(
    client: Client, path: str, wrong_signature: str
) -> None:
    reply = send(client, path, wrong_signature)
    assert reply.status == 200
    assert reply.body == b'{"code":200001,"message":"API signature mismatch",' \
                         b'"reason":"AUTHENTICATION_FAILED"}'


LEGACY_VARIANTS = [
    "NdG01hX9fBFKe95sxsqcdV8rTbUFYhOd7uidf89ISFU=",  # base64-decoded secret as key (demo)
    "8e3838d65b99804e5a53948adad9207d133152211f4dc22b3db70ee42c0caa0f",  # no '+', hex
    "jjg41luZgE5aU5SK2tkgfRMxUiEfTcIrPbcO5CwMqg8=",  # no '+', base64 (XChange)
    "788dec8f5dc4e406e77853d1bcd51a23848ca66828fb6d0b3304a723f658a231",  # '+', hex
]


@pytest.mark.parametrize("variant", LEGACY_VARIANTS)
def test_legacy_signing_variants_are_rejected_by_default(client: Client, variant: str) -> None:
    assert send(client, CASH, variant).json() == MISMATCH


@pytest.mark.parametrize("variant", LEGACY_VARIANTS)
def test_lenient_mode_accepts_legacy_variants(
    clock: FixedClock, client_for: Callable[..., Client], variant: str
) -> None:
    simulator = AscendexSimulator.seed(
        clock=clock, options=SimulatorOptions(lenient_signatures=True)
    )
    with simulator.serve() as running:
        reply = send(client_for(running.port), CASH, variant)
        assert reply.json()["code"] == 0
        assert send(client_for(running.port), CASH, "garbage").json() == MISMATCH


# Order and content of the checks ----------------------------------------------------------

@pytest.mark.parametrize("missing", ["x-auth-key", "x-auth-timestamp", "x-auth-signature"])
def test_missing_header_is_authorization_needed(client: Client, missing: str) -> None:
    headers = {"x-auth-key": DEMO_API_KEY, "x-auth-timestamp": str(VECTOR_TIME),
               "x-auth-signature": "eI3sj13E5AbneFPRvNUaI4SMpmgo+20LMwSnI/ZYojE="}
    del headers[missing]
    reply = client.get(CASH, headers=headers)
    assert reply.status == 200
    body = reply.json()
    assert (body["code"], body["reason"]) == (100009, "AUTHORIZATION_NEEDED")
    assert missing in body["message"]


def test_unsigned_request_is_authorization_needed(client: Client) -> None:
    assert client.get("/api/pro/v1/info").json()["code"] == 100009


def test_unknown_key_comes_before_timestamp_checks(client: Client) -> None:
    body = send(client, CASH, "x", key="nope", timestamp="garbage").json()
    assert (body["code"], body["reason"]) == (200001, "AUTHENTICATION_FAILED")


@pytest.mark.parametrize(
    "timestamp", ["abc", "1608133910000.0", "-1608133910000", "1e12", "12 34", "+1608133910000"]
)
def test_non_decimal_timestamp_is_invalid(client: Client, timestamp: str) -> None:
    body = send(client, CASH, "x", timestamp=timestamp).json()
    assert (body["code"], body["reason"]) == (100011, "INVALID_TIMESTAMP")


@pytest.mark.parametrize("offset", [-30_001, 30_001, -3_600_000])
def test_timestamp_outside_window_is_rejected_with_a_message_naming_it(
    client: Client, offset: int
) -> None:
    # correctly signed, so only the window can reject it (and it must come before the MAC)
    client.timestamp = VECTOR_TIME + offset
    body = client.get(CASH, "balance").json()
    assert (body["code"], body["reason"]) == (100011, "INVALID_TIMESTAMP")
    assert "30000 ms" in body["message"]


def test_microsecond_timestamp_of_the_demo_is_out_of_window(client: Client) -> None:
    client.timestamp = VECTOR_TIME * 1000
    assert client.get(CASH, "balance").json()["code"] == 100011


@pytest.mark.parametrize("offset", [-30_000, 30_000, 0])
def test_timestamp_at_the_window_edge_is_accepted(client: Client, offset: int) -> None:
    client.timestamp = VECTOR_TIME + offset
    assert client.get(CASH, "balance").json()["code"] == 0


def test_timestamp_is_checked_against_the_clock_plus_offset(
    seed_server: RunningSimulator, client: Client, clock: FixedClock
) -> None:
    clock.now_ms += 40_000
    assert client.get(CASH, "balance").json()["code"] == 100011
    seed_server.set_clock_offset_ms(-40_000)
    assert client.get(CASH, "balance").json()["code"] == 0


def test_bad_timestamp_check_comes_before_signature_check(client: Client) -> None:
    client.timestamp = VECTOR_TIME + 60_000
    assert send(client, CASH, "wrong", timestamp=str(client.timestamp)).json()["code"] == 100011


def make_server(clock: FixedClock, *accounts: SimAccount,
                options: SimulatorOptions | None = None) -> RunningSimulator:
    return AscendexSimulator(accounts, clock, options=options).serve()


def account(**changes: object) -> SimAccount:
    fields: dict[str, object] = {
        "api_key": "k1", "api_secret": "s1", "account_group": 0,
        "cash": [CashRow("USDT", "5", "5")],
    }
    fields.update(changes)
    return SimAccount(**fields)  # type: ignore[arg-type]


def test_expired_key(clock: FixedClock, client_for: Callable[..., Client]) -> None:
    with make_server(clock, account(expire_time_ms=VECTOR_TIME - 1)) as running:
        reply = client_for(running.port, key="k1", secret="s1").get(
            "/0/api/pro/v1/cash/balance", "balance")
        assert reply.body == (b'{"code":200001,"message":"API key is expired.",'
                              b'"reason":"AUTHENTICATION_FAILED"}')


def test_expiry_comes_after_the_signature(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    with make_server(clock, account(expire_time_ms=VECTOR_TIME - 1)) as running:
        reply = client_for(running.port, key="k1", secret="wrong").get(
            "/0/api/pro/v1/cash/balance", "balance")
        assert reply.json() == MISMATCH


def test_key_expiring_later_and_never_expiring_keys_work(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    with make_server(clock, account(expire_time_ms=VECTOR_TIME + 1)) as running:
        reply = client_for(running.port, key="k1", secret="s1").get(
            "/0/api/pro/v1/cash/balance", "balance")
        assert reply.json()["code"] == 0


def test_missing_view_permission_denies_balances_but_not_info(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    with make_server(clock, account(view_permission=False)) as running:
        client = client_for(running.port, key="k1", secret="s1")
        for path, api_path in [("/0/api/pro/v1/cash/balance", "balance"),
                               ("/0/api/pro/v1/margin/balance", "balance"),
                               ("/0/api/pro/v1/margin/risk", "margin/risk")]:
            body = client.get(path, api_path).json()
            assert (body["code"], body["reason"]) == (200015, "PERMISSION_DENIED")
        info = client.get("/api/pro/v1/info", "info").json()
        assert info["code"] == 0
        assert info["data"]["viewPermission"] is False


@pytest.mark.parametrize(("code", "reason"), [(200015, "PERMISSION_DENIED"),
                                              (200014, "RESTRICTED_ACCOUNT")])
def test_caller_outside_allowed_ips_is_rejected(
    clock: FixedClock, client_for: Callable[..., Client], code: int, reason: str
) -> None:
    options = SimulatorOptions(ip_denied_code=code)  # type: ignore[arg-type]
    with make_server(clock, account(allowed_ips=["10.1.2.3"]), options=options) as running:
        body = client_for(running.port, key="k1", secret="s1").get(
            "/0/api/pro/v1/cash/balance", "balance").json()
        assert (body["code"], body["reason"]) == (code, reason)
        assert "127.0.0.1" in body["message"]


def test_caller_inside_allowed_ips_is_served(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    with make_server(clock, account(allowed_ips=["10.1.2.3", "127.0.0.1"])) as running:
        reply = client_for(running.port, key="k1", secret="s1").get(
            "/0/api/pro/v1/cash/balance", "balance")
        assert reply.json()["code"] == 0


def test_secret_is_used_as_utf8_text_not_decoded(
    clock: FixedClock, client_for: Callable[..., Client]
) -> None:
    # a secret with non-ASCII characters signs with its UTF-8 bytes
    with make_server(clock, account(api_secret="sécret-ü")) as running:
        reply = client_for(running.port, key="k1", secret="sécret-ü").get(
            "/0/api/pro/v1/cash/balance", "balance")
        assert reply.json()["code"] == 0


def test_seed_secret_is_the_documented_one() -> None:
    assert DEMO_API_SECRET.startswith("hV8F")
    assert DEMO_API_SECRET.endswith("CqMNk")
