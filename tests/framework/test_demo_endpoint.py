"""DemoEndpoint: the ready-made simulator handle a plugin returns from its simulator."""

from __future__ import annotations

from framework.config import StaticCredentials, parse_config
from framework.credentials import Credentials
from framework.providers import DemoEndpoint, SimulatorHandle

KEY, SECRET = "sim-key-123", "sim-secret-456"


def endpoint() -> DemoEndpoint:
    return DemoEndpoint("alpha", "http://127.0.0.1:4242",
                        Credentials.from_strings(KEY, SECRET), "ALPHA_KEY", "ALPHA_SECRET")


def test_it_is_a_simulator_handle_with_one_demo_account() -> None:
    handle: SimulatorHandle = endpoint()
    (account,) = handle.demo_accounts()
    assert (account.name, account.exchange, account.base_url) == (
        "alpha-demo", "alpha", "http://127.0.0.1:4242")
    assert isinstance(account.credentials, StaticCredentials)
    assert account.credentials.resolve("alpha-demo").api_secret.reveal() == SECRET


def test_the_sample_config_parses_and_names_the_printed_variables() -> None:
    handle = endpoint()
    (account,) = parse_config(handle.sample_config()).accounts
    assert (account.name, account.exchange, account.base_url) == (
        "alpha-sim", "alpha", "http://127.0.0.1:4242")
    environment = handle.sample_environment()
    assert environment == {"ALPHA_KEY": KEY, "ALPHA_SECRET": SECRET}
    resolved = account.credentials.resolve(account.name, environment)
    assert resolved.api_key.reveal() == KEY


def test_its_repr_shows_no_credential() -> None:
    text = repr(endpoint())
    assert KEY not in text
    assert SECRET not in text


def test_a_simulator_served_for_other_machines_gets_the_plain_http_opt_in() -> None:
    # ``folio simulate --host 0.0.0.0``: plain http:// to a host that is not loopback is
    # refused unless the account opts in, so the printed fragment must carry the opt-in.
    shared = DemoEndpoint("alpha", "http://0.0.0.0:4242",
                          Credentials.from_strings(KEY, SECRET), "ALPHA_KEY", "ALPHA_SECRET")
    (account,) = parse_config(shared.sample_config()).accounts
    assert account.allow_insecure_http is True
    (local,) = parse_config(endpoint().sample_config()).accounts
    assert local.allow_insecure_http is False
    assert "allow_insecure_http" not in endpoint().sample_config()
