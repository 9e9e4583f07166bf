"""Simulated Bybit accounts and spot markets: who may call, what they hold, what prices are.

An independent implementation of the exchange side from Bybit's published documentation
(docs/exchanges/bybit.md): it imports nothing of folio's client. Amounts are kept as the
exact strings they were configured with and echoed as they are; the USD figures of the wallet
are computed from the coins at each coin's USD index price (:class:`Market`), the way Bybit
documents them, so that valuing the coins at the simulator's own tickers gives its totals:

* a coin's ``equity = walletBalance - spotBorrow + unrealisedPnl`` and ``usdValue`` is
  ``equity`` at the coin's USD price, to 8 decimals;
* ``totalEquity`` sums ``usdValue``; ``totalWalletBalance`` and ``totalPerpUPL`` sum the coins'
  ``walletBalance`` and ``unrealisedPnl`` in USD; ``totalMarginBalance`` is
  ``totalWalletBalance - spotBorrow + totalPerpUPL`` in USD;
* ``accountMMRate`` and ``accountIMRate`` are the configured maintenance and initial margin
  (USD) over the margin balance, truncated to 4 decimals as Bybit's answers show;
  ``totalAvailableBalance`` is the margin balance less the initial margin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, localcontext
from typing import Final

from adapters.simkit.amounts import check_amount, check_fields, plain

__all__ = [
    "DEMO_API_KEY", "DEMO_API_SECRET", "DEMO_MARKETS", "AccountsError", "Coin", "Market",
    "SimAccount", "demo_account", "text", "usd_prices", "wallet_figures",
]

DEMO_API_KEY: Final = "CFEJUGQEQPPHGOHGHM"
"""The key of the official Python SDK's tests (pybit), a key in Bybit's format."""
DEMO_API_SECRET: Final = "VDFZSSPUTKRJMXAVMJXBHEXIPZNZJIZUBVRQ"  # noqa: S105 - a test value
"""The secret of the same tests."""

_EIGHT: Final = Decimal("1E-8")


class AccountsError(ValueError):
    """An account or market definition is invalid; the message names the field."""


text = plain
"""An amount as Bybit writes a computed figure: plain digits, no trailing zeros."""


@dataclass(frozen=True, slots=True)
class Coin:
    """One coin of the unified account, amounts in the coin (``""`` where Bybit sends it)."""

    coin: str
    wallet_balance: str
    locked: str = "0"
    borrow_amount: str = "0"
    spot_borrow: str = "0"
    accrued_interest: str = "0"
    unrealised_pnl: str = "0"
    order_im: str = "0"
    """``totalOrderIM``: initial margin held for derivatives orders settled in the coin."""
    position_im: str = "0"
    """``totalPositionIM``: initial margin of the positions settled in the coin."""
    position_mm: str = "0"
    """``totalPositionMM``: their maintenance margin. The account's totals are configured on
    :class:`SimAccount` (Bybit's also count borrowing), so keep the two consistent."""

    def __post_init__(self) -> None:
        check_amount(self.wallet_balance, f"{self.coin} walletBalance", AccountsError)
        check_fields(self, ("locked", "borrow_amount", "spot_borrow", "accrued_interest",
                            "unrealised_pnl", "order_im", "position_im", "position_mm"),
                     self.coin, AccountsError, blank=True)

    def number(self, name: str) -> Decimal:
        """The amount ``name`` as a number (``""`` is zero)."""
        return Decimal(getattr(self, name) or "0")

    @property
    def equity(self) -> Decimal:
        """``walletBalance - spotBorrow + unrealisedPnl`` (no options here)."""
        return (self.number("wallet_balance") - self.number("spot_borrow")
                + self.number("unrealised_pnl"))

    @property
    def is_zero(self) -> bool:
        """Whether Bybit leaves the coin out of an unfiltered answer (no asset, no liability)."""
        return not (self.number("wallet_balance") or self.number("borrow_amount"))


@dataclass(frozen=True, slots=True)
class Market:
    """One spot symbol: its coins, its last price and its base coin's USD index price."""

    base: str
    quote: str
    last_price: str
    usd_index_price: str = ""
    """``""`` except for ``XXX/USDT`` and ``XXX/USDC`` markets, as Bybit documents."""
    status: str = "Trading"

    @property
    def symbol(self) -> str:
        """Bybit's name: the two codes run together (``BTCUSDT``)."""
        return self.base + self.quote


@dataclass(frozen=True)
class SimAccount:
    """One API key and the unified account behind it."""

    api_key: str
    api_secret: str
    coins: Sequence[Coin] = ()
    uid: int = 100_000_001
    unified_margin_status: int = 5
    """1 classic (wallet-balance answers 404, empty), 3/4 UTA 1.0, 5/6 UTA 2.0."""
    margin_mode: str = "REGULAR_MARGIN"
    initial_margin: str = "0"
    """``totalInitialMargin`` (USD) of its positions, orders and loans."""
    maintenance_margin: str = "0"
    """``totalMaintenanceMargin`` (USD)."""
    can_read: bool = True
    """Without the read permission every signed call gets 10005."""
    allowed_ips: Sequence[str] = ()
    """Non-empty: only these peers may use the key (others get 10010)."""

    def __post_init__(self) -> None:
        if not self.api_key or not self.api_secret:
            msg = "an account needs a non-empty api_key and api_secret"
            raise AccountsError(msg)
        object.__setattr__(self, "coins", tuple(self.coins))
        object.__setattr__(self, "allowed_ips", tuple(self.allowed_ips))
        names = [coin.coin for coin in self.coins]
        if len(set(names)) != len(names):
            msg = f"a coin is listed twice: {names}"
            raise AccountsError(msg)
        check_amount(self.initial_margin, "initial_margin", AccountsError)
        check_amount(self.maintenance_margin, "maintenance_margin", AccountsError)


def usd_prices(markets: Sequence[Market]) -> dict[str, Decimal]:
    """Each coin's USD index price, from its ``XXX/USDT`` or ``XXX/USDC`` market (USDT: 1)."""
    prices = {"USDT": Decimal(1)}
    for market in markets:
        if market.usd_index_price:
            prices.setdefault(market.base, Decimal(market.usd_index_price))
    return prices


def _rate(part: Decimal, whole: Decimal) -> str:
    if whole <= 0:
        return "1" if part > 0 else "0"
    with localcontext() as context:
        context.prec = 60
        return text((part / whole).quantize(Decimal("1E-4"), ROUND_DOWN))


def wallet_figures(account: SimAccount, markets: Sequence[Market]) -> dict[str, object]:
    """The account-wide fields and per-coin USD values of ``GET /v5/account/wallet-balance``."""
    prices = usd_prices(markets)
    missing = [coin.coin for coin in account.coins if coin.coin not in prices]
    if missing:
        msg = f"no USD index price for {', '.join(missing)}: add an XXXUSDT market"
        raise AccountsError(msg)

    def usd(value: Decimal, coin: Coin) -> Decimal:
        return (value * prices[coin.coin]).quantize(_EIGHT, ROUND_HALF_EVEN)

    with localcontext() as context:
        context.prec = 60
        values = {c.coin: usd(c.equity, c) for c in account.coins}
        wallet = sum((usd(c.number("wallet_balance"), c) for c in account.coins), Decimal(0))
        pnl = sum((usd(c.number("unrealised_pnl"), c) for c in account.coins), Decimal(0))
        spot = sum((usd(c.number("spot_borrow"), c) for c in account.coins), Decimal(0))
        equity = sum(values.values(), Decimal(0))
        margin = wallet - spot + pnl
        im, mm = Decimal(account.initial_margin), Decimal(account.maintenance_margin)
        return {
            "usdValue": {coin: text(value) for coin, value in values.items()},
            "totalEquity": text(equity), "totalWalletBalance": text(wallet),
            "totalMarginBalance": text(margin), "totalAvailableBalance": text(margin - im),
            "totalPerpUPL": text(pnl), "totalInitialMargin": account.initial_margin,
            "totalMaintenanceMargin": account.maintenance_margin,
            "accountIMRate": _rate(im, margin), "accountMMRate": _rate(mm, margin),
        }


DEMO_MARKETS: Final = (
    Market("BTC", "USDT", "64000.5", "64012.35"),
    Market("ETH", "USDT", "3150.25", "3151.1"),
    Market("SOL", "USDT", "142.38", "142.41"),
    Market("USDC", "USDT", "0.9998", "0.99985"),
    Market("ETH", "BTC", "0.04922"),
    Market("OLD", "USDT", "0.0001", "", status="Closed"),
)
"""The simulator's spot markets; every coin of the demo account has a USD index price."""


def demo_account(api_key: str = DEMO_API_KEY, api_secret: str = DEMO_API_SECRET) -> SimAccount:
    """A modest cross-margin unified account (UTA 2.0): about 62,000 USD of equity.

    0.35 BTC, 4.2 ETH (0.5 held by a spot order), 120 SOL, 8,000 USDT whose BTC perpetual
    position is 182.5 USDT down, and 3,000 USDC of which 2,500 are borrowed on spot margin
    (1.84 of interest owed). The perpetual holds 965.2 USDT of initial margin and needs 96.5
    of maintenance margin (USDT is worth 1 USD here).
    """
    return SimAccount(
        api_key, api_secret,
        coins=(
            Coin("BTC", "0.35"),
            Coin("ETH", "4.2", locked="0.5"),
            Coin("SOL", "120"),
            Coin("USDT", "8000", unrealised_pnl="-182.5", position_im="965.2",
                 position_mm="96.5"),
            Coin("USDC", "3000", borrow_amount="2500", spot_borrow="2500",
                 accrued_interest="1.84"),
        ),
        initial_margin="965.2", maintenance_margin="96.5",
    )


