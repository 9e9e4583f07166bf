"""Configuration: which accounts exist, where their credentials come from, which plugins load.

The file is TOML (``folio.toml`` by default)::

    [plugins]                    # optional
    block = ["some-plugin"]      # entry-point names never to load
    external = true              # false: load only plugins shipped with folio
    strict = false               # true: a plugin that fails to load is an error

    [accounts.main]
    exchange = "ascendex"
    api_key_env = "ASCENDEX_API_KEY"        # names of environment variables,
    api_secret_env = "ASCENDEX_API_SECRET"  # never the secrets themselves
    base_url = "https://ascendex.com"       # optional: the plugin's default otherwise

    [accounts.main.options]      # optional, exchange-specific, checked by the exchange's plugin
    account_group = 6

Secrets stay out of the file so that the file can be committed, shared and printed. Keys are
checked strictly: a misspelt key is a typo that would otherwise be silently ignored, so it is an
error naming the file, the account and the key. Hosts can build the same objects in Python.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import attrs

from framework.credentials import Credentials, Secret
from framework.errors import ConfigurationError

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "AccountConfig",
    "EnvCredentials",
    "FolioConfig",
    "PluginPolicy",
    "StaticCredentials",
    "load_config",
    "parse_config",
]

DEFAULT_CONFIG_PATH: Final = "folio.toml"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@attrs.frozen(slots=True)
class EnvCredentials:
    """Credentials read from two environment variables when the account is first used."""

    api_key_env: str
    api_secret_env: str

    def resolve(self, account: str, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read both variables; a missing or empty one is a configuration error naming it."""
        env = os.environ if environ is None else environ
        values: list[str] = []
        wanted = (
            ("api_key_env", self.api_key_env, "API key"),
            ("api_secret_env", self.api_secret_env, "API secret"),
        )
        for key, var, what in wanted:
            value = env.get(var, "")
            if not value:
                msg = f"environment variable {var} is not set (it should hold the {what})"
                raise ConfigurationError(msg, account=account, key=key)
            values.append(value)
        return Credentials(Secret(values[0]), Secret(values[1]))


@attrs.frozen(slots=True)
class StaticCredentials:
    """Credentials a host already holds (from its vault, say), given to folio in memory."""

    credentials: Credentials

    def resolve(self, account: str, environ: Mapping[str, str] | None = None) -> Credentials:
        """Return the held credentials; the signature matches :class:`EnvCredentials`."""
        return self.credentials


CredentialSource = EnvCredentials | StaticCredentials


def _check_name(_instance: object, _attribute: attrs.Attribute[Any], value: str) -> None:
    if not _NAME.match(value):
        msg = (
            f"account name {value!r} must be 1-64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )
        raise ConfigurationError(msg, account=value)


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@attrs.frozen(slots=True)
class AccountConfig:
    """One account on one exchange.

    ``options`` are exchange-specific (e.g. AscendEX's pinned ``account_group``); the
    exchange's plugin validates them and names any key it does not know.
    """

    name: str = attrs.field(validator=_check_name)
    exchange: str
    credentials: CredentialSource = attrs.field(repr=False)
    base_url: str | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)
    source: str | None = attrs.field(default=None, eq=False)
    """The file the account was read from, for error messages."""

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

    @accounts.validator
    def _unique(self, _attribute: attrs.Attribute[Any], value: Sequence[AccountConfig]) -> None:
        seen: set[str] = set()
        for account in value:
            if account.name in seen:
                msg = "account name is used twice"
                raise ConfigurationError(msg, path=self.source, account=account.name)
            seen.add(account.name)


_ACCOUNT_KEYS: Final = frozenset(
    {"exchange", "api_key_env", "api_secret_env", "base_url", "options"}
)
_PLUGIN_KEYS: Final = frozenset({"block", "external", "strict"})


def load_config(path: str | os.PathLike[str] = DEFAULT_CONFIG_PATH) -> FolioConfig:
    """Read and check a TOML configuration file."""
    where = os.fspath(path)
    try:
        text = Path(where).read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = "configuration file not found (use --config PATH, or run 'folio demo' to try folio)"
        raise ConfigurationError(msg, path=where) from None
    except OSError as exc:
        msg = f"cannot read configuration file: {exc.strerror}"
        raise ConfigurationError(msg, path=where) from None
    return parse_config(text, source=where)


def parse_config(text: str, *, source: str | None = None) -> FolioConfig:
    """Parse configuration text; errors name ``source``, the account and the key."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"not valid TOML: {exc}", path=source) from None
    unknown = set(document) - {"accounts", "plugins"}
    if unknown:
        key = sorted(unknown)[0]
        msg = "unknown top-level table or key (expected 'accounts' and optionally 'plugins')"
        raise ConfigurationError(msg, path=source, key=key)
    policy = _parse_plugins(document.get("plugins", {}), source)
    accounts_table = document.get("accounts", {})
    if not isinstance(accounts_table, dict):
        raise ConfigurationError("'accounts' must be a table", path=source, key="accounts")
    accounts = [
        _parse_account(name, table, source) for name, table in accounts_table.items()
    ]
    return FolioConfig(accounts=tuple(accounts), plugins=policy, source=source)


def _parse_plugins(table: object, source: str | None) -> PluginPolicy:
    if not isinstance(table, dict):
        raise ConfigurationError("'plugins' must be a table", path=source, key="plugins")
    for key in table:
        if key not in _PLUGIN_KEYS:
            msg = f"unknown key in [plugins] (expected one of {sorted(_PLUGIN_KEYS)})"
            raise ConfigurationError(msg, path=source, key=key)
    block = table.get("block", [])
    if not isinstance(block, list) or not all(isinstance(n, str) for n in block):
        msg = "must be a list of plugin names"
        raise ConfigurationError(msg, path=source, key="plugins.block")
    flags: dict[str, bool] = {}
    for key, default in (("external", True), ("strict", False)):
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise ConfigurationError("must be true or false", path=source, key=f"plugins.{key}")
        flags[key] = value
    return PluginPolicy(block=frozenset(block), **flags)


def _parse_account(name: str, table: object, source: str | None) -> AccountConfig:
    def fail(detail: str, key: str | None = None) -> ConfigurationError:
        return ConfigurationError(detail, path=source, account=name, key=key)

    if not isinstance(table, dict):
        raise fail("must be a table")
    if not _NAME.match(name):
        msg = "account name must be 1-64 letters, digits, '_', '.' or '-'"
        raise fail(msg)
    for key in table:
        if key not in _ACCOUNT_KEYS:
            msg = f"unknown key (expected one of {sorted(_ACCOUNT_KEYS)})"
            raise fail(msg, key)
    strings: dict[str, str] = {}
    for key in ("exchange", "api_key_env", "api_secret_env"):
        if key not in table:
            raise fail("required key is missing", key)
        value = table[key]
        if not isinstance(value, str) or not value:
            raise fail("must be a non-empty string", key)
        strings[key] = value
    for key in ("api_key_env", "api_secret_env"):
        if not _ENV_NAME.match(strings[key]):
            msg = "must be the NAME of an environment variable (letters, digits, '_'), not a secret"
            raise fail(msg, key)
    base_url = table.get("base_url")
    if base_url is not None and (
        not isinstance(base_url, str) or not base_url.startswith(("http://", "https://"))
    ):
        raise fail("must be an http:// or https:// URL", "base_url")
    options = table.get("options", {})
    if not isinstance(options, dict):
        raise fail("must be a table", "options")
    return AccountConfig(
        name=name,
        exchange=strings["exchange"].lower(),
        credentials=EnvCredentials(strings["api_key_env"], strings["api_secret_env"]),
        base_url=base_url,
        options=options,
        source=source,
    )
