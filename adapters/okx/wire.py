"""OKX wire schemas (API v5): attrs classes that mirror the JSON answers one to one.

Every OKX answer is the envelope ``{"code": "0", "msg": "", "data": [...]}``; these classes
are the rows of ``data``. Every number is a JSON *string*, and a figure that does not apply
under the account's mode is ``""`` (the balance page's "Distribution of applicable fields
under each account level"): such fields are ``Decimal | None`` here and read ``""`` as
``None`` (the converter's ``blank_is_none``, :mod:`adapters.kit.strict`); a field OKX always
fills is ``Decimal`` and refuses ``""``. Amounts keep the digits sent, binary-float noise
included (``"-7.545600000000006"``): :mod:`adapters.okx.convert` decides what they mean.
Fields folio does not read are not declared; keys OKX adds later are ignored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import attrs

__all__ = ["WIRE_CLASSES", "AccountConfig", "Balance", "BalanceDetail", "Instrument",
           "Position", "ServerTime", "Ticker"]


@attrs.frozen(slots=True)
class AccountConfig:
    """``GET /api/v5/account/config``: the account's mode and the key's permissions."""

    acct_lv: str
    """``1`` Spot, ``2`` Futures, ``3`` Multi-currency margin, ``4`` Portfolio margin."""


@attrs.frozen(slots=True)
class BalanceDetail:
    """One currency of ``details`` in ``GET /api/v5/account/balance`` (amounts in ``ccy``)."""

    ccy: str
    eq: Decimal
    """Equity of the currency: cash plus unrealized PnL, less what is owed (net ledger)."""
    eq_usd: Decimal
    """``eq`` in USD."""
    avail_bal: Decimal | None = None
    """Available balance of the currency; ``""`` in Futures-mode and Multi-currency margin
    answers that fill ``availEq`` instead (OKX's own samples; docs/exchanges/okx.md)."""
    upl: Decimal | None = None
    """Unrealized PnL of the currency's positions (Futures, MCM, PM modes)."""
    liab: Decimal | None = None
    """What is owed, interest included, positive (Spot, MCM, PM; ``""`` in Futures mode)."""
    interest: Decimal | None = None
    """Accrued interest, positive (Spot, MCM, PM)."""
    avail_eq: Decimal | None = None
    """Available equity of the currency (Futures, MCM, PM modes)."""
    imr: Decimal | None = None
    """Currency-level initial margin (Futures mode, with a cross position)."""
    mmr: Decimal | None = None
    """Currency-level maintenance margin (Futures mode, with a cross position)."""
    mgn_ratio: Decimal | None = None
    """Currency-level margin ratio (Futures mode, with a cross position)."""
    notional_lever: Decimal | None = None
    iso_eq: Decimal | None = None
    """Equity of the currency's isolated positions, margined apart from ``mmr`` and ``mgnRatio``."""


@attrs.frozen(slots=True)
class Balance:
    """``GET /api/v5/account/balance``: the trading account, totals in USD."""

    total_eq: Decimal
    """The account's equity in USD (net of what is owed)."""
    details: tuple[BalanceDetail, ...]
    adj_eq: Decimal | None = None
    """Equity after haircuts: the margin ratio's numerator (Spot, MCM, PM)."""
    avail_eq: Decimal | None = None
    imr: Decimal | None = None
    mmr: Decimal | None = None
    """Maintenance margin requirement in USD (Spot, MCM, PM)."""
    mgn_ratio: Decimal | None = None
    """``adjEq`` over maintenance margin (plus fees); liquidation at 1; ``""`` without one."""
    notional_usd: Decimal | None = None
    """Gross notional of open derivatives positions, USD."""
    upl: Decimal | None = None
    """Unrealized PnL of cross positions, USD (MCM, PM)."""
    iso_eq: Decimal | None = None
    """Equity of isolated positions, USD: each is liquidated on its own, not by ``mgnRatio``."""


@attrs.frozen(slots=True)
class Position:
    """One row of ``GET /api/v5/account/positions``; amounts in the margin currency ``ccy``.

    ``mmr`` and ``mgnRatio`` must be sent (``""`` allowed): a row without them cannot say
    whether it is being liquidated. ``margin`` is an isolated position's own (``""`` for cross).
    """

    pos_id: str
    mgn_mode: str
    """``cross`` or ``isolated``."""
    ccy: str
    mmr: Decimal | None
    """Maintenance margin requirement of the position."""
    mgn_ratio: Decimal | None
    """Maintenance margin ratio: (``margin`` + ``upl``) over ``mmr`` plus liquidation fees for
    an isolated position, liquidated at 1 (100 %); ``""`` without a maintenance margin."""
    margin: Decimal | None = None
    upl: Decimal | None = None


@attrs.frozen(slots=True)
class Instrument:
    """One row of ``GET /api/v5/public/instruments?instType=SPOT``."""

    inst_id: str
    base_ccy: str
    quote_ccy: str
    state: str
    """``live`` trades now; ``suspend``, ``preopen``, ``test`` do not."""


@attrs.frozen(slots=True)
class Ticker:
    """One row of ``GET /api/v5/market/tickers``: ``last`` is the last trade, ``ts`` its time."""

    inst_id: str
    last: Decimal | None
    """``""`` for a market that has not traded yet."""
    ts: str


@attrs.frozen(slots=True)
class ServerTime:
    """``GET /api/v5/public/time``: ``ts``, Unix ms as a string."""

    ts: str


WIRE_CLASSES: Final[tuple[type, ...]] = (
    AccountConfig, BalanceDetail, Balance, Position, Instrument, Ticker, ServerTime,
)
