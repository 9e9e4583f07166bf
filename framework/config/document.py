"""``folio.toml`` read into a :class:`~framework.config.accounts.FolioConfig`.

Each table of the file is an attrs class below, structured by a :class:`TableReader` (cattrs,
unknown keys forbidden, every value checked by its field's rule), so the file's layout can be
read here in one place. What a table cannot say on its own is checked after it is read: where
the credentials come from (two variable names, or a file), ``max_concurrency`` being
host-wide, the ranges of the network settings (:class:`~framework.settings.HttpSettings`) and
the ``base_url`` rules (:class:`~framework.config.accounts.AccountConfig`). Every error names
the file, the account and the key (docs/configuration.md).
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from framework.config.accounts import (
    EXCHANGE_PROBLEM,
    AccountConfig,
    FolioConfig,
    PluginPolicy,
    exchange_problem,
)
from framework.config.credential_sources import (
    CredentialSource,
    EnvCredentials,
    FileCredentials,
)
from framework.config.private_file import expanded
from framework.config.shown import NAME, looks_like_a_secret, shown_name
from framework.config.tables import TABLE, Refused, TableReader, checked_by, flag, rule
from framework.errors import ConfigurationError
from framework.models import WalletKind
from framework.settings import DEFAULT_HTTP_SETTINGS

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "AccountTable",
    "DocumentTable",
    "NetworkTable",
    "PluginsTable",
    "load_config",
    "parse_config",
]

DEFAULT_CONFIG_PATH: Final = "folio.toml"

_ENV_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _non_empty(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise Refused("must be a non-empty string")
    return value


def _exchange(value: object) -> str:
    """An exchange's name; a value shaped otherwise may be a pasted key and is not quoted."""
    if exchange_problem(_non_empty(value)) is not None:
        raise Refused(EXCHANGE_PROBLEM)
    return str(value)


def _variable_name(value: object) -> str:
    """The NAME of an environment variable; one that looks like a key is refused unquoted."""
    name = _non_empty(value)
    if looks_like_a_secret(name):
        raise Refused(
            "must be the NAME of an environment variable (letters, digits, '_'); this "
            "looks like a key or secret itself, so it is not shown"
        )
    if not _ENV_NAME.match(name):
        raise Refused("must be the NAME of an environment variable (letters, digits, '_')")
    return name


def _file_path(value: object) -> str:
    path = _non_empty(value)
    if "\0" in path:
        raise Refused("must be a path (it holds a NUL character)")
    return path


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refused("must be a number of seconds")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer beyond any float
        finite = False
    if not finite:
        # TOML has inf and nan; an infinite timeout fails deep inside the HTTP library.
        raise Refused("must be a finite number of seconds")
    return value


_COUNT: Final = rule(lambda value: type(value) is int, "must be an integer")
_URL_TEXT: Final = rule(
    lambda value: isinstance(value, str), "must be an http:// or https:// URL"
)
"""Text; the URL rules are the account's (:mod:`framework.config.urls`)."""
_WALLET_NAMES: Final = rule(
    lambda value: isinstance(value, list) and all(
        isinstance(n, str) and n in {w.value for w in WalletKind} for n in value),
    f"must be a list of wallet names ({', '.join(repr(w.value) for w in WalletKind)})",
    tuple,
)
_PLUGIN_NAMES: Final = rule(
    lambda value: isinstance(value, list) and all(isinstance(n, str) for n in value),
    "must be a list of plugin names",
    frozenset,
)


@attrs.frozen(slots=True)
class NetworkTable:
    """``[network]`` and ``[accounts.<name>.network]``: overrides of :class:`HttpSettings`.

    One field per key of :data:`~framework.settings.NETWORK_KEYS` (a test holds them equal). A
    key left out is ``None`` and keeps the default; ranges are checked by the settings.
    """

    connect_timeout: float | None = attrs.field(default=None, metadata=checked_by(_seconds))
    read_timeout: float | None = attrs.field(default=None, metadata=checked_by(_seconds))
    write_timeout: float | None = attrs.field(default=None, metadata=checked_by(_seconds))
    pool_timeout: float | None = attrs.field(default=None, metadata=checked_by(_seconds))
    keepalive_expiry: float | None = attrs.field(default=None, metadata=checked_by(_seconds))
    max_concurrency: int | None = attrs.field(default=None, metadata=checked_by(_COUNT))
    """Host-wide: refused in an account's table."""
    max_body_bytes: int | None = attrs.field(default=None, metadata=checked_by(_COUNT))
    max_attempts: int | None = attrs.field(default=None, metadata=checked_by(_COUNT))
    base_delay: float | None = attrs.field(default=None, metadata=checked_by(_seconds))
    max_delay: float | None = attrs.field(default=None, metadata=checked_by(_seconds))
    max_retry_after: float | None = attrs.field(default=None, metadata=checked_by(_seconds))
    deadline: float | None = attrs.field(default=None, metadata=checked_by(_seconds))

    def overrides(self) -> dict[str, Any]:
        """The keys the table sets, for :meth:`HttpSettings.with_overrides`."""
        values = {field.name: getattr(self, field.name) for field in attrs.fields(type(self))}
        return {name: value for name, value in values.items() if value is not None}


@attrs.frozen(slots=True)
class PluginsTable:
    """``[plugins]``: see :class:`~framework.config.accounts.PluginPolicy`."""

    block: frozenset[str] = attrs.field(
        default=frozenset(), metadata=checked_by(_PLUGIN_NAMES)
    )
    external: bool = attrs.field(default=True, metadata=checked_by(flag()))
    strict: bool = attrs.field(default=False, metadata=checked_by(flag()))


@attrs.frozen(slots=True)
class AccountTable:
    """``[accounts.<name>]``, in the order its keys are checked."""

    exchange: str = attrs.field(metadata=checked_by(_exchange))
    api_key_env: str | None = attrs.field(default=None, metadata=checked_by(_variable_name))
    api_secret_env: str | None = attrs.field(default=None, metadata=checked_by(_variable_name))
    api_passphrase_env: str | None = attrs.field(
        default=None, metadata=checked_by(_variable_name)
    )
    credentials_file: str | None = attrs.field(default=None, metadata=checked_by(_file_path))
    allow_insecure_http: bool = attrs.field(default=False, metadata=checked_by(flag()))
    base_url: str | None = attrs.field(default=None, metadata=checked_by(_URL_TEXT))
    options: Mapping[str, Any] = attrs.field(factory=dict, metadata=checked_by(TABLE))
    network: NetworkTable = attrs.field(factory=NetworkTable)
    wallets: tuple[str, ...] | None = attrs.field(default=None, metadata=checked_by(_WALLET_NAMES))


@attrs.frozen(slots=True)
class DocumentTable:
    """The file's top level; each account's table is read on its own, to name the account."""

    plugins: PluginsTable = attrs.field(factory=PluginsTable)
    network: NetworkTable = attrs.field(factory=NetworkTable)
    accounts: Mapping[str, Any] = attrs.field(factory=dict, metadata=checked_by(TABLE))


_READER: Final = TableReader(
    unknown={DocumentTable: "top-level table or key", PluginsTable: "key in [plugins]"}
)


def load_config(path: str | os.PathLike[str] = DEFAULT_CONFIG_PATH) -> FolioConfig:
    """Read and check a TOML configuration file."""
    where = os.fspath(path)
    try:
        text = Path(where).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        msg = "the configuration file is not UTF-8 text (TOML files are UTF-8)"
        raise ConfigurationError(msg, path=where) from None
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
    tables = _READER.read(document, DocumentTable, path=source, account=None)
    try:
        network = DEFAULT_HTTP_SETTINGS.with_overrides(tables.network.overrides())
    except ValueError as exc:
        raise ConfigurationError(str(exc), path=source, key="network") from None
    # A relative credentials_file is relative to the file that names it, as a reader expects.
    folder = Path(source).parent if source is not None else Path()
    accounts = [_account(name, table, source, folder) for name, table in tables.accounts.items()]
    policy = PluginPolicy(
        block=tables.plugins.block, external=tables.plugins.external, strict=tables.plugins.strict
    )
    return FolioConfig(accounts=tuple(accounts), plugins=policy, source=source, network=network)


def _account(name: str, raw: object, source: str | None, folder: Path) -> AccountConfig:
    def fail(detail: str, key: str | None = None) -> ConfigurationError:
        return ConfigurationError(detail, path=source, account=name, key=key)

    if not NAME.match(name):
        msg = "account name must be 1-64 letters, digits, '_', '.' or '-'"
        if shown_name(name) is None:
            # It may be a secret pasted into a table name: neither quoted nor located by it.
            msg = msg.replace("name", "name (not shown: it may be a secret)", 1)
            raise ConfigurationError(msg, path=source)
        raise fail(msg)
    table = _READER.read(raw, AccountTable, path=source, account=name)
    network = table.network.overrides()
    if "max_concurrency" in network:
        msg = "is host-wide: set it in the top-level [network] table"
        raise fail(msg, "network.max_concurrency")
    account = AccountConfig(
        name=name,
        exchange=table.exchange,
        credentials=_credentials(table, fail, folder),
        base_url=table.base_url,
        options=table.options,
        source=source,
        network=network,
        allow_insecure_http=table.allow_insecure_http,
        wallets=table.wallets,
    )
    account.http_settings(DEFAULT_HTTP_SETTINGS)  # range errors now, not at the first call
    return account


def _credentials(
    table: AccountTable, fail: Callable[[str, str], ConfigurationError], folder: Path
) -> CredentialSource:
    """Where the account's secrets come from: environment variables, or a file.

    A relative ``credentials_file`` is taken from ``folder`` (the config file's directory) and
    stored absolute, so a later change of the working directory cannot change which file is
    read.
    """
    key_env, secret_env = table.api_key_env, table.api_secret_env
    passphrase_env = table.api_passphrase_env
    if table.credentials_file is not None:
        if key_env is not None or secret_env is not None or passphrase_env is not None:
            raise fail(
                "give either credentials_file or api_key_env/api_secret_env (with "
                "api_passphrase_env where the exchange needs one), not both",
                "credentials_file",
            )
        return FileCredentials(os.path.abspath(folder / expanded(table.credentials_file)))
    if key_env is None:
        raise fail("required key is missing", "api_key_env")
    if secret_env is None:
        raise fail("required key is missing", "api_secret_env")
    return EnvCredentials(key_env, secret_env, passphrase_env)
