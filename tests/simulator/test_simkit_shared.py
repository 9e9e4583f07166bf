"""The simulator kit's pieces that the four simulators share (adapters/simkit/).

Each is used by every simulator's tests too; here the edges that those tests do not reach: a
staged fault leaves when its ``with`` fails, and an amount check refuses what is not an amount
with the caller's error type, naming the field.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.simkit.amounts import check_amount, check_fields, plain
from adapters.simkit.faults import Fault, FaultKind, FaultSet


class _Refused(ValueError):
    pass


def test_an_installed_fault_is_removed_when_the_block_fails() -> None:
    faults = FaultSet()
    seen: list[list[int]] = []

    def failing_block() -> None:
        with faults.installed(Fault(FaultKind.CONNECTION_RESET)) as fault_id:
            seen.append([active.id for active in faults.active()] + [fault_id])
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failing_block()
    assert seen == [[1, 1]]  # installed, under the id it was bound to
    assert faults.active() == []


@pytest.mark.parametrize("value", ["1e5", "1.", ".5", "+1", " 1", "", 12, None])
def test_what_is_not_an_amount_is_refused_with_the_callers_error(value: object) -> None:
    with pytest.raises(_Refused, match=r"^cash BTC total: amount must be a decimal string"):
        check_amount(value, "cash BTC total", _Refused)


def test_blank_is_an_amount_only_where_allowed_and_fields_are_named() -> None:
    assert check_amount("", "x", blank=True) == ""
    assert check_amount("-0.00000001", "x") == "-0.00000001"

    class Row:
        free = "1"
        locked = "1,5"

    with pytest.raises(_Refused, match=r"^spot BTC locked: .*got '1,5'$"):
        check_fields(Row(), ("free", "locked"), "spot BTC", _Refused)


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("1.2300"), "1.23"), (Decimal("1E+2"), "100"), (Decimal("-0.00"), "0"),
    (Decimal("0E-8"), "0"), (Decimal("-7.5"), "-7.5"),
])
def test_a_computed_amount_is_written_in_plain_digits(value: Decimal, text: str) -> None:
    assert plain(value) == text
