"""Strict structuring of exchange JSON into an adapter's wire classes, with JSON paths in errors.

Every adapter has the same first duty once a body has parsed as JSON: put it into its attrs
wire classes without letting anything slip through. cattrs' default primitive hooks coerce
(``str(1.5)``, ``int("7")``, a dict iterated as a list), and a silently coerced amount is a
wrong balance, so :class:`WireReader` registers strict hooks for every primitive:

* ``str``, ``int`` and ``bool`` must arrive as exactly that JSON type (``true`` is no integer);
* a :data:`DecimalText` amount must be a JSON *string* holding a finite decimal in ASCII digits
  (an exponent is accepted, ``"1E-8"`` is how Java prints 0.00000001), at most
  :data:`MAX_AMOUNT_DIGITS` digits written out: floats, ``true``, ``""``, ``"NaN"``,
  ``"1_000"``, ``" 1"``, fullwidth digits and ``"1e999999999"`` are refused;
* objects must be JSON objects and sequences JSON lists.

A wire class names each field's JSON key in its metadata (``attrs.field(metadata={"json":
"TotalCollateralValueInUSDT"})``) when it is not the camelCase of the attribute. Keys the
exchange adds later are ignored: a new field must not take a portfolio offline.

A payload that fails is structured a second time with cattrs' detailed validation and every
problem is rendered with its JSON path (``$.userAssets[1].netAsset``), so an
:class:`~framework.errors.InvalidResponseError` says *where* the answer was wrong. The fast
path (no detailed validation) serves every valid payload.
"""

from __future__ import annotations

import contextlib
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, NewType, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from framework.errors import InvalidResponseError

__all__ = [
    "MAX_AMOUNT_DIGITS",
    "DecimalText",
    "WireReader",
    "check_asset_codes",
    "json_key",
    "json_type",
    "last_place",
    "not_negative",
]

DecimalText = NewType("DecimalText", str)
"""A JSON string already checked to hold a finite decimal, e.g. ``"0.00499500"``."""

MAX_AMOUNT_DIGITS: Final = 100
"""Most digits an amount may take written out plainly (``1e5`` takes 6). Real amounts take
under 40; the bound keeps ``"1e999999999"`` (valid text, finite) away from arithmetic, where it
overflows, and from rendering, where it would print a billion zeros."""

_AMOUNT: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""ASCII digits only: ``\\d`` would also match fullwidth and other scripts' digits."""

_JSON_NAMES: Final[Mapping[type, str]] = {
    type(None): "null",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    Decimal: "a number",
    str: "a string",
    list: "a list",
    dict: "an object",
}

W = TypeVar("W")


def json_type(value: object) -> str:
    """How a parsed JSON value is described to a person, e.g. ``an object``."""
    return _JSON_NAMES.get(type(value), type(value).__name__)


def json_key(field: attrs.Attribute[Any]) -> str:
    """The JSON key of a wire field: its ``json`` metadata, else the camelCase of its name."""
    explicit = field.metadata.get("json")
    if isinstance(explicit, str):
        return explicit
    head, *rest = field.name.split("_")
    return head + "".join(part.title() for part in rest)


# -- primitive hooks -------------------------------------------------------------------------


def _exactly(kind: type, described: str) -> Callable[[Any, Any], Any]:
    def check(value: Any, _type: Any) -> Any:
        if type(value) is not kind:
            msg = f"expected {described}, got {json_type(value)}"
            raise TypeError(msg)
        return value

    return check


def _amount(value: Any, _type: Any) -> DecimalText:
    if type(value) is not str:
        msg = f"expected a decimal string, got {json_type(value)}"
        raise TypeError(msg)
    if len(value) > 2 * MAX_AMOUNT_DIGITS or not _AMOUNT.fullmatch(value):
        msg = f"expected a decimal string, got {value[:40]!r}"
        raise ValueError(msg)
    parsed = Decimal(value)
    whole_digits = max(parsed.adjusted() + 1, 1)
    fraction_digits = max(len(parsed.as_tuple().digits) - parsed.adjusted() - 1, 0)
    if whole_digits + fraction_digits > MAX_AMOUNT_DIGITS:
        msg = f"expected at most {MAX_AMOUNT_DIGITS} digits in plain notation, got {value[:40]!r}"
        raise ValueError(msg)
    return DecimalText(value)


def _only(json_kind: type, hook: Callable[[Any, Any], W]) -> Callable[[Any, Any], W]:
    """``hook``, for values of exactly this JSON kind (``dict`` or ``list``) only."""
    described = json_type(json_kind())

    def structure(value: Any, cls: Any) -> W:
        if not isinstance(value, json_kind):
            msg = f"expected {described}, got {json_type(value)}"
            raise TypeError(msg)
        return hook(value, cls)

    return structure


def _sequence_types(annotation: Any) -> Iterable[Any]:
    """The ``tuple[X, ...]`` / ``list[X]`` types inside a (possibly optional) annotation."""
    origin = typing.get_origin(annotation)
    if origin in (tuple, list):
        yield annotation
    elif origin in (typing.Union, types.UnionType):
        for member in typing.get_args(annotation):
            yield from _sequence_types(member)


def _is(expected: Any) -> Callable[[Any], bool]:
    def matches(candidate: Any) -> bool:
        return bool(candidate == expected)

    return matches


# -- the reader ------------------------------------------------------------------------------


class WireReader:
    """Strict converters for one exchange's wire classes, built once and reused.

    ``wire_classes`` are the attrs classes to read (nested classes included). ``top_level``
    lists extra sequence types structured directly, e.g. ``list[Row]`` for an endpoint whose
    answer is a bare JSON list.
    """

    def __init__(
        self,
        exchange: str,
        wire_classes: Sequence[type],
        *,
        top_level: Sequence[Any] = (),
    ) -> None:
        self.exchange = exchange
        # Under ``from __future__ import annotations`` a field's type is a string until it is
        # resolved; resolved first, every ``tuple[X, ...]`` field is found below and gets the
        # list-only hook in both converters (else a JSON string "AB" became ("A", "B")).
        for cls in wire_classes:
            attrs.resolve_types(cls)
        self._keys = self._json_keys(wire_classes)
        self._fast = self._build(wire_classes, top_level, detailed=False)
        self._detailed = self._build(wire_classes, top_level, detailed=True)

    @staticmethod
    def _json_keys(wire_classes: Sequence[type]) -> dict[str, str]:
        keys: dict[str, str] = {}
        for cls in wire_classes:
            for field in attrs.fields(cls):
                key = json_key(field)
                if keys.setdefault(field.name, key) != key:
                    msg = f"attribute {field.name!r} maps to two JSON keys"
                    raise ValueError(msg)
        return keys

    @staticmethod
    def _build(
        wire_classes: Sequence[type], top_level: Sequence[Any], *, detailed: bool
    ) -> cattrs.Converter:
        converter = cattrs.Converter(detailed_validation=detailed)
        converter.register_structure_hook(str, _exactly(str, "a string"))
        converter.register_structure_hook(int, _exactly(int, "an integer"))
        converter.register_structure_hook(bool, _exactly(bool, "true or false"))
        converter.register_structure_hook(DecimalText, _amount)
        sequences: list[Any] = []
        for cls in wire_classes:
            for field in attrs.fields(cls):
                sequences.extend(_sequence_types(field.type))
        # A generated hook captures the hooks of what it contains when it is generated: field
        # sequences before the classes that hold them, top-level sequences (``list[Row]``)
        # after the classes they hold.
        for sequence in dict.fromkeys(sequences):  # unique, in order
            base = converter.get_structure_hook(sequence)
            converter.register_structure_hook_func(_is(sequence), _only(list, base))
        for cls in wire_classes:
            renames = {f.name: override(rename=json_key(f)) for f in attrs.fields(cls)}
            hook: Callable[[Any, Any], Any] = make_dict_structure_fn(
                cls, converter, **renames  # type: ignore[arg-type]
            )
            converter.register_structure_hook(cls, _only(dict, hook))
        for sequence in dict.fromkeys(top_level):
            base = converter.get_structure_hook(sequence)
            converter.register_structure_hook_func(_is(sequence), _only(list, base))
        return converter

    def structure(self, payload: Any, wire_type: Any, *, path: str = "$") -> Any:
        """``payload`` as ``wire_type``, or :class:`InvalidResponseError` listing every problem.

        The error's ``field`` is the JSON path of the first problem.
        """
        with contextlib.suppress(Exception):  # any failure is diagnosed by the detailed pass
            return self._fast.structure(payload, wire_type)
        try:
            self._detailed.structure(payload, wire_type)
        except Exception as exc:
            problems = (
                [self._with_json_keys(line)
                 for line in cattrs.transform_error(exc, path, _describe)]
                if isinstance(exc, cattrs.BaseValidationError)
                else [f"{_describe(exc, wire_type)} @ {path}"]
            )
            first = problems[0].rpartition(" @ ")[2] if problems else path
            detail = "response does not match the documented schema: " + "; ".join(problems)
            raise InvalidResponseError(detail, field=first, exchange=self.exchange) from None
        msg = "response could not be read (the fast and the detailed reader disagree)"
        raise InvalidResponseError(msg, field=path, exchange=self.exchange)

    _SEGMENT: Final = re.compile(r"\.([a-z][a-z0-9_]*)")

    def _with_json_keys(self, line: str) -> str:
        """``... @ $.user_assets[0].net_asset`` -> ``... @ $.userAssets[0].netAsset``."""
        message, _, path = line.rpartition(" @ ")
        keyed = self._SEGMENT.sub(lambda m: "." + self._keys.get(m.group(1), m.group(1)), path)
        return f"{message} @ {keyed}"


def _describe(exc: BaseException, _type: Any) -> str:
    """One problem in words: the strict hooks' own messages, or cattrs' for the rest."""
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, TypeError | ValueError) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return cattrs.v.format_exception(exc, _type)


def check_asset_codes(
    codes: Sequence[str], *, path: Callable[[int], str], exchange: str
) -> None:
    """Each row names its asset plainly and once; two rows for one asset would double a total.

    Codes that differ only in case (``BTC`` and ``btc``) count as one asset named twice: no
    exchange lists two assets that way, and a host that sums by upper-cased code would add
    them up, while one that does not would show two holdings of what is one coin.

    ``path(i)`` is the JSON path of row ``i``'s asset code, for the error.
    """
    seen: dict[str, str] = {}
    for index, code in enumerate(codes):
        if not code or code != code.strip():
            msg = f"asset code {code[:40]!r} is empty or padded with whitespace"
            raise InvalidResponseError(msg, field=path(index), exchange=exchange)
        folded = code.casefold()
        earlier = seen.get(folded)
        if earlier == code:
            msg = f"asset {code[:40]!r} is listed twice; refusing to guess which row is right"
            raise InvalidResponseError(msg, field=path(index), exchange=exchange)
        if earlier is not None:
            msg = (
                f"assets {earlier[:40]!r} and {code[:40]!r} differ only in case; refusing to "
                "guess whether they are one asset"
            )
            raise InvalidResponseError(msg, field=path(index), exchange=exchange)
        seen[folded] = code


def not_negative(text: str, *, field: str, exchange: str) -> Decimal:
    """An amount that can only be zero or more: a holding, a debt, a total.

    A negative one is refused at ``field``: it would be shown as a wrong number.
    """
    amount = Decimal(text)
    if amount < 0:
        msg = f"a negative amount where only zero or more makes sense: {text}"
        raise InvalidResponseError(msg, field=field, exchange=exchange)
    return amount


def last_place(*amounts: Decimal) -> Decimal:
    """One unit in the last place of the finest of ``amounts``, 1 at most.

    ``0.01`` for ``1.50``, 1 for ``100`` and ``1E+2``: the most a figure rounded on its own can
    be off by, which is how exchanges' totals are checked against each other.
    """
    finest = min(int(amount.as_tuple().exponent) for amount in amounts)
    return Decimal(1).scaleb(min(finest, 0))
