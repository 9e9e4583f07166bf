"""folio's exchange-neutral core: models, errors, hook specifications and the host API.

Hosts usually need only what this package exports::

    from framework import Folio, SyncFolio, WalletKind, total_by_asset

Plugin authors import :mod:`framework.hookspecs` (``hookimpl``) and :mod:`framework.providers`.
The core imports no adapter and no plugin: exchanges arrive through the ``folio`` entry points.

The names are imported on first use (``from framework import Folio`` works as always): pytest
imports folio's ``pytest11`` plugin (framework/testing/fixtures.py) in every session of an
environment where folio is installed, and importing this package on the way must cost that
session nothing (tests/framework/test_host_testing_fixture.py).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from framework.config import (
        AccountConfig,
        EnvCredentials,
        FileCredentials,
        FolioConfig,
        PluginPolicy,
        StaticCredentials,
        load_config,
        parse_config,
    )
    from framework.config.location import ConfigLocation, ConfigOrigin, locate_config
    from framework.credentials import Credentials, Secret
    from framework.errors import FolioError
    from framework.events import RequestEvent, RequestListener, RequestOutcome
    from framework.host import Folio, Plugins
    from framework.models import (
        NOT_APPLICABLE,
        AssetBalance,
        BalanceSnapshot,
        Capability,
        HealthMetric,
        HealthState,
        MarginHealth,
        MarginRisk,
        WalletKind,
    )
    from framework.portfolio import (
        AccountPortfolio,
        AccountRisk,
        AssetValue,
        PartFailure,
        Portfolio,
        PortfolioValue,
        Position,
    )
    from framework.prices import Pair, Price, PriceKind, PriceReader
    from framework.results import AccountResult, AssetTotals, FanOut, total_by_asset
    from framework.retry import RetryPolicy
    from framework.settings import HttpSettings
    from framework.sync import SyncFolio
    from framework.valuation import (
        PriceBook,
        PriceStep,
        RiskValuation,
        Valuation,
        value_in,
        value_risk,
    )

__all__ = [
    "NOT_APPLICABLE",
    "AccountConfig",
    "AccountPortfolio",
    "AccountResult",
    "AccountRisk",
    "AssetBalance",
    "AssetTotals",
    "AssetValue",
    "BalanceSnapshot",
    "Capability",
    "ConfigLocation",
    "ConfigOrigin",
    "Credentials",
    "EnvCredentials",
    "FanOut",
    "FileCredentials",
    "Folio",
    "FolioConfig",
    "FolioError",
    "HealthMetric",
    "HealthState",
    "HttpSettings",
    "MarginHealth",
    "MarginRisk",
    "Pair",
    "PartFailure",
    "PluginPolicy",
    "Plugins",
    "Portfolio",
    "PortfolioValue",
    "Position",
    "Price",
    "PriceBook",
    "PriceKind",
    "PriceReader",
    "PriceStep",
    "RequestEvent",
    "RequestListener",
    "RequestOutcome",
    "RetryPolicy",
    "RiskValuation",
    "Secret",
    "StaticCredentials",
    "SyncFolio",
    "Valuation",
    "WalletKind",
    "load_config",
    "locate_config",
    "parse_config",
    "total_by_asset",
    "value_in",
    "value_risk",
]

__version__ = "0.1.0"

_HOMES = {
    "AccountConfig": "framework.config",
    "EnvCredentials": "framework.config",
    "FileCredentials": "framework.config",
    "FolioConfig": "framework.config",
    "PluginPolicy": "framework.config",
    "StaticCredentials": "framework.config",
    "load_config": "framework.config",
    "parse_config": "framework.config",
    "ConfigLocation": "framework.config.location",
    "ConfigOrigin": "framework.config.location",
    "locate_config": "framework.config.location",
    "Credentials": "framework.credentials",
    "Secret": "framework.credentials",
    "FolioError": "framework.errors",
    "RequestEvent": "framework.events",
    "RequestListener": "framework.events",
    "RequestOutcome": "framework.events",
    "Folio": "framework.host",
    "Plugins": "framework.host",
    "NOT_APPLICABLE": "framework.models",
    "AssetBalance": "framework.models",
    "BalanceSnapshot": "framework.models",
    "Capability": "framework.models",
    "HealthMetric": "framework.models",
    "HealthState": "framework.models",
    "MarginHealth": "framework.models",
    "MarginRisk": "framework.models",
    "WalletKind": "framework.models",
    "AccountPortfolio": "framework.portfolio",
    "AccountRisk": "framework.portfolio",
    "AssetValue": "framework.portfolio",
    "PartFailure": "framework.portfolio",
    "Portfolio": "framework.portfolio",
    "PortfolioValue": "framework.portfolio",
    "Position": "framework.portfolio",
    "Pair": "framework.prices",
    "Price": "framework.prices",
    "PriceKind": "framework.prices",
    "PriceReader": "framework.prices",
    "AccountResult": "framework.results",
    "AssetTotals": "framework.results",
    "FanOut": "framework.results",
    "total_by_asset": "framework.results",
    "RetryPolicy": "framework.retry",
    "HttpSettings": "framework.settings",
    "SyncFolio": "framework.sync",
    "PriceBook": "framework.valuation",
    "PriceStep": "framework.valuation",
    "RiskValuation": "framework.valuation",
    "Valuation": "framework.valuation",
    "value_in": "framework.valuation",
    "value_risk": "framework.valuation",
}
"""The module each exported name lives in."""


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module 'framework' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(import_module(home), name)
    globals()[name] = value  # later uses are a plain lookup
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
