"""Valuation: one amount of one asset expressed in one quote currency, with the prices used.

Balances come in many assets and risk in each exchange's own quote (USDT on AscendEX, BTC on
Binance), so nothing can be added across exchanges until each amount is valued in one quote.
:func:`value_in` does that from the public prices of the holding's own exchange (a
:class:`PriceBook`), and keeps the path it took so a host can show *which* prices valued a
holding. The rules, documented in docs/host-api.md ("Valuation"):

- only the book passed, i.e. the holding's own exchange: a price elsewhere may differ;
- the direct pair ``ASSET/QUOTE`` first, else its inverse ``QUOTE/ASSET``, else a bridge
  through exactly one intermediate asset, chosen deterministically (:data:`BRIDGE_PREFERENCE`);
- no price is never a guess and never a zero: the valuation is unvalued, with the reason;
- multiplication is exact (:data:`framework.models.EXACT`); a division (an inverted leg) is
  rounded once, to :data:`DIVISION_DIGITS` significant digits, and then ``exact`` is ``False``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal, Inexact
from types import MappingProxyType
from typing import Any, Final

import attrs

from framework.models import EXACT, MarginRisk
from framework.prices import Pair, Price, is_asset_code

__all__ = [
    "BRIDGE_PREFERENCE",
    "DIVISION_DIGITS",
    "PriceBook",
    "PriceStep",
    "RiskValuation",
    "Valuation",
    "no_book_reason",
    "plain",
    "value_in",
    "value_risk",
]

DIVISION_DIGITS: Final = 34
"""Significant digits a division keeps (decimal128's precision), rounded half to even.

A quotient such as ``1 / 3`` has no finite decimal form, so it must be rounded somewhere; 34
digits is far below any balance's resolution for the magnitudes exchanges report, and the
valuation says it happened (``exact=False``) instead of passing a rounded number off as exact.
"""

_DIVISION: Final = Context(
    prec=DIVISION_DIGITS, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN
)

BRIDGE_PREFERENCE: Final[tuple[str, ...]] = ("USDT", "USDC", "BTC", "ETH")
"""Intermediate assets tried first for a bridge, in this order; any other comes after, by name.

A bridge is chosen by the fewest inverted legs (each inversion is a division), then by this
order (the deepest markets, whose prices are the most recent), then by the intermediate's name,
so the same book always values the same holding the same way.
"""

_ONE: Final = Decimal(1)
_ZERO: Final = Decimal(0)


def plain(value: Decimal) -> Decimal:
    """``value`` written without the zeros the arithmetic left: the same number, shorter.

    A product keeps every factor's decimals (``20 x 0.040723859375 x 8000`` is
    ``6515.817500000000``), a zero amount keeps its own (``0E-9``): exact, but what a host
    prints with ``str`` should not depend on how many zeros the exchange padded its figures
    with. Trailing zeros of the fraction go, a whole number stays positional (``100``, never
    ``1E+2``) and a zero is ``0`` (never ``-0``). Only the representation changes: the result
    is equal to ``value``.
    """
    if value.is_zero():
        return _ZERO
    reduced = value.normalize(EXACT)
    if int(reduced.as_tuple().exponent) > 0:
        return reduced.quantize(_ONE, context=EXACT)
    return reduced


def _plain_or_none(value: Decimal | None) -> Decimal | None:
    return None if value is None else plain(value)


def _aware_utc(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None or value.utcoffset():
        msg = f"{attribute.name} must be an aware UTC datetime, got {value!r}"
        raise ValueError(msg)


def _frozen_prices(value: Mapping[Pair, Price] | Iterable[object]) -> Mapping[Pair, Price]:
    if isinstance(value, Mapping):
        return MappingProxyType(dict(value))
    prices: dict[Pair, Price] = {}
    for price in value:
        if not isinstance(price, Price):
            msg = f"a price book holds Price objects, got {type(price).__name__}"
            raise TypeError(msg)
        if price.pair in prices:
            msg = f"pair {price.pair} appears more than once"
            raise ValueError(msg)
        prices[price.pair] = price
    return MappingProxyType(prices)


def _neighbours(prices: Mapping[Pair, Price]) -> Mapping[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for pair in prices:
        found.setdefault(pair.base, set()).add(pair.quote)
        found.setdefault(pair.quote, set()).add(pair.base)
    return MappingProxyType({asset: frozenset(others) for asset, others in found.items()})


@attrs.frozen(slots=True)
class PriceBook:
    """Every price read from one exchange at one base URL, at one time (``read_at``, UTC).

    Valuation uses one book per holding: the prices of the exchange the holding is on, never
    another exchange's (docs/host-api.md, "Valuation"). ``prices`` may be given as a mapping or
    as an iterable of :class:`Price` (each pair once); each price must be of ``exchange`` and
    filed under its own pair, else ``ValueError``.
    """

    exchange: str
    prices: Mapping[Pair, Price] = attrs.field(
        converter=_frozen_prices, repr=lambda prices: f"<{len(prices)} prices>"
    )
    read_at: datetime = attrs.field(validator=_aware_utc)
    _neighbours: Mapping[str, frozenset[str]] = attrs.field(
        init=False, repr=False, eq=False, default=MappingProxyType({})
    )

    def __attrs_post_init__(self) -> None:
        listed: Iterable[tuple[object, object]] = self.prices.items()
        for pair, price in listed:
            if not isinstance(price, Price) or price.pair != pair:
                msg = f"the book files {price!r} under {pair}"
                raise ValueError(msg)
            if price.exchange != self.exchange:
                msg = f"a {self.exchange} book cannot hold a price of {price.exchange!r}"
                raise ValueError(msg)
        object.__setattr__(self, "_neighbours", _neighbours(self.prices))

    def get(self, pair: Pair) -> Price | None:
        """The price of ``pair`` exactly as listed (no inversion), or ``None``."""
        return self.prices.get(pair)

    def __len__(self) -> int:
        return len(self.prices)

    def quoted_with(self, asset: str) -> frozenset[str]:
        """Assets that ``asset`` trades against in this book, either way round."""
        return self._neighbours.get(asset, frozenset())


@attrs.frozen(slots=True)
class PriceStep:
    """One leg of a conversion: a listed price, used as listed or the other way round."""

    price: Price
    inverted: bool
    """The pair was listed the other way round (``USDT/BTC`` used to go from USDT to BTC)."""

    @property
    def rate(self) -> Decimal:
        """How much of the leg's target one unit of its source is worth.

        ``price.value``, or ``1 / price.value`` rounded to :data:`DIVISION_DIGITS` digits when
        inverted. :func:`value_in` does not multiply these: it divides once at the end, so a
        bridge is rounded at most once.
        """
        if not self.inverted:
            return self.price.value
        return _DIVISION.copy().divide(_ONE, self.price.value)

    @property
    def text(self) -> str:
        """``BTC/USDT``, or ``USDT/BTC inverted``."""
        return f"{self.price.pair} inverted" if self.inverted else str(self.price.pair)


@attrs.frozen(slots=True)
class Valuation:
    """One amount of one asset valued in ``quote``, or why it could not be.

    ``value`` is ``None`` when no price allowed a valuation (``reason`` says why); it is never
    guessed and never zero in that case. A negative amount (a debt) is valued with its sign.
    """

    asset: str
    amount: Decimal
    quote: str
    value: Decimal | None = attrs.field(converter=_plain_or_none)
    """Written without trailing zeros (:func:`plain`): ``6515.8175``, ``0``, ``100``."""
    rate: Decimal | None = attrs.field(converter=_plain_or_none)
    """What one unit of ``asset`` is worth in ``quote`` (1 when they are the same asset)."""
    path: tuple[PriceStep, ...] = ()
    """The prices used, from ``asset`` to ``quote``; ``()`` when ``asset == quote``."""
    exact: bool = True
    """``False`` when ``value`` was rounded (:data:`DIVISION_DIGITS` significant digits).

    About ``value`` only: ``rate`` is a quotient too, and may be rounded where the value is
    not (a zero amount: ``0 / 0.9`` is exact, the rate ``1 / 0.9`` is not).
    """
    reason: str | None = None
    """Why the amount is unvalued, in words; ``None`` when valued."""

    def __attrs_post_init__(self) -> None:
        if (self.value is None) != (self.reason is not None) or (
            (self.value is None) != (self.rate is None)
        ):
            msg = "a valuation has a value and a rate, or a reason and neither"
            raise ValueError(msg)

    @property
    def valued(self) -> bool:
        """Whether ``value`` holds a number."""
        return self.value is not None

    @property
    def path_text(self) -> str:
        """The path in words: ``BTC/USDT``, ``USDT/BTC inverted``, ``ETH/BTC x BTC/USDT``.

        Empty when no price was needed (``asset == quote``) or none was found.
        """
        return " x ".join(step.text for step in self.path)

    @property
    def prices(self) -> tuple[Price, ...]:
        """The prices used, each with its exchange, source endpoint and time."""
        return tuple(step.price for step in self.path)


def _checked_code(name: str, value: object) -> str:
    if not is_asset_code(value):
        msg = (
            f"{name} must be an upper-case asset code without '/', whitespace or control "
            f"characters, got {value!r}"
        )
        raise ValueError(msg)
    assert isinstance(value, str)
    return value


def _leg(book: PriceBook, source: str, target: str) -> PriceStep | None:
    """From ``source`` to ``target`` with one listed price: as listed first, else inverted."""
    listed = book.get(Pair(source, target))
    if listed is not None:
        return PriceStep(listed, inverted=False)
    other = book.get(Pair(target, source))
    return None if other is None else PriceStep(other, inverted=True)


def _bridge_rank(via: str) -> tuple[int, str]:
    try:
        return BRIDGE_PREFERENCE.index(via), via
    except ValueError:
        return len(BRIDGE_PREFERENCE), via


def _path(book: PriceBook, asset: str, quote: str) -> tuple[PriceStep, ...] | None:
    direct = _leg(book, asset, quote)
    if direct is not None:
        return (direct,)
    best: tuple[tuple[int, int, str], tuple[PriceStep, ...]] | None = None
    for via in book.quoted_with(asset) & book.quoted_with(quote):
        first, second = _leg(book, asset, via), _leg(book, via, quote)
        if first is None or second is None:  # pragma: no cover - both sides are listed
            continue
        rank = (first.inverted + second.inverted, *_bridge_rank(via))
        if best is None or rank < best[0]:
            best = (rank, (first, second))
    return None if best is None else best[1]


USD: Final = "USD"
USD_IS_A_UNIT: Final = "USD is the exchange's unit of account, never taken for a stablecoin"
"""Said of a ``USD`` risk left unvalued: a USD figure is not a USDT one (docs/host-api.md)."""


def no_book_reason(book_error: str | None) -> str:
    """The reason :func:`value_in` gives without a book: ``no prices could be read: <why>``."""
    return f"no prices could be read: {book_error}" if book_error else "no prices could be read"


def _unvalued(asset: str, amount: Decimal, quote: str, reason: str) -> Valuation:
    return Valuation(asset, amount, quote, None, None, (), True, reason)


def value_in(
    asset: str,
    amount: Decimal,
    quote: str,
    book: PriceBook | None,
    *,
    book_error: str | None = None,
) -> Valuation:
    """Value ``amount`` of ``asset`` in ``quote`` with the prices of ``book``.

    ``book`` is the price book of the exchange the amount is held on; ``None`` when its prices
    could not be read, and then ``book_error`` (e.g. ``str`` of the folio error) is quoted in
    the reason. The path is the direct pair, else the inverse, else a bridge through one
    intermediate asset (:data:`BRIDGE_PREFERENCE`). The value is ``amount`` times the listed
    prices divided by the inverted ones, computed exactly and divided once, so it is rounded at
    most once (to :data:`DIVISION_DIGITS` digits, then ``exact`` is ``False``). A zero amount is
    worth zero through the path found; with no path it is unvalued like any other.

    ``amount`` must be a finite ``Decimal`` (``TypeError``/``ValueError`` otherwise), ``quote``
    an upper-case asset code (``ValueError``). An ``asset`` that is no asset code
    (:func:`framework.prices.is_asset_code`: lower case, empty, with a ``/``, whitespace or a
    control character) cannot be listed in a pair, so it is unvalued, with that reason.
    """
    quote = _checked_code("quote", quote)
    if type(amount) is not Decimal:
        msg = f"amount must be a Decimal, got {type(amount).__name__}"
        raise TypeError(msg)
    if not amount.is_finite():
        msg = f"amount must be a finite Decimal, got {amount}"
        raise ValueError(msg)
    if asset == quote:
        return Valuation(asset, amount, quote, amount, _ONE, (), True, None)
    try:
        _checked_code("asset", asset)
    except ValueError:
        return _unvalued(
            asset, amount, quote, f"{asset!r} is not an asset code a pair can list"
        )
    if book is None:
        return _unvalued(asset, amount, quote, no_book_reason(book_error))
    path = _path(book, asset, quote)
    if path is None:
        reason = f"no {asset}/{quote}, {quote}/{asset} or bridge on {book.exchange}"
        return _unvalued(asset, amount, quote, reason)
    return _through(asset, amount, quote, path)


def _through(asset: str, amount: Decimal, quote: str, path: tuple[PriceStep, ...]) -> Valuation:
    numerator, denominator = _ONE, _ONE
    for step in path:
        if step.inverted:
            denominator = EXACT.multiply(denominator, step.price.value)
        else:
            numerator = EXACT.multiply(numerator, step.price.value)
    scaled = EXACT.multiply(amount, numerator)
    if denominator == _ONE:
        return Valuation(asset, amount, quote, scaled, numerator, path, True, None)
    rate = _DIVISION.copy().divide(numerator, denominator)
    if scaled.is_zero():  # zero through any path, exactly (written 0, see plain)
        return Valuation(asset, amount, quote, scaled, rate, path, True, None)
    context = _DIVISION.copy()
    value = context.divide(scaled, denominator)
    return Valuation(asset, amount, quote, value, rate, path, not context.flags[Inexact], None)


@attrs.frozen(slots=True)
class RiskValuation:
    """A margin risk profile's amounts shown in another quote (Binance's BTC equity in USDT).

    Each amount is valued from ``risk.quote_asset`` with the same path; ratios (leverage,
    health) need no conversion and stay on ``risk``. ``available_value``,
    ``maintenance_margin``, ``unrealized_pnl`` and ``position_notional`` are ``None`` when the
    exchange does not report them, as on :class:`framework.models.MarginRisk`.

    A risk in ``USD`` (OKX, Bybit) is valued only through a USD market the exchange lists; USD
    is a unit of account there, never taken for a stablecoin, and an unvalued risk says so.
    """

    risk: MarginRisk
    quote: str
    total_value: Valuation
    equity: Valuation
    debt: Valuation
    available_value: Valuation | None
    maintenance_margin: Valuation | None = None
    unrealized_pnl: Valuation | None = None
    position_notional: Valuation | None = None

    @property
    def valued(self) -> bool:
        """Whether every amount could be valued (they share one path: all or none)."""
        return self.total_value.valued


def value_risk(
    risk: MarginRisk, quote: str, book: PriceBook | None, *, book_error: str | None = None
) -> RiskValuation:
    """Value ``risk``'s amounts in ``quote`` with :func:`value_in` (``book``: its exchange's).

    ``ValueError`` when ``book`` is of another exchange than ``risk``: a risk figure is valued
    with its own exchange's prices only.
    """
    if book is not None and book.exchange != risk.exchange:
        msg = f"a {risk.exchange} risk figure cannot be valued with {book.exchange} prices"
        raise ValueError(msg)

    def one(amount: Decimal) -> Valuation:
        valued = value_in(risk.quote_asset, amount, quote, book, book_error=book_error)
        if valued.valued or risk.quote_asset != USD or book is None:
            return valued
        return attrs.evolve(valued, reason=f"{valued.reason}; {USD_IS_A_UNIT}")

    def reported(amount: Decimal | None) -> Valuation | None:
        return None if amount is None else one(amount)

    return RiskValuation(
        risk, quote, one(risk.total_value), one(risk.equity), one(risk.debt),
        reported(risk.available_value), reported(risk.maintenance_margin),
        reported(risk.unrealized_pnl), reported(risk.position_notional),
    )
