"""Simulated accounts: who may call, what they hold, and how their margin totals are made.

Amounts are kept as the exact strings they were configured with and are echoed as they are, so
tests can check that a client keeps every digit; arithmetic (per-asset ``netAsset``, the BTC
totals of a priced margin account) uses :mod:`decimal` with 8 decimals, as Binance writes them.

A margin account's totals and level come from one of two sources:

* :class:`FixedTotals`: served as configured (the documentation sample, or a deliberately
  inconsistent answer for a client test);
* :class:`PricedTotals`: computed from the rows and a BTC price per asset, ``totalAssetOfBtc =
  sum((free + locked) * price)``, ``totalLiabilityOfBtc = sum((borrowed + interest) * price)``,
  ``totalNetAssetOfBtc`` their difference and ``marginLevel`` their ratio, or the sentinel
  ``"999.00000000"`` when nothing is owed.

The seed account (:func:`seed_account`) is the documentation's: its example API key and secret
(the ones the published signature example uses) and the two sample answers of ``GET
/api/v3/account`` and ``GET /sapi/v1/margin/account``, served byte for byte, and the futures
examples (:func:`~.futures.seed_futures`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Final, TypeAlias

from adapters.binance.simulator.futures import SimFutures, seed_futures
from adapters.simkit.amounts import check_amount, check_fields

__all__ = [
    "DEMO_API_KEY",
    "DEMO_API_SECRET",
    "SEED_FILES",
    "AccountsError",
    "FixedTotals",
    "MarginRow",
    "PricedTotals",
    "SimAccount",
    "SpotRow",
    "seed_account",
    "seed_bytes",
]

DEMO_API_KEY: Final = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
"""The API key of Binance's signed-request examples."""
DEMO_API_SECRET: Final = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"  # noqa: S105
"""The secret of the examples: the published HMAC signatures are made with it."""

SEED_FILES: Final = {
    "account": "seed_account.json",
    "margin/account": "seed_margin_account.json",
}
"""Route name -> the documentation's sample answer (its two ``//`` comments removed: JSON has
none), in ``data/``."""


class AccountsError(ValueError):
    """An account definition is invalid; the message names the field."""


@dataclass(frozen=True, slots=True)
class SpotRow:
    """One asset of the spot account."""

    asset: str
    free: str
    locked: str = "0.00000000"

    def __post_init__(self) -> None:
        check_fields(self, ("free", "locked"), f"spot {self.asset}", AccountsError)

    @property
    def is_zero(self) -> bool:
        """Whether ``omitZeroBalances=true`` hides the row."""
        return Decimal(self.free) == 0 and Decimal(self.locked) == 0


@dataclass(frozen=True, slots=True)
class MarginRow:
    """One asset of the cross-margin account."""

    asset: str
    free: str
    locked: str = "0.00000000"
    borrowed: str = "0.00000000"
    interest: str = "0.00000000"
    net_asset: str | None = None
    """``None``: computed as ``free + locked - borrowed - interest``; a string is served as it is
    (to test a client against an answer that contradicts itself)."""

    def __post_init__(self) -> None:
        check_fields(self, ("free", "locked", "borrowed", "interest"), f"margin {self.asset}",
                     AccountsError)
        if self.net_asset is not None:
            check_amount(self.net_asset, f"margin {self.asset} net_asset", AccountsError)


@dataclass(frozen=True, slots=True)
class FixedTotals:
    """Margin totals and level served exactly as given."""

    margin_level: str
    total_asset_of_btc: str
    total_liability_of_btc: str
    total_net_asset_of_btc: str

    def __post_init__(self) -> None:
        check_fields(self, ("margin_level", "total_asset_of_btc", "total_liability_of_btc",
                            "total_net_asset_of_btc"), "margin totals", AccountsError)


@dataclass(frozen=True, slots=True)
class PricedTotals:
    """Margin totals computed from the rows at these prices (BTC per unit; BTC itself is 1)."""

    prices: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for asset, price in self.prices.items():
            check_amount(price, f"BTC price of {asset}", AccountsError)
        object.__setattr__(self, "prices", {"BTC": "1", **self.prices})


Totals: TypeAlias = FixedTotals | PricedTotals


@dataclass(frozen=True)
class SimAccount:
    """One API key and the account behind it. Frozen: answers are built from it per request."""

    api_key: str
    api_secret: str
    spot: Sequence[SpotRow] = ()
    margin: Sequence[MarginRow] = ()
    totals: Totals = field(default_factory=PricedTotals)
    account_type: str = "MARGIN_1"
    """``MARGIN_1`` (Cross Margin Classic) or ``MARGIN_2`` (Cross Margin Pro)."""
    can_read: bool = True
    """The key's *Enable Reading* permission; without it every signed call gets -2015."""
    allowed_ips: Sequence[str] = ()
    """Non-empty: only these peers may use the key (others get -2015)."""
    uid: int = 0
    has_margin: bool = True
    """Whether a cross-margin account was opened; without one (a spot-only user) the margin
    endpoint answers -3003 "Margin account does not exist." (HTTP 400)."""
    verbatim: Mapping[str, bytes] = field(default_factory=dict)
    """Exact bodies per route name, served instead of building them (the seed account)."""
    futures: SimFutures | None = None
    """The USD-M futures account; ``None``: the key gets -2015 from ``/fapi/`` (no futures)."""

    def __post_init__(self) -> None:
        if not self.api_key or not self.api_secret:
            msg = "an account needs a non-empty api_key and api_secret"
            raise AccountsError(msg)
        for name in ("spot", "margin", "allowed_ips"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for kind, rows in (("spot", self.spot), ("margin", self.margin)):
            assets = [row.asset for row in rows]
            if len(set(assets)) != len(assets):
                msg = f"an asset is listed twice in the {kind} rows: {assets}"
                raise AccountsError(msg)
        if isinstance(self.totals, PricedTotals):
            unpriced = [row.asset for row in self.margin if row.asset not in self.totals.prices]
            if unpriced:
                msg = f"priced margin totals need a BTC price for {', '.join(unpriced)}"
                raise AccountsError(msg)
        object.__setattr__(self, "verbatim", dict(self.verbatim))


def seed_bytes(route: str) -> bytes:
    """The documentation's sample answer for ``route`` (``account`` or ``margin/account``)."""
    return (resources.files(__package__) / "data" / SEED_FILES[route]).read_bytes()


def seed_account() -> SimAccount:
    """The documentation's example key and secret, holding the two sample answers.

    The rows and totals are also set from the samples, so that a request the samples do not
    answer verbatim (``omitZeroBalances=false``) agrees with them.
    """
    spot_doc = json.loads(seed_bytes("account"))
    margin_doc = json.loads(seed_bytes("margin/account"))
    return SimAccount(
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        spot=[SpotRow(row["asset"], row["free"], row["locked"]) for row in spot_doc["balances"]],
        margin=[
            MarginRow(row["asset"], row["free"], row["locked"], row["borrowed"],
                      row["interest"], row["netAsset"])
            for row in margin_doc["userAssets"]
        ],
        totals=FixedTotals(
            margin_level=margin_doc["marginLevel"],
            total_asset_of_btc=margin_doc["totalAssetOfBtc"],
            total_liability_of_btc=margin_doc["totalLiabilityOfBtc"],
            total_net_asset_of_btc=margin_doc["totalNetAssetOfBtc"],
        ),
        account_type=margin_doc["accountType"],
        uid=spot_doc["uid"],
        verbatim={route: seed_bytes(route) for route in SEED_FILES},
        futures=seed_futures(),
    )
