"""``--wallet``: folio's wallet names, the exchanges' own names for them, and what is served.

Binance calls folio's ``cash`` wallet "spot" (docs/exchanges/binance.md), AscendEX calls it
"cash" and describes it as spot (docs/exchanges/ascendex.md); Binance's ``margin`` is its
"cross-margin" wallet. A user types the name their exchange uses, so those names are accepted
where they mean one wallet on every exchange. A wallet no installed plugin serves (balances, or
with ``folio risk --wallet`` its risk) is a usage error naming the served ones, before any
request: read anyway, it would fail for every account and look like an outage (docs/cli.md,
"balances").
"""

from __future__ import annotations

import argparse
from typing import Final

from framework.errors import UnsupportedCapabilityError
from framework.host import Plugins
from framework.models import Capability, WalletKind

__all__ = [
    "WALLET_ALIASES",
    "risk_wallet_served",
    "served_risk_wallets",
    "served_wallets",
    "wallet_argument",
    "wallet_served",
]

WALLET_ALIASES: Final = {"spot": WalletKind.CASH, "cross-margin": WalletKind.MARGIN}
"""The exchanges' own names that mean one folio wallet on every bundled exchange."""


def wallet_argument(text: str) -> WalletKind:
    """Parse ``--wallet``: a folio wallet name or an alias, in any case."""
    name = text.strip().lower()
    if name in WALLET_ALIASES:
        return WALLET_ALIASES[name]
    try:
        return WalletKind(name)
    except ValueError:
        known = [w.value for w in WalletKind]
        aliases = [f"{alias} (= {wallet.value})" for alias, wallet in WALLET_ALIASES.items()]
        msg = f"unknown wallet {text!r} (expected one of {', '.join([*known, *aliases])})"
        raise argparse.ArgumentTypeError(msg) from None


def served_wallets(plugins: Plugins) -> list[WalletKind]:
    """The wallets at least one loaded plugin serves, in folio's order."""
    capabilities = {c for e in plugins.exchanges() for c in e.capabilities}
    return [w for w in WalletKind if Capability.for_wallet(w) in capabilities]


def wallet_served(wallet: WalletKind, plugins: Plugins) -> None:
    """Refuse a wallet no loaded plugin serves, naming those that are served.

    :raises UnsupportedCapabilityError: the command cannot do what was asked (exit 2).
    """
    served = served_wallets(plugins)
    if wallet not in served:
        names = ", ".join(w.value for w in served) or "none"
        msg = (
            f"no installed plugin serves the {wallet.value!r} wallet (served: {names}; "
            "'folio plugins' lists what each exchange serves)"
        )
        raise UnsupportedCapabilityError(msg)


def served_risk_wallets(plugins: Plugins) -> list[WalletKind]:
    """The wallets whose risk at least one loaded plugin serves, in folio's order."""
    served = {w for e in plugins.exchanges() for w in e.risk_wallets}
    return [w for w in WalletKind if w in served]


def risk_wallet_served(wallet: WalletKind, plugins: Plugins) -> None:
    """Refuse a wallet whose risk no loaded plugin serves, naming those that are served.

    :raises UnsupportedCapabilityError: the command cannot do what was asked (exit 2).
    """
    served = served_risk_wallets(plugins)
    if wallet not in served:
        names = ", ".join(w.value for w in served) or "none"
        msg = (
            f"no installed plugin serves the risk of the {wallet.value!r} wallet (served: "
            f"{names}; 'folio plugins' lists the risk wallets of each exchange)"
        )
        raise UnsupportedCapabilityError(msg)
