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

    [accounts.main.network]      # optional: this account's timeouts and retries
    read_timeout = 20

    [accounts.vault]             # credentials from a file only its owner can read
    exchange = "ascendex"
    credentials_file = "~/.config/folio/vault.toml"   # api_key = "...", api_secret = "..."

    [network]                    # optional: every account's defaults (see framework.settings)
    connect_timeout = 3
    max_attempts = 3

Secrets stay out of the file so that the file can be committed, shared and printed; a
``credentials_file`` holds them apart, and a warning says so when others may read it. Keys are
checked strictly: a misspelt key is a typo that would otherwise be silently ignored, so it is an
error naming the file, the account and the key. Hosts can build the same objects in Python.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import attrs

from framework.credentials import Credentials, Secret
from framework.errors import ConfigurationError
from framework.settings import DEFAULT_HTTP_SETTINGS, NETWORK_KEYS, HttpSettings

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "AccountConfig",
    "EnvCredentials",
    "FileCredentials",
    "FolioConfig",
    "InsecureCredentialsWarning",
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
        """Read both variables; a missing or empty one is a configuration error naming it.

        Values are wrapped in :class:`Secret` as they are read and the environment is never
        bound to a local name, so an error tracker that records frame locals records no secret.
        """
        wanted = (
            ("api_key_env", self.api_key_env, "API key"),
            ("api_secret_env", self.api_secret_env, "API secret"),
        )
        values = [Secret((os.environ if environ is None else environ).get(var, ""))
                  for _, var, _ in wanted]
        del environ  # the caller's mapping holds secrets: not kept in a frame that raises
        for (key, var, what), value in zip(wanted, values, strict=True):
            if not value:
                msg = f"environment variable {var} is not set (it should hold the {what})"
                raise ConfigurationError(msg, account=account, key=key)
        return Credentials(values[0], values[1])


@attrs.frozen(slots=True)
class StaticCredentials:
    """Credentials a host already holds (from its vault, say), given to folio in memory."""

    credentials: Credentials

    def resolve(self, account: str, environ: Mapping[str, str] | None = None) -> Credentials:
        """Return the held credentials; the signature matches :class:`EnvCredentials`."""
        return self.credentials


class InsecureCredentialsWarning(UserWarning):
    """A credentials file can be read by users other than its owner."""


@attrs.frozen(slots=True)
class FileCredentials:
    """Credentials read from a TOML file (``api_key = "..."``, ``api_secret = "..."``).

    For hosts where environment variables leak (process listings, crash reports). The file
    should be readable by its owner only (``chmod 600``); otherwise a warning names the file.
    """

    path: str

    def resolve(self, account: str, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read the file; a missing file or key is a configuration error naming it."""
        del environ  # unused; may hold secrets, so not kept in a frame that raises
        where = Path(self.path).expanduser()

        def fail(detail: str, key: str = "credentials_file") -> ConfigurationError:
            return ConfigurationError(detail, path=str(where), account=account, key=key)

        try:
            mode = where.stat().st_mode
        except OSError as exc:
            raise fail(f"cannot read the credentials file: {exc.strerror}") from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            warnings.warn(
                f"{where} (credentials of account {account!r}) is accessible to other users; "
                "restrict it with 'chmod 600'",
                InsecureCredentialsWarning,
                stacklevel=2,
            )
        fields = _secret_fields(where)
        if fields is None:
            # The parser quotes the offending line, which may hold the secret: not repeated.
            raise fail("the credentials file is not valid TOML")
        values: list[Secret] = []
        for key in ("api_key", "api_secret"):
            value = fields.get(key)
            if not isinstance(value, Secret) or not value:
                raise fail("missing or not a non-empty string", key)
            values.append(value)
        unknown = sorted(set(fields) - {"api_key", "api_secret"})
        if unknown:
            raise fail("unknown key in the credentials file", unknown[0])
        return Credentials(values[0], values[1])


def _secret_fields(path: Path) -> dict[str, object] | None:
    """The file's top-level keys, string values wrapped in Secret; ``None`` if not TOML.

    The plain text never outlives this function: no frame that raises holds it in a local.
    """
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError:
        return None
    except OSError as exc:
        msg = f"cannot read the credentials file: {exc.strerror}"
        raise ConfigurationError(msg, path=str(path), key="credentials_file") from None
    return {
        key: Secret(value) if isinstance(value, str) else type(value).__name__
        for key, value in document.items()
    }


CredentialSource = EnvCredentials | StaticCredentials | FileCredentials


def _check_name(_instance: object, _attribute: attrs.Attribute[Any], value: str) -> None:
    if not _NAME.match(value):
        msg = (
            f"account name {value!r} must be 1-64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )
        raise ConfigurationError(msg, account=value)


def _lower(value: str) -> str:
    return value.lower()


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@attrs.frozen(slots=True)
class AccountConfig:
    """One account on one exchange.

    ``options`` are exchange-specific (e.g. AscendEX's pinned ``account_group``); the
    exchange's plugin validates them and names any key it does not know.
    """

    name: str = attrs.field(validator=_check_name)
    exchange: str = attrs.field(converter=_lower)
    """Exchange name; compared case-insensitively (stored lower case, as plugins declare)."""
    credentials: CredentialSource = attrs.field(repr=False)
    base_url: str | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)
    source: str | None = attrs.field(default=None, eq=False)
    """The file the account was read from, for error messages."""
    network: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)
    """Overrides of the host's network settings for this account (keys of NETWORK_KEYS)."""

    def http_settings(self, defaults: HttpSettings) -> HttpSettings:
        """The host's ``defaults`` with this account's ``network`` overrides applied."""
        if not self.network:
            return defaults
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


_ACCOUNT_KEYS: Final = frozenset(
    {"exchange", "api_key_env", "api_secret_env", "credentials_file", "base_url", "options",
     "network"}
)
_INTEGER_NETWORK_KEYS: Final = frozenset({"max_attempts", "max_connections", "max_concurrency"})
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
    unknown = set(document) - {"accounts", "plugins", "network"}
    if unknown:
        key = sorted(unknown)[0]
        msg = "unknown top-level table or key (expected 'accounts', 'plugins', 'network')"
        raise ConfigurationError(msg, path=source, key=key)
    policy = _parse_plugins(document.get("plugins", {}), source)
    network_table = _parse_network(document.get("network", {}), "network", source, None)
    try:
        network = DEFAULT_HTTP_SETTINGS.with_overrides(network_table)
    except ValueError as exc:
        raise ConfigurationError(str(exc), path=source, key="network") from None
    accounts_table = document.get("accounts", {})
    if not isinstance(accounts_table, dict):
        raise ConfigurationError("'accounts' must be a table", path=source, key="accounts")
    accounts = [
        _parse_account(name, table, source) for name, table in accounts_table.items()
    ]
    return FolioConfig(accounts=tuple(accounts), plugins=policy, source=source, network=network)


def _parse_network(
    table: object, where: str, source: str | None, account: str | None
) -> dict[str, Any]:
    """Check a ``[network]`` table's keys and value types; ranges are checked by the settings."""

    def fail(detail: str, key: str = where) -> ConfigurationError:
        return ConfigurationError(detail, path=source, account=account, key=key)

    if not isinstance(table, dict):
        raise fail("must be a table")
    for key, value in table.items():
        if key not in NETWORK_KEYS:
            raise fail(f"unknown key (expected one of {sorted(NETWORK_KEYS)})", f"{where}.{key}")
        if account is not None and key == "max_concurrency":
            raise fail("is host-wide: set it in the top-level [network] table", f"{where}.{key}")
        integral = key in _INTEGER_NETWORK_KEYS
        if isinstance(value, bool) or not isinstance(value, int if integral else (int, float)):
            kind = "an integer" if integral else "a number of seconds"
            raise fail(f"must be {kind}", f"{where}.{key}")
    return dict(table)


def _parse_plugins(table: object, source: str | None) -> PluginPolicy:
    if not isinstance(table, dict):
        raise ConfigurationError("'plugins' must be a table", path=source, key="plugins")
    for key in table:
        if key not in _PLUGIN_KEYS:
            msg = f"unknown key in [plugins] (expected one of {sorted(_PLUGIN_KEYS)})"
            raise ConfigurationError(msg, path=source, key=f"plugins.{key}")
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


def _looks_like_a_secret(value: str) -> bool:
    """A long mixed-case token with digits and no underscore: an API key, not a name.

    Variable names are conventionally upper case words joined by ``_`` (``ASCENDEX_API_KEY``);
    exchange keys and secrets are 20-90 random letters and digits. Telling them apart keeps a
    secret pasted into ``api_secret_env`` out of every message.
    """
    return (
        len(value) >= 16
        and "_" not in value
        and any(c.islower() for c in value)
        and any(c.isupper() for c in value)
        and any(c.isdigit() for c in value)
    )


def _parse_credentials(
    table: Mapping[str, Any], fail: Callable[[str, str], ConfigurationError]
) -> CredentialSource:
    """Where the account's secrets come from: two environment variables, or a file."""
    from_file = "credentials_file" in table
    if from_file and ({"api_key_env", "api_secret_env"} & set(table)):
        raise fail("give either credentials_file or api_key_env/api_secret_env", "credentials_file")
    keys = ("credentials_file",) if from_file else ("api_key_env", "api_secret_env")
    strings: dict[str, str] = {}
    for key in keys:
        if key not in table:
            raise fail("required key is missing", key)
        value = table[key]
        if not isinstance(value, str) or not value:
            raise fail("must be a non-empty string", key)
        if not from_file and (not _ENV_NAME.match(value) or _looks_like_a_secret(value)):
            msg = (
                "must be the NAME of an environment variable (letters, digits, '_'); this "
                "looks like a key or secret itself, so it is not shown"
                if _looks_like_a_secret(value)
                else "must be the NAME of an environment variable (letters, digits, '_')"
            )
            raise fail(msg, key)
        strings[key] = value
    if from_file:
        return FileCredentials(strings["credentials_file"])
    return EnvCredentials(strings["api_key_env"], strings["api_secret_env"])


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
    exchange = table.get("exchange")
    if exchange is None:
        raise fail("required key is missing", "exchange")
    if not isinstance(exchange, str) or not exchange:
        raise fail("must be a non-empty string", "exchange")
    credentials = _parse_credentials(table, fail)
    base_url = table.get("base_url")
    if base_url is not None and (
        not isinstance(base_url, str) or not base_url.startswith(("http://", "https://"))
    ):
        raise fail("must be an http:// or https:// URL", "base_url")
    options = table.get("options", {})
    if not isinstance(options, dict):
        raise fail("must be a table", "options")
    network = _parse_network(table.get("network", {}), "network", source, name)
    account = AccountConfig(
        name=name,
        exchange=exchange.lower(),
        credentials=credentials,
        base_url=base_url,
        options=options,
        source=source,
        network=network,
    )
    account.http_settings(DEFAULT_HTTP_SETTINGS)  # range errors now, not at the first call
    return account
