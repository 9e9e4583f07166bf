"""The typed facade over pluggy: who serves which exchange, and the one call into each hook.

``manager.hook.x(...)`` returns ``Any`` and aborts at the first exception. Every hook call in
folio goes through this module instead, which asks each plugin separately (so a plugin whose
declaration raises is reported, not fatal), checks what comes back against the spec, maps every
exchange to exactly one owning plugin and returns precise types.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import attrs
import pluggy

from framework.errors import (
    PluginContractError,
    UnknownExchangeError,
    UnsupportedCapabilityError,
)
from framework.loading import PluginRecord, PluginStatus
from framework.models import Capability, WalletKind
from framework.prices import PriceReader
from framework.providers import AccountContext, BalanceReader, RiskReader, Simulator
from framework.unserved import unserved_message

__all__ = ["ExchangeRegistry", "ExchangeSupport", "RiskService"]


@attrs.frozen(slots=True)
class ExchangeSupport:
    """One exchange as installed: the plugin serving each capability."""

    exchange: str
    capabilities: Mapping[Capability, str]
    """Capability -> name of the plugin that serves it."""
    risk_wallets: tuple[WalletKind, ...] = ()
    """The wallets whose risk is served, the default first (empty without margin risk)."""

    @property
    def plugins(self) -> tuple[str, ...]:
        """The plugins involved, in name order."""
        return tuple(sorted(set(self.capabilities.values())))


@attrs.frozen(slots=True)
class RiskService:
    """How one exchange's risk is read: its plugin, its risk wallets and the reader's call.

    ``takes_wallet`` is ``True`` for an exchange declared through ``folio_risk_wallets`` (the
    reader is called ``fetch_margin_risk(wallet)``), ``False`` for one declared through
    ``folio_risk_exchanges`` (``fetch_margin_risk()``, the ``margin`` wallet).
    """

    exchange: str
    plugin: str
    wallets: tuple[WalletKind, ...]
    takes_wallet: bool

    def wallet(self, asked: WalletKind | str | None) -> WalletKind:
        """The wallet to read: ``asked``, or the default (the first declared) for ``None``.

        :raises framework.errors.UnsupportedCapabilityError: for a wallet whose risk the
            exchange does not serve (as a balance of an unserved wallet is refused).
        :raises ValueError: for a name that is not a wallet kind.
        """
        if asked is None:
            return self.wallets[0]
        wallet = WalletKind(asked)
        if wallet not in self.wallets:
            served = ", ".join(self.wallets)
            msg = (
                f"margin risk of the {wallet.value} wallet is not supported for "
                f"{self.exchange!r} (its risk wallets: {served})"
            )
            raise UnsupportedCapabilityError(msg, exchange=self.exchange)
        return wallet


@attrs.frozen(slots=True)
class _RiskClaim:
    wallets: tuple[WalletKind, ...]
    takes_wallet: bool


class ExchangeRegistry:
    """Maps exchanges to plugins, built once per host from the plugins' declarations."""

    def __init__(self, manager: pluggy.PluginManager, records: Sequence[PluginRecord]) -> None:
        self._manager = manager
        self._records = list(records)
        self._balance_wallets: dict[str, dict[str, frozenset[WalletKind]]] = {}
        self._risk: dict[str, dict[str, _RiskClaim]] = {}
        self._prices: dict[str, set[str]] = {}
        self._collect()

    # -- declarations -------------------------------------------------------------------

    def _declarations(self, hook_name: str) -> list[tuple[str, object]]:
        """Call a declaration hook on each plugin alone; a failing plugin is reported."""
        results: list[tuple[str, object]] = []
        hook = getattr(self._manager.hook, hook_name)
        for impl in hook.get_hookimpls():
            try:
                results.append((impl.plugin_name, impl.function()))
            except Exception as exc:
                self._fail(impl.plugin_name, f"{hook_name}() raised {type(exc).__name__}: {exc}")
        return results

    def _fail(self, plugin: str, error: str) -> None:
        self._records = [
            attrs.evolve(r, status=PluginStatus.FAILED, error=error) if r.name == plugin else r
            for r in self._records
        ]
        if not any(r.name == plugin for r in self._records):
            self._records.append(PluginRecord(plugin, PluginStatus.FAILED, error=error))
        plugin_object = self._manager.get_plugin(plugin)
        if plugin_object is not None:
            self._manager.unregister(plugin_object)

    def _collect(self) -> None:
        for plugin, declared in self._declarations("folio_balance_wallets"):
            wallets = _check_wallets(declared)
            if wallets is None:
                self._fail(plugin, "folio_balance_wallets() must return {exchange: [WalletKind]}")
                continue
            for exchange, kinds in wallets.items():
                self._balance_wallets.setdefault(exchange, {})[plugin] = kinds
        self._collect_risk()
        for plugin, declared in self._declarations("folio_price_exchanges"):
            names = _check_names(declared)
            if names is None:
                self._fail(plugin, "folio_price_exchanges() must return a collection of names")
                continue
            for exchange in names:
                self._prices.setdefault(exchange, set()).add(plugin)
        # a plugin that failed while declaring risk may have declared balances before
        live = {r.name for r in self._records if r.status is PluginStatus.LOADED}
        live |= {name for name, _ in self._manager.list_name_plugin() if name}
        for owners in self._balance_wallets.values():
            for plugin in [p for p in owners if p not in live]:
                del owners[plugin]
        for claims in self._risk.values():
            for plugin in [p for p in claims if p not in live]:
                del claims[plugin]
        for single_owners in self._prices.values():
            single_owners.intersection_update(live)

    def _collect_risk(self) -> None:
        """Both risk declarations: names (the margin wallet) and wallets per exchange."""
        legacy: dict[str, list[str]] = {}
        for plugin, declared in self._declarations("folio_risk_exchanges"):
            names = _check_names(declared)
            if names is None:
                self._fail(plugin, "folio_risk_exchanges() must return a collection of names")
                continue
            legacy[plugin] = names
        per_wallet: dict[str, dict[str, tuple[WalletKind, ...]]] = {}
        for plugin, declared in self._declarations("folio_risk_wallets"):
            wallets = _check_risk_wallets(declared)
            if wallets is None:
                self._fail(
                    plugin,
                    "folio_risk_wallets() must return {exchange: [WalletKind, ...]}: an ordered, "
                    "non-empty sequence of distinct wallet kinds per exchange, the default first",
                )
                continue
            both = sorted(set(wallets) & set(legacy.get(plugin, ())))
            if both:
                self._fail(
                    plugin,
                    f"declares the risk of {', '.join(both)} through both folio_risk_exchanges "
                    "and folio_risk_wallets; declare each exchange through one of them",
                )
                legacy.pop(plugin, None)
                continue
            per_wallet[plugin] = wallets
        for plugin, names in legacy.items():
            for exchange in names:
                claim = _RiskClaim((WalletKind.MARGIN,), takes_wallet=False)
                self._risk.setdefault(exchange, {})[plugin] = claim
        for plugin, declared_wallets in per_wallet.items():
            for exchange, kinds in declared_wallets.items():
                self._risk.setdefault(exchange, {})[plugin] = _RiskClaim(kinds, takes_wallet=True)

    # -- queries ------------------------------------------------------------------------

    @property
    def records(self) -> list[PluginRecord]:
        """Every plugin seen at load time, with its status."""
        return list(self._records)

    def exchanges(self) -> list[ExchangeSupport]:
        """Every exchange some plugin serves without conflict, with its capabilities."""
        # A conflicted exchange is served by nobody (see _owner), so it is not advertised.
        conflicted = self.conflicts()
        declared = set(self._balance_wallets) | set(self._risk) | set(self._prices)
        names = sorted(declared - set(conflicted))
        result: list[ExchangeSupport] = []
        for name in names:
            capabilities: dict[Capability, str] = {}
            balance_owners = self._balance_wallets.get(name, {})
            if len(balance_owners) == 1:
                (plugin, wallets), = balance_owners.items()
                for wallet in sorted(wallets):
                    capabilities[Capability.for_wallet(wallet)] = plugin
            risk_owners = self._risk.get(name, {})
            risk_wallets: tuple[WalletKind, ...] = ()
            if len(risk_owners) == 1:
                (plugin, claim), = risk_owners.items()
                capabilities[Capability.MARGIN_RISK] = plugin
                risk_wallets = claim.wallets
            price_owners = self._prices.get(name, set())
            if len(price_owners) == 1:
                capabilities[Capability.PRICES] = next(iter(price_owners))
            if capabilities:
                result.append(ExchangeSupport(name, capabilities, risk_wallets))
        return result

    def conflicts(self) -> dict[str, tuple[str, ...]]:
        """Exchanges claimed by more than one plugin, with the claimants."""
        clashes: dict[str, set[str]] = {}
        for name, owners in self._balance_wallets.items():
            if len(owners) > 1:
                clashes.setdefault(name, set()).update(owners)
        for name, claimants in (*self._risk.items(), *self._prices.items()):
            if len(claimants) > 1:
                clashes.setdefault(name, set()).update(claimants)
        return {name: tuple(sorted(p)) for name, p in sorted(clashes.items())}

    def _installed(self) -> str:
        names = [e.exchange for e in self.exchanges()]
        return ", ".join(names) if names else "none"

    def _owner(self, exchange: str, capability: Capability) -> str:
        conflicts = self.conflicts()
        if exchange in conflicts:
            claimants = ", ".join(conflicts[exchange])
            msg = (
                f"exchange {exchange!r} is claimed by several plugins ({claimants}); "
                "block all but one (FOLIO_BLOCK_PLUGINS or [plugins] block)"
            )
            raise UnknownExchangeError(msg, exchange=exchange)
        support = {e.exchange: e for e in self.exchanges()}.get(exchange)
        if support is None:
            msg = unserved_message(exchange, self._records, self._installed())
            raise UnknownExchangeError(msg, exchange=exchange)
        plugin = support.capabilities.get(capability)
        if plugin is None:
            raise UnsupportedCapabilityError(
                _unsupported(exchange, capability, support.capabilities), exchange=exchange
            )
        return plugin

    def _call_owner(self, hook_name: str, plugin: str, **kwargs: Any) -> object:
        others = [p for name, p in self._manager.list_name_plugin() if name != plugin]
        caller: Callable[..., object] = self._manager.subset_hook_caller(hook_name, others)
        return caller(**kwargs)

    def balance_reader(self, wallet: WalletKind, context: AccountContext) -> BalanceReader:
        """Ask the owning plugin for the account's balance reader (checked against the spec)."""
        exchange = context.account.exchange
        plugin = self._owner(exchange, Capability.for_wallet(wallet))
        reader = self._call_owner(
            "folio_balance_reader", plugin, exchange=exchange, context=context
        )
        if not isinstance(reader, BalanceReader):
            msg = f"plugin {plugin!r} returned {type(reader).__name__} from folio_balance_reader"
            raise PluginContractError(msg, exchange=exchange, account=context.account.name)
        return reader

    def risk_service(self, exchange: str) -> RiskService:
        """Who reads ``exchange``'s risk, of which wallets, and how the reader is called.

        :raises framework.errors.UnknownExchangeError: no plugin serves the exchange (the
            sentence says why, framework/unserved.py).
        :raises framework.errors.UnsupportedCapabilityError: it is served without risk.
        """
        plugin = self._owner(exchange, Capability.MARGIN_RISK)
        claim = self._risk[exchange][plugin]
        return RiskService(exchange, plugin, claim.wallets, claim.takes_wallet)

    def risk_reader(self, context: AccountContext) -> RiskReader:
        """Ask the owning plugin for the account's margin risk reader (one for every wallet)."""
        exchange = context.account.exchange
        plugin = self._owner(exchange, Capability.MARGIN_RISK)
        reader = self._call_owner("folio_risk_reader", plugin, exchange=exchange, context=context)
        if not isinstance(reader, RiskReader):
            msg = f"plugin {plugin!r} returned {type(reader).__name__} from folio_risk_reader"
            raise PluginContractError(msg, exchange=exchange, account=context.account.name)
        return reader

    def price_reader(self, context: AccountContext) -> PriceReader:
        """Ask the owning plugin for a reader of the public prices of the account's exchange.

        ``context`` is that account's: the reader uses its ``base_url`` and HTTP settings,
        never its credentials (docs/host-api.md, "Valuation").
        """
        exchange = context.account.exchange
        plugin = self._owner(exchange, Capability.PRICES)
        reader = self._call_owner("folio_price_reader", plugin, exchange=exchange, context=context)
        if not isinstance(reader, PriceReader):
            msg = f"plugin {plugin!r} returned {type(reader).__name__} from folio_price_reader"
            raise PluginContractError(msg, exchange=exchange, account=context.account.name)
        return reader

    def simulators(self) -> list[Simulator]:
        """Simulators shipped by the loaded plugins, by exchange name."""
        found: list[Simulator] = []
        for plugin, declared in self._declarations("folio_simulators"):
            if not isinstance(declared, Sequence) or not all(
                isinstance(s, Simulator) for s in declared
            ):
                self._fail(plugin, "folio_simulators() must return a sequence of Simulator")
                continue
            found.extend(declared)
        return sorted(found, key=lambda s: s.exchange)


def _check_wallets(declared: object) -> dict[str, frozenset[WalletKind]] | None:
    if not isinstance(declared, Mapping):
        return None
    result: dict[str, frozenset[WalletKind]] = {}
    for exchange, kinds in declared.items():
        if not isinstance(exchange, str) or not isinstance(kinds, Collection):
            return None
        try:
            result[exchange.lower()] = frozenset(WalletKind(k) for k in kinds)
        except ValueError:
            return None
    return result


def _check_risk_wallets(declared: object) -> dict[str, tuple[WalletKind, ...]] | None:
    """``folio_risk_wallets()``'s answer, or ``None`` when it is not an ordered declaration.

    The order says which wallet is the default, so a set (no order) is refused, not guessed.
    """
    if not isinstance(declared, Mapping):
        return None
    result: dict[str, tuple[WalletKind, ...]] = {}
    for exchange, kinds in declared.items():
        if not isinstance(exchange, str) or not exchange:
            return None
        if isinstance(kinds, str | bytes) or not isinstance(kinds, Sequence) or not kinds:
            return None
        try:
            wallets = tuple(WalletKind(k) for k in kinds)
        except (ValueError, TypeError):
            return None
        if len(set(wallets)) != len(wallets) or exchange.lower() in result:
            return None
        result[exchange.lower()] = wallets
    return result


def _check_names(declared: object) -> list[str] | None:
    if isinstance(declared, str) or not isinstance(declared, Collection):
        return None
    if not all(isinstance(n, str) for n in declared):
        return None
    return [n.lower() for n in declared]


def _unsupported(exchange: str, capability: Capability, offered: Collection[Capability]) -> str:
    """Why ``exchange`` cannot serve ``capability``, in the words of the command line.

    A balance is asked for by wallet (``--wallet margin``), so its refusal names the wallet and
    the wallets the exchange serves, not capability names: "it offers: cash_balance,
    margin_risk" read as if ``folio risk --wallet margin`` would work on a unified account
    whose one risk wallet is ``cash`` (docs/cli.md, "Wallet names").
    """
    wallet = next((w for w in WalletKind if Capability.for_wallet(w) is capability), None)
    if wallet is None:
        listed = ", ".join(sorted(offered)) or "nothing"
        return f"{capability.value} is not supported for {exchange!r} (it offers: {listed})"
    served = ", ".join(w.value for w in WalletKind if Capability.for_wallet(w) in offered)
    return (
        f"the {wallet.value} wallet is not served for {exchange!r} (its wallets: "
        f"{served or 'none'}; 'folio plugins' lists what each exchange serves)"
    )
