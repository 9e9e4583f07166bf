"""Exchange-neutral domain models: what a portfolio application reads, whatever the exchange.

These classes carry no serialization rules and know no exchange: adapters convert their wire
formats into them, and :mod:`framework.serialize` turns them into JSON. They are frozen and
slotted because a snapshot is a fact about one moment; nobody should patch it afterwards.

Every amount is a :class:`decimal.Decimal` holding exactly the digits the exchange sent. A
``float`` would silently round a balance such as ``1285.366663467``; a type check in every
constructor refuses it so a careless adapter fails at once instead of corrupting a total.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal
from types import MappingProxyType
from typing import Any, Final, TypeAlias

import attrs

__all__ = [
    "NOT_APPLICABLE",
    "AssetBalance",
    "BalanceSnapshot",
    "Capability",
    "HealthMetric",
    "HealthState",
    "MarginHealth",
    "MarginRisk",
    "NotApplicable",
    "Ratio",
    "WalletKind",
]


class WalletKind(enum.StrEnum):
    """The kind of account (wallet) a balance was read from."""

    CASH = "cash"
    MARGIN = "margin"
    FUTURES = "futures"


class Capability(enum.StrEnum):
    """What a plugin can read for an exchange; declared by plugins, checked by the core."""

    CASH_BALANCE = "cash_balance"
    MARGIN_BALANCE = "margin_balance"
    FUTURES_BALANCE = "futures_balance"
    MARGIN_RISK = "margin_risk"
    PRICES = "prices"

    @classmethod
    def for_wallet(cls, wallet: WalletKind) -> Capability:
        """The capability a plugin must declare to serve balances of ``wallet``."""
        return _WALLET_CAPABILITY[wallet]


_WALLET_CAPABILITY: Final[Mapping[WalletKind, Capability]] = MappingProxyType(
    {
        WalletKind.CASH: Capability.CASH_BALANCE,
        WalletKind.MARGIN: Capability.MARGIN_BALANCE,
        WalletKind.FUTURES: Capability.FUTURES_BALANCE,
    }
)


class NotApplicable(enum.Enum):
    """A ratio that has no value in the account's current state.

    Exchanges report such ratios with sentinels (AscendEX sends ``"-1"`` for the cushion of an
    account that borrowed nothing). A sentinel read as a number is dangerous: a cushion of -1
    looks like an account far below its liquidation line when it is in fact the safest state
    there is. The domain model therefore names the state instead of carrying the number.
    """

    NOT_APPLICABLE = "not_applicable"

    def __repr__(self) -> str:
        return "NOT_APPLICABLE"


NOT_APPLICABLE: Final = NotApplicable.NOT_APPLICABLE

Ratio: TypeAlias = Decimal | NotApplicable
"""A ratio that is either a number or explicitly :data:`NOT_APPLICABLE`."""


def _is_exact_decimal(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Refuse anything but a finite Decimal, so floats and NaN never enter a snapshot."""
    if type(value) is not Decimal:
        msg = f"{attribute.name} must be a Decimal, got {type(value).__name__}"
        raise TypeError(msg)
    if not value.is_finite():
        msg = f"{attribute.name} must be a finite Decimal, got {value}"
        raise ValueError(msg)


def _amounts_are_exact(
    instance: AssetBalance, _attribute: attrs.Attribute[Any], _value: object
) -> None:
    """:func:`_is_exact_decimal` for all five amounts of a balance, in one call.

    The validator of the last amount field: by then every field is set. A 1,000-asset answer
    builds 1,000 balances, and one call instead of one per amount is a fifth of their cost
    (docs/performance.md, "Conversion"); the rule and its words are those of
    :func:`_is_exact_decimal`, field by field, the first bad field named.
    """
    total, available = instance.total, instance.available
    borrowed, interest, pnl = instance.borrowed, instance.interest, instance.unrealized_pnl
    if (
        type(total) is Decimal and type(available) is Decimal
        and type(borrowed) is Decimal and type(interest) is Decimal and type(pnl) is Decimal
        and total.is_finite() and available.is_finite()
        and borrowed.is_finite() and interest.is_finite() and pnl.is_finite()
    ):
        return
    for field in attrs.fields(AssetBalance)[1:]:
        _is_exact_decimal(instance, field, getattr(instance, field.name))


def _is_ratio(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not NOT_APPLICABLE:
        _is_exact_decimal(instance, attribute, value)


def _is_reported_decimal(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` (the exchange does not report it) or a finite Decimal."""
    if value is not None:
        _is_exact_decimal(instance, attribute, value)


def _is_reported_ratio(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _is_ratio(instance, attribute, value)


def _is_utc(_instance: object, attribute: attrs.Attribute[Any], value: datetime) -> None:
    """Timestamps are aware and UTC: naive datetimes are how hosts get clocks wrong."""
    if value.utcoffset() != UTC.utcoffset(None):
        msg = f"{attribute.name} must be an aware UTC datetime, got {value!r}"
        raise ValueError(msg)


def _is_kind(kind: type) -> Any:
    """A validator refusing anything but an instance of ``kind`` (a ``TypeError`` naming the field).

    A plugin that writes a wallet, metric or state by its name (``"futures"``) builds a model
    that compares equal to the member but fails as one later (``.value`` in a table or in
    JSON), far from the plugin that wrote it; ``"bogus"`` would label a wallet that does not
    exist. The host reports the ``TypeError`` as the plugin's bug, naming the account.
    """

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            msg = f"{attribute.name} must be a {kind.__name__}, got {type(value).__name__}"
            raise TypeError(msg)

    return check


_ZERO: Final = Decimal(0)

_QUOTIENT: Final = Context(prec=34, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN)
"""A quotient's context, as framework/valuation.py divides: 34 digits, half to even, and the
widest exponents (the default context's would overflow on amounts a model accepts)."""

EXACT: Final = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
"""Arithmetic context for sums and differences of amounts: wide enough never to round.

The ambient context keeps 28 digits, so ``total - borrowed`` of two wide amounts would be
silently rounded; additions in this context are exact at any width the converters accept.
"""


@attrs.frozen(slots=True)
class AssetBalance:
    """One asset's balance in one wallet.

    ``total`` is the ledger amount the exchange reports for the asset (what is held, without
    the profit or loss of open positions), ``available`` what can be used right now (not held
    by open orders, withdrawals or the margin of positions). Where the asset is borrowed,
    ``borrowed`` and ``interest`` are the debt owed in this asset; elsewhere they are zero.

    ``unrealized_pnl`` is the profit (or, negative, the loss) of open derivatives positions
    settled in this asset, at the exchange's mark price: it is not yet in the ledger, so it is
    its own field and never folded into ``total`` or ``net`` (docs/exchanges/binance.md,
    "USD-M futures"). Wallets without derivatives leave it zero, and then :attr:`equity` is
    :attr:`net`.
    """

    asset: str
    total: Decimal
    available: Decimal
    borrowed: Decimal = _ZERO
    interest: Decimal = _ZERO
    unrealized_pnl: Decimal = attrs.field(default=_ZERO, validator=_amounts_are_exact)
    """Each amount is a finite ``Decimal``: checked for all five by the last one's validator."""

    @property
    def locked(self) -> Decimal:
        """What the asset holds that is not available: ``max(total + pnl, 0) - available``.

        Held by open orders or transfers and, on a derivatives wallet, by the margin of
        positions (an exchange counts a position's profit as usable, so it is added back). A
        loss larger than the asset's ledger leaves it holding nothing, not less than nothing:
        the excess is carried by the account's other collateral (Binance's multi-assets mode,
        a unified account), and shows in :attr:`equity`, which may be negative.
        """
        pnl = self.unrealized_pnl
        if not pnl:
            return EXACT.subtract(self.total, self.available)
        held = EXACT.add(self.total, pnl)
        return EXACT.subtract(held if held > 0 else _ZERO, self.available)

    @property
    def net(self) -> Decimal:
        """What the ledger holds for the owner after debt: total - borrowed - interest.

        Without unrealized profit or loss (see :attr:`equity`): a position's profit is not the
        owner's until it is closed, and a host that sums ``net`` sums settled amounts only.
        """
        return EXACT.subtract(EXACT.subtract(self.total, self.borrowed), self.interest)

    @property
    def equity(self) -> Decimal:
        """What the asset is worth to the owner with open positions marked: net + unrealized_pnl.

        The figure a liquidation engine and a portfolio's totals use (framework/portfolio.py);
        equal to :attr:`net` where nothing is unrealized.
        """
        pnl = self.unrealized_pnl
        return self.net if not pnl else EXACT.add(self.net, pnl)


def _balances_tuple(rows: Iterable[AssetBalance]) -> tuple[AssetBalance, ...]:
    return tuple(rows)


def _unique_assets(
    _instance: object, _attribute: attrs.Attribute[Any], rows: tuple[AssetBalance, ...]
) -> None:
    """A snapshot lists each asset once; two rows for one asset would double-count a total."""
    if len({row.asset for row in rows}) == len(rows):
        return
    seen: set[str] = set()
    for row in rows:
        if row.asset in seen:
            msg = f"asset {row.asset!r} appears more than once in the snapshot"
            raise ValueError(msg)
        seen.add(row.asset)


@attrs.frozen(slots=True)
class BalanceSnapshot:
    """All balances of one wallet of one account, as read at ``fetched_at`` (UTC).

    A snapshot is all or nothing: adapters build it only from a response that converted
    completely, so a snapshot never silently lacks an asset the exchange reported.
    """

    exchange: str
    account: str
    wallet: WalletKind = attrs.field(validator=_is_kind(WalletKind))
    balances: tuple[AssetBalance, ...] = attrs.field(
        converter=_balances_tuple, validator=_unique_assets
    )
    fetched_at: datetime = attrs.field(validator=_is_utc)

    def __iter__(self) -> Iterator[AssetBalance]:
        return iter(self.balances)

    def __len__(self) -> int:
        return len(self.balances)

    def __getitem__(self, asset: str) -> AssetBalance:
        """The balance of ``asset``; ``KeyError`` when the exchange listed no such row."""
        row = self.get(asset)
        if row is None:
            raise KeyError(asset)
        return row

    def get(self, asset: str) -> AssetBalance | None:
        """The balance of ``asset``, or ``None`` when the exchange listed no such row."""
        for row in self.balances:
            if row.asset == asset:
                return row
        return None

    @property
    def assets(self) -> tuple[str, ...]:
        """Asset codes in the order the exchange listed them."""
        return tuple(row.asset for row in self.balances)


class HealthMetric(enum.StrEnum):
    """How an exchange expresses the distance of a margin account from liquidation.

    Exchanges use different ratios, and mixing them up is how dashboards show a healthy account
    as doomed. The metric says which ratio :attr:`MarginHealth.value` holds and, by
    :attr:`higher_is_safer`, which way it points: a cushion or margin level is liquidated when
    it falls to ``liquidation_threshold``, a maintenance margin rate when it rises to it.
    """

    CUSHION = "cushion"
    """Equity / maintenance margin (AscendEX, OKX's ``mgnRatio``, Binance futures). Liquidation
    starts at 1."""

    MARGIN_LEVEL = "margin_level"
    """Total asset value / total liability (Binance margin). Liquidation at the call level."""

    MAINTENANCE_MARGIN_RATE = "maintenance_margin_rate"
    """Maintenance margin / margin balance (Bybit's ``accountMMRate``): the inverse view, lower is
    safer, and liquidation starts when it reaches the threshold (1, that is 100%)."""

    @property
    def higher_is_safer(self) -> bool:
        """Whether a larger value is further from liquidation (``False`` for a rate of use)."""
        return self is not HealthMetric.MAINTENANCE_MARGIN_RATE

    def is_safe(self, value: Decimal, threshold: Decimal) -> bool:
        """Whether ``value`` is on the safe side of ``threshold`` (the threshold itself is not)."""
        return value > threshold if self.higher_is_safer else value < threshold


class HealthState(enum.StrEnum):
    """What a margin account's health means, in words a host can act on.

    An account is exposed when it owes something or its positions require maintenance margin:
    a futures account that borrows nothing is still liquidated when its losses eat its margin.
    The state is decided from the account's amounts, not from the ratio alone, because
    exchanges send one sentinel for opposite situations: AscendEX's cushion is ``-1`` both when
    nothing is borrowed (nothing can be called) and when the net value is not positive (the
    account is already underwater). Reading both as "no ratio, so nothing to worry about" shows
    an insolvent account as the safest one (docs/exchanges/ascendex.md). A host checks
    ``health.state``, never ``health.value is None``.
    """

    OK = "ok"
    """The account is exposed, its equity is positive, and the ratio is on the safe side of the
    liquidation threshold."""

    AT_RISK = "at_risk"
    """The ratio has reached the liquidation threshold: the exchange is liquidating or about
    to."""

    INSOLVENT = "insolvent"
    """The account is exposed and its equity is zero or below: the debt or the positions' losses
    exceed what the account holds. No ratio is shown (``value`` is :data:`NOT_APPLICABLE`)."""

    NOT_APPLICABLE = "not_applicable"
    """Nothing is borrowed and no position requires maintenance margin, so nothing can be
    liquidated. No ratio is shown."""

    UNRATED = "unrated"
    """The account is exposed and its equity is positive, but the exchange's liquidation
    threshold for this kind of account is not known, so folio cannot say whether the ratio is
    safe. The ratio is shown; treat the account as not known to be safe."""


_RATIO_STATES: Final = frozenset({HealthState.OK, HealthState.AT_RISK, HealthState.UNRATED})
"""States that carry a ratio; the others have none to show (:data:`NOT_APPLICABLE`)."""


def _health_is_consistent(instance: MarginHealth) -> None:
    """Refuse a health whose state contradicts its ratio or threshold (a wrong meaning)."""
    state, value, threshold = instance.state, instance.value, instance.liquidation_threshold
    if threshold is not None and threshold <= 0:
        msg = f"a liquidation threshold must be positive, got {threshold}"
        raise ValueError(msg)
    if state not in _RATIO_STATES:
        if value is not NOT_APPLICABLE:
            msg = f"a {state.value} health carries no ratio (value must be NOT_APPLICABLE)"
            raise ValueError(msg)
        return
    if not isinstance(value, Decimal):
        msg = f"a {state.value} health needs its ratio, got NOT_APPLICABLE"
        raise ValueError(msg)
    _rate_is_a_rate(instance.metric, value)
    if state is HealthState.UNRATED:
        if threshold is not None:
            msg = "an unrated health has no known liquidation threshold"
            raise ValueError(msg)
        return
    if threshold is None:
        msg = f"a {state.value} health needs the liquidation threshold it was judged against"
        raise ValueError(msg)
    if instance.metric.is_safe(value, threshold) != (state is HealthState.OK):
        msg = (
            f"state {state.value} contradicts {instance.metric.value} {value} against the "
            f"liquidation threshold {threshold}"
        )
        raise ValueError(msg)


def _rate_is_a_rate(metric: HealthMetric, ratio: Decimal) -> None:
    """Refuse a maintenance margin rate below zero: a ratio that would read safe but is not.

    The rate is maintenance margin (never negative) over the margin balance, so a negative
    rate means a negative margin balance: an account already under water. A lower-is-safer
    metric would judge it the safest reading of all (``ok``); a cushion or margin level below
    zero is on the unsafe side of any threshold and needs no such guard.
    """
    if metric is HealthMetric.MAINTENANCE_MARGIN_RATE and ratio < 0:
        msg = (
            f"a maintenance margin rate of {ratio} means a negative margin balance, which "
            "cannot be judged safe: the account is insolvent, or the answer contradicts itself"
        )
        raise ValueError(msg)


@attrs.frozen(slots=True)
class MarginHealth:
    """The account's margin state, with the ratio behind it and its liquidation threshold.

    Build it with :meth:`assess`, which decides the state from the account's amounts; the
    constructor refuses a state that contradicts ``value`` and ``liquidation_threshold``.
    """

    metric: HealthMetric = attrs.field(validator=_is_kind(HealthMetric))
    state: HealthState = attrs.field(validator=_is_kind(HealthState))
    value: Ratio = attrs.field(validator=_is_ratio)
    """The ratio (see ``metric``) when the state has one, else :data:`NOT_APPLICABLE`."""
    liquidation_threshold: Decimal | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_is_exact_decimal),
    )

    def __attrs_post_init__(self) -> None:
        _health_is_consistent(self)

    @classmethod
    def assess(
        cls,
        *,
        metric: HealthMetric,
        ratio: Decimal | None,
        liquidation_threshold: Decimal | None,
        equity: Decimal,
        debt: Decimal,
        maintenance_margin: Decimal | None = None,
    ) -> MarginHealth:
        """The health of an account from its amounts and the exchange's ratio.

        ``debt`` is everything owed (borrowed plus interest), ``maintenance_margin`` what the
        account's positions and loans require (``None``: not reported) and ``equity`` the net
        value, in one currency; ``ratio`` is the exchange's figure, ``None`` where it sent a
        sentinel. Neither debt nor maintenance margin is :attr:`HealthState.NOT_APPLICABLE`
        (``ValueError`` when the equity is then negative: with nothing owed and no position the
        net value is what is held); exposure without positive equity is
        :attr:`HealthState.INSOLVENT`, whatever the ratio says. Otherwise the ratio is needed:
        ``ValueError`` when it is missing, and when a maintenance margin rate is below zero
        (a negative margin balance, which the lower-is-safer rate would read as safe): the
        answer contradicts itself, and the adapter reports it at the ratio's field.
        """
        if debt < 0:
            msg = f"debt must not be negative, got {debt}"
            raise ValueError(msg)
        if maintenance_margin is not None and maintenance_margin < 0:
            msg = f"maintenance margin must not be negative, got {maintenance_margin}"
            raise ValueError(msg)
        if not is_exposed(debt, maintenance_margin):
            if equity < 0:  # nothing owed, no position: the net value is what is held
                msg = f"a net value {equity} without any debt or position contradicts itself"
                raise ValueError(msg)
            return cls(metric, HealthState.NOT_APPLICABLE, NOT_APPLICABLE, liquidation_threshold)
        if equity <= 0:
            return cls(metric, HealthState.INSOLVENT, NOT_APPLICABLE, liquidation_threshold)
        if ratio is None:
            msg = (
                f"no {metric.value} for an exposed account (debt {debt}, maintenance margin "
                f"{maintenance_margin}) with a positive net value of {equity}"
            )
            raise ValueError(msg)
        _rate_is_a_rate(metric, ratio)
        if liquidation_threshold is None:
            state = HealthState.UNRATED
        elif metric.is_safe(ratio, liquidation_threshold):
            state = HealthState.OK
        else:
            state = HealthState.AT_RISK
        return cls(metric, state, ratio, liquidation_threshold)

    @property
    def applicable(self) -> bool:
        """Whether the account is exposed (an insolvent account is applicable, without ratio)."""
        return self.state is not HealthState.NOT_APPLICABLE


def is_exposed(debt: Decimal, maintenance_margin: Decimal | None) -> bool:
    """Whether anything can be liquidated: something is owed or positions require margin."""
    return debt > 0 or (maintenance_margin is not None and maintenance_margin > 0)


def _frozen_extras(value: Mapping[str, Decimal] | None) -> Mapping[str, Decimal]:
    return MappingProxyType(dict(value or {}))


def _decimal_values(
    _instance: object, attribute: attrs.Attribute[Any], value: Mapping[str, Decimal]
) -> None:
    for key, amount in value.items():
        if type(amount) is not Decimal or not amount.is_finite():
            msg = f"{attribute.name}[{key!r}] must be a finite Decimal, got {amount!r}"
            raise TypeError(msg)


@attrs.frozen(slots=True)
class MarginRisk:
    """The risk profile of one wallet of one account, all values in ``quote_asset`` (e.g. USDT).

    ``wallet`` says which risk pool it is: a margin wallet, a unified account's single wallet
    (served as ``cash``), or a futures wallet. ``quote_asset`` may be a unit rather than a coin
    (``USD`` where the exchange values in US dollars); folio never takes it for a stablecoin.

    ``equity`` is the net asset value:
    ``total_value + unrealized_pnl - borrowed_value - interest_value`` (a missing
    ``unrealized_pnl`` or ``interest_value`` counts as zero there). ``total_value`` is the ledger
    value held, without the profit or loss of open positions, which is ``unrealized_pnl``.
    ``leverage`` is the balance-sheet leverage ``total_value / equity`` and is
    :data:`NOT_APPLICABLE` when equity is not positive (a number there is refused: it would be
    a made-up figure). Derivatives lever without borrowing: their exposure is
    ``position_notional`` and :attr:`notional_leverage`. ``max_leverage`` is the platform's
    limit for the account.

    ``maintenance_margin`` is what the exchange requires to keep the account's positions and
    loans open. It decides, with the debt, whether the account is exposed at all: a futures
    account that owes nothing is still liquidated (:class:`HealthState`).

    ``extras`` carries exchange-specific amounts (documented per exchange) that have no neutral
    meaning, so that nothing the exchange sent is lost and nothing exchange-specific leaks into
    the fields above.

    ``None`` in ``available_value``, ``interest_value``, ``max_leverage``,
    ``maintenance_margin``, ``unrealized_pnl`` or ``position_notional`` means *the exchange does
    not report it*, which is not the same as zero (an invented zero or an upper bound
    would be a wrong number on a dashboard) nor as :data:`NOT_APPLICABLE` (a value that is
    undefined in the account's state). Where ``interest_value`` is ``None`` the interest is
    included in ``borrowed_value``, so the identity above holds with it counted as zero.
    """

    exchange: str
    account: str
    quote_asset: str
    total_value: Decimal = attrs.field(validator=_is_exact_decimal)
    available_value: Decimal | None = attrs.field(validator=_is_reported_decimal)
    borrowed_value: Decimal = attrs.field(validator=_is_exact_decimal)
    interest_value: Decimal | None = attrs.field(validator=_is_reported_decimal)
    equity: Decimal = attrs.field(validator=_is_exact_decimal)
    leverage: Ratio = attrs.field(validator=_is_ratio)
    max_leverage: Ratio | None = attrs.field(validator=_is_reported_ratio)
    health: MarginHealth = attrs.field(validator=_is_kind(MarginHealth))
    fetched_at: datetime = attrs.field(validator=_is_utc)
    wallet: WalletKind = attrs.field(default=WalletKind.MARGIN, validator=_is_kind(WalletKind))
    maintenance_margin: Decimal | None = attrs.field(default=None, validator=_is_reported_decimal)
    unrealized_pnl: Decimal | None = attrs.field(default=None, validator=_is_reported_decimal)
    position_notional: Decimal | None = attrs.field(default=None, validator=_is_reported_decimal)
    extras: Mapping[str, Decimal] = attrs.field(
        factory=dict, converter=_frozen_extras, validator=_decimal_values
    )

    @property
    def notional_leverage(self) -> Ratio | None:
        """``position_notional / equity``: the leverage of open positions.

        ``None`` where the notional is not reported, :data:`NOT_APPLICABLE` without positive
        equity. A division, rounded to 34 significant digits (framework/valuation.py).
        """
        if self.position_notional is None:
            return None
        if self.equity <= 0:
            return NOT_APPLICABLE
        return _QUOTIENT.divide(self.position_notional, self.equity)

    @property
    def debt(self) -> Decimal:
        """Everything owed, in ``quote_asset``: borrowed plus interest (where reported apart)."""
        if self.interest_value is None:
            return self.borrowed_value
        return EXACT.add(self.borrowed_value, self.interest_value)

    def __attrs_post_init__(self) -> None:
        """Refuse a health state that the amounts contradict: a wrong meaning is a wrong number.

        Also refused: a negative amount held, available, owed, required or exposed; a negative
        equity without exposure (nothing owed and no position, so nothing can bring the net
        value below zero, and the state would read "nothing to liquidate"); a leverage number
        without positive equity.
        """
        for name in ("total_value", "available_value", "borrowed_value", "interest_value",
                     "maintenance_margin", "position_notional"):
            amount = getattr(self, name)
            if amount is not None and amount < 0:
                msg = f"{name} must not be negative, got {amount}"
                raise ValueError(msg)
        debt, state = self.debt, self.health.state
        exposed = is_exposed(debt, self.maintenance_margin)
        if (state is HealthState.NOT_APPLICABLE) == exposed:
            msg = (
                f"health state {state.value} contradicts a debt of {debt} and a maintenance "
                f"margin of {self.maintenance_margin} {self.quote_asset}"
            )
            raise ValueError(msg)
        insolvent = exposed and self.equity <= 0
        if (state is HealthState.INSOLVENT) != insolvent:
            msg = (
                f"health state {state.value} contradicts equity {self.equity}, debt {debt} and "
                f"maintenance margin {self.maintenance_margin} {self.quote_asset}"
            )
            raise ValueError(msg)
        if not exposed and self.equity < 0:
            msg = (
                f"equity {self.equity} without any debt or position: the net value cannot be "
                "negative"
            )
            raise ValueError(msg)
        if self.leverage is not NOT_APPLICABLE and self.equity <= 0:
            msg = (
                f"leverage {self.leverage} for an equity of {self.equity} {self.quote_asset}; "
                "without positive equity leverage is NOT_APPLICABLE"
            )
            raise ValueError(msg)
