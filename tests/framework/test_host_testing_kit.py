"""The host testing kit (framework.testing.hosts): simulators, configuration, faults, over HTTP.

Everything here goes through what a host's test suite has: the installed plugins' simulator
hook and the simulators' control routes on loopback. The fault table of docs/testing.md is
checked row by row on every installed exchange.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from framework import Folio, HttpSettings, WalletKind
from framework.config import AccountConfig
from framework.errors import (
    BannedError,
    BodyTooLargeError,
    ExchangeUnavailableError,
    FolioError,
    InvalidRequestError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    TransportError,
    UnknownExchangeError,
)
from framework.hookspecs import hookimpl
from framework.host import Plugins
from framework.providers import DemoEndpoint, Simulator, SimulatorHandle
from framework.retry import NO_RETRIES
from framework.testing import (
    SimulatedExchanges,
    SimulatorControlError,
    SimulatorFault,
    SimulatorFaultKind,
)

ROOT = Path(__file__).resolve().parents[2]
EXCHANGES = ("ascendex", "binance", "bybit", "okx")
"""The exchanges whose bundled plugins ship a simulator: the kit runs every one of them."""
SEED_CASH_BTC = {"ascendex": Decimal("22.1308675"), "binance": Decimal("0.41250000"),
                 "bybit": Decimal("0.35"), "okx": Decimal("0.25")}
"""Each plugin-served simulator's cash BTC total: AscendEX's seed sample (docs/exchanges/
ascendex.md), Binance's demo account (adapters/binance/simulator/demo.py), Bybit's (0.35 BTC,
adapters/bybit/simulator/accounts.py) and OKX's (0.25 BTC, adapters/okx/simulator/demo.py)."""


@pytest.fixture
def simulators() -> Iterator[SimulatedExchanges]:
    """Fresh simulators for each test, as the ``folio_simulators`` fixture gives a host.

    Not one set per module: OKX's simulator meters ``account/balance`` as OKX does (10 per 2 s
    per key, docs/exchanges/okx.md) and a module of back-to-back reads, each through a new host,
    crosses that within a second (a 50011 reported for an exchange no fault was staged on).
    """
    with SimulatedExchanges.start() as running:
        yield running


@pytest.fixture(autouse=True)
def _no_fault_left(simulators: SimulatedExchanges) -> Iterator[None]:
    yield
    simulators.clear_faults()


def _read_cash(simulators: SimulatedExchanges, *, retries: bool) -> dict[str, object]:
    """Each demo account's cash snapshot or error, read through a host built from the kit."""
    http = HttpSettings() if retries else HttpSettings(retry=NO_RETRIES)

    async def main() -> dict[str, object]:
        async with Folio.from_config(simulators.config, http=http) as folio:
            outcome = await folio.all_balances(WalletKind.CASH)
        return {o.account: o.value if o.ok else o.error for o in outcome}

    return asyncio.run(main())


def test_every_installed_simulator_runs_with_a_ready_configuration(
    simulators: SimulatedExchanges,
) -> None:
    assert simulators.exchanges == EXCHANGES
    assert [a.name for a in simulators.accounts] == [f"{e}-demo" for e in EXCHANGES]
    assert all(a.base_url == simulators[a.exchange].url for a in simulators.accounts)
    read = _read_cash(simulators, retries=False)
    for exchange, btc in SEED_CASH_BTC.items():
        snapshot = read[f"{exchange}-demo"]
        assert not isinstance(snapshot, BaseException), snapshot
        assert snapshot["BTC"].total == btc  # type: ignore[index]


def test_the_toml_and_environment_configure_the_same_accounts(
    simulators: SimulatedExchanges, tmp_path: Path
) -> None:
    path = tmp_path / "folio.toml"
    path.write_text(simulators.config_toml(), encoding="utf-8")
    script = textwrap.dedent(f"""
        import asyncio
        from framework import Folio, WalletKind
        async def main():
            async with Folio.from_config({str(path)!r}) as folio:
                for outcome in await folio.all_balances(WalletKind.CASH):
                    print(outcome.account, outcome.unwrap()["BTC"].total)
        asyncio.run(main())
    """)
    env = {"PATH": "/usr/bin:/bin", **simulators.environment}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"{e}-sim {SEED_CASH_BTC[e]}" for e in EXCHANGES]


# The fault table of docs/testing.md: what folio reports for each kind, on every exchange.
FAULT_TABLE = [
    (SimulatorFault.rate_limited(retry_after=1), RateLimitedError),
    (SimulatorFault.unavailable(503), ExchangeUnavailableError),
    (SimulatorFault.unavailable(502), ExchangeUnavailableError),
    (SimulatorFault.http_status(403), PermissionDeniedError),
    (SimulatorFault.malformed_body(), InvalidResponseError),
    (SimulatorFault.truncated_body(), TransportError),
    (SimulatorFault.connection_reset(), TransportError),
    (SimulatorFault(SimulatorFaultKind.ENDLESS_BODY), BodyTooLargeError),
    (SimulatorFault(SimulatorFaultKind.OVERSIZE_BODY), BodyTooLargeError),
]
EXCHANGE_SPECIFIC: dict[tuple[str, int], type[FolioError]] = {
    ("bybit", 403): BannedError,  # Bybit's 403 is its IP ban (docs/exchanges/bybit.md)
}
"""Where an exchange documents its own meaning for a status, the table's row says so."""


@pytest.mark.parametrize("exchange", EXCHANGES)
@pytest.mark.parametrize(
    ("fault", "reported"), FAULT_TABLE,
    ids=[f"{f.kind.value}-{f.parameters.get('status', '')}" for f, _ in FAULT_TABLE],
)
def test_a_staged_fault_is_reported_as_the_table_says(
    simulators: SimulatedExchanges, exchange: str, fault: SimulatorFault,
    reported: type[FolioError],
) -> None:
    with simulators[exchange].faults.staged(fault):
        read = _read_cash(simulators, retries=False)
    error = read[f"{exchange}-demo"]
    status = fault.parameters.get("status")
    if isinstance(status, int):
        reported = EXCHANGE_SPECIFIC.get((exchange, status), reported)
    assert type(error) is reported, repr(error)
    assert isinstance(error, FolioError)
    assert (error.exchange, error.account) == (exchange, f"{exchange}-demo")
    assert error.endpoint, "the error names the endpoint"
    if isinstance(error, InvalidResponseError):
        assert error.field
    others = {k: v for k, v in read.items() if k != f"{exchange}-demo"}
    assert len(others) == len(EXCHANGES) - 1
    assert not any(isinstance(v, BaseException) for v in others.values()), others
    # and the fault is gone with the block
    again = _read_cash(simulators, retries=False)
    assert not any(isinstance(v, BaseException) for v in again.values()), again


@pytest.mark.parametrize("exchange", EXCHANGES)
@pytest.mark.parametrize("fault", [
    SimulatorFault(SimulatorFaultKind.METHOD_NOT_ALLOWED, {"method": "GET"}),
    SimulatorFault(SimulatorFaultKind.URI_LIMIT, {"limit": 16}),
], ids=["405", "414"])
def test_a_refused_method_or_uri_is_an_invalid_request(
    simulators: SimulatedExchanges, exchange: str, fault: SimulatorFault
) -> None:
    with simulators[exchange].faults.staged(fault):
        error = _read_cash(simulators, retries=False)[f"{exchange}-demo"]
    assert type(error) is InvalidRequestError, repr(error)


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_latency_beyond_the_read_timeout_is_a_timeout(exchange: str) -> None:
    # Twenty times the timeout: the answer cannot arrive in time on any machine.
    http = HttpSettings(retry=NO_RETRIES, read_timeout=0.25)
    with SimulatedExchanges.start([exchange]) as only:
        only[exchange].faults.add(SimulatorFault.latency(5_000, times=1))

        async def main() -> object:
            async with Folio.from_config(only.config, http=http) as folio:
                outcome = await folio.all_balances(WalletKind.CASH)
            return outcome.errors.get(f"{exchange}-demo")

        error = asyncio.run(main())
    assert type(error) is RequestTimeoutError, repr(error)


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_a_clock_offset_is_corrected_and_the_read_succeeds(
    simulators: SimulatedExchanges, exchange: str
) -> None:
    with simulators[exchange].faults.staged(SimulatorFault.clock_offset(60_000)):
        read = _read_cash(simulators, retries=False)
    snapshot = read[f"{exchange}-demo"]
    assert not isinstance(snapshot, BaseException), snapshot


def test_a_fault_that_fires_once_is_retried_away_by_the_default_policy(
    simulators: SimulatedExchanges,
) -> None:
    control = simulators["binance"].faults
    control.reset_counts()
    with simulators.staged(SimulatorFault.unavailable(503, times=1), exchanges=["binance"]):
        read = _read_cash(simulators, retries=True)
        assert control.active() == [], "the fault fired and retired"
    assert not any(isinstance(v, BaseException) for v in read.values()), read
    assert control.request_count() == 2  # the refused attempt and the retry


def test_staging_on_every_simulator_and_clearing(simulators: SimulatedExchanges) -> None:
    with simulators.staged(SimulatorFault.rate_limited()):
        assert [len(s.faults.active()) for s in simulators] == [1] * len(EXCHANGES)
        read = _read_cash(simulators, retries=False)
        assert len(read) == len(EXCHANGES)
        assert all(isinstance(v, RateLimitedError) for v in read.values()), read
    assert [len(s.faults.active()) for s in simulators] == [0] * len(EXCHANGES)
    ids = simulators["ascendex"].faults.add(SimulatorFault.latency(1), SimulatorFault.latency(2))
    assert len(ids) == 2
    assert simulators["ascendex"].faults.clear() == 2


def test_a_fault_the_simulator_refuses_is_a_typed_error_naming_exchange_and_route(
    simulators: SimulatedExchanges,
) -> None:
    unknown_route = SimulatorFault(SimulatorFaultKind.LATENCY, {"latency_ms": 5},
                                   route="no/such/route")
    with pytest.raises(SimulatorControlError) as caught:
        simulators["binance"].faults.add(unknown_route)
    error = caught.value
    assert (error.exchange, error.endpoint) == ("binance", "POST /__simulator__/faults")
    assert "HTTP 400" in str(error)
    assert "no/such/route" in str(error)
    missing = SimulatorFault(SimulatorFaultKind.HTTP_STATUS)  # no status
    with pytest.raises(SimulatorControlError, match="status"):
        simulators["ascendex"].faults.add(missing)
    assert simulators["ascendex"].faults.active() == [], "all or none"


def test_times_must_be_positive() -> None:
    with pytest.raises(ValueError, match="times must be at least 1"):
        SimulatorFault.rate_limited(times=0)
    with pytest.raises(ValueError, match="no_such_kind"):
        SimulatorFault("no_such_kind")


def test_an_unknown_exchange_names_the_available_ones() -> None:
    with pytest.raises(UnknownExchangeError) as caught, SimulatedExchanges.start(["kraken"]):
        pass
    assert "'kraken' (available: ascendex, binance, bybit, okx)" in str(caught.value)
    with SimulatedExchanges.start(["Binance"]) as only:
        assert only.exchanges == ("binance",)
        with pytest.raises(UnknownExchangeError, match="running: binance"):
            only["ascendex"]


def test_no_secret_in_the_kit_reprs(simulators: SimulatedExchanges) -> None:
    environment = simulators.environment
    secrets = [v for k, v in environment.items() if "SECRET" in k or "PASSPHRASE" in k]
    keys = [v for k, v in environment.items() if k.endswith("_KEY")]
    assert (len(keys), len(secrets)) == (4, 5)  # OKX's passphrase is a third credential
    scoped = SimulatorFault(SimulatorFaultKind.LATENCY, {"latency_ms": 5}, api_key=keys[0])
    texts = [repr(simulators), repr(list(simulators)), repr(simulators.config), repr(scoped),
             repr(simulators["binance"].faults)]
    for text in texts:
        assert not any(secret in text for secret in [*secrets, *keys]), text


def test_a_fault_scoped_to_an_api_key_spares_other_accounts(
    simulators: SimulatedExchanges,
) -> None:
    key = simulators.environment["ASCENDEX_SIM_API_KEY"]
    scoped = SimulatorFault(SimulatorFaultKind.HTTP_STATUS, {"status": 503}, api_key=key)
    assert scoped.to_json() == {"kind": "http_status", "status": 503, "api_key": key}
    with simulators["ascendex"].faults.staged(scoped):
        read = _read_cash(simulators, retries=False)
    assert isinstance(read["ascendex-demo"], ExchangeUnavailableError)
    with simulators["ascendex"].faults.staged(
        SimulatorFault(SimulatorFaultKind.HTTP_STATUS, {"status": 503}, api_key="another-key")
    ):
        read = _read_cash(simulators, retries=False)
    assert not isinstance(read["ascendex-demo"], BaseException), read


# A simulator whose plugin announces no control routes --------------------------------------


class _NoControlPlugin:
    """A plugin whose simulator handle predates ``control_url`` (a third party's, say)."""

    @hookimpl
    def folio_simulators(self) -> list[Simulator]:
        @contextmanager
        def start(host: str, port: int) -> Iterator[SimulatorHandle]:
            from framework.credentials import Credentials  # noqa: PLC0415

            yield DemoEndpoint("paper", f"http://{host}:9", Credentials.from_strings("k", "s"),
                               "PAPER_KEY", "PAPER_SECRET")

        return [Simulator("paper", "a ledger", start)]


def test_a_simulator_without_control_routes_says_so() -> None:
    plugins = Plugins(extra=[("paper", _NoControlPlugin())], use_entry_points=False)
    with SimulatedExchanges.start(plugins=plugins) as running:
        paper = running["paper"]
        assert not paper.controllable
        assert [a.name for a in running.accounts] == ["paper-demo"]
        with pytest.raises(SimulatorControlError, match="serves no control routes"):
            paper.faults  # noqa: B018
        running.clear_faults()  # nothing to clear: no error


def test_an_unreachable_control_route_is_a_typed_error() -> None:
    from framework.testing import SimulatorControl  # noqa: PLC0415

    control = SimulatorControl("paper", "http://127.0.0.1:9/__simulator__")
    with pytest.raises(SimulatorControlError) as caught:
        control.clear()
    assert caught.value.endpoint == "DELETE /__simulator__/faults"
    assert "did not answer" in str(caught.value)


def test_demo_accounts_match_across_kit_and_handle(simulators: SimulatedExchanges) -> None:
    for simulated in simulators:
        accounts = simulated.accounts
        assert all(isinstance(a, AccountConfig) for a in accounts)
        assert {a.exchange for a in accounts} == {simulated.exchange}
