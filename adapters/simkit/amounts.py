"""Amounts as the simulators keep them: exact decimal strings, checked once, echoed as given.

A simulated account is configured with the strings the exchange would send, so that a test can
check that a client keeps every digit; a definition whose amount is not such a string is
refused when it is made, naming the field, rather than when a request is answered. Figures an
exchange computes (a sum, an equity) are written as plain digits without trailing zeros.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Final

__all__ = ["AMOUNT", "check_amount", "check_fields", "plain"]

AMOUNT: Final = re.compile(r"-?[0-9]+(\.[0-9]+)?")
"""A decimal as the exchanges write them: optional sign, digits, optional fraction, no exponent."""


def check_amount(
    value: object, where: str, error: type[ValueError] = ValueError, *, blank: bool = False
) -> str:
    """``value`` if it is an amount (with ``blank``: or ``""``), else ``error`` naming ``where``."""
    if isinstance(value, str) and ((blank and value == "") or AMOUNT.fullmatch(value)):
        return value
    msg = f'{where}: amount must be a decimal string like "12.5", got {value!r}'
    raise error(msg)


def check_fields(
    row: object, names: Iterable[str], where: str, error: type[ValueError] = ValueError, *,
    blank: bool = False,
) -> None:
    """:func:`check_amount` of each attribute ``names`` of ``row``, named ``"{where} {name}"``."""
    for name in names:
        check_amount(getattr(row, name), f"{where} {name}", error, blank=blank)


def plain(value: Decimal) -> str:
    """A computed amount as the exchanges write one: plain digits, no trailing zeros, ``0``."""
    return format(value.normalize(), "f") if value else "0"
