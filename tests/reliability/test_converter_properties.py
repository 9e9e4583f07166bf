"""Any answer to a balance or risk read gives an exact domain object or a typed error, never more.

The reader under test is the production path of one request: the protocol's flow (account group
pinned, so no discovery) is answered with an ``httpx.Response`` carrying a generated body, and the
envelope reader, the cattrs structuring and the domain conversion all run as in a live call. An
oracle written from the documented rules, not from the converter, says what each document must
give: a snapshot equal digit for digit to the strings sent, an exchange error keeping the code and
message, or an :class:`InvalidResponseError` whose ``field`` is one of the paths it found at fault.
Anything else (another exception type, a float, a shortened snapshot) fails the property.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, localcontext
from typing import Any, Final, Literal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.ascendex.client import AsyncAscendexClient
from adapters.ascendex.convert import MAX_AMOUNT_DIGITS
from adapters.ascendex.errors import ERROR_CODES, error_class
from adapters.ascendex.simulator import DEMO_API_KEY
from adapters.kit.responses import unreadable_status_error
from framework.errors import (
    ExchangeError,
    ExchangeUnavailableError,
    FolioError,
    InvalidRequestError,
    InvalidResponseError,
    RateLimitedError,
)
from framework.models import (
    NOT_APPLICABLE,
    BalanceSnapshot,
    HealthState,
    MarginRisk,
    Ratio,
    WalletKind,
)
from tests.ascendex.reading import read_once

settings.register_profile(
    "reliability",
    derandomize=True,  # the same examples on every run and every machine: CI cannot flake
    database=None,
    max_examples=200,
    deadline=None,
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large),
)
RELIABLE: Final = settings.get_profile("reliability")

NOW: Final = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
JSON_TYPE: Final = "application/json"
PATH: Final = re.compile(r"\$(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])*")

Kind = Literal["cash", "margin", "risk"]
KINDS: Final[tuple[Kind, ...]] = ("cash", "margin", "risk")
WALLETS: Final[Mapping[Kind, WalletKind]] = {"cash": WalletKind.CASH, "margin": WalletKind.MARGIN}
ENDPOINTS: Final[Mapping[Kind, str]] = {
    "cash": "GET cash/balance",
    "margin": "GET margin/balance",
    "risk": "GET margin/risk",
}
RECOVERY_ENDPOINTS: Final = frozenset({"GET info", "GET exchange-info"})
"""Where a wrong-group (200006) or clock-skew (100011) answer sends the flow before it gives up."""

ROW_AMOUNTS: Final[Mapping[Kind, tuple[str, ...]]] = {
    "cash": ("availableBalance",),
    "margin": ("availableBalance", "borrowed", "interest"),
}
RISK_AMOUNTS: Final = (
    "accountMaxLeverage", "availableBalanceInUSDT", "currentLeverage", "cushion",
    "netBalanceInUSDT", "pointsBalance", "totalBalanceInUSDT", "totalBorrowedInUSDT",
    "totalInterestInUSDT",
)
RATIOS: Final = ("currentLeverage", "accountMaxLeverage", "cushion")


# -- the reader under test -------------------------------------------------------------------------


def read(
    kind: Kind, body: bytes, *, status: int = 200, content_type: str | None = JSON_TYPE
) -> BalanceSnapshot | MarginRisk:
    """One read as a host gets it (tests/ascendex/reading.py); a failure is raised.

    A wrong-group or clock-skew code makes the client ask once more (GET info, GET
    exchange-info); that request gets the same answer, as a broken exchange would give.
    """
    headers = {} if content_type is None else {"content-type": content_type}

    async def one_read(client: AsyncAscendexClient) -> BalanceSnapshot | MarginRisk:
        if kind == "risk":
            return await client.margin_risk()
        return await client.balances(WALLETS[kind])

    result = read_once(one_read, body, status=status, headers=headers, now=NOW)
    if isinstance(result, FolioError):
        raise result
    return result


def outcome(
    kind: Kind, body: bytes, *, status: int = 200, content_type: str | None = JSON_TYPE
) -> BalanceSnapshot | MarginRisk | FolioError:
    """The domain object or the folio error; any other exception fails the calling test."""
    try:
        return read(kind, body, status=status, content_type=content_type)
    except FolioError as exc:
        return exc


# -- the oracle ------------------------------------------------------------------------------------

_AMOUNT_TEXT: Final = re.compile(
    r"[+-]?(?P<whole>[0-9]*)(?:\.(?P<fraction>[0-9]*))?(?:[eE](?P<exponent>[+-]?[0-9]+))?"
)


def is_amount(value: object) -> bool:
    """A JSON string holding a finite decimal in ASCII digits, at most 100 digits written out."""
    if type(value) is not str or len(value) > 2 * MAX_AMOUNT_DIGITS:
        return False
    match = _AMOUNT_TEXT.fullmatch(value)
    if match is None or not (match["whole"] or match["fraction"]):
        return False
    fraction = match["fraction"] or ""
    exponent = int(match["exponent"] or 0) - len(fraction)
    significant = (match["whole"] + fraction).lstrip("0") or "0"
    integer_digits = max(len(significant) + exponent, 1)
    return integer_digits + max(-exponent, 0) <= MAX_AMOUNT_DIGITS


@attrs.frozen
class Accepted:
    """The read must succeed with exactly this ``data``."""

    data: Any


@attrs.frozen
class Refused:
    """The read must raise InvalidResponseError naming one of these paths."""

    paths: frozenset[str]


@attrs.frozen
class Rejected:
    """The read must raise the exchange error this envelope stands for."""

    code: int
    message: str | None
    reason: str | None


Expected = Accepted | Refused | Rejected


def refused(*paths: str) -> Refused:
    return Refused(frozenset(paths))


def is_finite_json(value: object) -> bool:
    """False when ``json.dumps`` writes NaN or Infinity somewhere in ``value`` (invalid JSON)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_finite_json(item) for item in value)
    if isinstance(value, dict):
        return all(is_finite_json(item) for item in value.values())
    return True


def expect(kind: Kind, document: object) -> Expected:
    """What reading ``document`` (as a JSON body, status 200) must give."""
    if not is_finite_json(document):
        return refused("$")
    if not isinstance(document, dict) or "code" not in document:
        return refused("$.code")
    code = document["code"]
    if type(code) is int and code == 0:
        if "data" not in document:
            return refused("$.data")
        data = document["data"]
        return expect_risk(data) if kind == "risk" else expect_rows(kind, data)
    problems = set() if type(code) is int else {"$.code"}
    for key in ("message", "reason"):
        if document.get(key) is not None and type(document[key]) is not str:
            problems.add(f"$.{key}")
    if problems:
        return Refused(frozenset(problems))
    return Rejected(code, document.get("message"), document.get("reason"))


def expect_rows(kind: Kind, data: object) -> Expected:
    if type(data) is not list:
        return refused("$.data")
    problems: set[str] = set()
    for index, row in enumerate(data):
        where = f"$.data[{index}]"
        if type(row) is not dict:
            problems.add(where)
            continue
        if type(row.get("asset")) is not str:
            problems.add(f"{where}.asset")
        total = row["totalBalance"] if "totalBalance" in row else row.get("totalABalance")
        if not is_amount(total):
            problems.add(f"{where}.totalBalance")
        problems.update(
            f"{where}.{key}" for key in ROW_AMOUNTS[kind] if not is_amount(row.get(key))
        )
    if problems:
        return Refused(frozenset(problems))
    seen: set[str] = set()
    for index, row in enumerate(data):
        asset = row["asset"]
        plain = asset.isprintable() and " " not in asset  # no whitespace, no control char
        if not asset or not plain or asset.casefold() in seen:
            return refused(f"$.data[{index}].asset")  # repeated, or repeated but for case
        seen.add(asset.casefold())
    for index, row in enumerate(data):
        impossible = impossible_amounts(kind, row)
        if impossible:
            return refused(*(f"$.data[{index}].{key}" for key in impossible))
    return Accepted(data)


def impossible_amounts(kind: Kind, row: dict[str, Any]) -> set[str]:
    """The keys of a row that no true ledger sends: a negative holding or debt, or more
    available than the total (docs/exchanges/ascendex.md, "Validation")."""
    total = Decimal(row["totalBalance"] if "totalBalance" in row else row["totalABalance"])
    available = Decimal(row["availableBalance"])
    keys = {"totalBalance"} if total < 0 else set()
    if available < 0 or available > total:
        keys.add("availableBalance")
    keys.update(key for key in ROW_AMOUNTS[kind][1:] if Decimal(row[key]) < 0)
    return keys


NON_NEGATIVE_RISK: Final = ("totalBalanceInUSDT", "totalBorrowedInUSDT", "totalInterestInUSDT")
"""Risk totals no true ledger sends negative (the net value may be negative: debt over assets)."""


def expect_risk(data: object) -> Expected:
    if type(data) is not dict:
        return refused("$.data")
    problems = {f"$.data.{key}" for key in RISK_AMOUNTS if not is_amount(data.get(key))}
    if not problems:
        problems = {f"$.data.{key}" for key in (*NON_NEGATIVE_RISK, "availableBalanceInUSDT")
                    if Decimal(data[key]) < 0}
    if not problems and available_exceeds_total(data):
        problems = {"$.data.availableBalanceInUSDT"}
    if not problems and net_contradicts(data):
        problems = {"$.data.netBalanceInUSDT"}
    if not problems:
        problems = {
            f"$.data.{key}" for key in RATIOS if Decimal(data[key]) < 0 and Decimal(data[key]) != -1
        }
    if not problems and cushion_contradicts(data):
        problems = {"$.data.cushion"}
    if not problems and leverage_contradicts(data):
        problems = {"$.data.currentLeverage"}
    return Refused(frozenset(problems)) if problems else Accepted(data)


def leverage_contradicts(data: dict[str, Any]) -> bool:
    """currentLeverage is -1 exactly when the net value is not positive."""
    undefined = Decimal(data["currentLeverage"]) == -1
    return undefined != (Decimal(data["netBalanceInUSDT"]) <= 0)


def last_unit(text: str) -> Decimal:
    """One unit in the last digit ``text`` is written with, never more than 1."""
    return Decimal(1).scaleb(min(int(Decimal(text).as_tuple().exponent), 0))


def available_exceeds_total(data: dict[str, Any]) -> bool:
    """Available is part of the total, within one unit of each figure's last digit."""
    total, available = data["totalBalanceInUSDT"], data["availableBalanceInUSDT"]
    return Decimal(available) > exact_sum(Decimal(total), last_unit(total), last_unit(available))


def net_contradicts(data: dict[str, Any]) -> bool:
    """netBalanceInUSDT is total - borrowed - interest within one unit of each figure's last
    digit, and never negative without debt (docs/exchanges/ascendex.md)."""
    keys = ("totalBalanceInUSDT", "totalBorrowedInUSDT", "totalInterestInUSDT")
    total, borrowed, interest = (Decimal(data[key]) for key in keys)
    net = Decimal(data["netBalanceInUSDT"])
    gap = abs(exact_sum(net, total.copy_negate(), borrowed, interest))
    allowance = exact_sum(*(last_unit(data[key]) for key in (*keys, "netBalanceInUSDT")))
    return gap > allowance or (borrowed + interest == 0 and net < 0)


def cushion_contradicts(data: dict[str, Any]) -> bool:
    """AscendEX defines the cushion only when net value and maintenance margin are positive,
    and there is a maintenance margin exactly when something is owed (docs/exchanges/ascendex.md):
    a cushion for a non-positive net value, or -1 for a solvent debtor, contradicts that."""
    undefined = Decimal(data["cushion"]) == -1
    owes = Decimal(data["totalBorrowedInUSDT"]) + Decimal(data["totalInterestInUSDT"]) > 0
    solvent = Decimal(data["netBalanceInUSDT"]) > 0
    return (not undefined and not solvent) or (undefined and owes and solvent)


def expected_state(data: dict[str, Any]) -> HealthState:
    """The health state an independent reading of the amounts gives."""
    owes = Decimal(data["totalBorrowedInUSDT"]) + Decimal(data["totalInterestInUSDT"]) > 0
    if not owes:
        return HealthState.NOT_APPLICABLE
    if Decimal(data["netBalanceInUSDT"]) <= 0:
        return HealthState.INSOLVENT
    return HealthState.OK if Decimal(data["cushion"]) > 1 else HealthState.AT_RISK


# -- checking a result against the oracle ----------------------------------------------------------


def exactly(amount: object, text: str) -> None:
    """``amount`` is the Decimal of ``text``: same sign, digits and exponent, never a float."""
    assert type(amount) is Decimal
    assert amount.as_tuple() == Decimal(text).as_tuple()


def exact_ratio(ratio: Ratio, text: str) -> None:
    if Decimal(text) == -1:
        assert ratio is NOT_APPLICABLE
    else:
        exactly(ratio, text)


def exact_sum(*terms: Decimal) -> Decimal:
    """The exact sum, whatever the ambient decimal context (a local, wide one)."""
    with localcontext() as context:
        context.prec = 4 * MAX_AMOUNT_DIGITS
        return sum(terms, Decimal(0))


def assert_located(error: FolioError, kind: Kind) -> None:
    """The error says exchange, account and the endpoint that failed."""
    assert (error.exchange, error.account) == ("ascendex", "main")
    assert error.endpoint in {ENDPOINTS[kind], *RECOVERY_ENDPOINTS}


def assert_snapshot(kind: Kind, snapshot: BalanceSnapshot, rows: list[dict[str, Any]]) -> None:
    """Every row sent is in the snapshot, in order, with every amount exactly as sent."""
    assert (snapshot.exchange, snapshot.account) == ("ascendex", "main")
    assert snapshot.wallet is WALLETS[kind]
    assert snapshot.fetched_at == NOW
    assert len(snapshot) == len(rows)  # all or nothing: never a shortened snapshot
    assert len(set(snapshot.assets)) == len(rows)
    for balance, row in zip(snapshot, rows, strict=True):
        assert balance.asset == row["asset"]
        total = row["totalBalance"] if "totalBalance" in row else row["totalABalance"]
        exactly(balance.total, total)
        exactly(balance.available, row["availableBalance"])
        if kind == "margin":
            exactly(balance.borrowed, row["borrowed"])
            exactly(balance.interest, row["interest"])
        else:
            assert balance.borrowed == balance.interest == 0


def assert_derived(snapshot: BalanceSnapshot) -> None:
    """Net and locked amounts are exact: total - borrowed - interest, total - available."""
    for balance in snapshot:
        # copy_negate() is exact; unary minus would round in the ambient 28-digit context
        assert balance.net == exact_sum(
            balance.total, balance.borrowed.copy_negate(), balance.interest.copy_negate()
        )
        assert balance.locked == exact_sum(balance.total, balance.available.copy_negate())


def assert_risk(risk: MarginRisk, data: dict[str, Any]) -> None:
    assert (risk.exchange, risk.account, risk.quote_asset) == ("ascendex", "main", "USDT")
    exactly(risk.total_value, data["totalBalanceInUSDT"])
    exactly(risk.available_value, data["availableBalanceInUSDT"])
    exactly(risk.borrowed_value, data["totalBorrowedInUSDT"])
    exactly(risk.interest_value, data["totalInterestInUSDT"])
    exactly(risk.equity, data["netBalanceInUSDT"])
    exact_ratio(risk.leverage, data["currentLeverage"])
    assert risk.max_leverage is not None  # AscendEX always reports it
    exact_ratio(risk.max_leverage, data["accountMaxLeverage"])
    state = expected_state(data)
    assert risk.health.state is state, (risk.health, data)
    if state in (HealthState.NOT_APPLICABLE, HealthState.INSOLVENT):
        assert risk.health.value is NOT_APPLICABLE
    else:
        exact_ratio(risk.health.value, data["cushion"])
    assert set(risk.extras) == {"points_balance"}
    exactly(risk.extras["points_balance"], data["pointsBalance"])


def check(
    kind: Kind, document: object, result: BalanceSnapshot | MarginRisk | FolioError
) -> Expected:
    """Assert that ``result`` is what the oracle expects of ``document``; returns the verdict."""
    expected = expect(kind, document)
    if isinstance(expected, Accepted):
        if isinstance(result, MarginRisk):
            assert_risk(result, expected.data)
        else:
            assert isinstance(result, BalanceSnapshot), f"expected a snapshot, got {result!r}"
            assert_snapshot(kind, result, expected.data)
    elif isinstance(expected, Refused):
        assert type(result) is InvalidResponseError, f"expected a refusal, got {result!r}"
        assert result.field in expected.paths, (result.field, expected.paths, str(result))
        assert_located(result, kind)
    else:
        assert isinstance(result, ExchangeError)
        assert type(result) is error_class(expected.code)
        assert (result.code, result.exchange_message) == (expected.code, expected.message)
        assert result.reason == (expected.reason or ERROR_CODES.get(expected.code, (None, None))[1])
        assert_located(result, kind)
    return expected


# -- strategies ------------------------------------------------------------------------------------


def digits(low: int, high: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=low, max_size=high)


def decimal_text(sign: str, whole: str, fraction: str) -> str:
    return sign + whole + (f".{fraction}" if fraction else "")


def plain_amounts(whole: int, fraction: int) -> st.SearchStrategy[str]:
    """Exponent-free decimal strings: an optional minus, up to ``whole`` and ``fraction`` digits."""
    return st.builds(
        decimal_text, st.sampled_from(["", "-"]), digits(1, whole), digits(0, fraction)
    )


EXCHANGE_AMOUNTS: Final = plain_amounts(12, 12)
"""What AscendEX sends: at most 24 digits, so even net = total - borrowed - interest fits in the
default decimal context's 28 digits."""

LONG_AMOUNTS: Final = plain_amounts(MAX_AMOUNT_DIGITS // 2, MAX_AMOUNT_DIGITS // 2)
"""Up to 100 digits, far beyond what an exchange sends, still to be kept digit for digit."""

ODD_VALUES: Final[tuple[object, ...]] = (
    None, True, False, 0, 1, -1, 10**30, 1.5, 0.1, 1e300, [], {}, ["1"], {"value": "1"},
    "", " ", " 1", "1 ", "\t1", "NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf",
    "1e5", "1E-8", "+1", "-0", "1.", ".5", "007", "-1", "-1.0", "-0.5", "1_000", "0x10",
    "1,000", "1.2.3", "--1", "1e", "e5", ".", "+", "\uff11\uff12", "\u0661", "1e999999999",
    "0e-999999999", "9" * (MAX_AMOUNT_DIGITS + 1), "0." + "0" * MAX_AMOUNT_DIGITS, "abc",
)
"""Values an amount must not be, and a few odd but valid spellings (``"1e5"``, ``"+1"``)."""

json_scalars: Final = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
json_values: Final = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=12,
)
amount_values: Final = st.one_of(
    EXCHANGE_AMOUNTS, EXCHANGE_AMOUNTS, st.sampled_from(ODD_VALUES), json_values
)
assets: Final = st.one_of(
    st.sampled_from(["BTC", "ETH", "USDT", "btc", "BTC ", " ETH", "", "\u00c9TH"]),
    st.text(max_size=6),
)


@st.composite
def rows(draw: st.DrawFn, kind: Kind, amounts: st.SearchStrategy[object]) -> dict[str, Any]:
    """One balance row: documented keys (some maybe missing), the draft spelling, extra keys."""
    keys = ("totalBalance", *ROW_AMOUNTS[kind])
    row: dict[str, Any] = {"asset": draw(assets), **{key: draw(amounts) for key in keys}}
    if draw(st.integers(0, 3)) == 0:
        row["totalABalance"] = draw(amounts)
    if draw(st.integers(0, 3)) == 0:
        row[draw(st.text(max_size=6))] = draw(json_values)
    for key in draw(st.lists(st.sampled_from(sorted(row)), max_size=2)):
        row.pop(key, None)
    return row


@st.composite
def risk_data(draw: st.DrawFn, amounts: st.SearchStrategy[object]) -> dict[str, Any]:
    ratio = st.one_of(st.just("-1"), amounts)
    data: dict[str, Any] = {
        key: draw(ratio if key in RATIOS else amounts) for key in RISK_AMOUNTS
    }
    for key in draw(st.lists(st.sampled_from(RISK_AMOUNTS), max_size=1)):
        data.pop(key)
    return data


def payloads(kind: Kind, amounts: st.SearchStrategy[object]) -> st.SearchStrategy[Any]:
    if kind == "risk":
        return risk_data(amounts)
    return st.lists(rows(kind, amounts), max_size=4)


codes: Final[st.SearchStrategy[object]] = st.one_of(
    st.sampled_from([1, -1, 200006, 100011, 200001, 987654, 0.0, 1.5, "0", "200001", True,
                     False, None, [0], {}]),
    st.sampled_from(sorted(ERROR_CODES)),
    st.integers(min_value=-(10**20), max_value=10**20),
)


@st.composite
def valid_documents(
    draw: st.DrawFn, kind: Kind, amounts: st.SearchStrategy[str]
) -> dict[str, Any]:
    """Envelopes the exchange could really send, with amounts from ``amounts``."""
    if kind == "risk":
        held = amounts.map(lambda text: text.lstrip("-"))
        ratio = st.one_of(st.just("-1"), held)
        data: Any = {key: draw(ratio if key in RATIOS else amounts) for key in RISK_AMOUNTS}
        for key in NON_NEGATIVE_RISK:
            data[key] = draw(held)
        # Net is total - borrowed - interest; available is part of the total; currentLeverage
        # is -1 exactly when the net value is not positive (docs/exchanges/ascendex.md).
        held_total = Decimal(data["totalBalanceInUSDT"])
        net = exact_sum(held_total, Decimal(data["totalBorrowedInUSDT"]).copy_negate(),
                        Decimal(data["totalInterestInUSDT"]).copy_negate())
        if not is_amount(format(net, "f")):  # 51 whole digits: drop the interest
            data["totalInterestInUSDT"] = "0"
            net = exact_sum(held_total, Decimal(data["totalBorrowedInUSDT"]).copy_negate())
        data["netBalanceInUSDT"] = format(net, "f")
        data["availableBalanceInUSDT"] = min(
            data["totalBalanceInUSDT"], data["availableBalanceInUSDT"].lstrip("-"), key=Decimal)
        if net <= 0:
            data["currentLeverage"] = "-1"
        elif Decimal(data["currentLeverage"]) == -1:
            data["currentLeverage"] = draw(held)
        # The cushion is defined exactly when something is owed and the net value is positive.
        owes = Decimal(data["totalBorrowedInUSDT"]) + Decimal(data["totalInterestInUSDT"]) > 0
        if Decimal(data["netBalanceInUSDT"]) <= 0:
            data["cushion"] = "-1"
        elif owes:
            data["cushion"] = draw(held)
    else:
        codes_ = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=8)
        names = draw(st.lists(codes_, unique=True, max_size=6))
        held = amounts.map(lambda text: text.lstrip("-"))  # holdings and debts: zero or more
        data = []
        for name in names:
            total, available = sorted((draw(held), draw(held)), key=Decimal, reverse=True)
            data.append({
                "asset": name,
                draw(st.sampled_from(["totalBalance", "totalABalance"])): total,
                "availableBalance": available,
                **{key: draw(held) for key in ROW_AMOUNTS[kind][1:]},
            })
    return {"code": 0, "data": data}


@st.composite
def near_valid_documents(draw: st.DrawFn, kind: Kind) -> dict[str, Any]:
    """A valid envelope with up to two faults: an odd value, a missing key, a repeated row."""
    document = draw(valid_documents(kind, EXCHANGE_AMOUNTS))
    data = document["data"]
    for _ in range(draw(st.integers(0, 2))):
        objects: list[dict[str, Any]] = data if isinstance(data, list) else [data]
        if not objects:
            break
        target = draw(st.sampled_from(objects))
        key = draw(st.sampled_from(sorted(target)))
        fault = draw(st.integers(0, 2))
        if fault == 0:
            target[key] = draw(st.one_of(st.sampled_from(ODD_VALUES), json_values))
        elif fault == 1:
            del target[key]
        elif isinstance(data, list):
            data.append(dict(target))
    return document


@st.composite
def documents(draw: st.DrawFn, kind: Kind) -> object:
    """Near-valid envelopes, random payloads, odd codes, envelopes without data, no envelope."""
    shape = draw(st.integers(0, 9))
    if shape >= 5:
        return draw(near_valid_documents(kind))
    data = draw(st.one_of(payloads(kind, amount_values), json_values))
    if shape == 0:
        return draw(json_values)
    if shape == 1:
        return data
    document: dict[str, Any] = {"code": 0 if shape == 4 else draw(codes)}
    if shape != 2:
        document["data"] = data
    if shape == 3:
        document.update(draw(st.fixed_dictionaries(
            {}, optional={"message": json_values, "reason": json_values},
        )))
    if draw(st.booleans()):
        document[draw(st.text(max_size=6))] = draw(json_values)
    return document


def body_of(document: object, *, ascii_only: bool = True) -> bytes:
    return json.dumps(document, ensure_ascii=ascii_only).encode()


# -- properties ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@RELIABLE
@given(data=st.data())
def test_any_json_gives_an_exact_result_or_a_typed_error(kind: Kind, data: st.DataObject) -> None:
    document = data.draw(documents(kind), label="document")
    body = body_of(document, ascii_only=data.draw(st.booleans(), label="ascii"))
    verdict = check(kind, document, outcome(kind, body))
    if isinstance(verdict, Accepted) and kind != "risk":
        result = read(kind, body)
        assert isinstance(result, BalanceSnapshot)
        assert_derived(result)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("amounts", "exact_arithmetic"),
    [pytest.param(EXCHANGE_AMOUNTS, True, id="exchange-amounts"),
     pytest.param(LONG_AMOUNTS, False, id="100-digit-amounts")],
)
@RELIABLE
@given(data=st.data())
def test_valid_answers_are_read_digit_for_digit(
    kind: Kind, amounts: st.SearchStrategy[str], exact_arithmetic: bool, data: st.DataObject
) -> None:
    """Valid answers are always accepted, every amount kept exactly; net and locked are exact
    too where they fit the default decimal context (see the next test for wider amounts)."""
    document = data.draw(valid_documents(kind, amounts), label="document")
    result = outcome(kind, body_of(document))
    assert isinstance(check(kind, document, result), Accepted)
    if exact_arithmetic and isinstance(result, BalanceSnapshot):
        assert_derived(result)


@RELIABLE
@given(document=valid_documents("margin", LONG_AMOUNTS))
def test_net_and_locked_are_exact_for_long_amounts(document: dict[str, Any]) -> None:
    result = read("margin", body_of(document))
    assert isinstance(result, BalanceSnapshot)
    assert_derived(result)


STATUSES: Final = (200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 405, 414, 418, 429, 500,
                   502, 503, 521)
CONTENT_TYPES: Final = (JSON_TYPE, "application/json; charset=utf-8", "APPLICATION/JSON",
                        "application/problem+json", "text/html; charset=UTF-8", "text/plain",
                        "", None)


@st.composite
def bodies(draw: st.DrawFn, kind: Kind) -> bytes:
    """Random bytes, nesting deeper than the parser's stack, or a real answer cut short, spliced
    or with a byte changed."""
    source = draw(st.integers(0, 4))
    if source == 0:
        return draw(st.binary(max_size=80))
    if source == 1:
        return b'{"code":0,"data":' + b"[" * draw(st.integers(900, 5000))
    body = body_of(draw(st.one_of(valid_documents(kind, EXCHANGE_AMOUNTS), documents(kind))))
    cut = draw(st.integers(0, len(body)))
    edit = draw(st.integers(0, 3))
    if edit == 0:
        return body[:cut]
    if edit == 1:
        return body[:cut] + draw(st.binary(min_size=1, max_size=4)) + body[cut:]
    if edit == 2 and cut < len(body):
        return body[:cut] + draw(st.binary(min_size=1, max_size=1)) + body[cut + 1 :]
    return body


def early_error(status: int) -> type[ExchangeError] | None:
    """The error a status means whatever the body says (redirect, throttling, outage, ...)."""
    if 300 <= status < 400:  # never followed, whatever the body (adapters/kit/responses.py)
        return InvalidRequestError
    if status == 429:
        return RateLimitedError
    if status >= 500:
        return ExchangeUnavailableError
    if status in {400, 405, 414}:
        return InvalidRequestError
    return None


@pytest.mark.parametrize("kind", KINDS)
@RELIABLE
@given(data=st.data())
def test_any_bytes_with_any_status_give_a_result_or_a_typed_error(
    kind: Kind, data: st.DataObject
) -> None:
    body = data.draw(bodies(kind), label="body")
    status = data.draw(st.sampled_from(STATUSES), label="status")
    content_type = data.draw(st.sampled_from(CONTENT_TYPES), label="content_type")
    result = outcome(kind, body, status=status, content_type=content_type)
    if not isinstance(result, FolioError):
        assert status == 200
        assert not content_type or "json" in content_type.lower()
        check(kind, json.loads(body, parse_float=Decimal), result)
        return
    assert isinstance(result, ExchangeError)
    assert_located(result, kind)
    early = early_error(status)
    if early is not None:
        assert type(result) is early
    elif content_type and "json" not in content_type.lower():
        # an edge's page on an error status is named by the status (adapters/kit/responses.py)
        expected = (
            InvalidResponseError if status == 200
            else type(unreadable_status_error(status, "not JSON"))
        )
        assert type(result) is expected
        if isinstance(result, InvalidResponseError):
            assert result.field == "$"
    if isinstance(result, InvalidResponseError):
        assert result.field is not None
        assert PATH.fullmatch(result.field), result.field
    assert DEMO_API_KEY not in str(result)


# -- named cases -----------------------------------------------------------------------------------

ROW: Final = {"asset": "BTC", "totalBalance": "1.5", "availableBalance": "0.5"}


def cash_body(**changes: object) -> bytes:
    return body_of({"code": 0, "data": [{**ROW, **changes}]})


REFUSED_CASES: Final = [
    # (body, field, words in the message)
    pytest.param(cash_body(totalBalance=1.5), "$.data[0].totalBalance", "got a number",
                 id="float-for-string"),
    pytest.param(cash_body(totalBalance=15), "$.data[0].totalBalance", "got an integer",
                 id="integer-for-string"),
    pytest.param(b'{"code":0,"data":[{"asset":"BTC","totalBalance":NaN,"availableBalance":"1"}]}',
                 "$", "not valid JSON", id="NaN-token"),
    pytest.param(b'{"code":0,"data":[{"asset":"BTC","totalBalance":"1",'
                 b'"availableBalance":-Infinity}]}', "$", "not valid JSON", id="Infinity-token"),
    pytest.param(cash_body(totalBalance="NaN"), "$.data[0].totalBalance", "decimal string",
                 id="NaN-string"),
    pytest.param(cash_body(availableBalance="Infinity"), "$.data[0].availableBalance",
                 "decimal string", id="Infinity-string"),
    pytest.param(cash_body(totalBalance=" 1"), "$.data[0].totalBalance", "decimal string",
                 id="leading-space"),
    pytest.param(cash_body(totalBalance=""), "$.data[0].totalBalance", "decimal string",
                 id="empty-string"),
    pytest.param(cash_body(totalBalance=True), "$.data[0].totalBalance", "boolean", id="true"),
    pytest.param(cash_body(totalBalance=None), "$.data[0].totalBalance", "null", id="null"),
    pytest.param(cash_body(totalBalance="\uff11"), "$.data[0].totalBalance", "decimal string",
                 id="fullwidth-digit"),
    pytest.param(cash_body(totalBalance="1e999999999"), "$.data[0].totalBalance",
                 "at most 100 digits", id="huge-exponent"),
    pytest.param(cash_body(totalBalance="0e-999999999"), "$.data[0].totalBalance",
                 "at most 100 digits", id="tiny-exponent-zero"),
    pytest.param(cash_body(totalBalance="1" * (MAX_AMOUNT_DIGITS + 1)), "$.data[0].totalBalance",
                 "at most 100 digits", id="101-digits"),
    pytest.param(cash_body(asset=""), "$.data[0].asset", "empty", id="empty-asset"),
    pytest.param(cash_body(asset="BTC "), "$.data[0].asset", "whitespace", id="padded-asset"),
    pytest.param(body_of({"code": 0, "data": [ROW, {**ROW, "totalBalance": "2"}]}),
                 "$.data[1].asset", "listed twice", id="duplicate-asset"),
    pytest.param(body_of([ROW]), "$.code", "not an AscendEX envelope", id="no-envelope"),
    pytest.param(body_of({"data": [ROW]}), "$.code", "no 'code'", id="envelope-without-code"),
    pytest.param(body_of({"code": 0}), "$.data", "without 'data'", id="envelope-without-data"),
    pytest.param(body_of({"code": 0, "data": None}), "$.data", "expected a list",
                 id="null-data"),
    pytest.param(body_of({"code": "0", "data": [ROW]}), "$.code", "expected an integer",
                 id="string-code"),
    pytest.param(cash_body()[:-9], "$", "not valid JSON", id="truncated-body"),
    pytest.param(b"", "$", "not valid JSON", id="empty-body"),
    pytest.param(b"\xff\xfe\x00garbage", "$", "not valid JSON", id="garbage-bytes"),
    pytest.param(b'{"code":0,"data":' + b"[" * 100_000, "$", "too deeply",
                 id="nested-too-deep"),
]


@pytest.mark.parametrize(("body", "field", "words"), REFUSED_CASES)
def test_a_bad_answer_is_refused_naming_the_field(body: bytes, field: str, words: str) -> None:
    result = outcome("cash", body)
    assert type(result) is InvalidResponseError, result
    assert result.field == field
    assert words in str(result)
    assert str(result).startswith("ascendex account 'main' GET cash/balance: ")


ACCEPTED_SPELLINGS: Final = ["1e5", "1E-8", "+1", "-0", "1.", ".5", "007", "0.000000000",
                             "9" * MAX_AMOUNT_DIGITS, "0." + "0" * (MAX_AMOUNT_DIGITS - 2) + "1"]


@pytest.mark.parametrize("text", ACCEPTED_SPELLINGS, ids=lambda text: text[:24])
def test_odd_but_exact_spellings_are_read_exactly(text: str) -> None:
    snapshot = read("cash", cash_body(totalBalance=text, availableBalance="0"))
    assert isinstance(snapshot, BalanceSnapshot)
    exactly(snapshot["BTC"].total, text)


def test_exponent_notation_means_the_same_number() -> None:
    snapshot = read("cash", cash_body(totalBalance="1e5", availableBalance="1E-8"))
    assert isinstance(snapshot, BalanceSnapshot)
    assert snapshot["BTC"].total == 100000
    assert snapshot["BTC"].available == Decimal("0.00000001")


def test_an_empty_list_is_an_empty_snapshot() -> None:
    for kind in ("cash", "margin"):
        snapshot = read(kind, b'{"code":0,"data":[]}')
        assert isinstance(snapshot, BalanceSnapshot)
        assert (len(snapshot), snapshot.assets) == (0, ())


def test_an_unknown_code_keeps_what_the_exchange_said() -> None:
    body = body_of({"code": 987654, "message": "Something new", "reason": "NEW_THING"})
    result = outcome("cash", body)
    assert type(result) is ExchangeError
    assert (result.code, result.exchange_message, result.reason) == (
        987654, "Something new", "NEW_THING",
    )
    assert "unrecognised error code: Something new (code 987654, NEW_THING)" in str(result)
    assert_located(result, "cash")


@pytest.mark.parametrize(
    ("content_type", "words"),
    [("text/html; charset=UTF-8", "got text/html"), ("text/plain", "got text/plain")],
)
def test_a_wrong_content_type_is_refused(content_type: str, words: str) -> None:
    result = outcome("cash", cash_body(), content_type=content_type)
    assert type(result) is InvalidResponseError
    assert result.field == "$"
    assert words in str(result)


@pytest.mark.parametrize(
    "value", [*ODD_VALUES, *ACCEPTED_SPELLINGS, "1e99", "1e100"], ids=lambda value: repr(value)[:24]
)
def test_every_odd_value_is_judged_as_the_oracle_says(value: object) -> None:
    """The named values, one by one, through the reader: accepted exactly when documented."""
    result = outcome("cash", cash_body(totalBalance=value, availableBalance="0"))
    if is_amount(value) and Decimal(str(value)) >= 0:
        assert isinstance(result, BalanceSnapshot)
        exactly(result["BTC"].total, str(value))
    else:
        assert type(result) is InvalidResponseError
        assert result.field == "$.data[0].totalBalance"
