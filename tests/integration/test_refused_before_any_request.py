"""Input that configuration loading must refuse never reaches a plugin (over real sockets).

Before, a key with a CRLF surfaced as "a plugin bug", a secret with a trailing newline as "API
signature mismatch" from the exchange, and a pasted secret in ``api_secret_env`` was printed
back ("environment variable d4f0... is not set"). Each case runs against the seed AscendEX
simulator on loopback, through the host API or the ``folio`` command, and checks that the
simulator saw no request the input should have prevented.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Final

import pytest

from adapters.ascendex.simulator import DEMO_API_KEY, DEMO_API_SECRET, RunningSimulator
from framework.cli import main
from framework.config import AccountConfig, EnvCredentials, StaticCredentials
from framework.credentials import Credentials
from framework.errors import ConfigurationError, PluginContractError
from framework.host import Folio
from framework.models import WalletKind

HEX_SECRET: Final = "d4f09a1c3b7e2f5a8c6d0e4b1a9f7c3e5b2d8a6f"
URLSAFE_SECRET: Final = "Qm9_vX2k-Lp8Rt4Zs6Wn1Yb3Hc5Jd7Fg0"


def _account(url: str, key: str = DEMO_API_KEY, secret: str = DEMO_API_SECRET) -> AccountConfig:
    credentials = StaticCredentials(Credentials.from_strings(key, secret))
    return AccountConfig("main", "ascendex", credentials, base_url=url)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("key", "secret", "wrong"),
    [
        pytest.param(DEMO_API_KEY + "\r\n", DEMO_API_SECRET, "api_key", id="CRLF-in-key"),
        pytest.param(DEMO_API_KEY + "\x00", DEMO_API_SECRET, "api_key", id="NUL-in-key"),
        pytest.param(DEMO_API_KEY, DEMO_API_SECRET + "\n", "api_secret", id="LF-after-secret"),
        pytest.param(" " + DEMO_API_KEY, DEMO_API_SECRET, "api_key", id="space-before-key"),
        pytest.param(DEMO_API_KEY + "\u00e9", DEMO_API_SECRET, "api_key", id="non-ASCII-key"),
    ],
)
async def test_unusable_credentials_are_a_configuration_error_without_a_request(
    ascendex_simulator: RunningSimulator, key: str, secret: str, wrong: str
) -> None:
    async with Folio([_account(ascendex_simulator.url, key, secret)]) as folio:
        fan_out = await folio.all_balances(WalletKind.CASH)
    error = fan_out.errors["main"]
    assert type(error) is ConfigurationError
    assert (error.account, error.key) == ("main", wrong)
    assert "it is not shown" in str(error)
    assert DEMO_API_KEY[:12] not in str(error)
    assert DEMO_API_SECRET[:12] not in str(error)
    assert ascendex_simulator.stats().total == 0


@pytest.mark.anyio
async def test_a_secret_with_a_newline_from_the_environment_is_refused(
    ascendex_simulator: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIM_KEY", DEMO_API_KEY)
    monkeypatch.setenv("SIM_SECRET", DEMO_API_SECRET + "\n")
    account = AccountConfig("main", "ascendex", EnvCredentials("SIM_KEY", "SIM_SECRET"),
                            base_url=ascendex_simulator.url)
    async with Folio([account]) as folio:
        with pytest.raises(ConfigurationError) as caught:
            await folio.balances("main")
    assert str(caught.value) == (
        "[accounts.main] key 'api_secret_env': the API secret in environment variable SIM_SECRET "
        "has leading or trailing whitespace (a copied line break?); it is not shown"
    )
    assert ascendex_simulator.stats().total == 0


def test_a_folio_reused_on_another_event_loop_is_a_usage_error(
    ascendex_simulator: RunningSimulator,
) -> None:
    folio = Folio([_account(ascendex_simulator.url)])

    async def read() -> str:
        return (await folio.balances("main")).account

    async def read_and_keep_open() -> str:
        account = await read()
        with pytest.raises(RuntimeError, match="one Folio per event loop") as caught:
            await asyncio.to_thread(asyncio.run, read())
        assert not isinstance(caught.value, PluginContractError)
        await folio.aclose()
        return account

    assert asyncio.run(read_and_keep_open()) == "main"


class Cli:
    def __init__(self, folder: Path, url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.folder, self.url, self.capsys = folder, url, capsys

    def run(self, table: str, *command: str) -> tuple[int, str]:
        config = self.folder / "folio.toml"
        config.write_text(table.replace("{url}", self.url), encoding="utf-8")
        code = main(["--config", str(config), *command])
        captured = self.capsys.readouterr()
        return code, captured.out + captured.err


@pytest.fixture
def cli(
    tmp_path: Path,
    ascendex_simulator: RunningSimulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    monkeypatch.setenv("SIM_KEY", DEMO_API_KEY)
    monkeypatch.setenv("SIM_SECRET", DEMO_API_SECRET)
    return Cli(tmp_path, ascendex_simulator.url, capsys)


def _table(key_env: str = "SIM_KEY", secret_env: str = "SIM_SECRET", **extra: str) -> str:
    lines = [
        "[accounts.main]",
        'exchange = "ascendex"',
        f'api_key_env = "{key_env}"',
        f'api_secret_env = "{secret_env}"',
        'base_url = "{url}"',
        *(f"{key} = {value}" for key, value in extra.items()),
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("pasted", [HEX_SECRET, HEX_SECRET.upper(), URLSAFE_SECRET])
@pytest.mark.parametrize("where", ["api_key_env", "api_secret_env"])
@pytest.mark.parametrize("as_json", [False, True])
def test_a_pasted_secret_is_refused_and_never_printed(
    cli: Cli, pasted: str, where: str, as_json: bool
) -> None:
    table = _table(**{where.removesuffix("_env").replace("api_", "") + "_env": pasted})
    code, output = cli.run(table, "balances", *(["--json"] if as_json else []))
    assert code == 2
    assert f"[accounts.main] key '{where}'" in output
    for piece in (pasted, pasted[:8], pasted[-8:]):
        assert piece not in output


@pytest.mark.parametrize("name", ["my_sim_secret", "A" * 70, "x1"])
def test_an_unset_unconventional_variable_is_named_by_its_key_only(
    cli: Cli, name: str
) -> None:
    for as_json in (False, True):
        code, output = cli.run(
            _table(secret_env=name), "balances", *(["--json"] if as_json else [])
        )
        assert code == 1  # the account fails, the command ran
        assert "named by api_secret_env" in output
        assert name not in output
        if as_json:
            error = json.loads(output)["accounts"][0]["error"]
            assert (error["type"], error["account"]) == ("ConfigurationError", "main")
            assert "[accounts.main] key 'api_secret_env'" in error["message"]


def test_an_unset_conventional_variable_is_named(cli: Cli) -> None:
    code, output = cli.run(_table(secret_env="SIM_SECRET_UNSET"), "balances")
    assert code == 1
    assert "environment variable SIM_SECRET_UNSET is not set" in output


def test_clear_text_to_another_host_is_refused_before_any_request(
    cli: Cli, ascendex_simulator: RunningSimulator
) -> None:
    remote = _table().replace("{url}", "http://exchange.example:8080")
    code, output = cli.run(remote, "balances")
    assert code == 2
    assert "allow_insecure_http = true" in output
    # loopback (where the simulator runs) needs no opt-in
    code, output = cli.run(_table(), "balances")
    assert code == 0, output
    assert ascendex_simulator.stats().total > 0


def test_a_shared_credentials_file_is_refused_with_the_fix(
    cli: Cli, tmp_path: Path
) -> None:
    vault = tmp_path / "vault.toml"
    vault.write_text(f'api_key = "{DEMO_API_KEY}"\napi_secret = "{DEMO_API_SECRET}"\n')
    vault.chmod(0o644)
    table = '[accounts.main]\nexchange = "ascendex"\ncredentials_file = "vault.toml"\n'
    code, output = cli.run(table + 'base_url = "{url}"\n', "balances")
    assert code == 1
    assert f"chmod 600 {vault}" in output
    assert "framework/config.py" not in output  # not a warning pointing into folio's source
    vault.chmod(0o600)
    code, output = cli.run(table + 'base_url = "{url}"\n', "balances")
    assert code == 0, output
