"""The whole portfolio: every wallet and the margin risk of every account, read in one call.

A portfolio application's first question is "what do I hold, everywhere?". Answering it by
hand means knowing which wallets each exchange serves, reading each, reading the risk, and
keeping every failure in view; this module does it once, the same way for every host
(docs/host-api.md, "The whole portfolio").

- :class:`AccountPortfolio` is one account: every wallet its exchange serves (per the plugins'
  declared capabilities), its margin risk where served, and each part that failed
  (:class:`PartFailure`). A failed part is recorded, never raised and never dropped.
- :class:`Portfolio` is every account: positions per account, exchange, wallet and asset; net
  totals per asset; each account's risk; and, with a quote currency, each position's
  :class:`~framework.valuation.Valuation` on its own exchange and the totals of value.
  ``complete`` is ``False`` whenever anything is missing or unvalued: a partial sum is never
  presented as the whole.

Amounts stay exact ``Decimal``; rounding happens only when rendering
(:mod:`framework.render_portfolio`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from typing import Final, Protocol, TypeVar

import attrs

from framework.config import AccountConfig
from framework.errors import FolioError
from framework.models import (
    AssetBalance,
    BalanceSnapshot,
    Capability,
    MarginRisk,
    WalletKind,
)
from framework.registry import ExchangeSupport

__all__ = [
    "PART_ACCOUNT",
    "PART_PRICES",
    "PART_RISK",
    "AccountPortfolio",
    "PartFailure",
    "balance_part",
    "read_account",
]

T = TypeVar("T")

PART_ACCOUNT: Final = "account"
"""The part name of a failure of the whole account: an unknown account, or an exchange that no
installed plugin serves (nothing of it could be read)."""
PART_RISK: Final = "margin risk"
"""The part name of a failed margin risk read."""
PART_PRICES: Final = "prices"
"""The part name of a failed price read (valuation only)."""


def balance_part(wallet: WalletKind) -> str:
    """The part name of one wallet's balances, e.g. ``"cash balances"``."""
    return f"{WalletKind(wallet).value} balances"


@attrs.frozen(slots=True)
class PartFailure:
    """One part of the portfolio that could not be read, and the typed error saying why.

    ``part`` is ``"cash balances"`` (:func:`balance_part`), ``"margin risk"``, ``"prices"`` or
    ``"account"`` (nothing of the account could be read). ``error`` is located: it names the
    exchange, the account and, where a request failed, the endpoint.
    """

    account: str
    exchange: str
    part: str
    error: FolioError

    def __str__(self) -> str:
        return f"{self.account} ({self.exchange}) {self.part}: {type(self.error).__name__}: " + (
            str(self.error)
        )


def _snapshots(items: Iterable[BalanceSnapshot]) -> tuple[BalanceSnapshot, ...]:
    return tuple(items)


def _failures(items: Iterable[PartFailure]) -> tuple[PartFailure, ...]:
    return tuple(items)


@attrs.frozen(slots=True)
class AccountPortfolio:
    """Everything one account holds and risks, as far as it could be read.

    ``snapshots`` has one :class:`~framework.models.BalanceSnapshot` per wallet read, in
    :class:`~framework.models.WalletKind` order; ``risk`` is ``None`` when the exchange serves
    no margin risk or its read failed (``failures`` then says which). ``complete`` is ``True``
    only when every part the exchange serves was read.
    """

    account: str
    exchange: str
    snapshots: tuple[BalanceSnapshot, ...] = attrs.field(default=(), converter=_snapshots)
    risk: MarginRisk | None = None
    failures: tuple[PartFailure, ...] = attrs.field(default=(), converter=_failures)

    @property
    def complete(self) -> bool:
        """Whether every part the account's exchange serves was read."""
        return not self.failures

    def snapshot(self, wallet: WalletKind) -> BalanceSnapshot | None:
        """The snapshot of ``wallet``, or ``None`` when it was not read (or not served)."""
        for snapshot in self.snapshots:
            if snapshot.wallet is wallet:
                return snapshot
        return None

    @property
    def positions(self) -> tuple[tuple[WalletKind, AssetBalance], ...]:
        """Every balance row of every wallet read, with its wallet, in reading order."""
        return tuple((s.wallet, row) for s in self.snapshots for row in s.balances)


class AccountReads(Protocol):
    """What :func:`read_account` needs of a host: :class:`framework.host.Folio` provides it."""

    def account(self, name: str) -> AccountConfig:
        """The configuration of account ``name`` (``UnknownAccountError`` if none)."""
        ...

    async def balances(self, account: str, wallet: WalletKind) -> BalanceSnapshot:
        """One wallet of one account."""
        ...

    async def risk(self, account: str) -> MarginRisk:
        """One account's margin risk."""
        ...


def served_parts(support: ExchangeSupport | None) -> tuple[tuple[WalletKind, ...], bool]:
    """The wallets and whether the margin risk that ``support`` says the exchange serves."""
    if support is None:
        return (), False
    capabilities = support.capabilities
    wallets = tuple(w for w in WalletKind if Capability.for_wallet(w) in capabilities)
    return wallets, Capability.MARGIN_RISK in capabilities


async def _recorded(
    read: Awaitable[T], account: str, exchange: str, part: str
) -> T | PartFailure:
    """``read``'s value, or its folio error as that part's failure; anything else goes on."""
    try:
        return await read
    except FolioError as exc:
        return PartFailure(account, exchange, part, exc)


async def _together(reads: Sequence[Awaitable[T]]) -> list[T]:
    """Await ``reads`` concurrently; if one raises, cancel and await the rest, then re-raise.

    ``asyncio.gather`` would leave the siblings running after the first exception (a host's
    cancellation or a ``KeyboardInterrupt`` must stop the whole account, not part of it), and a
    task group would wrap the exception in an ``ExceptionGroup``.
    """
    if len(reads) == 1:
        return [await reads[0]]
    tasks = [asyncio.ensure_future(read) for read in reads]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def read_account(
    host: AccountReads, name: str, support: Mapping[str, ExchangeSupport]
) -> AccountPortfolio:
    """Read every part of account ``name`` that its exchange serves, concurrently.

    ``support`` maps exchange names to what the installed plugins serve
    (:meth:`framework.registry.ExchangeRegistry.exchanges`). An exchange that serves nothing
    (no plugin, a conflict, a blocked plugin) is read as cash balances anyway, so the failure
    carries the registry's own explanation, recorded as the ``"account"`` part. An unknown
    ``name`` raises :class:`~framework.errors.UnknownAccountError`, as ``Folio.balances`` does.
    """
    config = host.account(name)
    exchange = config.exchange
    wallets, with_risk = served_parts(support.get(exchange))
    if not wallets and not with_risk:
        read = host.balances(name, WalletKind.CASH)
        outcome = await _recorded(read, name, exchange, PART_ACCOUNT)
        if isinstance(outcome, PartFailure):
            return AccountPortfolio(name, exchange, failures=(outcome,))
        return AccountPortfolio(name, exchange, snapshots=(outcome,))
    reads: list[Awaitable[BalanceSnapshot | MarginRisk | PartFailure]] = [
        _recorded(host.balances(name, wallet), name, exchange, balance_part(wallet))
        for wallet in wallets
    ]
    if with_risk:
        reads.append(_recorded(host.risk(name), name, exchange, PART_RISK))
    outcomes = await _together(reads)
    snapshots = [o for o in outcomes if isinstance(o, BalanceSnapshot)]
    risks = [o for o in outcomes if isinstance(o, MarginRisk)]
    failures = [o for o in outcomes if isinstance(o, PartFailure)]
    return AccountPortfolio(name, exchange, snapshots, risks[0] if risks else None, failures)


def failed_account(name: str, exchange: str, error: FolioError) -> AccountPortfolio:
    """The portfolio of an account of which nothing could be read (e.g. an unknown name)."""
    failure = PartFailure(name, exchange, PART_ACCOUNT, error)
    return AccountPortfolio(name, exchange, failures=(failure,))
