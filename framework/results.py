"""Results of reading many accounts at once: each account's value or its error, side by side.

A portfolio view that hides a failed account is worse than one that shows the failure: the
total would look complete and be wrong. So a fan-out never raises for one account; it returns
an :class:`AccountResult` per account, and every aggregate says which accounts it is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Generic, Literal, TypeVar, get_args

import attrs

from framework.errors import FolioError
from framework.models import EXACT, AssetBalance, BalanceSnapshot

__all__ = ["AccountResult", "AssetTotals", "FanOut", "total_by_asset"]

T = TypeVar("T")


@attrs.frozen(slots=True)
class AccountResult(Generic[T]):
    """One account's outcome: exactly one of ``value`` and ``error`` is set."""

    account: str
    exchange: str
    value: T | None = None
    error: FolioError | None = None

    def __attrs_post_init__(self) -> None:
        if (self.value is None) == (self.error is None):
            msg = "an AccountResult holds exactly one of value and error"
            raise ValueError(msg)

    @property
    def ok(self) -> bool:
        """Whether the account was read successfully."""
        return self.error is None

    def unwrap(self) -> T:
        """The value, or the account's error raised."""
        if self.error is not None:
            raise self.error
        assert self.value is not None
        return self.value


def _results_tuple(results: Iterable[AccountResult[T]]) -> tuple[AccountResult[T], ...]:
    return tuple(results)


@attrs.frozen(slots=True)
class FanOut(Generic[T]):
    """The outcomes of one fan-out, in the order the accounts were asked for."""

    results: tuple[AccountResult[T], ...] = attrs.field(converter=_results_tuple)

    def __iter__(self) -> Iterator[AccountResult[T]]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, account: str) -> AccountResult[T]:
        for result in self.results:
            if result.account == account:
                return result
        raise KeyError(account)

    @property
    def ok(self) -> bool:
        """True when every account was read."""
        return all(r.ok for r in self.results)

    @property
    def values(self) -> dict[str, T]:
        """Successful accounts' values by account name."""
        return {r.account: r.value for r in self.results if r.value is not None}

    @property
    def errors(self) -> dict[str, FolioError]:
        """Failed accounts' errors by account name."""
        return {r.account: r.error for r in self.results if r.error is not None}


def _frozen_totals(totals: Mapping[str, Decimal]) -> Mapping[str, Decimal]:
    return MappingProxyType(dict(totals))


AmountField = Literal[
    "total", "available", "borrowed", "interest", "net", "locked", "unrealized_pnl", "equity"
]
_AMOUNT_FIELDS: Final = get_args(AmountField)


@attrs.frozen(slots=True)
class AssetTotals:
    """Sums per asset across accounts, with the accounts they include and miss.

    ``complete`` is False whenever an account failed: the sums are then a lower bound, and a
    host must say so rather than show them as the portfolio's value.
    """

    field: AmountField
    totals: Mapping[str, Decimal] = attrs.field(converter=_frozen_totals)
    included: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """Whether every requested account contributed."""
        return not self.missing


def _amount(row: AssetBalance, field: AmountField) -> Decimal:
    value: Decimal = getattr(row, field)
    return value


def total_by_asset(
    snapshots: FanOut[BalanceSnapshot] | Iterable[AccountResult[BalanceSnapshot]],
    field: AmountField = "total",
) -> AssetTotals:
    """Sum ``field`` of every asset across the successful accounts of a fan-out.

    Sums are exact (Decimal); assets are ordered by name so output is stable. Results of
    several fan-outs may be chained (``[*cash, *margin]``) to total several wallets. A
    ``field`` that is not an amount of :class:`~framework.models.AssetBalance` is a
    ``ValueError``, not a sum of something else.
    """
    if field not in _AMOUNT_FIELDS:
        msg = f"cannot total {field!r}: choose one of {', '.join(_AMOUNT_FIELDS)}"
        raise ValueError(msg)
    sums: dict[str, Decimal] = {}
    included: list[str] = []
    missing: list[str] = []
    for result in snapshots:
        if result.value is None:
            missing.append(result.account)
            continue
        included.append(result.account)
        for row in result.value.balances:
            sums[row.asset] = EXACT.add(sums.get(row.asset, Decimal(0)), _amount(row, field))
    ordered = {asset: sums[asset] for asset in sorted(sums)}
    # An account may contribute several wallets (cash and margin): name it once.
    return AssetTotals(
        field, ordered, tuple(dict.fromkeys(included)), tuple(dict.fromkeys(missing))
    )
