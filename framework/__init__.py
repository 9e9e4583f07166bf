"""folio's exchange-neutral core: models, errors, hook specifications and the host API.

Hosts usually need only what this package exports::

    from framework import Folio, SyncFolio, WalletKind, total_by_asset

Plugin authors import :mod:`framework.hookspecs` (``hookimpl``) and :mod:`framework.providers`.
The core imports no adapter and no plugin: exchanges arrive through the ``folio`` entry points.
"""

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
