"""Simulated accounts: who may call, what they hold, and how their answers are written.

Amounts are kept as the exact strings they were configured with and are never passed through
``float``: the exchange sent decimal strings ("1285.366663467", "0.6", "11200") and a client's
job is to keep every digit, which our tests can only check if the simulator echoes them
exactly. Arithmetic (the computed risk profile) uses :mod:`decimal`.

Accounts file format (``AscendexSimulator.from_file``), JSON, UTF-8::

    {
      "accounts": [
        {
          "api_key": "my-key",                  # required, unique
          "api_secret": "my-secret",            # required; signs with its UTF-8 bytes
          "account_group": 0,                   # required, integer >= 0
          "email": "alice@example.invalid",     # optional, default ""
          "user_uid": "U0000000001",            # optional, default derived from the key
          "expire_time_ms": -1,                 # optional, -1 = never expires
          "view_permission": true,              # optional, default true
          "trade_permission": false,            # optional, default false
          "transfer_permission": false,         # optional, default false
          "allowed_ips": [],                    # optional; non-empty = only these peers
          "mode": "live",                       # optional, "live" (default) or "seed"
          "cash": [{"asset": "USDT", "total": "10.5", "available": "10.5"}],
          "margin": [{"asset": "BTC", "total": "1", "available": "0.5",
                      "borrowed": "0.2", "interest": "0.0001"}],
          "risk": {"fixed": {"accountMaxLeverage": "10", "availableBalanceInUSDT": "0",
                             "currentLeverage": "-1", "cushion": "-1",
                             "netBalanceInUSDT": "0", "pointsBalance": "0",
                             "totalBalanceInUSDT": "0", "totalBorrowedInUSDT": "0",
                             "totalInterestInUSDT": "0"}}
              # or {"computed": {"prices": {"BTC": "30000"},   # USDT per unit; USDT = 1
              #                  "effective_maintenance_margin": "1500",
              #                  "account_max_leverage": "10", "points_balance": "0",
              #                  "ratio_places": 4}}
              # or omitted: computed with USDT = 1 and no other prices
        }
      ]
    }

(``#`` comments are explanation only; JSON has none.) A bare list of account objects is
accepted too. Amounts must be JSON strings: a JSON number would already have lost its exact
text in most parsers, which defeats the point. Rows may carry ``"total_key"`` to choose the
total's field name in seed mode (default ``"totalBalance"``, the exchange's spelling;
``"totalABalance"`` is the 2019 draft's, see docs/exchanges/ascendex.md, "Known quirks").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias

from adapters.simkit.amounts import check_amount, check_fields

__all__ = [
    "DEMO_API_KEY",
    "DEMO_API_SECRET",
    "RISK_FIELDS",
    "SEED_ACCOUNT_GROUP",
    "AccountMode",
    "AccountsFileError",
    "CashRow",
    "ComputedRisk",
    "FixedRisk",
    "MarginRow",
    "SimAccount",
    "load_accounts",
    "parse_accounts",
    "seed_account",
    "seed_bytes",
]

DEMO_API_KEY: Final = "CEcrjGyipqt0OflgdQQSRGdrDXdDUY2x"
"""The API key of AscendEX's documentation examples (docs/exchanges/ascendex.md, "The
simulator"): the signatures the documentation publishes were made with it."""
DEMO_API_SECRET: Final = "hV8FgjyJtpvVeAcMAgzgAFQCN36wmbWuN7o3WPcYcYhFd8qvE43gzFGVsFcCqMNk"  # noqa: S105
"""The secret of the documentation examples: the published signature vectors use it."""
SEED_ACCOUNT_GROUP: Final = 6
"""Non-zero on purpose: a client that forgets to put the group into the path fails visibly."""

AccountMode: TypeAlias = Literal["seed", "live"]

RISK_FIELDS: Final = (
    "accountMaxLeverage",
    "availableBalanceInUSDT",
    "currentLeverage",
    "cushion",
    "netBalanceInUSDT",
    "pointsBalance",
    "totalBalanceInUSDT",
    "totalBorrowedInUSDT",
    "totalInterestInUSDT",
)
"""The nine fields of the risk profile, in the order of the documentation sample."""

SEED_FILES: Final = {
    "cash/balance": "seed_cash_balance.json",
    "margin/balance": "seed_margin_balance.json",
    "margin/risk": "seed_margin_risk.json",
}



class AccountsFileError(ValueError):
    """An accounts file or account definition is invalid; the message names the place."""


def _check_amount(value: object, where: str) -> str:
    return check_amount(value, where, AccountsFileError)


@dataclass(frozen=True, slots=True)
class CashRow:
    """One asset of the cash (spot) account."""

    asset: str
    total: str
    available: str
    total_key: str | None = None
    """Field name of the total in seed mode (``None``: ``totalBalance``; ``totalABalance`` for
    the 2019 draft's spelling); live mode always writes ``totalBalance``."""

    def __post_init__(self) -> None:
        check_fields(self, ("total", "available"), f"cash {self.asset}", AccountsFileError)

    @property
    def amounts(self) -> tuple[str, ...]:
        """Every amount of the row (used to decide whether it is a zero balance)."""
        return (self.total, self.available)


@dataclass(frozen=True, slots=True)
class MarginRow:
    """One asset of the margin account."""

    asset: str
    total: str
    available: str
    borrowed: str = "0"
    interest: str = "0"
    total_key: str | None = None
    """As for :class:`CashRow`."""

    def __post_init__(self) -> None:
        check_fields(self, ("total", "available", "borrowed", "interest"),
                     f"margin {self.asset}", AccountsFileError)

    @property
    def amounts(self) -> tuple[str, ...]:
        """Every amount of the row (used to decide whether it is a zero balance)."""
        return (self.total, self.available, self.borrowed, self.interest)


@dataclass(frozen=True, slots=True)
class FixedRisk:
    """A risk profile served as configured (values are strings, echoed exactly)."""

    values: Mapping[str, str]
    """All nine :data:`RISK_FIELDS`; written in that order."""

    def __post_init__(self) -> None:
        missing = [name for name in RISK_FIELDS if name not in self.values]
        extra = [name for name in self.values if name not in RISK_FIELDS]
        if missing or extra:
            msg = f"fixed risk: missing fields {missing}, unknown fields {extra}"
            raise AccountsFileError(msg)
        for name in RISK_FIELDS:
            _check_amount(self.values[name], f"risk {name}")
        object.__setattr__(self, "values", {name: self.values[name] for name in RISK_FIELDS})


DEFAULT_MAINTENANCE_RATE: Final = "0.1"
"""Maintenance margin per unit of debt when an account file names none. AscendEX's REST API
does not publish its per-asset rates (docs/exchanges/ascendex.md); any positive rate keeps the
simulator's answers consistent (debt means a positive maintenance margin, hence a cushion)."""


@dataclass(frozen=True, slots=True)
class ComputedRisk:
    """A risk profile computed from the margin rows (formulas: docs/exchanges/ascendex.md).

    Reference prices are in USDT per unit; USDT itself is 1 unless configured otherwise.
    """

    prices: Mapping[str, str] = field(default_factory=dict)
    effective_maintenance_margin: str | None = None
    """Effective maintenance margin in USDT. ``None``: :data:`DEFAULT_MAINTENANCE_RATE` of the
    debt (borrowed + interest), so an account that borrows has a margin requirement, as on the
    exchange; nothing borrowed makes it 0 and ``cushion`` -1."""
    account_max_leverage: str = "10"
    points_balance: str = "0"
    ratio_places: int = 4
    """Decimal places of ``currentLeverage`` and ``cushion`` (rounded half-even)."""

    def __post_init__(self) -> None:
        for asset, price in self.prices.items():
            _check_amount(price, f"risk price of {asset}")
        if self.effective_maintenance_margin is not None:
            _check_amount(self.effective_maintenance_margin, "risk effective_maintenance_margin")
        _check_amount(self.account_max_leverage, "risk account_max_leverage")
        _check_amount(self.points_balance, "risk points_balance")
        if not 0 <= self.ratio_places <= 18:
            msg = f"risk ratio_places must be within 0..18, got {self.ratio_places}"
            raise AccountsFileError(msg)
        object.__setattr__(self, "prices", {"USDT": "1", **self.prices})


RiskConfig: TypeAlias = FixedRisk | ComputedRisk


def _derived(prefix: str, api_key: str, length: int) -> str:
    """Stable fake identifiers, so info answers do not change between runs."""
    digest = hashlib.sha256(f"{prefix}:{api_key}".encode()).hexdigest()
    return (prefix + digest)[:length]


@dataclass(frozen=True)
class SimAccount:
    """One API key and the account behind it.

    Frozen so that answers can be cached per request shape: the benchmarks hit the simulator
    with a thousand accounts at once and the bodies must not be rebuilt for every request.
    """

    api_key: str
    api_secret: str
    account_group: int
    email: str = ""
    user_uid: str = ""
    """Default: derived from the key (``U`` + 10 digits)."""
    expire_time_ms: int = -1
    view_permission: bool = True
    trade_permission: bool = False
    transfer_permission: bool = False
    allowed_ips: Sequence[str] = ()
    cash: Sequence[CashRow] = ()
    margin: Sequence[MarginRow] = ()
    risk: RiskConfig | None = None
    """``None``: computed from the margin rows with USDT = 1 and nothing else priced."""
    mode: AccountMode = "live"
    cash_account_ids: Sequence[str] = ()
    margin_account_ids: Sequence[str] = ()
    futures_account_ids: Sequence[str] = ()
    verbatim: Mapping[str, bytes] = field(default_factory=dict)
    """Seed mode only: exact bodies per route name, served when the answer is unfiltered."""

    def __post_init__(self) -> None:
        if not self.api_key or not self.api_secret:
            msg = "an account needs a non-empty api_key and api_secret"
            raise AccountsFileError(msg)
        # type() rather than isinstance(): True is an int too, and not an account group
        if type(self.account_group) is not int or self.account_group < 0:
            msg = f"{self.api_key}: account_group must be an integer >= 0"
            raise AccountsFileError(msg)
        if self.mode not in ("seed", "live"):
            msg = f"{self.api_key}: mode must be 'seed' or 'live', got {self.mode!r}"
            raise AccountsFileError(msg)
        for name in ("allowed_ips", "cash", "margin", "cash_account_ids",
                     "margin_account_ids", "futures_account_ids"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for rows in (self.cash, self.margin):
            assets = [row.asset for row in rows]
            if len(set(assets)) != len(assets):
                msg = f"{self.api_key}: an asset is listed twice in {assets}"
                raise AccountsFileError(msg)
        if not self.user_uid:
            number = int(hashlib.sha256(self.api_key.encode()).hexdigest(), 16) % 10**10
            object.__setattr__(self, "user_uid", f"U{number:010d}")
        for name, prefix in (("cash_account_ids", "csh"), ("margin_account_ids", "mar"),
                             ("futures_account_ids", "fut")):
            if not getattr(self, name):
                object.__setattr__(self, name, (_derived(prefix, self.api_key, 32),))
        if self.risk is None:
            object.__setattr__(self, "risk", ComputedRisk())
        if isinstance(self.risk, ComputedRisk):
            priced = self.risk.prices
            unpriced = [row.asset for row in self.margin
                        if row.asset not in priced and any(Decimal(a) for a in row.amounts)]
            if unpriced:
                msg = (f"{self.api_key}: computed risk needs a USDT price for "
                       f"{', '.join(unpriced)}")
                raise AccountsFileError(msg)
        object.__setattr__(self, "verbatim", dict(self.verbatim))

    @property
    def permissions(self) -> dict[str, bool]:
        """The three permission flags under their wire names."""
        return {
            "tradePermission": self.trade_permission,
            "transferPermission": self.transfer_permission,
            "viewPermission": self.view_permission,
        }


def seed_bytes(route: str) -> bytes:
    """The seed document's sample response for ``route`` (e.g. ``"cash/balance"``), verbatim."""
    return (resources.files(__package__) / "data" / SEED_FILES[route]).read_bytes()


def seed_account(mode: AccountMode = "seed", *, draft_field_names: bool = False) -> SimAccount:
    """The demo account: documentation key and secret, group 6, the seed's three samples.

    The rows are read back from the sample files so that filtered answers (``asset=BTC``)
    agree with the verbatim unfiltered ones. The samples come from the 2019 draft, which spelt
    the total ``totalABalance`` (all cash rows, margin USDT); the exchange and every client
    say ``totalBalance``, so that is what is served, byte for byte the sample otherwise.
    ``draft_field_names=True`` (seed mode) serves the draft's spelling, row by row as the
    samples have it, for testing how a client copes with it.
    """
    cash_doc = json.loads(seed_bytes("cash/balance"))
    margin_doc = json.loads(seed_bytes("margin/balance"))
    risk_doc = json.loads(seed_bytes("margin/risk"))
    key_of = _total_key_of if draft_field_names else (lambda _row: "totalBalance")
    cash = [
        CashRow(row["asset"], _total_of(row), row["availableBalance"], key_of(row))
        for row in cash_doc["data"]
    ]
    margin = [
        MarginRow(row["asset"], _total_of(row), row["availableBalance"], row["borrowed"],
                  row["interest"], key_of(row))
        for row in margin_doc["data"]
    ]
    verbatim = {route: seed_bytes(route) for route in SEED_FILES}
    if not draft_field_names:
        verbatim = {route: body.replace(b'"totalABalance"', b'"totalBalance"')
                    for route, body in verbatim.items()}
    return SimAccount(
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        account_group=SEED_ACCOUNT_GROUP,
        email="demo@folio.invalid",
        user_uid="U0866943712",  # the documentation's example userUID
        cash=cash,
        margin=margin,
        risk=FixedRisk(risk_doc["data"]),
        mode=mode,
        verbatim=verbatim if mode == "seed" else {},
    )


def _total_of(row: Mapping[str, str]) -> str:
    return row["totalABalance"] if "totalABalance" in row else row["totalBalance"]


def _total_key_of(row: Mapping[str, str]) -> str:
    return "totalABalance" if "totalABalance" in row else "totalBalance"


def load_accounts(path: str | Path) -> list[SimAccount]:
    """Read accounts from a JSON file in the format of this module's docstring."""
    source = Path(path)
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        msg = f"{source}: not valid JSON: {exc}"
        raise AccountsFileError(msg) from None
    try:
        return parse_accounts(document)
    except AccountsFileError as exc:
        msg = f"{source}: {exc}"
        raise AccountsFileError(msg) from None


_ACCOUNT_KEYS: Final = frozenset({
    "api_key", "api_secret", "account_group", "email", "user_uid", "expire_time_ms",
    "view_permission", "trade_permission", "transfer_permission", "allowed_ips", "mode",
    "cash", "margin", "risk", "cash_account_ids", "margin_account_ids", "futures_account_ids",
})


def parse_accounts(document: Any) -> list[SimAccount]:
    """Build accounts from an already-parsed accounts document (dict or list)."""
    entries = document.get("accounts") if isinstance(document, dict) else document
    if not isinstance(entries, list) or not entries:
        msg = "expected a non-empty list of accounts (or {\"accounts\": [...]})"
        raise AccountsFileError(msg)
    accounts = [_parse_account(entry, index) for index, entry in enumerate(entries)]
    keys = [account.api_key for account in accounts]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        msg = f"duplicate api_key: {', '.join(duplicates)}"
        raise AccountsFileError(msg)
    return accounts


def _parse_account(entry: Any, index: int) -> SimAccount:
    where = f"accounts[{index}]"
    if not isinstance(entry, dict):
        msg = f"{where}: expected an object"
        raise AccountsFileError(msg)
    unknown = sorted(set(entry) - _ACCOUNT_KEYS)
    if unknown:
        msg = f"{where}: unknown keys {unknown}"
        raise AccountsFileError(msg)
    try:
        cash = [_parse_row(row, CashRow, f"{where}.cash") for row in entry.get("cash", [])]
        margin = [_parse_row(row, MarginRow, f"{where}.margin")
                  for row in entry.get("margin", [])]
        return SimAccount(
            api_key=_typed(entry, "api_key", str, where),
            api_secret=_typed(entry, "api_secret", str, where),
            account_group=_typed(entry, "account_group", int, where),
            email=_typed(entry, "email", str, where, ""),
            user_uid=_typed(entry, "user_uid", str, where, ""),
            expire_time_ms=_typed(entry, "expire_time_ms", int, where, -1),
            view_permission=_typed(entry, "view_permission", bool, where, True),
            trade_permission=_typed(entry, "trade_permission", bool, where, False),
            transfer_permission=_typed(entry, "transfer_permission", bool, where, False),
            allowed_ips=_strings(entry, "allowed_ips", where),
            cash=cash,
            margin=margin,
            risk=_parse_risk(entry.get("risk"), where),
            mode=_typed(entry, "mode", str, where, "live"),
            cash_account_ids=_strings(entry, "cash_account_ids", where),
            margin_account_ids=_strings(entry, "margin_account_ids", where),
            futures_account_ids=_strings(entry, "futures_account_ids", where),
        )
    except AccountsFileError as exc:
        if str(exc).startswith(where):
            raise
        msg = f"{where}: {exc}"
        raise AccountsFileError(msg) from None


def _typed(entry: dict[str, Any], key: str, kind: type, where: str, default: Any = ...) -> Any:
    if key not in entry:
        if default is ...:
            msg = f"{where}: missing {key!r}"
            raise AccountsFileError(msg)
        return default
    value = entry[key]
    # bool is an int subclass: keep true/false out of integer fields and vice versa
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        msg = f"{where}.{key}: expected {kind.__name__}, got {value!r}"
        raise AccountsFileError(msg)
    return value


def _strings(entry: dict[str, Any], key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        msg = f"{where}.{key}: expected a list of strings"
        raise AccountsFileError(msg)
    return value


def _parse_row(row: Any, kind: type[CashRow] | type[MarginRow], where: str) -> Any:
    if not isinstance(row, dict):
        msg = f"{where}: each row must be an object"
        raise AccountsFileError(msg)
    allowed = {"asset", "total", "available", "total_key"}
    if kind is MarginRow:
        allowed |= {"borrowed", "interest"}
    unknown = sorted(set(row) - allowed)
    if unknown or "asset" not in row or not isinstance(row["asset"], str):
        msg = f"{where}: a row needs 'asset' (string), allowed keys {sorted(allowed)}"
        raise AccountsFileError(msg)
    try:
        return kind(**row)
    except TypeError as exc:
        msg = f"{where} {row.get('asset')}: {exc}"
        raise AccountsFileError(msg) from None


def _parse_risk(value: Any, where: str) -> RiskConfig | None:
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) != 1 or not (
        set(value) <= {"fixed", "computed"}
    ):
        msg = f"{where}.risk: expected {{\"fixed\": {{...}}}} or {{\"computed\": {{...}}}}"
        raise AccountsFileError(msg)
    if "fixed" in value:
        fixed = value["fixed"]
        if not isinstance(fixed, dict):
            msg = f"{where}.risk.fixed: expected an object"
            raise AccountsFileError(msg)
        return FixedRisk(fixed)
    computed = value["computed"]
    allowed = {"prices", "effective_maintenance_margin", "account_max_leverage",
               "points_balance", "ratio_places"}
    if not isinstance(computed, dict) or set(computed) - allowed:
        msg = f"{where}.risk.computed: expected an object with keys among {sorted(allowed)}"
        raise AccountsFileError(msg)
    prices = computed.get("prices", {})
    if not isinstance(prices, dict):
        msg = f"{where}.risk.computed.prices: expected an object of asset -> price string"
        raise AccountsFileError(msg)
    try:
        return ComputedRisk(**computed)
    except TypeError as exc:
        msg = f"{where}.risk.computed: {exc}"
        raise AccountsFileError(msg) from None
