"""JSON -> AscendEX wire classes -> folio domain models, exactly, or a typed error naming the field.

Built once at import and reused. Three rules, each there because getting it wrong loses money:

* **Strict primitives.** cattrs' default hooks coerce (``str(1.5)``, ``int("7")``); a number
  where the exchange always sends a string means the payload is not what we think, so every
  primitive hook refuses the wrong JSON type. Amounts must be strings holding a finite decimal
  in ASCII digits (an exponent is accepted: ``"1E-8"`` is how Java prints 0.00000001) of at
  most :data:`MAX_AMOUNT_DIGITS` digits written out: floats, ``true``, ``""``, ``"NaN"``,
  ``"1_000"``, ``" 1"``, fullwidth digits and ``"1e999999999"`` are rejected.
* **Every problem named.** A failed structure is re-run with cattrs' detailed validation and
  rendered with :func:`cattrs.transform_error`, so the error says ``$.data[1].availableBalance``
  rather than "bad response". The fast path (no detailed validation) serves every valid payload.
* **Sentinels become states.** ``"-1"`` for ``currentLeverage`` and ``cushion`` means "not
  defined" (nothing borrowed, or no positive equity); it becomes
  :data:`framework.models.NOT_APPLICABLE`, never a negative ratio.

The 2019 draft specification spells the total ``totalABalance``; every later source says
``totalBalance``. Both are accepted (``totalBalance`` wins when both are present).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from adapters.ascendex.wire import (
    AccountInfoData,
    CashBalanceRow,
    DecimalText,
    ErrorBody,
    MarginBalanceRow,
    MarginRiskData,
    ServerTimeData,
)
from framework.errors import InvalidResponseError
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

__all__ = [
    "CUSHION_LIQUIDATION_LEVEL",
    "EXCHANGE",
    "MAX_AMOUNT_DIGITS",
    "QUOTE_ASSET",
    "balance_snapshot",
    "fast_balance_snapshot",
    "margin_risk",
    "structure",
]

EXCHANGE: Final = "ascendex"
QUOTE_ASSET: Final = "USDT"
CUSHION_LIQUIDATION_LEVEL: Final = Decimal(1)
"""AscendEX starts liquidating a margin account when its cushion falls to 1."""

_SENTINEL: Final = Decimal(-1)
_DECIMAL_TEXT: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""ASCII digits only: ``\\d`` would also match fullwidth and other scripts' digits."""
MAX_AMOUNT_DIGITS: Final = 100
"""Most digits an amount may take written out plainly (``1e5`` takes 6). Real amounts take
under 40; the bound keeps ``"1e999999999"`` (valid text, finite) from reaching arithmetic,
where it overflows, or rendering, where it would print a billion zeros."""
_MAX_AMOUNT_TEXT: Final = 2 * MAX_AMOUNT_DIGITS

W = TypeVar("W")


# -- strict primitive hooks -------------------------------------------------------------


def _strict_str(value: Any, _type: Any) -> str:
    if type(value) is not str:
        msg = f"expected a string, got {_json_type(value)}"
        raise TypeError(msg)
    return value


def _decimal_text(value: Any, _type: Any) -> DecimalText:
    if type(value) is not str:
        msg = f"expected a decimal string, got {_json_type(value)}"
        raise TypeError(msg)
    if len(value) > _MAX_AMOUNT_TEXT or not _DECIMAL_TEXT.fullmatch(value):
        msg = f"expected a decimal string, got {value[:40]!r}"
        raise ValueError(msg)
    amount = Decimal(value)
    exponent = amount.adjusted() - len(amount.as_tuple().digits) + 1
    if max(amount.adjusted() + 1, 1) + max(-exponent, 0) > MAX_AMOUNT_DIGITS:
        msg = f"expected at most {MAX_AMOUNT_DIGITS} digits in plain notation, got {value[:40]!r}"
        raise ValueError(msg)
    return DecimalText(value)


def _strict_int(value: Any, _type: Any) -> int:
    if type(value) is not int:
        msg = f"expected an integer, got {_json_type(value)}"
        raise TypeError(msg)
    return value


def _strict_bool(value: Any, _type: Any) -> bool:
    if type(value) is not bool:
        msg = f"expected true or false, got {_json_type(value)}"
        raise TypeError(msg)
    return value


_JSON_TYPE_NAMES: Final[Mapping[type, str]] = {
    type(None): "null",
    bool: "a boolean",
    int: "an integer",
    Decimal: "a number",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "an object",
}


def _json_type(value: object) -> str:
    """How a JSON value would be described to a person (for error messages)."""
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


_JSON_KEYS: Final[Mapping[str, str]] = {
    # Field names whose JSON spelling is not plain camelCase of the attribute.
    "available_balance_in_usdt": "availableBalanceInUSDT",
    "net_balance_in_usdt": "netBalanceInUSDT",
    "total_balance_in_usdt": "totalBalanceInUSDT",
    "total_borrowed_in_usdt": "totalBorrowedInUSDT",
    "total_interest_in_usdt": "totalInterestInUSDT",
    "user_uid": "userUID",
}


def _json_key(name: str) -> str:
    return _JSON_KEYS.get(name) or _camel(name)


def _json_object(hook: Callable[[Any, Any], W], *, draft_total: bool) -> Callable[[Any, Any], W]:
    """Require a JSON object; with ``draft_total``, read ``totalABalance`` as ``totalBalance``.

    The 2019 draft's spelling is accepted only where the draft used it (balance rows).
    """

    def structure_object(value: Any, cls: Any) -> W:
        if not isinstance(value, dict):
            msg = f"expected an object, got {_json_type(value)}"
            raise TypeError(msg)
        if draft_total and "totalBalance" not in value and "totalABalance" in value:
            value = {**value, "totalBalance": value["totalABalance"]}
        return hook(value, cls)

    return structure_object


def _list_of(hook: Callable[[Any, Any], W]) -> Callable[[Any, Any], W]:
    def structure_list(value: Any, cls: Any) -> W:
        if not isinstance(value, list):
            msg = f"expected a list, got {_json_type(value)}"
            raise TypeError(msg)
        return hook(value, cls)

    return structure_list


def _is_type(expected: Any) -> Callable[[Any], bool]:
    def matches(candidate: Any) -> bool:
        return bool(candidate == expected)

    return matches


def _build(detailed: bool) -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=detailed)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(DecimalText, _decimal_text)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(bool, _strict_bool)
    wire_classes: tuple[type, ...] = (
        CashBalanceRow,
        MarginBalanceRow,
        MarginRiskData,
        AccountInfoData,
        ServerTimeData,
        ErrorBody,
    )
    for cls in wire_classes:
        renames = {f.name: override(rename=_json_key(f.name)) for f in attrs.fields(cls)}
        hook: Callable[[Any, Any], Any] = make_dict_structure_fn(
            cls, converter, **renames  # type: ignore[arg-type]
        )
        draft = cls in (CashBalanceRow, MarginBalanceRow)
        converter.register_structure_hook(cls, _json_object(hook, draft_total=draft))
    for list_type in (list[CashBalanceRow], list[MarginBalanceRow]):
        rows_hook = _list_of(converter.get_structure_hook(list_type))
        converter.register_structure_hook_func(_is_type(list_type), rows_hook)
    return converter


_FAST: Final = _build(detailed=False)
_DETAILED: Final = _build(detailed=True)


def structure(payload: Any, wire_type: Any, *, path: str = "$.data") -> Any:
    """Structure ``payload`` into ``wire_type`` or raise :class:`InvalidResponseError`.

    The error's message lists every problem with its JSON path; ``field`` is the first path.
    """
    with contextlib.suppress(Exception):  # any failure is diagnosed by the detailed pass
        return _FAST.structure(payload, wire_type)
    try:
        _DETAILED.structure(payload, wire_type)
    except Exception as exc:
        problems = (
            [_json_path(line) for line in cattrs.transform_error(exc, path, _describe)]
            if isinstance(exc, cattrs.BaseValidationError)
            else [f"{_describe(exc, wire_type)} @ {path}"]
        )
        first = problems[0].rpartition(" @ ")[2] if problems else path
        detail = "response does not match the documented schema: " + "; ".join(problems)
        raise InvalidResponseError(detail, field=first, exchange=EXCHANGE) from None
    msg = "response could not be read (the fast and the detailed reader disagree)"
    raise InvalidResponseError(msg, field=path, exchange=EXCHANGE)


def _describe(exc: BaseException, _type: Any) -> str:
    """One problem in words: our hooks' own messages, or cattrs' for the rest."""
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, TypeError | ValueError) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return cattrs.v.format_exception(exc, _type)


_SEGMENT: Final = re.compile(r"\.([a-z][a-z0-9_]*)")


def _json_path(line: str) -> str:
    """Rewrite ``... @ $.data[0].total_balance`` with the JSON key: ``$.data[0].totalBalance``."""
    message, _, path = line.rpartition(" @ ")
    json_path = _SEGMENT.sub(lambda m: "." + _json_key(m.group(1)), path)
    if message == "required field missing" and json_path.endswith(".totalBalance"):
        message += " (totalBalance, or the 2019 draft's totalABalance)"
    return f"{message} @ {json_path}"


# -- wire -> domain ---------------------------------------------------------------------


def _ratio(text: DecimalText, field: str) -> Ratio:
    value = Decimal(text)
    if value == _SENTINEL:
        return NOT_APPLICABLE
    if value < 0:
        msg = f"a negative ratio other than the -1 sentinel: {text}"
        raise InvalidResponseError(msg, field=field, exchange=EXCHANGE)
    return value


def _check_assets(rows: Sequence[CashBalanceRow | MarginBalanceRow]) -> None:
    """Each row names its asset, plainly, once: two rows for one asset would double a total."""
    seen: set[str] = set()
    for index, row in enumerate(rows):
        if not row.asset or row.asset != row.asset.strip():
            msg = f"asset code {row.asset[:40]!r} is empty or padded with whitespace"
            raise InvalidResponseError(msg, field=f"$.data[{index}].asset", exchange=EXCHANGE)
        if row.asset in seen:
            msg = f"asset {row.asset[:40]!r} is listed twice; refusing to guess which row is right"
            raise InvalidResponseError(msg, field=f"$.data[{index}].asset", exchange=EXCHANGE)
        seen.add(row.asset)


def balance_snapshot(
    rows: Sequence[CashBalanceRow] | Sequence[MarginBalanceRow],
    *,
    wallet: WalletKind,
    account: str,
    fetched_at: datetime,
) -> BalanceSnapshot:
    """Build the domain snapshot of a cash or margin balance answer."""
    _check_assets(rows)
    balances: list[AssetBalance] = []
    for row in rows:
        if isinstance(row, MarginBalanceRow):
            balance = AssetBalance(
                asset=row.asset,
                total=Decimal(row.total_balance),
                available=Decimal(row.available_balance),
                borrowed=Decimal(row.borrowed),
                interest=Decimal(row.interest),
            )
        else:
            balance = AssetBalance(
                asset=row.asset,
                total=Decimal(row.total_balance),
                available=Decimal(row.available_balance),
            )
        balances.append(balance)
    return BalanceSnapshot(
        exchange=EXCHANGE,
        account=account,
        wallet=wallet,
        balances=tuple(balances),
        fetched_at=fetched_at,
    )


def _fast_amount(value: object) -> Decimal | None:
    """The amount of a well-formed decimal string, parsed once; ``None`` on any doubt.

    Accepts exactly what :func:`_decimal_text` accepts (for the common shapes), without its
    regular expression: ``Decimal()`` also takes whitespace, ``_``, non-ASCII digits, NaN and
    infinities, and those are refused here first; exponents and long texts go the slow way.
    """
    if type(value) is not str or not value.isascii() or len(value) > MAX_AMOUNT_DIGITS:
        return None
    if "_" in value or "e" in value or "E" in value or value != value.strip():
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def fast_balance_snapshot(
    data: object, *, wallet: WalletKind, account: str, fetched_at: datetime
) -> BalanceSnapshot | None:
    """The snapshot of a well-formed balance answer in one pass, or ``None`` to go the slow way.

    The slow way is the strict, path-reporting route (:func:`structure`, then
    :func:`balance_snapshot`). Every answer an exchange normally sends is read here: each
    amount parsed once, no wire objects in between. Anything unusual (a missing or odd field,
    an exponent, a repeated asset) returns ``None``, and the strict route accepts it or says
    exactly what is wrong.
    """
    if type(data) is not list:
        return None
    margin = wallet is WalletKind.MARGIN
    balances: list[AssetBalance] = []
    seen: set[str] = set()
    for row in data:
        if type(row) is not dict:
            return None
        asset = row.get("asset")
        if type(asset) is not str or not asset or asset in seen or asset != asset.strip():
            return None
        seen.add(asset)
        total = _fast_amount(row.get("totalBalance", row.get("totalABalance")))
        available = _fast_amount(row.get("availableBalance"))
        if total is None or available is None:
            return None
        if margin:
            borrowed = _fast_amount(row.get("borrowed"))
            interest = _fast_amount(row.get("interest"))
            if borrowed is None or interest is None:
                return None
            balances.append(AssetBalance(asset, total, available, borrowed, interest))
        else:
            balances.append(AssetBalance(asset, total, available))
    return BalanceSnapshot(
        exchange=EXCHANGE,
        account=account,
        wallet=wallet,
        balances=tuple(balances),
        fetched_at=fetched_at,
    )


def margin_risk(data: MarginRiskData, *, account: str, fetched_at: datetime) -> MarginRisk:
    """Build the domain risk profile; AscendEX's health metric is the cushion."""
    return MarginRisk(
        exchange=EXCHANGE,
        account=account,
        quote_asset=QUOTE_ASSET,
        total_value=Decimal(data.total_balance_in_usdt),
        available_value=Decimal(data.available_balance_in_usdt),
        borrowed_value=Decimal(data.total_borrowed_in_usdt),
        interest_value=Decimal(data.total_interest_in_usdt),
        equity=Decimal(data.net_balance_in_usdt),
        leverage=_ratio(data.current_leverage, "$.data.currentLeverage"),
        max_leverage=_ratio(data.account_max_leverage, "$.data.accountMaxLeverage"),
        health=MarginHealth(
            metric=HealthMetric.CUSHION,
            value=_ratio(data.cushion, "$.data.cushion"),
            liquidation_threshold=CUSHION_LIQUIDATION_LEVEL,
        ),
        fetched_at=fetched_at,
        extras={"points_balance": Decimal(data.points_balance)},
    )
