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
    allow_insecure_http = false             # true: accept http:// to a host not on this machine

    [accounts.main.options]      # optional, exchange-specific, checked by the exchange's plugin
    account_group = 6

    [accounts.main.network]      # optional: this account's timeouts and retries
    read_timeout = 20

    [accounts.vault]             # credentials from a file only its owner can read
    exchange = "ascendex"
    credentials_file = "vault.toml"   # api_key = "...", api_secret = "..."; relative to this file

    [network]                    # optional: every account's defaults (see framework.settings)
    connect_timeout = 3
    max_attempts = 3

Secrets stay out of the file so that the file can be committed, shared and printed; a
``credentials_file`` holds them apart and is refused when others may read it (as ssh refuses
such a key). Keys are checked strictly: a misspelt key is a typo that would otherwise be
silently ignored, so it is an error naming the file, the account and the key. Hosts can build
the same objects in Python, checked by the same rules.

What loading refuses, so that no bad value first fails inside a plugin (where it would look like
a plugin bug, or like a wrong signature), is listed in docs/configuration.md: keys and secrets
that are not printable ASCII without spaces (a pasted line break) or longer than any issued
key, an ``exchange`` that is not a name, a ``base_url`` that is not a plain lower-case
``http(s)://host[:port][/path]`` URL with a connectable host, ``http://`` to a host that is not
this machine unless the account sets ``allow_insecure_http``, and a credentials file that is
not a private regular file of the user running folio. A value that may be a secret is never quoted
in a message or a ``repr``: variable names are shown only when they look like conventional
names (:func:`shown_variable`).
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import shlex
import socket
import stat
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import urlsplit

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
    "PluginPolicy",
    "StaticCredentials",
    "load_config",
    "parse_config",
    "plain_http_to_another_host",
    "shown_variable",
]

DEFAULT_CONFIG_PATH: Final = "folio.toml"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONVENTIONAL_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,63}$")
_TOKEN_RUN = re.compile(r"[A-Za-z0-9]+")
SECRET_RUN_LENGTH: Final = 16
"""A run of letters and digits this long, mixing both, is taken for a key or secret."""
MAX_SECRET_LENGTH: Final = 1024
"""Longest API key or secret accepted; exchanges issue 32-90 characters (docs/configuration.md)."""
MAX_CREDENTIALS_FILE_BYTES: Final = 64 * 1024
"""Largest credentials file read; it holds two short lines (docs/configuration.md)."""
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


def _looks_like_a_secret(value: str) -> bool:
    """A run of 16 or more letters and digits that mixes both: an API key, not a name.

    Variable names are words joined by ``_`` (``ASCENDEX_API_KEY``, ``DESK2_SECRET``);
    exchange keys and secrets are 20-90 random characters (hex in either case, base64 or its
    URL-safe form with ``_`` and ``-``), so some stretch of 16 without a separator mixes
    letters and digits. Telling them apart keeps a secret pasted into ``api_secret_env`` out of
    every message.
    """
    return any(
        len(run) >= SECRET_RUN_LENGTH
        and any(c.isdigit() for c in run)
        and any(c.isalpha() for c in run)
        for run in _TOKEN_RUN.findall(value)
    )


def shown_variable(name: str) -> str | None:
    """``name`` if it may be printed: a conventional variable name, else ``None``.

    Conventional means upper-case letters, digits and ``_``, at most 64 characters, not
    starting with a digit, and not looking like a key (:func:`_looks_like_a_secret`). Anything
    else may be a secret pasted where a name belongs, so messages and ``repr`` say which
    account and key instead (docs/configuration.md, "Secrets never live in the file").
    """
    if _CONVENTIONAL_ENV_NAME.match(name) and not _looks_like_a_secret(name):
        return name
    return None


def _shown_key(key: str) -> str:
    """A TOML key as an error may quote it: ``key``, unless it may be a pasted secret.

    Keys are words (``api_secret_env``, ``read_timeout``); a key that is not shaped like one,
    or that looks like a key or secret (:func:`_looks_like_a_secret`), is replaced by a
    placeholder, so a secret pasted on the wrong side of ``=`` is not echoed.
    """
    if _KEY.match(key) and not _looks_like_a_secret(key):
        return key
    return "<not shown: it may be a secret>"


def _unusable(value: str) -> str | None:
    """Why ``value`` cannot be an exchange-issued key or secret; ``None`` if it can be.

    Exchanges issue keys and secrets in printable ASCII without spaces. Anything else is a
    copying accident (a trailing line break, a CRLF file) that would otherwise fail later as a
    wrong signature, or inside the HTTP library as what looks like a plugin bug. The reason
    never quotes the value.
    """
    if not value:
        return "is empty"
    if len(value) > MAX_SECRET_LENGTH:  # before scanning a value of any length further
        return f"is longer than any exchange-issued key or secret ({MAX_SECRET_LENGTH} characters)"
    checks = (
        (value != value.strip(), "has leading or trailing whitespace (a copied line break?)"),
        (
            any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value),
            "contains a control character (a line break, tab, NUL ...)",
        ),
        (any(c.isspace() for c in value), "contains a space"),
        (not value.isascii(), "contains a non-ASCII character"),
    )
    return next((reason for failed, reason in checks if failed), None)


def _checked(
    values: Sequence[Secret],
    account: str,
    keys: Sequence[str],
    places: Sequence[str] = ("", ""),
    path: str | None = None,
) -> None:
    """Raise an error naming the account and key if the key or secret cannot be used.

    ``places`` say where each value came from (" in environment variable X").
    """
    for value, key, place, what in zip(
        values, keys, places, ("API key", "API secret"), strict=True
    ):
        problem = _unusable(value.reveal())
        if problem is not None:
            msg = f"the {what}{place} {problem}; it is not shown"
            raise ConfigurationError(msg, path=path, account=account, key=key)


@attrs.frozen(slots=True)
class EnvCredentials:
    """Credentials read from two environment variables when the account is first used."""

    api_key_env: str
    api_secret_env: str

    def __repr__(self) -> str:
        # A name that may be a pasted secret is not shown (see shown_variable).
        key, secret = (
            shown_variable(name) or "<not shown>"
            for name in (self.api_key_env, self.api_secret_env)
        )
        return f"EnvCredentials(api_key_env={key!r}, api_secret_env={secret!r})"

    def resolve(self, account: str, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read both variables; a missing, empty or unusable one is a configuration error.

        The error names the account and the key (``api_secret_env``), and the variable only when
        :func:`shown_variable` allows it. Values are wrapped in :class:`Secret` as they are read
        and the environment is never bound to a local name, so an error tracker that records
        frame locals records no secret.
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
                msg = f"{_variable(var, key)} is not set (it should hold the {what})"
                raise ConfigurationError(msg, account=account, key=key)
        places = [f" in {_variable(var, key)}" for key, var, _ in wanted]
        _checked(values, account, [key for key, _, _ in wanted], places)
        return Credentials(values[0], values[1])


def _variable(name: str, key: str) -> str:
    shown = shown_variable(name)
    if shown is not None:
        return f"environment variable {shown}"
    return f"the environment variable named by {key} (its name is not shown: it may be a secret)"


@attrs.frozen(slots=True)
class StaticCredentials:
    """Credentials a host already holds (from its vault, say), given to folio in memory."""

    credentials: Credentials

    def resolve(self, account: str, environ: Mapping[str, str] | None = None) -> Credentials:
        """Return the held credentials, checked as the other sources check theirs.

        The signature matches :class:`EnvCredentials`.
        """
        held = self.credentials
        _checked((held.api_key, held.api_secret), account, ("api_key", "api_secret"))
        return held


@attrs.frozen(slots=True)
class FileCredentials:
    """Credentials read from a TOML file (``api_key = "..."``, ``api_secret = "..."``).

    For hosts where environment variables leak (process listings, crash reports). The file
    must be a regular file of the user running folio (or of root), accessible to its owner
    only (``chmod 600``): a file that group or other users may read or change, or that another
    user owns (and so may rewrite), is refused, as ssh refuses such a private key, since its
    secrets may already be known to them (docs/configuration.md). A FIFO or device is refused
    before anything is read from it: reading one would block or never end.
    """

    path: str
    """Where the file is; ``parse_config`` makes a relative path relative to the config file."""

    def resolve(self, account: str, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read the file; a missing, unsafe or broken file or key is an error naming it."""
        del environ  # unused; may hold secrets, so not kept in a frame that raises
        where = _expanded(self.path)

        def fail(detail: str, key: str = "credentials_file") -> ConfigurationError:
            return ConfigurationError(detail, path=str(where), account=account, key=key)

        fields = _secret_fields(where)
        if isinstance(fields, str):
            raise fail(fields)
        values: list[Secret] = []
        for key in ("api_key", "api_secret"):
            value = fields.get(key)
            if not isinstance(value, Secret) or not value:
                raise fail("missing or not a non-empty string", key)
            values.append(value)
        unknown = sorted(set(fields) - {"api_key", "api_secret"})
        if unknown:
            raise fail("unknown key in the credentials file", _shown_key(unknown[0]))
        place = " in the credentials file"
        _checked(values, account, ("api_key", "api_secret"), (place, place), str(where))
        return Credentials(values[0], values[1])


def _secret_fields(path: Path) -> dict[str, object] | str:
    """The file's top-level keys, string values wrapped in Secret; else what is wrong.

    The file is opened once, without blocking (a FIFO would otherwise wait for a writer
    forever), and its kind, owner and permissions are checked on the open descriptor before
    anything is read, so what is checked is what is read. At most
    :data:`MAX_CREDENTIALS_FILE_BYTES` are read. The plain text never outlives this function,
    and no frame that raises holds it in a local: problems are returned, not raised.
    """
    raw = _private_bytes(path)
    if isinstance(raw, str):
        return raw
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return "the credentials file is not UTF-8 text"
    except tomllib.TOMLDecodeError:
        # The parser quotes the offending line, which may hold the secret: not repeated.
        return "the credentials file is not valid TOML"
    return {
        key: Secret(value) if isinstance(value, str) else type(value).__name__
        for key, value in document.items()
    }


def _private_bytes(path: Path) -> bytes | str:
    """The bytes of the credentials file at ``path``, or why they must not be read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        with os.fdopen(os.open(path, flags | getattr(os, "O_CLOEXEC", 0)), "rb") as file:
            problem = _unsafe_file(os.fstat(file.fileno()), path)
            raw = file.read(MAX_CREDENTIALS_FILE_BYTES + 1) if problem is None else b""
    except OSError as exc:
        return f"cannot read the credentials file: {exc.strerror}"
    except ValueError:  # a NUL in the path
        return "cannot read the credentials file: the path is not valid"
    if problem is not None:
        return problem
    if len(raw) > MAX_CREDENTIALS_FILE_BYTES:
        return f"the credentials file is larger than {MAX_CREDENTIALS_FILE_BYTES} bytes"
    return raw


def _unsafe_file(status: os.stat_result, path: Path) -> str | None:
    """Why a credentials file with this ``fstat`` must not be read; ``None`` if it may."""
    if not stat.S_ISREG(status.st_mode):
        return "the credentials file is not a regular file (a directory, FIFO or device)"
    if os.name == "nt":
        return None
    owner = os.geteuid()
    if status.st_uid not in {owner, 0}:
        return (
            f"the credentials file belongs to another user (uid {status.st_uid}), who may "
            f"read or rewrite it; keep your own copy, owned by uid {owner}, with chmod 600"
        )
    mode = stat.S_IMODE(status.st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"other users may read or change the credentials file (mode {mode:04o}); "
            f"make it private with: chmod 600 {shlex.quote(str(path))}"
        )
    return None


def _expanded(path: str) -> Path:
    """``path`` with a leading ``~`` expanded; unchanged if there is no such home directory.

    An unknown ``~user`` then fails as a file that cannot be read, naming the path, instead
    of as the ``RuntimeError`` that ``Path.expanduser`` raises.
    """
    try:
        return Path(path).expanduser()
    except RuntimeError:
        return Path(path)


CredentialSource = EnvCredentials | StaticCredentials | FileCredentials


def _check_name(_instance: object, _attribute: attrs.Attribute[Any], value: str) -> None:
    if not _NAME.match(value):
        shown = _shown_name(value)
        msg = (
            f"account name {shown + ' ' if shown else '(not shown: it may be a secret) '}"
            "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit"
        )
        raise ConfigurationError(msg, account=value if shown else None)


def _shown_name(name: str) -> str | None:
    """``repr(name)`` for an error about an invalid account name, unless it may be a secret."""
    if _looks_like_a_secret(name) or not name.isprintable() or len(name) > 2 * 64:
        return None
    return repr(name)


_EXCHANGE_PROBLEM: Final = (
    "must be an exchange's name as its plugin declares it ('folio plugins' lists them): "
    "1-64 letters, digits, '_', '.' or '-'; the value given is not shown"
)


def _exchange_problem(value: object) -> str | None:
    """What is wrong with an ``exchange`` value, without quoting it; ``None`` if nothing.

    Exchange names are short words that results and errors print; a value shaped otherwise,
    or looking like a key (:func:`_looks_like_a_secret`), is refused here, before a read
    could print it in "no installed plugin serves exchange ...".
    """
    if isinstance(value, str) and _NAME.match(value) and not _looks_like_a_secret(value):
        return None
    return _EXCHANGE_PROBLEM


def _lower(value: str) -> str:
    return value.lower()


_LOOPBACK_NAMES: Final = frozenset({"localhost"})
_NUMERIC_IPV4: Final = re.compile(r"^[0-9a-fA-FxX.]+$")
_LABEL: Final = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")


def _is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine: ``localhost``, 127.0.0.0/8 or ``::1``.

    ``0.0.0.0`` and names such as ``localhost.example.com`` are other hosts. Shortened numeric
    spellings (``127.1``) never get here: :func:`_short_ipv4` refuses them first.
    """
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _short_ipv4(host: str) -> bool:
    """Whether ``host`` is an IPv4 address in a shortened or numeric spelling.

    ``127.1``, ``2130706433`` and ``0x7f.1`` are addresses to the system's resolver, but the
    async HTTP stack refuses them as URL hosts, so they would fail at the first read.
    """
    if not _NUMERIC_IPV4.match(host):
        return False
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        pass
    else:
        return False
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    return True


def _normalised_scheme(url: str) -> str:
    """``url`` with its scheme in lower case: ``HTTP://`` is ``http://`` (RFC 3986, 3.1)."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.lower()}{sep}{rest}" if sep else url


_UPPER_SCHEME: Final = (
    "must be an http:// or https:// URL with the scheme in lower case (write http:// or "
    "https://; an upper-case scheme is refused, not guessed)"
)


def plain_http_to_another_host(url: str) -> bool:
    """Whether ``url`` is ``http://`` (in any case) to a host that is not this machine.

    Such a ``base_url`` needs ``allow_insecure_http = true`` (see :func:`_base_url_problem`);
    a simulator served on ``0.0.0.0`` for another machine is reached this way.
    """
    url = _normalised_scheme(url)
    if not url.startswith("http://"):
        return False
    _problem, host = _url_shape(url)
    return not _is_loopback(host)


def _base_url_problem(url: object, allow_insecure_http: bool) -> str | None:
    """What is wrong with a ``base_url``, without quoting it; ``None`` if it can be used.

    The adapters append endpoint paths to it, so it must be a plain
    ``http(s)://host[:port][/path]``: no query, fragment or user name (which ``repr`` and
    errors would show), and a host the HTTP library can connect to (an address, or a name
    of valid DNS labels), so that a bad one fails here and not inside a plugin, where it would
    look like a plugin bug. The scheme must be written in lower case. ``http://`` carries the
    API key and signatures in clear text, so it is accepted for this machine only (the
    simulators) unless the account opts in.
    """
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        if isinstance(url, str) and _normalised_scheme(url).startswith(("http://", "https://")):
            return _UPPER_SCHEME
        return "must be an http:// or https:// URL"
    problem, host = _url_shape(url)
    if problem is None and url.startswith("http://") and not allow_insecure_http and (
        not _is_loopback(host)
    ):
        problem = (
            "http:// sends the API key and signatures in clear text to a host that is not this "
            "machine; use https://, or set allow_insecure_http = true for this account"
        )
    return problem


def _url_shape(url: str) -> tuple[str | None, str]:
    """(what is wrong with the URL's form or ``None``, its host)."""
    bad_host = "must be a URL with a valid host and port (1-65535)"
    if not url.isascii() or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        return "must be a URL without spaces, control characters or non-ASCII characters", ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return bad_host, ""
    checks = (
        (
            _short_ipv4(parts.hostname or ""),
            "must write an IPv4 address in full, e.g. 127.0.0.1 (not 127.1 or 2130706433)",
        ),
        (not parts.hostname or port == 0 or _host_problem(parts.hostname), bad_host),
        ("@" in parts.netloc, "must not hold a user name or password"),
        (
            bool(parts.query or parts.fragment) or url.endswith(("?", "#")),
            "must not have a query (?...) or fragment (#...): endpoint paths are appended",
        ),
    )
    return next((msg for failed, msg in checks if failed), None), parts.hostname or ""


def _host_problem(host: str) -> bool:
    """Whether ``host`` (as ``urlsplit`` gives it) cannot be connected to as written.

    An IP address, or a DNS name: labels of 1-63 letters, digits, ``_`` or ``-`` (not first or
    last), 253 characters at most, one trailing dot allowed, and every ``xn--`` label valid
    IDNA (docs/configuration.md). Percent-encoded or otherwise malformed names are refused.
    """
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return False
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        return True
    punycode = [label.lower() for label in labels if label.lower().startswith("xn--")]
    if not punycode:
        return False
    import idna  # noqa: PLC0415 - only for xn-- names: keeps it out of every start-up

    try:
        for label in punycode:
            idna.decode(label)
    except (idna.IDNAError, UnicodeError):
        return True
    return False


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


def _check_exchange(instance: object, _attribute: attrs.Attribute[Any], value: str) -> None:
    if _exchange_problem(value) is not None:
        name = getattr(instance, "name", None)
        raise ConfigurationError(_EXCHANGE_PROBLEM, account=name, key="exchange")


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

    def __attrs_post_init__(self) -> None:
        # After every field is set: the URL rule depends on allow_insecure_http.
        if self.base_url is not None:
            problem = _base_url_problem(self.base_url, self.allow_insecure_http is True)
            if problem is not None:
                raise self.config_error(problem, key="base_url")

    def __copy__(self) -> AccountConfig:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> AccountConfig:
        # Frozen, with read-only mappings that copy cannot pickle: a copy is the same value.
        return self

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


_ACCOUNT_KEYS: Final = frozenset(
    {"exchange", "api_key_env", "api_secret_env", "credentials_file", "base_url",
     "allow_insecure_http", "options", "network"}
)
_INTEGER_NETWORK_KEYS: Final = frozenset(
    {"max_attempts", "max_connections", "max_concurrency", "max_body_bytes"}
)
_PLUGIN_KEYS: Final = frozenset({"block", "external", "strict"})


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
    unknown = set(document) - {"accounts", "plugins", "network"}
    if unknown:
        key = _shown_key(sorted(unknown)[0])
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
    # A relative credentials_file is relative to the file that names it, as a reader expects.
    folder = Path(source).parent if source is not None else Path()
    accounts = [
        _parse_account(name, table, source, folder) for name, table in accounts_table.items()
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
            expected = f"unknown key (expected one of {sorted(NETWORK_KEYS)})"
            raise fail(expected, f"{where}.{_shown_key(key)}")
        if account is not None and key == "max_concurrency":
            raise fail("is host-wide: set it in the top-level [network] table", f"{where}.{key}")
        integral = key in _INTEGER_NETWORK_KEYS
        if isinstance(value, bool) or not isinstance(value, int if integral else (int, float)):
            kind = "an integer" if integral else "a number of seconds"
            raise fail(f"must be {kind}", f"{where}.{key}")
        if not math.isfinite(value):
            # TOML has inf and nan; an infinite timeout fails deep inside the HTTP library.
            raise fail("must be a finite number of seconds", f"{where}.{key}")
    return dict(table)


def _parse_plugins(table: object, source: str | None) -> PluginPolicy:
    if not isinstance(table, dict):
        raise ConfigurationError("'plugins' must be a table", path=source, key="plugins")
    for key in table:
        if key not in _PLUGIN_KEYS:
            msg = f"unknown key in [plugins] (expected one of {sorted(_PLUGIN_KEYS)})"
            raise ConfigurationError(msg, path=source, key=f"plugins.{_shown_key(key)}")
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


def _parse_credentials(
    table: Mapping[str, Any], fail: Callable[[str, str], ConfigurationError], folder: Path
) -> CredentialSource:
    """Where the account's secrets come from: two environment variables, or a file.

    A relative ``credentials_file`` is taken from ``folder`` (the config file's directory) and
    stored absolute, so a later change of the working directory cannot change which file is
    read.
    """
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
        if "\0" in strings["credentials_file"]:
            raise fail("must be a path (it holds a NUL character)", "credentials_file")
        return FileCredentials(os.path.abspath(folder / _expanded(strings["credentials_file"])))
    return EnvCredentials(strings["api_key_env"], strings["api_secret_env"])


def _parse_account(
    name: str, table: object, source: str | None, folder: Path
) -> AccountConfig:
    def fail(detail: str, key: str | None = None) -> ConfigurationError:
        return ConfigurationError(detail, path=source, account=name, key=key)

    if not _NAME.match(name):
        msg = "account name must be 1-64 letters, digits, '_', '.' or '-'"
        if _shown_name(name) is None:
            # It may be a secret pasted into a table name: neither quoted nor located by it.
            msg = msg.replace("name", "name (not shown: it may be a secret)", 1)
            raise ConfigurationError(msg, path=source)
        raise fail(msg)
    if not isinstance(table, dict):
        raise fail("must be a table")
    for key in table:
        if key not in _ACCOUNT_KEYS:
            msg = f"unknown key (expected one of {sorted(_ACCOUNT_KEYS)})"
            raise fail(msg, _shown_key(key))
    exchange = table.get("exchange")
    if exchange is None:
        raise fail("required key is missing", "exchange")
    if not isinstance(exchange, str) or not exchange:
        raise fail("must be a non-empty string", "exchange")
    if _exchange_problem(exchange) is not None:
        raise fail(_EXCHANGE_PROBLEM, "exchange")
    credentials = _parse_credentials(table, fail, folder)
    insecure = table.get("allow_insecure_http", False)
    if not isinstance(insecure, bool):
        raise fail("must be true or false", "allow_insecure_http")
    base_url = table.get("base_url")
    if base_url is not None:
        problem = _base_url_problem(base_url, insecure)
        if problem is not None:
            raise fail(problem, "base_url")
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
        allow_insecure_http=insecure,
    )
    account.http_settings(DEFAULT_HTTP_SETTINGS)  # range errors now, not at the first call
    return account
