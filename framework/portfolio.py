"""The whole portfolio: every wallet and the margin risk of every account, read in one call.

A portfolio application's first question is "what do I hold, everywhere?". Answering it by
hand means knowing which wallets each exchange serves, reading each, reading the risk, and
keeping every failure in view; this module does it once, the same way for every host
(docs/host-api.md, "The whole portfolio").

- :class:`AccountPortfolio` is one account: every wallet its exchange serves (per the plugins'
  declared capabilities), the risk of every risk wallet it declares, and each part that failed
  (:class:`PartFailure`). A failed part is recorded, never raised and never dropped.
- :class:`Portfolio` is every account: positions per account, exchange, wallet and asset;
  totals of equity per asset (net plus the unrealized profit or loss of open positions, shown
  apart as :attr:`Portfolio.unrealized_pnl`); each account's risks; and, with a quote currency,
  each position's :class:`~framework.valuation.Valuation` on its own exchange and the totals of
  value.
  ``complete`` is ``False`` whenever anything is missing or unvalued: a partial sum is never
  presented as the whole.

Amounts stay exact ``Decimal``; rounding happens only when rendering
(:mod:`framework.render_portfolio`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Protocol, TypeVar

import attrs

from framework.config import AccountConfig
from framework.errors import FolioError
from framework.models import (
    EXACT,
    AssetBalance,
    BalanceSnapshot,
    Capability,
    MarginRisk,
    WalletKind,
)
from framework.prices import is_asset_code
from framework.registry import ExchangeSupport
from framework.results import AccountResult, AssetTotals, FanOut, total_by_asset
from framework.valuation import (
    PriceBook,
    RiskValuation,
    Valuation,
    no_book_reason,
    plain,
    value_in,
    value_risk,
)

__all__ = [
    "PART_ACCOUNT",
    "PART_PRICES",
    "PART_RISK",
    "AccountPortfolio",
    "AccountRisk",
    "AssetValue",
    "PartFailure",
    "Portfolio",
    "PortfolioValue",
    "Position",
    "PricePlan",
    "balance_part",
    "build_portfolio",
    "checked_quote",
    "found_accounts",
    "plan_prices",
    "read_account",
    "risk_part",
]

T = TypeVar("T")

PART_ACCOUNT: Final = "account"
"""The part name of a failure of the whole account: an unknown account, or an exchange that no
installed plugin serves (nothing of it could be read)."""
PART_RISK: Final = "margin risk"
"""The part name of a failed risk read of the margin wallet (:func:`risk_part`)."""
PART_PRICES: Final = "prices"
"""The part name of a failed price read (valuation only)."""


_ZERO: Final = Decimal(0)


def balance_part(wallet: WalletKind) -> str:
    """The part name of one wallet's balances, e.g. ``"cash balances"``."""
    return f"{WalletKind(wallet).value} balances"


_RISK_SUFFIX: Final = " risk"


def risk_part(wallet: WalletKind) -> str:
    """The part name of one wallet's risk, e.g. ``"futures risk"`` (``"margin risk"``)."""
    return f"{WalletKind(wallet).value}{_RISK_SUFFIX}"


def _is_risk_part(part: str) -> bool:
    return part in _RISK_PARTS


_RISK_PARTS: Final = frozenset(risk_part(wallet) for wallet in WalletKind)


@attrs.frozen(slots=True)
class PartFailure:
    """One part of the portfolio that could not be read, and the typed error saying why.

    ``part`` is ``"cash balances"`` (:func:`balance_part`), ``"futures risk"``
    (:func:`risk_part`; ``"margin risk"`` for the margin wallet's), ``"prices"`` or
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


def _risks(items: Iterable[MarginRisk]) -> tuple[MarginRisk, ...]:
    return tuple(items)


def _default_risks(portfolio: AccountPortfolio) -> tuple[MarginRisk, ...]:
    return () if portfolio.risk is None else (portfolio.risk,)


@attrs.frozen(slots=True)
class AccountPortfolio:
    """Everything one account holds and risks, as far as it could be read.

    ``snapshots`` has one :class:`~framework.models.BalanceSnapshot` per wallet read, in
    :class:`~framework.models.WalletKind` order. ``risks`` has the risk of each risk wallet read,
    in the order the exchange's plugin declares them (docs/host-api.md, "Risk per wallet");
    ``risk`` is the account's default risk wallet's (the first declared, or the first declared
    of the account's ``wallets``), ``None`` when there is none or that read failed
    (``failures`` then says which). ``complete`` is ``True``
    only when every part the exchange serves (of the account's ``wallets``, when it lists them)
    was read.
    """

    account: str
    exchange: str
    snapshots: tuple[BalanceSnapshot, ...] = attrs.field(default=(), converter=_snapshots)
    risk: MarginRisk | None = None
    failures: tuple[PartFailure, ...] = attrs.field(default=(), converter=_failures)
    risks: tuple[MarginRisk, ...] = attrs.field(
        default=attrs.Factory(_default_risks, takes_self=True), converter=_risks
    )
    """Every risk read, the default wallet's included (``(risk,)`` when only that is given)."""

    def __attrs_post_init__(self) -> None:
        """Refuse two snapshots or risks of one wallet, and a default risk not among ``risks``.

        A host may build an account itself (``Folio.assemble_portfolio``): a wallet listed
        twice would count its holdings twice in every total, and a ``risk`` missing from
        ``risks`` would be shown by ``risk`` and dropped from the portfolio's risks.
        """
        for kind, wallets in (("snapshot", [s.wallet for s in self.snapshots]),
                              ("risk", [r.wallet for r in self.risks])):
            if len(set(wallets)) != len(wallets):
                msg = f"account {self.account!r}: more than one {kind} of one wallet"
                raise ValueError(msg)
        if self.risk is not None and self.risk not in self.risks:
            msg = f"account {self.account!r}: its risk is not among its risks"
            raise ValueError(msg)

    def risk_of(self, wallet: WalletKind) -> MarginRisk | None:
        """The risk of ``wallet``, or ``None`` when it was not read (or not served)."""
        for risk in self.risks:
            if risk.wallet is wallet:
                return risk
        return None

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

    async def risk(self, account: str, wallet: WalletKind | str | None = None) -> MarginRisk:
        """The risk of one wallet of one account (``None``: the default risk wallet)."""
        ...


def served_parts(
    support: ExchangeSupport | None,
) -> tuple[tuple[WalletKind, ...], tuple[WalletKind, ...]]:
    """The balance wallets and the risk wallets (default first) ``support`` says are served."""
    if support is None:
        return (), ()
    capabilities = support.capabilities
    wallets = tuple(w for w in WalletKind if Capability.for_wallet(w) in capabilities)
    if Capability.MARGIN_RISK not in capabilities:
        return wallets, ()
    return wallets, support.risk_wallets or (WalletKind.MARGIN,)


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

    An account that lists its ``wallets`` (:class:`~framework.config.AccountConfig`) is read
    for those only, still in wallet order; its ``risk`` is then that of the first of the
    exchange's risk wallets it lists, as ``Folio.risk(name)`` reads (``None`` when it lists
    none; every listed risk is in ``risks``).

    ``support`` maps exchange names to what the installed plugins serve
    (:meth:`framework.registry.ExchangeRegistry.exchanges`). An exchange that serves nothing
    (no plugin, a conflict, a blocked plugin) is read as cash balances anyway, so the failure
    carries the registry's own explanation, recorded as the ``"account"`` part. An unknown
    ``name`` raises :class:`~framework.errors.UnknownAccountError`, as ``Folio.balances`` does.
    """
    config = host.account(name)
    exchange = config.exchange
    wallets, risk_wallets = served_parts(support.get(exchange))
    default_risk = config.default_risk_wallet(risk_wallets)
    if config.wallets is not None and (wallets or risk_wallets):
        # The account's own list, in wallet order: a listed wallet the exchange does not serve
        # is still read, so its failure says why; a risk is read for the listed wallets that
        # have one. An exchange that serves nothing stays one "account" failure (below).
        risk_wallets = tuple(w for w in risk_wallets if w in config.wallets)
        wallets = tuple(w for w in WalletKind if w in config.wallets)
    if not wallets and not risk_wallets:
        read = host.balances(name, WalletKind.CASH)
        outcome = await _recorded(read, name, exchange, PART_ACCOUNT)
        if isinstance(outcome, PartFailure):
            return AccountPortfolio(name, exchange, failures=(outcome,))
        return AccountPortfolio(name, exchange, snapshots=(outcome,))
    reads: list[Awaitable[BalanceSnapshot | MarginRisk | PartFailure]] = [
        _recorded(host.balances(name, wallet), name, exchange, balance_part(wallet))
        for wallet in wallets
    ]
    reads.extend(
        _recorded(host.risk(name, wallet), name, exchange, risk_part(wallet))
        for wallet in risk_wallets
    )
    outcomes = await _together(reads)
    snapshots = [o for o in outcomes if isinstance(o, BalanceSnapshot)]
    risks = [o for o in outcomes if isinstance(o, MarginRisk)]
    failures = [o for o in outcomes if isinstance(o, PartFailure)]
    # The account's default risk wallet's only, as Folio.risk(name) reads it.
    default = next((r for r in risks if r.wallet is default_risk), None)
    return AccountPortfolio(name, exchange, snapshots, default, failures, risks)


def failed_account(name: str, exchange: str, error: FolioError) -> AccountPortfolio:
    """The portfolio of an account of which nothing could be read (e.g. an unknown name)."""
    failure = PartFailure(name, exchange, PART_ACCOUNT, error)
    return AccountPortfolio(name, exchange, failures=(failure,))


# -- every account ----------------------------------------------------------------------


@attrs.frozen(slots=True)
class Position:
    """One asset held in one wallet of one account, valued when the portfolio has a quote.

    The amount valued is the position's :attr:`equity`: its :attr:`net` (total less borrowed
    and interest) plus the unrealized profit or loss of open positions settled in the asset,
    so a debt or a futures loss lowers the value and a net debt is a negative value. ``net``
    stays the ledger figure.
    """

    account: str
    exchange: str
    wallet: WalletKind
    balance: AssetBalance
    valuation: Valuation | None = None
    """``None`` when the portfolio was read without a quote."""

    @property
    def asset(self) -> str:
        """The asset code, e.g. ``BTC``."""
        return self.balance.asset

    @property
    def net(self) -> Decimal:
        """The ledger's figure for the owner in its own asset: total - borrowed - interest."""
        return self.balance.net

    @property
    def unrealized_pnl(self) -> Decimal:
        """The profit (or loss, negative) of open positions settled in the asset, at mark."""
        return self.balance.unrealized_pnl

    @property
    def equity(self) -> Decimal:
        """What the position is worth to the owner in its own asset: net + unrealized_pnl."""
        return self.balance.equity


@attrs.frozen(slots=True)
class AssetValue:
    """One asset's value in the quote, summed over every account and exchange holding it.

    ``net`` sums the ledger (:attr:`Position.net`), ``unrealized_pnl`` the open positions'
    profit or loss; ``value`` values their sum, the :attr:`equity`. ``value`` sums the valued
    positions only; ``unvalued`` counts those that had no price, and then the value is only
    part of the asset's (``complete`` is ``False``): not a lower bound, since an unvalued
    position may be a debt or a loss. ``value`` is ``None`` when no position of the asset
    could be valued.
    """

    asset: str
    net: Decimal
    value: Decimal | None
    unvalued: int
    exact: bool
    """``False`` when a division was rounded in some position's valuation."""
    unrealized_pnl: Decimal = _ZERO

    @property
    def equity(self) -> Decimal:
        """``net + unrealized_pnl``: the amount :attr:`value` values (``net``'s digits if none)."""
        pnl = self.unrealized_pnl
        return self.net if not pnl else EXACT.add(self.net, pnl)

    @property
    def complete(self) -> bool:
        """Whether every position of the asset was valued."""
        return self.unvalued == 0


@attrs.frozen(slots=True)
class PortfolioValue:
    """The portfolio valued in ``quote``: per asset, overall, and what the total lacks.

    ``total`` is the exact sum of every valued position. It is complete only when no position
    is unvalued and no account's balances are missing (``missing``, as in
    :class:`framework.results.AssetTotals`); otherwise it is only what could be read and valued
    (not a lower bound: what is left out may be a debt), and a host must say so (``complete``).
    """

    quote: str
    total: Decimal
    assets: tuple[AssetValue, ...]
    unvalued: tuple[Position, ...]
    missing: tuple[str, ...]
    exact: bool
    """``False`` when a division was rounded in some valuation (docs/host-api.md)."""

    @property
    def complete(self) -> bool:
        """Whether every position of every requested account is in ``total``."""
        return not self.unvalued and not self.missing


@attrs.frozen(slots=True)
class AccountRisk:
    """One risk wallet's risk of one account, and its amounts in the portfolio's quote."""

    account: str
    exchange: str
    risk: MarginRisk
    valued: RiskValuation | None = None
    """The risk's amounts in the quote (``None`` without a quote); each may be unvalued."""

    @property
    def wallet(self) -> WalletKind:
        """The wallet whose risk this is (``risk.wallet``)."""
        return self.risk.wallet


def _positions(items: Iterable[Position]) -> tuple[Position, ...]:
    return tuple(items)


@attrs.frozen(slots=True)
class Portfolio:
    """Every requested account's holdings and risk, read at once (``Folio.portfolio``).

    ``accounts`` keeps each account's :class:`AccountPortfolio` in the order asked for;
    ``positions`` lists every balance row of every wallet read; ``totals`` sums the equity per
    asset across accounts and exchanges (``field`` ``"equity"``: net plus unrealized profit or
    loss, which :attr:`unrealized_pnl` shows apart; it names the accounts whose balances are
    missing); ``risks`` holds each risk read, one per account and risk wallet. With a quote,
    each position carries its valuation, ``value`` the totals in the quote, and ``books`` the
    prices read. ``failures`` names every part that could not be read. ``complete`` is
    ``True`` only when nothing failed and, with a quote, every position was valued.
    """

    accounts: tuple[AccountPortfolio, ...]
    positions: tuple[Position, ...] = attrs.field(converter=_positions)
    totals: AssetTotals
    risks: tuple[AccountRisk, ...]
    failures: tuple[PartFailure, ...] = attrs.field(converter=_failures)
    quote: str | None = None
    value: PortfolioValue | None = None
    books: tuple[PriceBook, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether every part was read and, with a quote, every position valued."""
        return not self.failures and (self.value is None or self.value.complete)

    @property
    def unrealized_pnl(self) -> Mapping[str, Decimal]:
        """Per asset, the unrealized profit or loss included in :attr:`totals`.

        Only assets with an open position's profit or loss are listed, by name: empty for a
        portfolio without derivatives, where every total is the ledger's net.
        """
        sums: dict[str, Decimal] = {}
        for position in self.positions:
            pnl = position.unrealized_pnl
            if pnl:
                sums[position.asset] = EXACT.add(sums.get(position.asset, _ZERO), pnl)
        return MappingProxyType({asset: sums[asset] for asset in sorted(sums)})


def checked_quote(quote: str) -> str:
    """``quote`` if it is an asset code, else a ``ValueError`` naming it.

    The rule is :func:`framework.prices.is_asset_code`, the one every pair is held to.

    ``usdt`` is refused rather than upper-cased: the API does not guess what a host meant (the
    ``folio`` command upper-cases what a person typed).
    """
    if not is_asset_code(quote):
        msg = f"quote must be an upper-case asset code such as 'USDT', got {quote!r}"
        raise ValueError(msg)
    return quote


def found_accounts(read: Iterable[AccountResult[AccountPortfolio]]) -> list[AccountPortfolio]:
    """Each account's portfolio once; one that could not be read at all becomes its failure.

    An account named twice is counted once (the first result): a portfolio that added one
    account's holdings twice would show a wrong total.
    """
    found: list[AccountPortfolio] = []
    seen: set[str] = set()
    for result in read:
        if result.account in seen:
            continue
        seen.add(result.account)
        if result.value is not None:
            found.append(result.value)
        else:
            assert result.error is not None
            found.append(failed_account(result.account, result.exchange, result.error))
    return found


def _needs_prices(account: AccountPortfolio, quote: str) -> bool:
    if any(risk.quote_asset != quote for risk in account.risks):
        return True
    return any(row.asset != quote for _, row in account.positions)


@attrs.frozen(slots=True)
class PricePlan:
    """Which price books to read for a valuation, and which accounts get none (and why)."""

    groups: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    """The first account of each exchange and base URL (the one read through), mapped to the
    accounts its book serves."""
    unpriced: Mapping[str, str] = attrs.field(factory=dict)
    """Accounts whose exchange no installed plugin reads prices of, with that reason."""


def plan_prices(
    found: Sequence[AccountPortfolio],
    quote: str,
    configs: Mapping[str, AccountConfig],
    priced: Collection[str],
) -> PricePlan:
    """Which accounts' price books to read: one per exchange and base URL, where needed.

    Prices are public and the same for every account of one exchange at one base URL, so one
    read serves them all; a group where every holding is already in ``quote`` is not read. An
    exchange not in ``priced`` (no installed plugin declares its prices) is not read either:
    its holdings are unvalued with that reason, like a holding whose pair is not listed, and
    it is not a failed read.
    """
    groups: dict[tuple[str, str | None], list[str]] = {}
    unpriced: dict[str, str] = {}
    for account in found:
        config = configs.get(account.account)
        if config is None or not _needs_prices(account, quote):
            continue
        if config.exchange not in priced:
            unpriced[account.account] = f"no installed plugin reads prices of {config.exchange}"
            continue
        groups.setdefault((config.exchange, config.base_url), []).append(account.account)
    return PricePlan({members[0]: tuple(members) for members in groups.values()}, unpriced)


def _balance_results(found: Sequence[AccountPortfolio]) -> list[AccountResult[BalanceSnapshot]]:
    """Each wallet read, and each balance part that failed, as results for the totals."""
    results: list[AccountResult[BalanceSnapshot]] = []
    for account in found:
        results.extend(
            AccountResult(account.account, account.exchange, value=snapshot)
            for snapshot in account.snapshots
        )
        results.extend(
            AccountResult(account.account, account.exchange, error=failure.error)
            for failure in account.failures
            if not _is_risk_part(failure.part)
        )
    return results


@attrs.frozen(slots=True)
class _Prices:
    """The price book (or why there is none) of each account, from the group reads."""

    books: dict[str, PriceBook] = attrs.field(factory=dict)
    errors: dict[str, str] = attrs.field(factory=dict)
    failures: list[PartFailure] = attrs.field(factory=list)
    read: list[PriceBook] = attrs.field(factory=list)
    unpriced: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def of(cls, books: FanOut[PriceBook] | None, plan: PricePlan) -> _Prices:
        prices = cls(unpriced=plan.unpriced)
        for result in books or ():
            members = plan.groups.get(result.account, (result.account,))
            if result.value is not None:
                prices.read.append(result.value)
                prices.books.update(dict.fromkeys(members, result.value))
                continue
            assert result.error is not None
            prices.failures.append(
                PartFailure(result.account, result.exchange, PART_PRICES, result.error)
            )
            prices.errors.update(dict.fromkeys(members, str(result.error)))
        return prices

    def value(self, account: str, asset: str, amount: Decimal, quote: str) -> Valuation:
        book = self.books.get(account)
        valued = value_in(asset, amount, quote, book, book_error=self.errors.get(account))
        return self._unpriced(account, valued)

    def risk(self, account: str, risk: MarginRisk, quote: str) -> RiskValuation:
        book = self.books.get(account)
        valued = value_risk(risk, quote, book, book_error=self.errors.get(account))
        if account not in self.unpriced:
            return valued
        def reported(valuation: Valuation | None) -> Valuation | None:
            return None if valuation is None else self._unpriced(account, valuation)

        return attrs.evolve(
            valued,
            total_value=self._unpriced(account, valued.total_value),
            equity=self._unpriced(account, valued.equity),
            debt=self._unpriced(account, valued.debt),
            available_value=reported(valued.available_value),
            maintenance_margin=reported(valued.maintenance_margin),
            unrealized_pnl=reported(valued.unrealized_pnl),
            position_notional=reported(valued.position_notional),
        )

    def _unpriced(self, account: str, valuation: Valuation) -> Valuation:
        """An unpriced exchange's reason as it is, not ``no prices could be read: ...``.

        No price was read there and none failed; that prefix is for a failed read.
        """
        reason = self.unpriced.get(account)
        if reason is None or valuation.valued or valuation.reason != no_book_reason(None):
            return valuation
        return attrs.evolve(valuation, reason=reason)


def _asset_values(
    positions: Sequence[Position], nets: AssetTotals, unrealized: Mapping[str, Decimal]
) -> tuple[AssetValue, ...]:
    values: dict[str, Decimal] = {}
    unvalued: dict[str, int] = {}
    inexact: set[str] = set()
    for position in positions:
        valuation = position.valuation
        assert valuation is not None
        if valuation.value is None:
            unvalued[position.asset] = unvalued.get(position.asset, 0) + 1
            continue
        values[position.asset] = EXACT.add(values.get(position.asset, _ZERO), valuation.value)
        if not valuation.exact:
            inexact.add(position.asset)
    return tuple(
        AssetValue(asset, net, None if asset not in values else plain(values[asset]),
                   unvalued.get(asset, 0), asset not in inexact, unrealized.get(asset, _ZERO))
        for asset, net in nets.totals.items()
    )


def build_portfolio(
    found: Sequence[AccountPortfolio],
    quote: str | None = None,
    books: FanOut[PriceBook] | None = None,
    plan: PricePlan | None = None,
) -> Portfolio:
    """Assemble the portfolio from each account's parts and, with ``quote``, the price books.

    ``books`` is the fan-out of :meth:`Folio.price_book` over the first account of each group
    of ``plan`` (:func:`plan_prices`); a failed read is a ``"prices"`` failure, and every
    holding it would have valued is unvalued with that error as the reason.
    """
    failures = [failure for account in found for failure in account.failures]
    positions = [
        Position(account.account, account.exchange, wallet, row)
        for account in found
        for wallet, row in account.positions
    ]
    balances = _balance_results(found)
    totals = total_by_asset(balances, field="equity")
    if quote is None:
        risks = [AccountRisk(a.account, a.exchange, r) for a in found for r in a.risks]
        return Portfolio(tuple(found), positions, totals, tuple(risks), failures)
    prices = _Prices.of(books, plan or PricePlan())
    positions = [
        attrs.evolve(p, valuation=prices.value(p.account, p.asset, p.equity, quote))
        for p in positions
    ]
    risks = [
        AccountRisk(a.account, a.exchange, r, prices.risk(a.account, r, quote))
        for a in found
        for r in a.risks
    ]
    unrealized = total_by_asset(balances, field="unrealized_pnl").totals
    assets = _asset_values(positions, total_by_asset(balances, field="net"), unrealized)
    valued = [p.valuation.value for p in positions if p.valuation and p.valuation.value is not None]
    total = _ZERO
    for amount in valued:
        total = EXACT.add(total, amount)
    value = PortfolioValue(
        quote,
        plain(total),
        assets,
        tuple(p for p in positions if p.valuation is not None and not p.valuation.valued),
        totals.missing,
        all(a.exact for a in assets),
    )
    return Portfolio(
        tuple(found), positions, totals, tuple(risks), [*failures, *prices.failures],
        quote, value, tuple(prices.read),
    )
