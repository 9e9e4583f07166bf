"""Public market prices: what a :class:`PriceReader` returns and valuation is computed from.

Balances come in many assets and risk figures in each exchange's own quote (USDT on AscendEX,
BTC on Binance), so they cannot be added across exchanges until each holding is valued in one
quote currency. A price here is a fact the exchange published, kept with where and when it was
read, so a host can show *which* price valued a holding and how old it is (docs/host-api.md,
"Valuation").

Prices are read without keys: the ticker endpoints are public. Which price: the last trade
(``PriceKind.LAST``), the number every exchange's ticker carries; a plugin that can only serve
another kind says so in :attr:`Price.kind`.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import attrs

__all__ = ["Pair", "Price", "PriceKind", "PriceReader", "is_asset_code"]


def is_asset_code(value: object) -> bool:
    """Whether ``value`` can name an asset in a :class:`Pair`.

    Upper case and non-empty (``btc`` and ``BTC`` must not be two assets), without ``/`` (the
    pair separator), whitespace or a control character: a line break in a code would forge a
    row of a table, a CSV or a JSON line.
    """
    return (
        isinstance(value, str)
        and bool(value)
        and value == value.upper()
        and "/" not in value
        and value.isprintable()
        and " " not in value
    )


def _asset_code(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not is_asset_code(value):
        msg = (
            f"{attribute.name} must be an upper-case asset code without '/', whitespace or "
            f"control characters, got {value!r}"
        )
        raise ValueError(msg)


@attrs.frozen(slots=True, order=True)
class Pair:
    """A market: ``base`` priced in ``quote`` (``BTC/USDT``: one BTC costs so many USDT)."""

    base: str = attrs.field(validator=_asset_code)
    quote: str = attrs.field(validator=_asset_code)

    def __attrs_post_init__(self) -> None:
        if self.base == self.quote:
            msg = f"a pair needs two different assets, got {self.base}/{self.quote}"
            raise ValueError(msg)

    @classmethod
    def parse(cls, text: str) -> Pair:
        """``"BTC/USDT"`` as a pair; anything else is a ``ValueError`` naming the text."""
        base, slash, quote = text.partition("/")
        if not slash:
            msg = f"a pair is written BASE/QUOTE, got {text!r}"
            raise ValueError(msg)
        return cls(base, quote)

    @property
    def inverse(self) -> Pair:
        """The same market seen from the other side (``USDT/BTC`` for ``BTC/USDT``)."""
        return Pair(self.quote, self.base)

    def __str__(self) -> str:
        return f"{self.base}/{self.quote}"


class PriceKind(enum.StrEnum):
    """Which of a ticker's numbers a price is."""

    LAST = "last"
    """The price of the last trade: what every exchange's ticker reports, folio's default."""


def _positive_decimal(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A price is a finite Decimal above zero: a zero or negative price values nothing."""
    if type(value) is not Decimal:
        msg = f"{attribute.name} must be a Decimal, got {type(value).__name__}"
        raise TypeError(msg)
    if not value.is_finite() or value <= 0:
        msg = f"{attribute.name} must be a finite Decimal above zero, got {value}"
        raise ValueError(msg)


def _aware_utc(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None or value.utcoffset():
        msg = f"{attribute.name} must be an aware UTC datetime, got {value!r}"
        raise ValueError(msg)


@attrs.frozen(slots=True)
class Price:
    """One published price: ``pair`` at ``value`` on ``exchange``, as read from ``source``."""

    pair: Pair
    value: Decimal = attrs.field(validator=_positive_decimal)
    exchange: str
    source: str
    """The endpoint it was read from, e.g. ``GET /api/pro/v1/spot/ticker``."""
    at: datetime = attrs.field(validator=_aware_utc)
    """When the exchange says the price held; the time it was read if the exchange says not."""
    kind: PriceKind = PriceKind.LAST


@runtime_checkable
class PriceReader(Protocol):
    """Reads public prices of one exchange. Returned by ``folio_price_reader``."""

    async def fetch_prices(self, pairs: Collection[Pair] | None = None) -> Sequence[Price]:
        """Read the prices of ``pairs`` now, or of every pair the exchange lists (``None``).

        A requested pair the exchange does not list is left out of the answer, not an error:
        valuation then tries the inverse pair or a bridge. Anything else that goes wrong raises
        a :class:`framework.errors.FolioError` subclass naming the endpoint; never a partial
        answer, never another exception type. Each pair appears at most once.
        """
        ...
