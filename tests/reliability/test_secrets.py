"""The API key and secret show nowhere: not in DEBUG logs, reprs, errors, tracebacks or output.

Every logger that could see a request (the root, httpx, httpcore, asyncio, folio's own) records
at DEBUG while success and failure paths run over real sockets against the simulator: through
the host API, the adapter's own client and the ``folio`` command. Then every log record, every
``repr``/``str`` of the objects a host holds, every error with its chained causes (formatted as
Python prints tracebacks, and with each frame's locals) and everything the command printed is
searched for the key, the secret, and a wrong secret, whole or in part.
"""

from __future__ import annotations

import logging
import stat
import traceback
import warnings
from pathlib import Path
from typing import Final

import attrs
import pytest

from adapters.ascendex import AscendexOptions, AsyncAscendexClient
from adapters.ascendex.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    Fault,
    RunningSimulator,
)
from framework.cli import main
from framework.config import (
    AccountConfig,
    EnvCredentials,
    FileCredentials,
    FolioConfig,
    StaticCredentials,
)
from framework.credentials import Credentials
from framework.errors import (
    AuthenticationError,
    ConfigurationError,
    ExchangeError,
    ExchangeUnavailableError,
    FolioError,
    InvalidResponseError,
    RateLimitedError,
    RequestTimeoutError,
    TransportError,
)
from framework.host import Folio
from framework.models import WalletKind
from framework.results import total_by_asset
from framework.retry import RetryPolicy
from framework.serialize import dumps
from framework.settings import HttpSettings

WRONG_SECRET: Final = "wR0ngSecretK7xQ2mZ9pL4vN8bT1cY6hJ3fD5gS0aE"
NEEDLES: Final = (DEMO_API_KEY, DEMO_API_SECRET, WRONG_SECRET)
FAST: Final = HttpSettings(
    retry=RetryPolicy(base_delay=0.001, max_delay=0.005, max_retry_after=0.01)
)
"""Retries as the defaults make them, minus the waiting: every failure path runs in milliseconds."""
LOGGERS: Final = ("", "httpx", "httpcore", "asyncio", "framework", "adapters", "plugins", "folio")


def assert_clean(text: str, where: str) -> None:
    """Neither the key nor a secret, nor a 12-character piece of one, is in ``text``."""
    for needle in NEEDLES:
        for piece in (needle, needle[:12], needle[-12:]):
            assert piece not in text, f"{where} shows a credential"


def error_text(error: BaseException, *, frame_locals: bool = True) -> str:
    """Everything an error can show: str, repr and attributes of it and of every cause and
    context, its traceback as Python prints it, and (``frame_locals``) with every frame's locals,
    as error trackers capture them."""
    parts = ["".join(traceback.format_exception(error))]
    if frame_locals:
        trace = traceback.TracebackException.from_exception(error, capture_locals=True)
        parts.append("".join(trace.format()))
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [str(current), repr(current), repr(getattr(current, "__dict__", {}))]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record of every relevant logger, at DEBUG."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    return caplog


def assert_logs_clean(caplog: pytest.LogCaptureFixture) -> None:
    """No record shows a credential, formatted or raw; and the wire was really logged."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in caplog.records:
        text = "\n".join([formatter.format(record), str(record.msg), repr(record.args),
                          repr(vars(record))])
        assert_clean(text, f"log record of {record.name}")
    # The wire was really logged: httpx writes a line per request and folio's sender a
    # DEBUG line per answer.
    assert any(record.name in {"folio.http", "httpx"} for record in caplog.records)


def credentials(secret: str = DEMO_API_SECRET) -> Credentials:
    return Credentials.from_strings(DEMO_API_KEY, secret)


def account(name: str, url: str, secret: str = DEMO_API_SECRET, **options: object) -> AccountConfig:
    return AccountConfig(
        name=name,
        exchange="ascendex",
        credentials=StaticCredentials(credentials(secret)),
        base_url=url,
        options=options,
    )


# (fault installed on every route, the error a read must end with)
FAULTS: Final = [
    pytest.param(Fault.rate_limited(retry_after=1), RateLimitedError, id="429-retry-after"),
    pytest.param(Fault.rate_limited(), RateLimitedError, id="429"),
    pytest.param(Fault.http_status(502), ExchangeUnavailableError, id="502"),
    pytest.param(Fault.malformed_body(), InvalidResponseError, id="garbage-body"),
    pytest.param(Fault.malformed_body(body="<html>Bad gateway</html>"), InvalidResponseError,
                 id="html-body"),
    pytest.param(Fault.truncated_body(), TransportError, id="truncated-body"),
    pytest.param(Fault.connection_reset(), TransportError, id="connection-reset"),
    pytest.param(Fault.json_error(987654, "Something new"), ExchangeError, id="unknown-code"),
    pytest.param(Fault.latency(1000), RequestTimeoutError, id="timeout"),
]
TIMEOUT_SETTINGS: Final = attrs.evolve(FAST, read_timeout=0.05)
"""For the latency fault: a read timeout far below the injected delay."""


# -- the host API ----------------------------------------------------------------------------------


async def failure_of(folio: Folio, name: str) -> FolioError:
    """The error one read of ``name`` ends with (a helper, so no test local is in its frames)."""
    try:
        await folio.balances(name, WalletKind.CASH)
    except FolioError as exc:
        return exc
    raise AssertionError(f"reading {name} succeeded")


@pytest.mark.anyio
async def test_host_success_paths_show_no_credential(
    ascendex_simulator: RunningSimulator, logs: pytest.LogCaptureFixture
) -> None:
    accounts = [account("main", ascendex_simulator.url),
                account("pinned", ascendex_simulator.url, account_group=6)]
    async with Folio(accounts, http=FAST) as folio:
        cash = await folio.all_balances(WalletKind.CASH)
        margin = await folio.all_balances(WalletKind.MARGIN)
        risk = await folio.all_risk()
        shown = [repr(folio), repr(folio.account("main")), repr(accounts), repr(cash),
                 repr(margin), repr(risk), dumps(cash), dumps(risk),
                 repr(total_by_asset(cash)), repr(vars(folio))]
    assert [cash.ok, margin.ok, risk.ok] == [True, True, True]
    assert {"folio.http", "httpx"} <= {record.name for record in logs.records}
    assert cash["main"].unwrap().get("BTC") is not None
    for text in shown:
        assert_clean(text, "the host's objects")
    assert_logs_clean(logs)


@pytest.mark.anyio
async def test_a_wrong_secret_shows_neither_secret(
    ascendex_simulator: RunningSimulator, logs: pytest.LogCaptureFixture
) -> None:
    async with Folio([account("wrong", ascendex_simulator.url, WRONG_SECRET)], http=FAST) as folio:
        error = await failure_of(folio, "wrong")
        fan_out = await folio.all_balances(WalletKind.CASH)
    assert type(error) is AuthenticationError
    assert error.code == 200001
    assert_clean(error_text(error), "the authentication error")
    assert_clean(dumps(fan_out) + repr(fan_out), "the fan-out")
    assert_logs_clean(logs)


@pytest.mark.anyio
@pytest.mark.parametrize(("fault", "expected"), FAULTS)
async def test_host_failure_paths_show_no_credential(
    ascendex_simulator: RunningSimulator,
    logs: pytest.LogCaptureFixture,
    fault: Fault,
    expected: type[FolioError],
) -> None:
    ascendex_simulator.faults.add(fault)
    http = TIMEOUT_SETTINGS if expected is RequestTimeoutError else FAST
    async with Folio([account("main", ascendex_simulator.url)], http=http) as folio:
        error = await failure_of(folio, "main")
        fan_out = await folio.all_risk()
    assert type(error) is expected, repr(error)
    assert (error.exchange, error.account) == ("ascendex", "main")
    assert_clean(error_text(error), f"the {type(error).__name__}")
    assert not fan_out.ok
    assert_clean(dumps(fan_out) + repr(fan_out), "the fan-out")
    for failure in fan_out.errors.values():
        assert_clean(error_text(failure), "a fan-out error")
    assert_logs_clean(logs)


# -- the adapter's own client ---------------------------------------------------------------------


async def client_failure(client: AsyncAscendexClient) -> FolioError:
    try:
        await client.balances(WalletKind.MARGIN)
    except FolioError as exc:
        return exc
    raise AssertionError("the read succeeded")


@pytest.mark.anyio
async def test_the_adapters_client_shows_no_credential(
    ascendex_simulator: RunningSimulator, logs: pytest.LogCaptureFixture
) -> None:
    url = ascendex_simulator.url
    options = AscendexOptions(rate_limit=100, host_rate_limit=1000)
    async with AsyncAscendexClient(credentials(), base_url=url, http=FAST,
                                   options=options) as client:
        snapshot = await client.balances(WalletKind.CASH)
        risk = await client.margin_risk()
        shown = [repr(client), str(client), repr(vars(client)), repr(vars(client.protocol)),
                 repr(client.limiters), repr(client.protocol.info), repr(snapshot), repr(risk)]
        ascendex_simulator.faults.add(Fault.http_status(503, route="margin/balance"))
        unavailable = await client_failure(client)
    async with AsyncAscendexClient(credentials(WRONG_SECRET), base_url=url, http=FAST) as wrong:
        refused = await client_failure(wrong)
        shown += [repr(wrong), repr(vars(wrong)), repr(vars(wrong.protocol))]
    assert snapshot.get("BTC") is not None
    assert type(unavailable) is ExchangeUnavailableError
    assert type(refused) is AuthenticationError
    for text in [*shown, error_text(unavailable), error_text(refused)]:
        assert_clean(text, "the adapter's client")
    assert_logs_clean(logs)


# -- the command line ------------------------------------------------------------------------------


CONFIG: Final = """
[network]
base_delay = 0.001
max_delay = 0.005
max_retry_after = 0.01

[accounts.main]
exchange = "ascendex"
api_key_env = "SIM_KEY"
api_secret_env = "SIM_SECRET"
base_url = "{url}"

[accounts.wrong]
exchange = "ascendex"
api_key_env = "SIM_KEY"
api_secret_env = "WRONG_SECRET"
base_url = "{url}"
"""
"""Two accounts read from the environment, with retries that do not wait."""

COMMANDS: Final = (["balances", "--json"], ["balances", "--wallet", "margin"], ["risk", "--json"],
                   ["risk"])


@attrs.define
class Cli:
    """The ``folio`` command against the test's simulator, its variables set, output captured."""

    folder: Path
    simulator: RunningSimulator
    capsys: pytest.CaptureFixture[str]

    def config(self, extra_accounts: str = "") -> Path:
        """A config file with ``main``, ``wrong`` and ``extra_accounts`` (``{url}`` filled)."""
        path = self.folder / "folio.toml"
        text = CONFIG + extra_accounts
        path.write_text(text.replace("{url}", self.simulator.url), encoding="utf-8")
        return path

    def run(self, *commands: list[str], extra_accounts: str = "") -> tuple[list[int], str]:
        """Run ``commands`` (every reading command by default): exit codes and all output."""
        config = self.config(extra_accounts)
        codes: list[int] = []
        output: list[str] = []
        for command in commands or COMMANDS:
            codes.append(main(["--config", str(config), *command]))
            captured = self.capsys.readouterr()
            output += [captured.out, captured.err]
        return codes, "\n".join(output)


@pytest.fixture
def cli(
    tmp_path: Path,
    ascendex_simulator: RunningSimulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    monkeypatch.setenv("SIM_KEY", DEMO_API_KEY)
    monkeypatch.setenv("SIM_SECRET", DEMO_API_SECRET)
    monkeypatch.setenv("WRONG_SECRET", WRONG_SECRET)
    return Cli(tmp_path, ascendex_simulator, capsys)


def test_cli_success_and_wrong_secret_show_no_credential(
    cli: Cli, logs: pytest.LogCaptureFixture
) -> None:
    codes, output = cli.run()
    assert codes == [1, 1, 1, 1]  # "wrong" fails every time, "main" is shown
    assert '"total": "1285.366663467"' in output
    assert "FAILED wrong: AuthenticationError" in output
    assert_clean(output, "the command's output")
    assert_logs_clean(logs)


@pytest.mark.parametrize(("fault", "expected"), [f for f in FAULTS if f.id != "timeout"])
def test_cli_failure_paths_show_no_credential(
    cli: Cli, logs: pytest.LogCaptureFixture, fault: Fault, expected: type[FolioError]
) -> None:
    cli.simulator.faults.add(fault)
    codes, output = cli.run()
    assert codes == [1, 1, 1, 1]
    assert f'"type": "{expected.__name__}"' in output
    assert f"FAILED main: {expected.__name__}" in output
    assert_clean(output, "the command's output")
    assert_logs_clean(logs)


def test_cli_configuration_errors_name_variables_not_values(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SIM_SECRET")
    codes, output = cli.run(["balances", "--account", "main", "--json"])
    assert codes == [1]
    assert "environment variable SIM_SECRET is not set" in output
    assert_clean(output, "the configuration error")


# -- credentials files -----------------------------------------------------------------------------


def credentials_file(path: Path, mode: int, text: str | None = None) -> Path:
    path.write_text(
        text if text is not None
        else f'api_key = "{DEMO_API_KEY}"\napi_secret = "{DEMO_API_SECRET}"\n',
        encoding="utf-8",
    )
    path.chmod(mode)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o620, 0o602])
def test_a_file_others_may_read_is_refused_naming_the_file_only(tmp_path: Path, mode: int) -> None:
    path = credentials_file(tmp_path / "vault.toml", mode)
    error = resolve_error(FileCredentials(str(path)))
    assert error.key == "credentials_file"
    message = str(error)
    assert f"chmod 600 {path}" in message
    assert f"mode {mode:04o}" in message
    assert_clean(error_text(error), "the refusal")


def test_an_owner_only_file_does_not_warn(tmp_path: Path) -> None:
    path = credentials_file(tmp_path / "vault.toml", 0o600)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resolved = FileCredentials(str(path)).resolve("vault")
    assert resolved == credentials()
    assert_clean(repr(resolved) + repr(FileCredentials(str(path))), "the resolved credentials")


UNQUOTED_SECRET: Final = f'api_key = "{DEMO_API_KEY}"\napi_secret = {DEMO_API_SECRET}\n'
MISSPELT_KEY: Final = f'api_key = "{DEMO_API_KEY}"\nsecret = "{DEMO_API_SECRET}"\n'
BROKEN_FILES: Final = [
    pytest.param(UNQUOTED_SECRET, "not valid TOML", id="unquoted-secret"),
    pytest.param(f'api_key = "{DEMO_API_KEY}\napi_secret = "{DEMO_API_SECRET}"\n',
                 "not valid TOML", id="unterminated-string"),
    pytest.param(f'{DEMO_API_KEY} {DEMO_API_SECRET}\n', "not valid TOML", id="bare-values"),
    pytest.param(MISSPELT_KEY, "missing", id="misspelt-key"),
    pytest.param(f'api_key = "{DEMO_API_KEY}"\napi_secret = ["{DEMO_API_SECRET}"]\n', "missing",
                 id="secret-in-a-list"),
]


def resolve_error(source: EnvCredentials | FileCredentials) -> ConfigurationError:
    """The error resolving ``source`` ends with (caught here: no test local in its frames)."""
    try:
        source.resolve("vault", {"SIM_KEY": DEMO_API_KEY})
    except ConfigurationError as exc:
        return exc
    raise AssertionError("the credentials resolved")


@pytest.mark.parametrize(("text", "words"), BROKEN_FILES)
def test_a_broken_credentials_file_is_not_echoed(tmp_path: Path, text: str, words: str) -> None:
    path = credentials_file(tmp_path / "vault.toml", 0o600, text)
    error = resolve_error(FileCredentials(str(path)))
    assert words in str(error)
    assert str(path) in str(error)
    assert_clean(error_text(error, frame_locals=False), "the credentials file error")


@pytest.mark.parametrize("source", ["file", "environment"])
def test_credential_errors_hold_no_secret_in_frame_locals(tmp_path: Path, source: str) -> None:
    broken = credentials_file(tmp_path / "vault.toml", 0o600, MISSPELT_KEY)
    error = resolve_error(
        FileCredentials(str(broken)) if source == "file" else EnvCredentials("SIM_KEY", "UNSET")
    )
    assert_clean(error_text(error), "the credentials error with its frames' locals")


def test_cli_with_credentials_files_refuses_and_errs_without_echo(
    cli: Cli, logs: pytest.LogCaptureFixture
) -> None:
    shared = credentials_file(cli.folder / "shared.toml", 0o644)
    broken = credentials_file(cli.folder / "broken.toml", 0o600, UNQUOTED_SECRET)
    accounts = f"""
[accounts.shared]
exchange = "ascendex"
credentials_file = "{shared}"
base_url = "{{url}}"

[accounts.broken]
exchange = "ascendex"
credentials_file = "{broken}"
base_url = "{{url}}"
"""
    codes, output = cli.run(["balances", "--json"], extra_accounts=accounts)
    assert codes == [1]
    assert f"chmod 600 {shared}" in output
    assert '"account": "main",\n      "ok": true' in output
    assert "the credentials file is not valid TOML" in output
    assert_clean(output, "the command's output")
    assert_logs_clean(logs)


def test_configuration_objects_show_no_credential(tmp_path: Path) -> None:
    path = credentials_file(tmp_path / "vault.toml", 0o600)
    sources: list[StaticCredentials | EnvCredentials | FileCredentials] = [
        StaticCredentials(credentials()), EnvCredentials("SIM_KEY", "SIM_SECRET"),
        FileCredentials(str(path)),
    ]
    accounts = [AccountConfig(f"a{i}", "ascendex", source) for i, source in enumerate(sources)]
    config = FolioConfig(accounts=accounts)
    for text in [repr(config), str(config), *map(repr, sources), repr(credentials()),
                 str(credentials()), f"{credentials()}"]:
        assert_clean(text, "a configuration object")


# -- leaks found here, in code this suite does not own (strict: they fail loudly once fixed) -------


def test_a_secret_pasted_as_a_variable_name_is_not_echoed(cli: Cli) -> None:
    accounts = f"""
[accounts.pasted]
exchange = "ascendex"
api_key_env = "SIM_KEY"
api_secret_env = "{DEMO_API_SECRET}"
base_url = "{{url}}"
"""
    codes, output = cli.run(["balances", "--account", "pasted"], extra_accounts=accounts)
    assert codes == [2]  # refused with the file, before any account is read
    assert "ConfigurationError" in output
    assert "looks like a key or secret itself" in output
    assert_clean(output, "the configuration error")


@pytest.mark.anyio
async def test_an_exchange_echoing_the_key_does_not_leak_it(
    ascendex_simulator: RunningSimulator,
) -> None:
    ascendex_simulator.faults.add(Fault.json_error(200001, f"Invalid API key {DEMO_API_KEY}"))
    async with Folio([account("main", ascendex_simulator.url)], http=FAST) as folio:
        error = await failure_of(folio, "main")
    assert type(error) is AuthenticationError
    assert_clean(error_text(error), "the authentication error")
