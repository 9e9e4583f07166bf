"""Configuration, credentials files, base URLs, error labels and the CLI: a second audit's cases.

Each test names the input a new user (or a hostile file system) gives and the behaviour
docs/configuration.md and docs/cli.md promise for it.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import threading
from collections.abc import Collection, Mapping
from pathlib import Path

import pytest

from framework.cli import main
from framework.config import (
    AccountConfig,
    FileCredentials,
    StaticCredentials,
    parse_config,
    plain_http_to_another_host,
)
from framework.credentials import Credentials
from framework.errors import (
    ConfigurationError,
    ReadCancelledError,
    RecursionLimitError,
)
from framework.hookspecs import hookimpl
from framework.host import Folio
from framework.models import BalanceSnapshot, WalletKind
from framework.providers import AccountContext
from tests.framework.helpers import account_table, plugins_of

SECRET = "d4f0a1b2c3d4e5f60718293a4b5c6d7e"
CREDENTIALS = StaticCredentials(Credentials.from_strings("KEYKEYKEY1", "SECSECSEC1"))
GOOD_FILE = b'api_key = "KEYKEYKEY1"\napi_secret = "SECSECSEC1"\n'


def refused(text: str) -> ConfigurationError:
    with pytest.raises(ConfigurationError) as caught:
        parse_config(text, source="folio.toml")
    return caught.value


def shown(error: BaseException) -> str:
    """Everything an error shows: str, repr and args."""
    return f"{error} {error!r} {error.args}"


# -- values that may be secrets are not echoed -------------------------------------------


def test_a_secret_pasted_as_the_exchange_is_refused_at_loading_without_quoting_it() -> None:
    error = refused(account_table("main", exchange=f'"{SECRET}"'))
    assert error.key == "exchange"
    assert SECRET not in shown(error)


def test_an_exchange_that_is_not_a_name_is_refused_at_loading() -> None:
    error = refused(account_table("main", exchange='"ascend ex"'))
    assert error.key == "exchange"
    with pytest.raises(ConfigurationError) as caught:
        AccountConfig("main", SECRET, CREDENTIALS)
    assert SECRET not in shown(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        f'[accounts."{SECRET}=="]\nexchange = "ascendex"\n',
        account_table("main") + f"{SECRET} = 1\n",
        f"{SECRET} = 1\n",
        f"[plugins]\n{SECRET} = 1\n",
        f"[network]\n{SECRET} = 1\n",
        account_table("main") + f"[accounts.main.network]\n{SECRET} = 1\n",
    ],
    ids=["account-name", "account-key", "top-level", "plugins", "network", "account-network"],
)
def test_a_secret_pasted_where_a_name_or_key_belongs_is_not_quoted(text: str) -> None:
    assert SECRET not in shown(refused(text))


def test_an_invalid_account_name_built_in_python_is_not_quoted_when_it_may_be_a_secret() -> None:
    with pytest.raises(ConfigurationError) as caught:
        AccountConfig(f"{SECRET}+/=", "ascendex", CREDENTIALS)
    assert SECRET not in shown(caught.value)


def test_a_secret_pasted_as_a_key_of_the_credentials_file_is_not_quoted(tmp_path: Path) -> None:
    path = tmp_path / "vault.toml"
    path.write_bytes(GOOD_FILE + f'{SECRET} = "x"\n'.encode())
    path.chmod(0o600)
    with pytest.raises(ConfigurationError) as caught:
        FileCredentials(str(path)).resolve("main")
    assert SECRET not in shown(caught.value)
    assert "unknown key" in str(caught.value)


# -- credentials files -------------------------------------------------------------------


def test_a_fifo_as_credentials_file_is_refused_at_once_instead_of_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "vault.toml"
    os.mkfifo(fifo, 0o600)
    outcome: list[BaseException | None] = []

    def read() -> None:
        try:
            FileCredentials(str(fifo)).resolve("main")
        except BaseException as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # unblock the reader: open the FIFO's other end
        with fifo.open("wb"):
            pass
        reader.join(timeout=10)
        pytest.fail("reading a FIFO as the credentials file blocked")
    assert isinstance(outcome[0], ConfigurationError)
    assert "not a regular file" in str(outcome[0])


def test_a_device_as_credentials_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not a regular file"):
        FileCredentials("/dev/zero").resolve("main")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_a_credentials_file_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vault.toml"
    path.write_bytes(GOOD_FILE)
    path.chmod(0o600)
    os.chown(path, 65534, 65534)
    with pytest.raises(ConfigurationError, match="belongs to another user"):
        FileCredentials(str(path)).resolve("main")


def test_an_oversized_credentials_file_is_refused_without_reading_it_whole(
    tmp_path: Path,
) -> None:
    path = tmp_path / "vault.toml"
    path.write_bytes(b'api_key = "' + b"A" * (1 << 20) + b'"\napi_secret = "x"\n')
    path.chmod(0o600)
    with pytest.raises(ConfigurationError, match="larger than"):
        FileCredentials(str(path)).resolve("main")


@pytest.mark.parametrize(
    "source", ["static", "env", "file"]
)
def test_a_one_megabyte_key_is_refused_from_every_source(source: str, tmp_path: Path) -> None:
    from framework.config import EnvCredentials  # noqa: PLC0415

    huge = "A" * (1 << 20)
    path = tmp_path / "vault.toml"
    path.write_bytes(f'api_key = "{huge[:4000]}"\napi_secret = "x"\n'.encode())
    path.chmod(0o600)
    sources: dict[str, EnvCredentials | StaticCredentials | FileCredentials] = {
        "static": StaticCredentials(Credentials.from_strings(huge, "x")),
        "env": EnvCredentials("K", "S"),
        "file": FileCredentials(str(path)),
    }
    with pytest.raises(ConfigurationError) as caught:
        sources[source].resolve("main", {"K": huge, "S": "x"})
    assert "longer than" in str(caught.value)
    assert "AAAA" not in shown(caught.value)


def test_credentials_can_be_copied_as_immutable_values() -> None:
    held = Credentials.from_strings("KEYKEYKEY1", "SECSECSEC1")
    assert copy.deepcopy(held) == held
    account = AccountConfig("main", "ascendex", StaticCredentials(held))
    assert copy.deepcopy(account) == account
    assert copy.copy(held) == held
    assert copy.copy(held.api_key) is held.api_key


# -- base_url ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["https://a..b", "https://" + "a" * 64 + ".example", "https://xn--invalid--.example",
     "https://xn--a.example", "https://ex%61mple.com", "https://-bad-.example",
     "https://" + "a." * 127 + "com"],
)
def test_a_host_that_is_not_a_valid_name_is_refused_at_loading(url: str) -> None:
    error = refused(account_table("main", base_url=f'"{url}"'))
    assert error.key == "base_url"
    assert "host" in error.detail


@pytest.mark.parametrize(
    "url", ["https://xn--bcher-kva.example", "https://_acme.example", "https://a.example."]
)
def test_valid_host_names_are_accepted(url: str) -> None:
    parse_config(account_table("main", base_url=f'"{url}"'))


@pytest.mark.parametrize(
    "url", ["HTTP://example.com", "Http://Example.com/api", "hTTp://10.0.0.1", "HTTPS://x.com"]
)
def test_an_upper_case_scheme_is_refused_with_a_message_that_says_so(url: str) -> None:
    error = refused(account_table("main", base_url=f'"{url}"'))
    assert "lower case" in error.detail
    with pytest.raises(ConfigurationError, match="lower case"):
        AccountConfig("main", "ascendex", CREDENTIALS, base_url=url)


def test_plain_http_in_any_case_counts_as_clear_text_for_sample_configs() -> None:
    assert plain_http_to_another_host("HTTP://example.com")
    assert not plain_http_to_another_host("HTTP://127.0.0.1:8080")


def test_only_plain_localhost_is_this_machine_by_name() -> None:
    # ``localhost.`` does not resolve everywhere (it did not here): not taken for loopback.
    parse_config(account_table("main", base_url='"http://localhost:8080"'))
    assert not plain_http_to_another_host("http://localhost:8080")
    assert plain_http_to_another_host("http://localhost.:8080")


@pytest.mark.parametrize(
    "url", ["http://127.1:8080", "https://2130706433", "http://0x7f.1", "https://10.1:443"]
)
def test_shortened_ipv4_spellings_are_refused_at_loading(url: str) -> None:
    # The resolver reads them as addresses, the async HTTP stack refuses them as URL hosts:
    # accepted, they would fail at the first read instead of here.
    assert "write an IPv4 address in full" in refused(
        account_table("main", base_url=f'"{url}"')).detail


@pytest.mark.parametrize(
    "url", ["http://localhost.example.com", "http://0.0.0.0", "http://[fe80::1%25eth0]",
            "http://127.0.0.1.example.com"]
)
def test_hosts_that_are_not_this_machine_stay_refused(url: str) -> None:
    assert "clear text" in refused(account_table("main", base_url=f'"{url}"')).detail


@pytest.mark.parametrize("flag", ["true", 1, "yes", None])
def test_allow_insecure_http_must_be_a_boolean_in_python_too(flag: object) -> None:
    with pytest.raises(ConfigurationError, match="must be true or false") as caught:
        AccountConfig(
            "main", "ascendex", CREDENTIALS, base_url="http://10.0.0.1",
            allow_insecure_http=flag,  # type: ignore[arg-type]
        )
    assert caught.value.key == "allow_insecure_http"
    table = account_table("main", base_url='"http://10.0.0.1"', allow_insecure_http='"true"')
    assert refused(table).key == "allow_insecure_http"


# -- error labels --------------------------------------------------------------------------


class Raising:
    """A plugin whose reader raises ``error``."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    @hookimpl
    def folio_balance_wallets(self) -> Mapping[str, Collection[WalletKind]]:
        return {"alpha": (WalletKind.CASH,)}

    @hookimpl
    def folio_balance_reader(self, exchange: str, context: AccountContext) -> Raising:
        return self

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        raise self.error


def too_deep() -> RecursionError:
    def recurse(depth: int) -> int:
        return recurse(depth + 1) + 1

    try:
        recurse(0)
    except RecursionError as exc:
        return exc
    raise AssertionError


@pytest.mark.anyio
async def test_a_recursion_error_is_reported_as_that_not_as_a_plugin_bug() -> None:
    plugins = plugins_of(("alpha", Raising(too_deep())))
    accounts = [AccountConfig("main", "alpha", CREDENTIALS)]
    async with Folio(accounts, plugins=plugins) as folio:
        fan_out = await folio.all_balances()
    error = fan_out.errors["main"]
    assert type(error) is RecursionLimitError
    assert "plugin bug" not in str(error)
    assert "RecursionError" in str(error)
    assert (error.exchange, error.account) == ("alpha", "main")


@pytest.mark.anyio
async def test_a_cancelled_error_the_host_did_not_cause_is_that_accounts_error_only() -> None:
    plugins = plugins_of(("alpha", Raising(asyncio.CancelledError())))
    accounts = [AccountConfig("main", "alpha", CREDENTIALS)]
    async with Folio(accounts, plugins=plugins) as folio:
        fan_out = await folio.all_balances()
    error = fan_out.errors["main"]
    assert type(error) is ReadCancelledError
    assert "plugin bug" not in str(error)
    assert "CancelledError" in str(error)
    assert (error.exchange, error.account) == ("alpha", "main")


@pytest.mark.anyio
async def test_a_real_cancellation_of_the_host_call_still_cancels() -> None:
    started = asyncio.Event()

    class Slow(Raising):
        async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
            started.set()
            await asyncio.Event().wait()
            raise AssertionError

    plugins = plugins_of(("alpha", Slow(ValueError())))
    async with Folio([AccountConfig("main", "alpha", CREDENTIALS)], plugins=plugins) as folio:
        task = asyncio.ensure_future(folio.all_balances())
        await asyncio.wait_for(started.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


# -- the command line as a new user meets it -------------------------------------------------


def test_a_config_that_is_not_utf8_is_a_configuration_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "folio.toml"
    path.write_bytes(b"\xff\xfe[accounts]\n")
    assert main(["--config", str(path), "balances"]) == 2
    err = capsys.readouterr().err
    assert "ConfigurationError" in err
    assert "UTF-8" in err


@pytest.mark.parametrize("command", ["balances", "risk"])
def test_json_commands_print_json_on_stdout_even_when_they_cannot_run(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("garbage [[[", encoding="utf-8")
    assert main(["--config", str(broken), command, "--json"]) == 2
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["error"]["type"] == "ConfigurationError"
    assert "not valid TOML" in document["error"]["message"]
    assert "ConfigurationError" in captured.err

    good = tmp_path / "folio.toml"
    good.write_text(account_table("main"), encoding="utf-8")
    assert main(["--config", str(good), command, "--account", "zzz", "--json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["error"]["type"] == "UnknownAccountError"


def test_plugins_with_a_broken_config_says_so_instead_of_ignoring_its_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "folio.toml"
    broken.write_text('[plugins]\nblock = ["ascendex"]\nstrict = 1\n', encoding="utf-8")
    assert main(["--config", str(broken), "plugins"]) == 2
    captured = capsys.readouterr()
    assert "plugins.strict" in captured.err
    # A file the user named must exist: its [plugins] table may block what would be listed.
    assert main(["--config", str(tmp_path / "missing.toml"), "plugins", "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["type"] == "ConfigurationError"
    assert "configuration file not found" in error["message"]
