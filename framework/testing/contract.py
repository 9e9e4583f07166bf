"""The contract tests themselves; see :mod:`framework.testing` for how a plugin uses them.

Each test builds a real host (:class:`framework.host.Folio`) with plugins discovered through
the ``folio`` entry points, exactly as an application would, and reads through it. Tests of a
capability the plugin does not declare are skipped with a reason; everything else must pass.
Retries are off (one attempt per read), so an injected fault is seen as the plugin maps it.
"""

from __future__ import annotations

import asyncio
import enum
import gc
import logging
import os
import time
import traceback
import warnings
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, TypeVar

import attrs
import pytest

from framework.config import AccountConfig, EnvCredentials, StaticCredentials
from framework.credentials import Credentials, Secret
from framework.errors import (
    AuthenticationError,
    FolioError,
    InvalidResponseError,
    PermissionDeniedError,
    PluginContractError,
    RateLimitedError,
)
from framework.host import Folio, Plugins
from framework.loading import PluginStatus
from framework.models import (
    NOT_APPLICABLE,
    BalanceSnapshot,
    Capability,
    HealthState,
    MarginRisk,
    NotApplicable,
    WalletKind,
)
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings
from framework.valuation import PriceBook

__all__ = ["REQUIRED_RISK_STATES", "ConformanceTarget", "ExchangePluginContract", "Scenario"]

REQUIRED_RISK_STATES: Final = frozenset(
    {HealthState.INSOLVENT, HealthState.NOT_APPLICABLE, HealthState.OK}
)
"""The health states every plugin that serves margin risk must show it reads correctly."""

T = TypeVar("T")


class Scenario(enum.Enum):
    """Misbehaviours the kit asks the target to stage (bad credentials it stages itself)."""

    RATE_LIMITED = "rate_limited"
    """The exchange throttles the next reads (e.g. HTTP 429): expect RateLimitedError."""
    BAD_RESPONSE = "bad_response"
    """The exchange answers the next reads with a body that is not its schema (garbage,
    truncated JSON, wrong types): expect InvalidResponseError naming a field."""


Injector = Callable[[Scenario], AbstractContextManager[object]]


@attrs.frozen
class ConformanceTarget:
    """What the kit needs to know to test one plugin."""

    plugin: str
    """The plugin's entry-point name in the ``folio`` group."""
    account: AccountConfig
    """A working account of the plugin's exchange (e.g. pointed at its simulator)."""
    expected_totals: Mapping[WalletKind, Mapping[str, str]]
    """Per declared wallet, the exact total text per asset the account must read."""
    inject: Injector | None = None
    """Stages a :class:`Scenario` for the duration of a ``with`` block; ``None`` skips the
    error-mapping tests that need it."""
    available_within_total: bool = True
    """Whether the exchange guarantees available <= total (checked when true)."""
    expected_equity: str | None = None
    """The exact equity of the risk profile, when the plugin serves margin risk."""
    expected_rows: Mapping[WalletKind, Mapping[str, Mapping[str, str]]] = attrs.field(
        factory=dict
    )
    """Per wallet and asset, more amounts to check exactly: any of ``available``,
    ``borrowed``, ``interest`` (e.g. ``{"BTC": {"available": "1.25"}}``)."""
    expected_risk: Mapping[str, str | None] = attrs.field(factory=dict)
    """Risk values to check exactly: any of ``total_value``, ``available_value``,
    ``borrowed_value``, ``interest_value``, ``leverage``, ``max_leverage``, ``health``
    (the health value); ``None`` for "not reported", ``"n/a"`` for NOT_APPLICABLE."""
    risk_states: Mapping[HealthState, AccountConfig] = attrs.field(factory=dict)
    """Accounts (on the same simulator, say) whose margin risk must read as each state. A
    plugin that serves margin risk stages at least :data:`REQUIRED_RISK_STATES`: an insolvent
    account (debt above its holdings), one that borrows nothing, and one that borrows safely.
    These are the readings that tell a dashboard whether an account is in danger; an exchange
    sentinel read the wrong way shows an insolvent account as the safest one."""
    risk_wallet: WalletKind | None = None
    """The wallet whose risk the risk tests read (``None``: the exchange's default risk
    wallet). A plugin serving the risk of several wallets runs the contract once per wallet
    (tests/binance_futures/test_conformance.py)."""
    expected_prices: Mapping[str, str] = attrs.field(factory=dict)
    """For a plugin that serves prices: exact last prices the account's exchange must list,
    by ``BASE/QUOTE`` (e.g. ``{"BTC/USDT": "8000"}``)."""

    @property
    def exchange(self) -> str:
        """The account's exchange."""
        return self.account.exchange


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Each test runs on its own event loop: the kit needs no async pytest plugin."""
    return asyncio.run(coroutine)


def _host(account: AccountConfig) -> Folio:
    # Plugins come from the installed entry points, as in an application.
    return Folio([account], plugins=Plugins(), http=HttpSettings(retry=NO_RETRIES))


async def _read_balances(account: AccountConfig, wallet: WalletKind) -> BalanceSnapshot:
    async with _host(account) as folio:
        return await folio.balances(account.name, wallet)


async def _read_risk(account: AccountConfig, wallet: WalletKind | None = None) -> MarginRisk:
    async with _host(account) as folio:
        return await folio.risk(account.name, wallet)


def _folio_error_of(read: Coroutine[Any, Any, object]) -> FolioError:
    """The folio error ``read`` ends in; the test fails if it ends otherwise.

    A plugin that raises anything but a ``framework.errors`` class reaches the host as a
    :class:`PluginContractError` (docs/host-api.md, "a plugin bug"), which has no endpoint: the
    failure says what the plugin raised and where, not that an endpoint is missing.
    """
    try:
        _run(read)
    except FolioError as exc:
        error = exc
    else:
        pytest.fail("the read succeeded; it was expected to fail", pytrace=False)
    cause = error.__cause__
    if isinstance(error, PluginContractError) and cause is not None:
        frames = traceback.extract_tb(cause.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        pytest.fail(
            f"the plugin raised {type(cause).__name__}{where}, not a folio error (readers "
            f"raise only framework.errors classes, docs/plugins.md): {error}",
            pytrace=False,
        )
    return error


def _same_digits(value: Decimal, text: str) -> bool:
    """Equal and written with the same digits: ``Decimal("1.50")`` is not ``"1.5"``."""
    expected = Decimal(text)
    return value == expected and value.as_tuple() == expected.as_tuple()


def _credentials_of(account: AccountConfig) -> Credentials:
    return account.credentials.resolve(account.name)


def _open_descriptors() -> int | None:
    fd_dir = Path("/proc/self/fd")
    return len(os.listdir(fd_dir)) if fd_dir.is_dir() else None


def _descriptors_return_to(before: int, deadline_s: float = 5.0) -> int:
    """Open descriptors once they are back to ``before`` (or at the deadline).

    A simulator serving in this process closes its side of a connection a moment after the
    client closed its own, on its own thread: the count is polled, not read once.
    """
    give_up = time.monotonic() + deadline_s
    while (now := _open_descriptors() or 0) != before and time.monotonic() < give_up:
        time.sleep(0.005)
    return now


@contextmanager
def _all_logs_at_debug() -> Iterator[list[logging.LogRecord]]:
    """Capture every log record of every logger, at DEBUG."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root = logging.getLogger()
    handler = Keep(logging.DEBUG)
    saved = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(saved)


_FORMATTER: Final = logging.Formatter()


def _text_of(record: logging.LogRecord) -> str:
    """Everything a handler could write for ``record``, its traceback included."""
    trace = _FORMATTER.formatException(record.exc_info) if record.exc_info else ""
    return f"{record.getMessage()} {record.args!r} {trace}"


class ExchangePluginContract:
    """Subclass in a test module and define the ``conformance_target`` fixture."""

    # -- helpers ------------------------------------------------------------------------

    @pytest.fixture
    def declared(self, conformance_target: ConformanceTarget) -> frozenset[Capability]:
        """The capabilities the installed plugin declares for the target's exchange."""
        support = {e.exchange: e for e in Plugins().exchanges()}.get(conformance_target.exchange)
        if support is None:
            return frozenset()
        return frozenset(
            c for c, plugin in support.capabilities.items() if plugin == conformance_target.plugin
        )

    @staticmethod
    def _require(declared: frozenset[Capability], capability: Capability) -> None:
        if capability not in declared:
            pytest.skip(f"the plugin does not declare {capability.value}")

    # -- discovery ----------------------------------------------------------------------

    def test_plugin_is_discovered_through_the_entry_point(
        self, conformance_target: ConformanceTarget
    ) -> None:
        records = {r.name: r for r in Plugins().records}
        record = records.get(conformance_target.plugin)
        assert record is not None, (
            f"no entry point named {conformance_target.plugin!r} in the 'folio' group "
            f"(found: {sorted(records)})"
        )
        assert record.status is PluginStatus.LOADED, record.error
        assert record.distribution, "the entry point must belong to an installed distribution"

    def test_declares_what_it_serves(
        self, conformance_target: ConformanceTarget, declared: frozenset[Capability]
    ) -> None:
        assert declared, f"the plugin serves nothing for {conformance_target.exchange!r}"
        for wallet in conformance_target.expected_totals:
            assert Capability.for_wallet(wallet) in declared, (
                f"expected totals are given for {wallet.value}, which the plugin does not declare"
            )

    # -- balances -----------------------------------------------------------------------

    @pytest.mark.parametrize("wallet", list(WalletKind), ids=[w.value for w in WalletKind])
    def test_balances_are_exact_decimals_that_keep_the_invariants(
        self,
        conformance_target: ConformanceTarget,
        declared: frozenset[Capability],
        wallet: WalletKind,
    ) -> None:
        self._require(declared, Capability.for_wallet(wallet))
        account = conformance_target.account
        support = {e.exchange: e for e in Plugins().exchanges()}.get(account.exchange)
        # Debt belongs where risk is read: a margin wallet, or a wallet the exchange declares
        # a risk pool (a unified account served as cash borrows; a futures wallet's negative
        # balance is an implicit loan). Anywhere else a debt is a wrong reading.
        borrows = wallet is WalletKind.MARGIN or (
            support is not None and wallet in support.risk_wallets
        )
        snapshot = _run(_read_balances(account, wallet))
        assert isinstance(snapshot, BalanceSnapshot)
        assert (snapshot.exchange, snapshot.account, snapshot.wallet) == (
            account.exchange, account.name, wallet
        )
        assert snapshot.fetched_at.tzinfo is UTC
        # (Decimal types, unique assets and net = total - borrowed - interest are the model's
        # own guarantees; the checks below are what a plugin can get wrong.)
        folded = [balance.asset.casefold() for balance in snapshot.balances]
        assert len(set(folded)) == len(folded), f"codes differing only in case: {snapshot.assets}"
        for balance in snapshot.balances:
            if conformance_target.available_within_total:
                assert balance.available <= balance.total, balance.asset
            # Every amount is at least zero but the unrealized PnL (a debt is borrowed, not a
            # negative total), and nothing locks more than the asset holds: a negative locked
            # means "available" is not this asset's own figure (docs/host-api.md, "Models").
            assert balance.total >= 0, f"{balance.asset}: negative total"
            assert balance.available >= 0, f"{balance.asset}: negative available"
            assert balance.locked >= 0, f"{balance.asset}: available above what it holds"
            assert balance.borrowed >= 0, f"{balance.asset}: negative borrowed"
            assert balance.interest >= 0, f"{balance.asset}: negative interest"
            if not borrows:
                assert balance.borrowed == balance.interest == 0, f"{balance.asset}: debt"
        expected = conformance_target.expected_totals.get(wallet)
        if expected is not None:
            got = {b.asset: b.total for b in snapshot.balances}
            assert set(got) == set(expected)
            for asset, text in expected.items():
                assert _same_digits(got[asset], text), f"{asset}: {got[asset]} != {text}"
        for asset, amounts in conformance_target.expected_rows.get(wallet, {}).items():
            row = snapshot[asset]
            for name, text in amounts.items():
                value = getattr(row, name)
                assert _same_digits(value, text), f"{asset}.{name}: {value} != {text}"

    # -- risk ---------------------------------------------------------------------------

    def test_margin_risk_is_typed_and_consistent(
        self, conformance_target: ConformanceTarget, declared: frozenset[Capability]
    ) -> None:
        self._require(declared, Capability.MARGIN_RISK)
        risk = _run(_read_risk(conformance_target.account, conformance_target.risk_wallet))
        assert isinstance(risk, MarginRisk)
        if conformance_target.risk_wallet is not None:
            assert risk.wallet is conformance_target.risk_wallet
        assert (risk.exchange, risk.account) == (
            conformance_target.exchange, conformance_target.account.name
        )
        assert risk.fetched_at.tzinfo is UTC
        pnl = risk.unrealized_pnl if risk.unrealized_pnl is not None else Decimal(0)
        assert risk.equity == risk.total_value + pnl - risk.debt, (
            "equity must be total_value + unrealized_pnl - borrowed_value - interest_value"
        )
        if isinstance(risk.leverage, Decimal):  # the documented meaning: total / equity
            assert risk.equity > 0, "a leverage without positive equity must be NOT_APPLICABLE"
            drift = abs(risk.leverage * risk.equity - risk.total_value)
            assert drift <= risk.total_value / 100, f"leverage {risk.leverage} != total/equity"
        if conformance_target.expected_equity is not None:
            assert _same_digits(risk.equity, conformance_target.expected_equity)
        for name, text in conformance_target.expected_risk.items():
            value = risk.health.value if name == "health" else getattr(risk, name)
            if text is None:
                assert value is None, f"{name}: {value} is reported, expected not reported"
            elif text == "n/a":
                assert isinstance(value, NotApplicable), f"{name}: {value}, expected n/a"
            else:
                assert isinstance(value, Decimal), f"{name}: {value}, expected {text}"
                assert _same_digits(value, text), f"{name}: {value} != {text}"

    def test_every_declared_risk_wallet_reads_its_own_consistent_risk(
        self, conformance_target: ConformanceTarget, declared: frozenset[Capability]
    ) -> None:
        """Each risk wallet the exchange declares (``folio_risk_wallets``) is read and checked.

        The tests above read one wallet (``risk_wallet``); a wallet declared but never read by
        them would go unchecked, and a reader answering another wallet's pool would show the
        wrong account's danger. So every declared wallet is read here, with the default (no
        wallet) as the first declared.
        """
        self._require(declared, Capability.MARGIN_RISK)
        support = {e.exchange: e for e in Plugins().exchanges()}[conformance_target.exchange]
        wallets = support.risk_wallets
        assert wallets, "an exchange serving risk declares at least one risk wallet"
        account = conformance_target.account
        assert _run(_read_risk(account)).wallet is wallets[0], "the default is the first"
        for wallet in wallets:
            risk = _run(_read_risk(account, wallet))
            assert risk.wallet is wallet, f"asked the {wallet.value} risk, got {risk.wallet}"
            assert (risk.exchange, risk.account) == (account.exchange, account.name)
            pnl = risk.unrealized_pnl if risk.unrealized_pnl is not None else Decimal(0)
            assert risk.equity == risk.total_value + pnl - risk.debt, (
                f"{wallet.value}: equity must be total_value + unrealized_pnl - debt"
            )
            for name in ("total_value", "borrowed_value", "maintenance_margin",
                         "position_notional"):
                amount = getattr(risk, name)
                assert amount is None or amount >= 0, f"{wallet.value}: negative {name}"

    def test_margin_risk_states_are_read_from_the_amounts(
        self, conformance_target: ConformanceTarget, declared: frozenset[Capability]
    ) -> None:
        self._require(declared, Capability.MARGIN_RISK)
        staged = conformance_target.risk_states
        missing = sorted(state.value for state in REQUIRED_RISK_STATES - set(staged))
        assert not missing, (
            f"ConformanceTarget.risk_states must stage an account in each of {missing}: a "
            "plugin that serves margin risk has to show it tells them apart"
        )
        for state, account in staged.items():
            risk = _run(_read_risk(account, conformance_target.risk_wallet))
            health = risk.health
            assert health.state is state, (
                f"account {account.name!r}: health {health.state.value}, expected {state.value} "
                f"(equity {risk.equity}, debt {risk.debt} {risk.quote_asset})"
            )
            if state in (HealthState.INSOLVENT, HealthState.NOT_APPLICABLE):
                assert health.value is NOT_APPLICABLE, f"{state.value} shows a ratio"
            else:
                assert isinstance(health.value, Decimal), f"{state.value} needs its ratio"
            margin = risk.maintenance_margin or Decimal(0)
            if state is HealthState.INSOLVENT:
                assert risk.debt > 0 or margin > 0, "insolvent without debt or position"
                assert risk.equity <= 0, "insolvent with a positive net value"
            if state is HealthState.NOT_APPLICABLE:
                assert risk.debt == 0, "not_applicable with debt"
                assert margin == 0, "not_applicable with maintenance margin required"

    # -- prices -------------------------------------------------------------------------

    def test_prices_are_read_without_keys_as_positive_decimals_of_the_exchange(
        self, conformance_target: ConformanceTarget, declared: frozenset[Capability]
    ) -> None:
        """Ticker endpoints are public: an account whose keys are missing is still priced."""
        self._require(declared, Capability.PRICES)
        account = attrs.evolve(conformance_target.account, credentials=EnvCredentials(
            "FOLIO_CONFORMANCE_UNSET_KEY", "FOLIO_CONFORMANCE_UNSET_SECRET"))

        async def read() -> PriceBook:
            async with _host(account) as folio:
                return await folio.price_book(account.name)

        book = _run(read())
        assert book.exchange == account.exchange
        for pair, price in book.prices.items():
            assert (price.pair, price.exchange) == (pair, account.exchange)
            assert price.source, f"{pair}: the price must say which endpoint it came from"
            assert price.at.utcoffset() is not None, f"{pair}: a naive time"
        listed = {str(pair): price.value for pair, price in book.prices.items()}
        for symbol, text in conformance_target.expected_prices.items():
            assert symbol in listed, f"{symbol} is not listed (listed: {sorted(listed)[:20]})"
            assert _same_digits(listed[symbol], text), f"{symbol}: {listed[symbol]} != {text}"

    # -- errors -------------------------------------------------------------------------

    def _first_wallet(self, declared: frozenset[Capability]) -> WalletKind:
        for wallet in WalletKind:
            if Capability.for_wallet(wallet) in declared:
                return wallet
        pytest.skip("the plugin declares no balances")

    def test_bad_credentials_are_an_authentication_error_without_secrets(
        self, conformance_target: ConformanceTarget, declared: frozenset[Capability]
    ) -> None:
        wallet = self._first_wallet(declared)
        # An unknown key with a wrong secret; the passphrase, where the exchange has one, is
        # kept (without it the account is refused before any request, for another reason).
        passphrase = _credentials_of(conformance_target.account).api_passphrase
        wrong = Credentials(Secret("folio-conformance-no-such-key"), Secret("not-the-secret"),
                            passphrase)
        account = attrs.evolve(conformance_target.account, credentials=StaticCredentials(wrong))
        with _all_logs_at_debug() as records:
            error = _folio_error_of(_read_balances(account, wallet))
        assert isinstance(error, (AuthenticationError, PermissionDeniedError)), repr(error)
        assert (error.exchange, error.account) == (account.exchange, account.name)
        assert error.endpoint, "the error must say which endpoint failed"
        texts = [str(error), repr(error), *(_text_of(r) for r in records)]
        for secret in ("not-the-secret", "folio-conformance-no-such-key"):
            leaks = [t for t in texts if secret in t]
            assert not leaks, f"a rejected credential appears in: {leaks[0][:200]}"

    def _staged(
        self, conformance_target: ConformanceTarget, scenario: Scenario,
        declared: frozenset[Capability],
    ) -> FolioError:
        if conformance_target.inject is None:
            pytest.skip("the target stages no faults (ConformanceTarget.inject is None)")
        wallet = self._first_wallet(declared)
        with conformance_target.inject(scenario):
            error = _folio_error_of(_read_balances(conformance_target.account, wallet))
        assert error.account == conformance_target.account.name
        assert error.endpoint, "the error must say which endpoint failed"
        return error

    def test_throttling_is_a_rate_limited_error(
        self, conformance_target: ConformanceTarget, declared: frozenset[Capability]
    ) -> None:
        error = self._staged(conformance_target, Scenario.RATE_LIMITED, declared)
        assert isinstance(error, RateLimitedError), repr(error)

    def test_a_garbled_answer_is_an_invalid_response_naming_a_field(
        self, conformance_target: ConformanceTarget, declared: frozenset[Capability]
    ) -> None:
        error = self._staged(conformance_target, Scenario.BAD_RESPONSE, declared)
        assert isinstance(error, InvalidResponseError), repr(error)
        assert error.field, "InvalidResponseError.field must name where the answer was wrong"

    # -- secrets and resources ----------------------------------------------------------

    def test_no_secret_in_logs_reprs_or_results(
        self, conformance_target: ConformanceTarget, declared: frozenset[Capability]
    ) -> None:
        wallet = self._first_wallet(declared)
        account = conformance_target.account
        credentials = _credentials_of(account)
        secrets: Sequence[str] = (credentials.api_key.reveal(), credentials.api_secret.reveal())
        if credentials.api_passphrase is not None:
            secrets = (*secrets, credentials.api_passphrase.reveal())
        wrong = attrs.evolve(account, credentials=StaticCredentials(Credentials(
            credentials.api_key, Secret("not-the-secret"), credentials.api_passphrase)))
        secrets = (*secrets, "not-the-secret")

        async def exercise() -> list[str]:
            seen: list[str] = [repr(account), repr(credentials)]
            async with _host(account) as folio:
                snapshot = await folio.balances(account.name, wallet)
                seen += [repr(snapshot), str(snapshot)]
            async with _host(wrong) as folio:
                outcome = await folio.all_balances(wallet)
                seen += [repr(outcome), *(repr(r) for r in outcome)]
            return seen

        with _all_logs_at_debug() as records:
            texts = _run(exercise())
        texts += [_text_of(r) for r in records]
        for secret in secrets:
            leaks = [t for t in texts if secret in t]
            assert not leaks, f"a credential appears in: {leaks[0][:200]}"

    def test_closing_the_host_closes_every_connection(
        self, conformance_target: ConformanceTarget, declared: frozenset[Capability]
    ) -> None:
        wallet = self._first_wallet(declared)
        account = conformance_target.account

        async def read_twice_and_close() -> None:
            folio = _host(account)
            await folio.balances(account.name, wallet)
            await folio.balances(account.name, wallet)
            await folio.aclose()

        before = _open_descriptors()
        if before is None:
            pytest.skip("open descriptors are counted through /proc, absent on this system")
        with warnings.catch_warnings():
            warnings.simplefilter("error", ResourceWarning)
            _run(read_twice_and_close())
            gc.collect()
        after = _descriptors_return_to(before)
        assert after == before, f"{after - before} descriptors left open after aclose()"
