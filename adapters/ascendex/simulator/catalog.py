"""The public market catalog: assets, spot products and futures contracts.

folio never reads these routes; they exist so that a general-purpose client can be measured
against the simulator. CCXT's ``load_markets`` (run before its first private call) reads
``GET /api/pro/v2/assets``, ``/api/pro/v1/products``, ``/api/pro/v1/cash/products`` and
``/api/pro/v2/futures/contract``, and refuses to go on if any of them fails.

The catalog is derived from the configured accounts: every asset any account lists (cash or
margin rows) is an asset, and every asset but the quote ``USDT`` trades as ``<ASSET>/USDT``.
The simulator has no futures, so the contract list is empty. Field names, their order and the
string/number/boolean types of each follow the exchange's samples as CCXT 4.5.63 quotes them
(``fetch_currencies``, ``fetch_spot_markets``, ``fetch_contract_markets``); trading limits are
fixed plausible values, since no client reads balances through them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from adapters.ascendex.simulator.accounts import SimAccount
from adapters.ascendex.simulator.payloads import encode_ok

__all__ = ["QUOTE_ASSET", "Catalog", "catalog_assets"]

QUOTE_ASSET: Final = "USDT"
TRADING_START_MS: Final = 1569506400000
"""``tradingStartTime`` of every product (the sample's value)."""


def catalog_assets(accounts: Iterable[SimAccount]) -> list[str]:
    """Every asset any account holds, plus the quote asset, sorted."""
    assets = {QUOTE_ASSET}
    for account in accounts:
        assets.update(row.asset for row in account.cash)
        assets.update(row.asset for row in account.margin)
    return sorted(assets)


def _asset(code: str) -> dict[str, Any]:
    return {"assetCode": code, "assetName": code, "precisionScale": 9, "nativeScale": 9,
            "blockChain": []}


def _product(base: str) -> dict[str, Any]:
    return {"symbol": f"{base}/{QUOTE_ASSET}", "baseAsset": base, "quoteAsset": QUOTE_ASSET,
            "status": "Normal", "minNotional": "5", "maxNotional": "400000",
            "marginTradable": True, "commissionType": "Quote",
            "commissionReserveRate": "0.001", "tickSize": "0.000001", "lotSize": "0.001"}


def _cash_product(base: str) -> dict[str, Any]:
    symbol = f"{base}/{QUOTE_ASSET}"
    return {"symbol": symbol, "displayName": symbol, "domain": "USDS",
            "tradingStartTime": TRADING_START_MS, "collapseDecimals": "0.01,0.0001,0.000001",
            "minQty": "0.001", "maxQty": "1000000000", "minNotional": "5",
            "maxNotional": "400000", "statusCode": "Normal", "statusMessage": "",
            "tickSize": "0.000001", "useTick": False, "lotSize": "0.001", "useLot": False,
            "commissionType": "Quote", "commissionReserveRate": "0.001", "qtyScale": 3,
            "priceScale": 6, "notionalScale": 4}


@dataclass(frozen=True, slots=True)
class Catalog:
    """The four catalog answers, encoded once (they never change while serving)."""

    assets: bytes
    products: bytes
    cash_products: bytes
    futures_contracts: bytes

    @classmethod
    def of(cls, accounts: Iterable[SimAccount]) -> Catalog:
        """The catalog of ``accounts`` (see the module docstring)."""
        codes = catalog_assets(accounts)
        bases = [code for code in codes if code != QUOTE_ASSET]
        return cls(
            assets=encode_ok([_asset(code) for code in codes]),
            products=encode_ok([_product(base) for base in bases]),
            cash_products=encode_ok([_cash_product(base) for base in bases]),
            futures_contracts=encode_ok([]),
        )
