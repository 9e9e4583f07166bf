"""The configuration as values: accounts, the plugin policy and the whole of a host's setup.

Hosts build these in Python as well as from ``folio.toml`` (:mod:`framework.config.document`),
so each value checks its own rules when it is made: an account name that results can print,
an ``exchange`` that is a name and not a pasted key, a usable ``base_url`` (see
:mod:`framework.config.urls`) and a boolean ``allow_insecure_http``. Errors name the file, the
account and the key (docs/configuration.md).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, cast

import attrs

from framework.config.credential_sources import CredentialSource
from framework.config.shown import NAME, looks_like_a_secret, shown_name
from framework.config.urls import base_url_problem
from framework.errors import ConfigurationError
from framework.models import WalletKind
from framework.settings import DEFAULT_HTTP_SETTINGS, HttpSettings

__all__ = ["EXCHANGE_PROBLEM", "AccountConfig", "FolioConfig", "PluginPolicy", "exchange_problem"]


def _check_name(_instance: object, _attribute: attrs.Attribute[Any], value: str) -> None:
    if not NAME.match(value):
        shown = shown_name(value)
        msg = (
            f"account name {shown + ' ' if shown else '(not shown: it may be a secret) '}"
            "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit"
        )
        raise ConfigurationError(msg, account=value if shown else None)




EXCHANGE_PROBLEM: Final = (
    "must be an exchange's name as its plugin declares it ('folio plugins' lists them): "
    "1-64 letters, digits, '_', '.' or '-'; the value given is not shown"
)


def exchange_problem(value: object) -> str | None:
    """What is wrong with an ``exchange`` value, without quoting it; ``None`` if nothing.

    Exchange names are short words that results and errors print; a value shaped otherwise,
    or looking like a key (:func:`looks_like_a_secret`), is refused here, before a read
    could print it in "no installed plugin serves exchange ...".
    """
    if isinstance(value, str) and NAME.match(value) and not looks_like_a_secret(value):
        return None
    return EXCHANGE_PROBLEM


def _lower(value: str) -> str:
    return value.lower()


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


_WALLET_VALUES: Final = frozenset(w.value for w in WalletKind)


def _wallets(value: Iterable[WalletKind | str] | None) -> tuple[WalletKind, ...] | None:
    """``value`` as wallet kinds, or as given for ``_wallets_problem`` to refuse by name.

    A host's ``wallets=5`` is then a ConfigurationError naming account and key, not a
    TypeError from inside attrs; a lone string is one wallet, not its letters.
    """
    if value is None:
        return None
    raw: object = value
    given: tuple[object, ...] = (
        tuple(raw) if isinstance(raw, Iterable) and not isinstance(raw, str) else (raw,)
    )
    kinds = tuple(WalletKind(w) for w in given if isinstance(w, str) and w in _WALLET_VALUES)
    return kinds if len(kinds) == len(given) else cast("tuple[WalletKind, ...]", given)


def _wallets_problem(value: tuple[WalletKind, ...] | None) -> str | None:
    if value is None:
        return None
    names = ", ".join(w.value for w in WalletKind)
    if not value:
        return f"must name at least one wallet ({names}), or be left out for every wallet"
    if not all(isinstance(w, WalletKind) for w in value):
        return f"must list wallet names: {names}"
    if len(set(value)) != len(value):
        return "names a wallet twice"
    return None


def _check_exchange(instance: object, _attribute: attrs.Attribute[Any], value: str) -> None:
    if exchange_problem(value) is not None:
        name = getattr(instance, "name", None)
        raise ConfigurationError(EXCHANGE_PROBLEM, account=name, key="exchange")


def _check_flag(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # "true", 1 or "yes" from a host's own settings is not an opt-in to clear text: refused,
    # not read as false (which would then fail with a message about the URL instead).
    if not isinstance(value, bool):
        name = getattr(instance, "name", None)
        raise ConfigurationError("must be true or false", account=name, key=attribute.name)


@attrs.frozen(slots=True)
class AccountConfig:
    """One account on one exchange.

    ``options`` are exchange-specific (e.g. AscendEX's pinned ``account_group``); the
    exchange's plugin validates them and names any key it does not know.
    """

    name: str = attrs.field(validator=_check_name)
    exchange: str = attrs.field(converter=_lower, validator=_check_exchange)
    """Exchange name; compared case-insensitively (stored lower case, as plugins declare)."""
    credentials: CredentialSource = attrs.field(repr=False)
    base_url: str | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)
    source: str | None = attrs.field(default=None, eq=False)
    """The file the account was read from, for error messages."""
    network: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)
    """Overrides of the host's network settings for this account (keys of NETWORK_KEYS)."""
    allow_insecure_http: bool = attrs.field(default=False, validator=_check_flag)
    """Accept an ``http://`` ``base_url`` to a host that is not this machine (clear text)."""
    wallets: tuple[WalletKind, ...] | None = attrs.field(default=None, converter=_wallets)
    """The wallets the account holds, which the whole portfolio reads (``Folio.portfolio``);
    ``None``: every wallet its exchange serves. A key without futures access, or an account
    without a margin wallet, would otherwise fail that part of every portfolio read."""

    def __attrs_post_init__(self) -> None:
        # After every field is set: the URL rule depends on allow_insecure_http.
        if self.base_url is not None:
            problem = base_url_problem(self.base_url, self.allow_insecure_http is True)
            if problem is not None:
                raise self.config_error(problem, key="base_url")
        problem = _wallets_problem(self.wallets)
        if problem is not None:
            raise self.config_error(problem, key="wallets")

    def __copy__(self) -> AccountConfig:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> AccountConfig:
        # Frozen, with read-only mappings that copy cannot pickle: a copy is the same value.
        return self

    def default_risk_wallet(self, declared: Sequence[WalletKind]) -> WalletKind | None:
        """The wallet whose risk a read without a wallet means for this account.

        The first of ``declared`` (the exchange's risk wallets, its default first) that the
        account holds; ``None`` when it lists none of them. Every wallet is held when the
        account lists no ``wallets``.
        """
        return next((w for w in declared if self.wallets is None or w in self.wallets), None)

    def http_settings(self, defaults: HttpSettings) -> HttpSettings:
        """The host's ``defaults`` with this account's ``network`` overrides applied."""
        if not self.network:
            return defaults
        for key, value in self.network.items():
            if isinstance(value, float) and not math.isfinite(value):
                msg = f"{key} must be a finite number of seconds"
                raise self.config_error(msg, key="network")
        try:
            return defaults.with_overrides(self.network)
        except (ValueError, TypeError) as exc:
            raise self.config_error(str(exc), key="network") from None

    def config_error(self, detail: str, *, key: str | None = None) -> ConfigurationError:
        """An error about this account's configuration that names its file and key."""
        return ConfigurationError(detail, path=self.source, account=self.name, key=key)


def _env_flag(name: str, environ: Mapping[str, str]) -> bool | None:
    raw = environ.get(name)
    if raw is None or raw == "":
        return None
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _names(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _accounts(value: Iterable[AccountConfig]) -> tuple[AccountConfig, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class PluginPolicy:
    """Operator switches for plugin loading.

    ``block`` names entry points never to load; ``external=False`` loads only the plugins
    shipped inside folio; ``strict`` turns a plugin that fails to load into an error (for plugin
    authors) instead of a reported diagnostic (for operators, who want the others to work).
    """

    block: frozenset[str] = attrs.field(factory=frozenset, converter=_names)
    external: bool = True
    strict: bool = False

    def with_environment(self, environ: Mapping[str, str] | None = None) -> PluginPolicy:
        """Apply ``FOLIO_BLOCK_PLUGINS``, ``FOLIO_NO_EXTERNAL_PLUGINS``, ``FOLIO_STRICT_PLUGINS``.

        Environment variables win over the file so an operator can switch off a broken plugin
        without editing the configuration that every host shares.
        """
        env = os.environ if environ is None else environ
        block = set(self.block)
        block.update(n.strip() for n in env.get("FOLIO_BLOCK_PLUGINS", "").split(",") if n.strip())
        no_external = _env_flag("FOLIO_NO_EXTERNAL_PLUGINS", env)
        strict = _env_flag("FOLIO_STRICT_PLUGINS", env)
        return PluginPolicy(
            block=frozenset(block),
            external=self.external if no_external is None else not no_external,
            strict=self.strict if strict is None else strict,
        )


@attrs.frozen(slots=True)
class FolioConfig:
    """Everything a host needs to build a :class:`framework.host.Folio`."""

    accounts: tuple[AccountConfig, ...] = attrs.field(converter=_accounts)
    plugins: PluginPolicy = attrs.field(factory=PluginPolicy)
    source: str | None = None
    network: HttpSettings = DEFAULT_HTTP_SETTINGS
    """Every account's network settings, before its own overrides."""

    @accounts.validator
    def _unique(self, _attribute: attrs.Attribute[Any], value: Sequence[AccountConfig]) -> None:
        seen: set[str] = set()
        for account in value:
            if account.name in seen:
                msg = "account name is used twice"
                raise ConfigurationError(msg, path=self.source, account=account.name)
            seen.add(account.name)
