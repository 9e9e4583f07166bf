"""Every rule adapters/kit/strict.py documents, each pinned by a test that fails when it breaks.

The rules (module docstring of :mod:`adapters.kit.strict`): ``str``, ``int`` and ``bool`` arrive as
exactly that JSON type; an amount is a JSON string holding a finite decimal in ASCII digits,
exponent accepted, at most ``MAX_AMOUNT_DIGITS`` digits written out and at most twice that many
characters; objects are objects and sequences lists; keys come from the ``json`` metadata or
the camelCase of the attribute, unknown keys are ignored; every problem is named by its JSON
path, the error's ``field`` being the first; asset codes are plain and unique, case aside.
"""

from __future__ import annotations

import decimal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import attrs
import cattrs
import pytest

from adapters.kit import strict
from adapters.kit.strict import (  # _describe, _amount_in_full: private helpers pinned here
    MAX_AMOUNT_DIGITS,
    WireReader,
    _amount_in_full,
    _describe,
    amount,
    check_asset_codes,
    json_key,
    json_type,
)
from framework.errors import InvalidResponseError


@attrs.frozen
class Inner:
    amount: Decimal


@attrs.frozen
class Row:
    asset: str
    count: int
    flag: bool
    amount: Decimal
    usd_value: Decimal = attrs.field(metadata={"json": "valueInUSD"})
    maybe: Decimal | None = None
    tags: tuple[str, ...] = ()
    inner: Inner | None = None
    counts: tuple[int, ...] | None = None
    """An optional sequence of a type no other field has: its list-only hook is its own."""


READER: Final = WireReader("x", (Inner, Row), top_level=(list[Row],))
GOOD: Final[dict[str, Any]] = {
    "asset": "BTC", "count": 3, "flag": True, "amount": "1.5", "valueInUSD": "2",
}


def read(**changes: Any) -> Row:
    row: Row = READER.structure({**GOOD, **changes}, Row)
    return row


def refused(**changes: Any) -> InvalidResponseError:
    with pytest.raises(InvalidResponseError) as caught:
        READER.structure({**GOOD, **changes}, Row)
    assert caught.value.exchange == "x"
    return caught.value


# -- exact primitive types -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "described"),
    [
        ("count", True, "expected an integer, got a boolean"),  # true is no integer
        ("count", False, "expected an integer, got a boolean"),
        ("count", "3", "expected an integer, got a string"),
        ("count", Decimal(3), "expected an integer, got a number"),
        ("count", 3.0, "expected an integer, got a number"),
        ("count", None, "expected an integer, got null"),
        ("flag", 1, "expected true or false, got an integer"),
        ("flag", "true", "expected true or false, got a string"),
        ("asset", 7, "expected a string, got an integer"),
        ("asset", ["BTC"], "expected a string, got a list"),
        ("asset", None, "expected a string, got null"),
    ],
)
def test_primitives_must_be_exactly_their_json_type(key: str, value: Any, described: str) -> None:
    error = refused(**{key: value})
    assert error.field == f"$.{key}"
    assert described in error.detail


def test_exact_primitives_are_kept_as_sent() -> None:
    row = read(count=0, flag=False, asset="")
    assert (row.count, row.flag, row.asset) == (0, False, "")
    assert type(row.count) is int
    assert type(row.flag) is bool


# -- amounts ---------------------------------------------------------------------------------

REFUSED_AMOUNTS: Final = [
    (1.5, "expected a decimal string, got a number"),
    (Decimal("1.5"), "expected a decimal string, got a number"),
    (15, "expected a decimal string, got an integer"),
    (True, "expected a decimal string, got a boolean"),
    (None, "expected a decimal string, got null"),
    ({"v": "1"}, "expected a decimal string, got an object"),
    ("", "expected a decimal string"),
    ("NaN", "expected a decimal string"),
    ("-Infinity", "expected a decimal string"),
    ("inf", "expected a decimal string"),
    ("1_000", "expected a decimal string"),
    (" 1", "expected a decimal string"),
    ("1 ", "expected a decimal string"),
    ("1\n", "expected a decimal string"),
    ("\uff11", "expected a decimal string"),  # fullwidth 1
    ("\u0661", "expected a decimal string"),  # Arabic-Indic 1
    ("1,5", "expected a decimal string"),
    ("0x10", "expected a decimal string"),
    ("1e", "expected a decimal string"),
    ("e5", "expected a decimal string"),
    (".", "expected a decimal string"),
    ("--1", "expected a decimal string"),
    ("1e999999999", "at most 100 digits"),
    ("0e-999999999", "at most 100 digits"),
    ("1e100", "at most 100 digits"),  # 101 digits written out
    ("9" * (MAX_AMOUNT_DIGITS + 1), "at most 100 digits"),
    ("0." + "0" * (MAX_AMOUNT_DIGITS - 1) + "1", "at most 100 digits"),  # 1 + 100 digits
    ("0" * (2 * MAX_AMOUNT_DIGITS + 1), "expected a decimal string"),  # 201 characters
]


@pytest.mark.parametrize(("value", "words"), REFUSED_AMOUNTS, ids=lambda v: repr(v)[:20])
def test_an_amount_that_is_not_a_short_finite_ascii_decimal_string_is_refused(
    value: Any, words: str
) -> None:
    error = refused(amount=value)
    assert error.field == "$.amount"
    assert words in error.detail


ACCEPTED_AMOUNTS: Final = [
    "0", "-0", "+1", "1.", ".5", "007", "1.50", "-12.000000001", "1e5", "1E-8", "1e+2",
    "1e99",  # 100 digits written out
    "9" * MAX_AMOUNT_DIGITS,
    "0." + "0" * (MAX_AMOUNT_DIGITS - 2) + "1",  # 1 + 99 digits
    "0" * (2 * MAX_AMOUNT_DIGITS),  # 200 characters, one digit written out
    "+" + "0" * (2 * MAX_AMOUNT_DIGITS - 1),
]


@pytest.mark.parametrize("value", ACCEPTED_AMOUNTS, ids=lambda v: v[:20])
def test_an_exact_amount_is_parsed_once_digit_for_digit(value: str) -> None:
    row = read(amount=value)
    assert type(row.amount) is Decimal
    assert row.amount.as_tuple() == Decimal(value).as_tuple()  # "1.50" keeps its last zero


SHORTCUT_EDGES: Final = [
    *ACCEPTED_AMOUNTS, *(value for value, _ in REFUSED_AMOUNTS if type(value) is str),
    "12-", "1-2", "1+2", "-", "+", "-.", "+.5", "-.5", "1.2.3", "..", "5.", "-+1", "+-1",
    "1" * MAX_AMOUNT_DIGITS, "." + "1" * (MAX_AMOUNT_DIGITS - 1), "-" + "1" * 99,
    "1" * (MAX_AMOUNT_DIGITS + 1) + ".", "1E5", "1e-5", "\t1", "1\r", "\u00a01", "١٢",
]


def _outcome(read_amount: Any, value: str) -> tuple[str, ...]:
    try:
        return ("read", repr(read_amount(value).as_tuple()))
    except (TypeError, ValueError) as exc:
        return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("value", SHORTCUT_EDGES, ids=lambda v: v[:20])
def test_the_plain_shortcut_reads_and_refuses_as_the_full_grammar_does(value: str) -> None:
    """:func:`amount` reads short plain decimals without the regular expression; for every
    text it must decide as :func:`_amount_in_full`, and in the same words."""
    assert _outcome(amount, value) == _outcome(_amount_in_full, value)


def test_plain_amounts_of_up_to_max_characters_take_the_shortcut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The shortcut is what keeps a 1,000-asset answer cheap (docs/performance.md): every
    plain amount an exchange sends, up to :data:`MAX_AMOUNT_DIGITS` characters, takes it."""
    def no_full_check(value: str) -> Decimal:
        raise AssertionError(value)

    monkeypatch.setattr(strict, "_amount_in_full", no_full_check)
    for value in ("0", "-0.5", "+7", "19772.682555", "9" * MAX_AMOUNT_DIGITS,
                  "-" + "9" * (MAX_AMOUNT_DIGITS - 1)):
        assert amount(value) == Decimal(value)
    with pytest.raises(AssertionError):
        amount("9" * (MAX_AMOUNT_DIGITS + 1))
    with pytest.raises(AssertionError):
        amount("1e5")


def test_malformed_text_is_refused_whatever_the_process_decimal_context() -> None:
    """Without the InvalidOperation trap ``Decimal("1.2.3")`` is NaN; ``amount`` never is."""
    with decimal.localcontext() as context:
        context.traps[decimal.InvalidOperation] = False
        for value in ("1.2.3", "12-", ".", "-"):
            with pytest.raises(ValueError, match="expected a decimal string"):
                amount(value)


def test_a_refused_text_is_quoted_at_most_40_characters() -> None:
    error = refused(amount="x" * 150)
    assert "x" * 40 in error.detail
    assert "x" * 41 not in error.detail


# -- shapes, keys and paths ------------------------------------------------------------------


def test_keys_come_from_metadata_or_camel_case() -> None:
    fields = {f.name: f for f in attrs.fields(Row)}
    assert json_key(fields["usd_value"]) == "valueInUSD"
    assert json_key(fields["asset"]) == "asset"

    @attrs.frozen
    class Snake:
        total_balance_in_usdt: str

    assert json_key(attrs.fields(Snake).total_balance_in_usdt) == "totalBalanceInUsdt"


def test_a_renamed_key_is_read_only_under_its_json_name() -> None:
    assert read().usd_value == Decimal(2)
    payload = {key: value for key, value in GOOD.items() if key != "valueInUSD"}
    with pytest.raises(InvalidResponseError) as caught:
        READER.structure({**payload, "usd_value": "2"}, Row)
    assert caught.value.field == "$.valueInUSD"
    assert "required field missing" in caught.value.detail


def test_unknown_keys_are_ignored() -> None:
    assert read(newField=[1, {"a": None}]) == read()


def test_optional_fields_take_null_or_their_type() -> None:
    assert read(maybe=None).maybe is None
    assert read(maybe="2").maybe == Decimal(2)
    assert refused(maybe=2).field == "$.maybe"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"tags": "AB"}, "$.tags", "expected a list, got a string"),  # not iterated as a list
        ({"tags": {"a": "b"}}, "$.tags", "expected a list, got an object"),
        ({"tags": ["a", 1]}, "$.tags[1]", "expected a string, got an integer"),
        ({"inner": ["1"]}, "$.inner", "expected an object, got a list"),
        ({"counts": "12"}, "$.counts", "expected a list, got a string"),  # optional sequence
        ({"counts": {"1": 2}}, "$.counts", "expected a list, got an object"),
        ({"inner": {"amount": 1}}, "$.inner.amount", "expected a decimal string"),
    ],
)
def test_objects_are_objects_and_sequences_lists(
    changes: dict[str, Any], field: str, words: str
) -> None:
    error = refused(**changes)
    assert error.field == field
    assert words in error.detail


def test_a_nested_object_and_a_list_are_read() -> None:
    row = read(tags=["a", "b"], inner={"amount": "3"}, counts=[1, 2])
    assert row.tags == ("a", "b")
    assert row.inner == Inner(Decimal("3"))
    assert row.counts == (1, 2)
    assert read(counts=None).counts is None


def test_when_the_two_readers_disagree_the_answer_is_refused_not_guessed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuses(_value: object, _type: object) -> Row:
        raise ValueError

    broken = cattrs.Converter()
    broken.register_structure_hook(Row, refuses)
    reader = WireReader("x", (Inner, Row))
    _fast, detailed = reader._built()
    # the fast converter fails where the detailed pass succeeds
    monkeypatch.setattr(reader, "_converters", (broken, detailed))
    with pytest.raises(InvalidResponseError) as caught:
        reader.structure(GOOD, Row, path="$.data")
    assert (caught.value.field, caught.value.exchange) == ("$.data", "x")
    assert "disagree" in caught.value.detail


@pytest.mark.parametrize(
    ("exc", "described"),
    [(KeyError("k"), "required field missing"),
     (TypeError("expected a string, got null"), "expected a string, got null"),
     (ValueError("expected a decimal string"), "expected a decimal string"),
     (TypeError(5), "invalid value for type, expected int"),  # not our words: cattrs'
     (RuntimeError("boom"), "unknown error (boom)")],
)
def test_a_problem_is_described_in_the_hooks_words_or_in_cattrs(
    exc: BaseException, described: str
) -> None:
    assert _describe(exc, int) == described


def test_every_problem_is_listed_and_the_first_is_the_field() -> None:
    with pytest.raises(InvalidResponseError) as caught:
        READER.structure([GOOD, {**GOOD, "count": "1", "amount": 2}], list[Row])
    error = caught.value
    assert error.field == "$[1].count"
    assert "$[1].count" in error.detail
    assert "$[1].amount" in error.detail
    assert "$[0]" not in error.detail
    assert error.detail.startswith("response does not match the documented schema: ")


def test_a_top_level_list_must_be_a_list() -> None:
    with pytest.raises(InvalidResponseError) as caught:
        READER.structure(GOOD, list[Row])
    assert caught.value.field == "$"


def test_the_path_prefix_is_the_callers() -> None:
    with pytest.raises(InvalidResponseError) as caught:
        READER.structure({**GOOD, "count": "1"}, Row, path="$.data")
    assert caught.value.field == "$.data.count"


def test_two_attributes_of_one_name_must_not_map_to_two_keys() -> None:
    @attrs.frozen
    class A:
        value: str

    @attrs.frozen
    class B:
        value: str = attrs.field(metadata={"json": "Value"})

    with pytest.raises(ValueError, match="maps to two JSON keys"):
        WireReader("x", (A, B))


@pytest.mark.parametrize(
    ("value", "described"),
    [(None, "null"), (True, "a boolean"), (1, "an integer"), (1.5, "a number"),
     (Decimal(1), "a number"), ("a", "a string"), ([], "a list"), ({}, "an object")],
)
def test_json_types_are_described_in_words(value: object, described: str) -> None:
    assert json_type(value) == described


# -- asset codes -----------------------------------------------------------------------------


def _codes(*codes: str) -> InvalidResponseError | None:
    try:
        check_asset_codes(list(codes), path=lambda i: f"$.rows[{i}].asset", exchange="x")
    except InvalidResponseError as exc:
        return exc
    return None


@pytest.mark.parametrize(
    ("codes", "field", "words"),
    [
        (("BTC", ""), "$.rows[1].asset", "empty or holds whitespace"),
        (("BTC", " ETH"), "$.rows[1].asset", "empty or holds whitespace"),
        (("BTC\n",), "$.rows[0].asset", "empty or holds whitespace"),
        # inside a code, a line break or U+2028 would forge a row of a table, CSV or JSON line
        (("BTC", "E\nTH"), "$.rows[1].asset", "control character"),
        (("B\u2028TC",), "$.rows[0].asset", "control character"),
        (("BTC", "US DT"), "$.rows[1].asset", "whitespace"),
        (("BTC", "E\x00TH"), "$.rows[1].asset", "control character"),
        (("BTC", "ETH", "BTC"), "$.rows[2].asset", "listed twice"),
        (("BTC", "ETH", "btc"), "$.rows[2].asset", "differ only in case"),
        (("eth", "ETH"), "$.rows[1].asset", "differ only in case"),
        (("Stra\u00dfe", "STRASSE"), "$.rows[1].asset", "differ only in case"),  # casefold
    ],
)
def test_asset_codes_are_plain_and_named_once_whatever_the_case(
    codes: tuple[str, ...], field: str, words: str
) -> None:
    error = _codes(*codes)
    assert error is not None
    assert (error.field, error.exchange) == (field, "x")
    assert words in error.detail


def test_distinct_codes_pass() -> None:
    assert _codes() is None
    assert _codes("BTC", "ETH", "USDT", "1INCH", "BTCUP") is None


def test_the_exchanges_wire_sequences_refuse_a_string_on_the_fast_path() -> None:
    """The wire modules use string annotations; their ``tuple[...]`` fields must still be
    list-only on the fast converter (a JSON ``"SPOT"`` once became ``("S", "P", "O", "T")``)."""
    from adapters.ascendex.convert import structure as ascendex  # noqa: PLC0415
    from adapters.ascendex.wire import AccountInfoData  # noqa: PLC0415
    from adapters.binance.convert import structure as binance  # noqa: PLC0415
    from adapters.binance.wire import SpotAccount  # noqa: PLC0415

    with pytest.raises(InvalidResponseError) as caught:
        binance({"balances": [], "permissions": "SPOT"}, SpotAccount)
    assert caught.value.field == "$.permissions"
    with pytest.raises(InvalidResponseError) as caught:
        ascendex({"accountGroup": 6, "allowedIps": "1.2.3.4"}, AccountInfoData)
    assert caught.value.field == "$.data.allowedIps"
    info = ascendex({"accountGroup": 6, "allowedIps": ["1.2.3.4"]}, AccountInfoData)
    assert info.allowed_ips == ("1.2.3.4",)


# -- converters: built on first use; the fast one refuses non-objects too ---------------------


def _converters(reader: WireReader) -> object:
    return reader._converters


def test_a_reader_builds_its_converters_on_first_use() -> None:
    reader = WireReader("x", (Inner, Row))
    assert _converters(reader) is None
    assert reader.structure({"amount": "1"}, Inner) == Inner(Decimal(1))
    built = _converters(reader)
    assert built is not None
    reader.structure({"amount": "2"}, Inner)
    assert _converters(reader) is built  # built once


def test_importing_the_adapters_builds_no_converter() -> None:
    """A host with no Binance account must not pay for Binance's converters at discovery."""
    from adapters.ascendex import convert as ascendex  # noqa: PLC0415
    from adapters.binance import convert as binance  # noqa: PLC0415

    script = (
        "import adapters.ascendex.convert as a, adapters.binance.convert as b; "
        "print(a._READER._converters is None, b._READER._converters is None)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.stdout.split() == ["True", "True"]
    assert isinstance(ascendex._READER, WireReader)
    assert isinstance(binance._READER, WireReader)


@attrs.frozen
class AllOptional:
    code: int | None = None
    tags: tuple[str, ...] = ()


NOT_OBJECTS: Final = ["code", ["code"], [], "", 1, None, True, Decimal(1)]


@pytest.mark.parametrize("value", NOT_OBJECTS, ids=repr)
def test_a_value_that_is_not_an_object_is_refused_for_any_class(value: object) -> None:
    """The fast converter checks objects only for classes without a required field (a
    required key read from anything else raises): ``"code" in "code"`` would pass."""
    reader = WireReader("x", (Inner, Row, AllOptional))
    for cls in (Inner, Row, AllOptional):
        with pytest.raises(InvalidResponseError) as caught:
            reader.structure(value, cls, path="$.data")
        assert caught.value.field == "$.data"
        assert "expected an object" in caught.value.detail
    assert reader.structure({}, AllOptional) == AllOptional()
