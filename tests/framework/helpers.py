"""Building blocks for the core's unit tests: accounts, amounts and small in-test plugins.

The plugins here are plain objects whose methods carry ``@hookimpl``, registered with
``Plugins(extra=...)``; their readers are simple async objects answering from a table, so
every test says exactly which account succeeds, which fails and how.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from framework.config import AccountConfig, PluginPolicy, StaticCredentials
from framework.credentials import Credentials
from framework.hookspecs import hookimpl
from framework.host import Plugins
from framework.models import (
    NOT_APPLICABLE,
    AssetBalance,
    BalanceSnapshot,
    HealthMetric,
    MarginHealth,
    MarginRisk,
    Ratio,
    WalletKind,
)
from framework.providers import AccountContext

FETCHED_AT = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
CREDENTIALS = StaticCredentials(Credentials.from_strings("test-api-key", "test-api-secret"))


def account(name: str = "main", exchange: str = "alpha", **options: object) -> AccountConfig:
    """An account with in-memory credentials."""
    return AccountConfig(name=name, exchange=exchange, credentials=CREDENTIALS, options=options)


_BASE_KEYS = {"exchange": '"ascendex"', "api_key_env": '"K"', "api_secret_env": '"S"'}


def account_table(name: str = "main", drop: str | None = None, **values: str) -> str:
    """``[accounts.<name>]`` with the base keys, minus ``drop``, plus raw TOML ``values``."""
    keys = {k: v for k, v in _BASE_KEYS.items() if k != drop} | values
    return f"[accounts.{name}]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items())


def row(
    asset: str, total: str, available: str | None = None, borrowed: str = "0", interest: str = "0"
) -> AssetBalance:
    """One balance from amount strings, as an adapter would build it from the wire."""
    return AssetBalance(
        asset,
        total=Decimal(total),
        available=Decimal(total if available is None else available),
        borrowed=Decimal(borrowed),
        interest=Decimal(interest),
    )


def snapshot(
    account: str = "main",
    rows: Sequence[AssetBalance] = (),
    *,
    exchange: str = "alpha",
    wallet: WalletKind = WalletKind.CASH,
) -> BalanceSnapshot:
    return BalanceSnapshot(exchange, account, wallet, rows, FETCHED_AT)


def margin_risk(
    account: str = "main",
    *,
    exchange: str = "alpha",
    leverage: Ratio = NOT_APPLICABLE,
    cushion: Ratio = NOT_APPLICABLE,
) -> MarginRisk:
    """A margin profile; by default one that borrowed nothing, so its ratios do not apply.

    With a ``cushion``, the account borrows (1,000 USDT), so the cushion has a state.
    """
    borrowed = Decimal(0) if cushion is NOT_APPLICABLE else Decimal(1000)
    return MarginRisk(
        exchange=exchange,
        account=account,
        quote_asset="USDT",
        total_value=Decimal("17715.8175"),
        available_value=Decimal("17715.8175"),
        borrowed_value=borrowed,
        interest_value=Decimal(0),
        equity=Decimal("17715.8175") - borrowed,
        leverage=leverage,
        max_leverage=Decimal(10),
        health=MarginHealth.assess(
            metric=HealthMetric.CUSHION,
            ratio=None if cushion is NOT_APPLICABLE else cushion,
            liquidation_threshold=Decimal(1),
            equity=Decimal("17715.8175") - borrowed,
            debt=borrowed,
        ),
        fetched_at=FETCHED_AT,
        extras={"points_balance": Decimal(0)},
    )


DEFAULT_ROWS = (row("BTC", "1.50000000", "1.25"), row("USDT", "1285.366663467"))

Outcome = Sequence[AssetBalance] | Exception
"""What a :class:`TableReader` answers for one account: its rows, or the error it raises."""


class Connection:
    """A resource a plugin opens through ``context.resource``; counts its closes."""

    def __init__(self) -> None:
        self.closes = 0

    async def aclose(self) -> None:
        self.closes += 1


class TableReader:
    """Reads balances and risk of one account from a table keyed by account name."""

    def __init__(self, context: AccountContext, table: Mapping[str, Outcome]) -> None:
        self.context = context
        self.table = table
        self.connection = context.resource("connection", Connection)
        self.loops: list[asyncio.AbstractEventLoop] = []

    def _rows(self) -> Sequence[AssetBalance]:
        self.loops.append(asyncio.get_running_loop())
        outcome = self.table.get(self.context.account.name, DEFAULT_ROWS)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
        rows = self._rows()
        account = self.context.account
        return snapshot(account.name, rows, exchange=account.exchange, wallet=wallet)

    async def fetch_margin_risk(self) -> MarginRisk:
        self._rows()
        account = self.context.account
        return margin_risk(account.name, exchange=account.exchange)


class ExchangePlugin:
    """A plugin declaring ``wallets`` (and ``risk``) whose readers answer from ``table``.

    Its reader hooks answer for *any* exchange, against the hook contract, so that a test can
    see that the core only ever asks the plugin that declared the exchange.
    """

    def __init__(
        self,
        wallets: Mapping[str, Collection[WalletKind]],
        *,
        risk: Collection[str] = (),
        table: Mapping[str, Outcome] | None = None,
        reader: type[TableReader] = TableReader,
    ) -> None:
        self.wallets = wallets
        self.risk = risk
        self.table: Mapping[str, Outcome] = table or {}
        self.calls: list[tuple[str, str, str]] = []
        """(hook, exchange, account) of every reader hook call."""
        self.readers: list[TableReader] = []
        self.reader = reader

    def _reader(self, hook: str, exchange: str, context: AccountContext) -> TableReader:
        self.calls.append((hook, exchange, context.account.name))
        reader = self.reader(context, self.table)
        self.readers.append(reader)
        return reader

    @hookimpl
    def folio_balance_wallets(self) -> Mapping[str, Collection[WalletKind]]:
        return self.wallets

    @hookimpl
    def folio_balance_reader(self, exchange: str, context: AccountContext) -> TableReader:
        return self._reader("balance", exchange, context)

    @hookimpl
    def folio_risk_exchanges(self) -> Collection[str]:
        return self.risk

    @hookimpl
    def folio_risk_reader(self, exchange: str, context: AccountContext) -> TableReader:
        return self._reader("risk", exchange, context)


def cash_plugin(exchange: str = "alpha", **table: Outcome) -> ExchangePlugin:
    """A plugin serving cash balances and margin risk of ``exchange``."""
    return ExchangePlugin({exchange: [WalletKind.CASH]}, risk=[exchange], table=table)


def plugins_of(*named: tuple[str, object], policy: PluginPolicy | None = None) -> Plugins:
    """Plugins registered by the host only: no entry point is loaded."""
    return Plugins(policy, extra=named, use_entry_points=False)


_EXCHANGE_PLUGIN_MODULE = """
from framework.errors import AuthenticationError
from framework.models import WalletKind
from tests.framework.helpers import ExchangePlugin

plugin = ExchangePlugin(
    {EXCHANGE: [WalletKind.CASH]},
    risk=[EXCHANGE],
    table={"broken": AuthenticationError("API key rejected", code=200001)},
)
"""


def plugin_module(exchange: str) -> str:
    """Source of a third-party plugin module serving ``exchange``; account 'broken' fails."""
    return f"EXCHANGE = {exchange!r}\n{_EXCHANGE_PLUGIN_MODULE}"


FAILS_TO_IMPORT = 'raise RuntimeError("acme-broken needs libacme 2")\n'

MISSPELT_HOOK = """
from framework.hookspecs import hookimpl

@hookimpl
def folio_balance_reder(exchange, context):
    return None
"""

UNKNOWN_HOOK_ARGUMENT = """
from framework.hookspecs import hookimpl

@hookimpl
def folio_balance_reader(exchange, context, region):
    return None
"""


class PluginSite:
    """A directory on ``sys.path`` where tests install distributions that are not folio.

    Each distribution is what pip would leave behind: a ``*.dist-info`` directory with
    ``METADATA`` and an ``entry_points.txt`` declaring ``folio`` entry points, next to the
    plugin's top-level modules.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules: set[str] = set()

    def install(
        self,
        distribution: str,
        entry_points: Mapping[str, str],
        modules: Mapping[str, str],
        *,
        version: str = "1.0",
    ) -> None:
        for module, source in modules.items():
            (self.root / f"{module}.py").write_text(source, encoding="utf-8")
            self.modules.add(module)
        info = self.root / f"{distribution.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        metadata = f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n"
        (info / "METADATA").write_text(metadata, encoding="utf-8")
        lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
        (info / "entry_points.txt").write_text(f"[folio]\n{lines}", encoding="utf-8")
        importlib.invalidate_caches()  # importlib.metadata caches directory listings

    def install_plugin(
        self, name: str, source: str, *, attribute: str | None = None, version: str = "1.0"
    ) -> str:
        """Install ``<name>-folio`` with the one entry point ``name``; returns its module."""
        module = f"{name.replace('-', '_')}_folio"
        target = f"{module}:{attribute}" if attribute else module
        self.install(f"{name}-folio", {name: target}, {module: source}, version=version)
        return module

    def forget(self) -> None:
        for module in self.modules:
            sys.modules.pop(module, None)
        importlib.invalidate_caches()
