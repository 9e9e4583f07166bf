"""Which configuration file to read when none is named, and why that one.

A user runs ``folio`` from any directory; a host application is started by a service manager.
Both want the accounts found without repeating ``--config`` each time, and, when the file is
wrong, to be told which file was read and why it was that one: a stale ``FOLIO_CONFIG`` in a
shell profile is otherwise a puzzle. The order, first match wins (docs/configuration.md, "Where
the file is found"):

1. the path given explicitly (``--config PATH``, or a host's own setting);
2. the ``FOLIO_CONFIG`` environment variable, when set and not empty (used even when the file
   does not exist: the operator asked for that file, and reading another would hide the typo);
3. ``./folio.toml`` in the working directory, when it exists;
4. ``$XDG_CONFIG_HOME/folio/folio.toml`` when ``XDG_CONFIG_HOME`` is an absolute path and the
   file exists, then ``~/.config/folio/folio.toml`` when it exists.

When no file is found the answer is ``./folio.toml``, marked as not found, so that the
"not found" error lists every place that was looked at.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import attrs

from framework.config.accounts import FolioConfig
from framework.config.document import DEFAULT_CONFIG_PATH, load_config
from framework.errors import ConfigurationError

__all__ = ["CONFIG_ENV", "ConfigLocation", "ConfigOrigin", "locate_config"]

CONFIG_ENV: Final = "FOLIO_CONFIG"
"""The environment variable naming the configuration file."""


class ConfigOrigin(enum.Enum):
    """Why a configuration file was chosen; the value is how a message says it."""

    EXPLICIT = "given explicitly"
    ENVIRONMENT = f"from {CONFIG_ENV}"
    WORKING_DIRECTORY = "found in the working directory"
    USER_DEFAULT = "the per-user default, as there is no ./folio.toml here"
    NOT_FOUND = "no configuration file found"


@attrs.frozen
class ConfigLocation:
    """The configuration file to read, why it was chosen, and every place looked at."""

    path: str
    """The file to read (it may not exist when ``origin`` is EXPLICIT, ENVIRONMENT or
    NOT_FOUND)."""
    origin: ConfigOrigin
    """Why this file."""
    searched: tuple[str, ...] = ()
    """The default places looked at, in order, when no path was given."""
    explicit_name: str = "--config"
    """How an explicit path was given, for messages (the CLI's ``--config``)."""

    @property
    def reason(self) -> str:
        """Why this file, as a message says it, e.g. ``from FOLIO_CONFIG``."""
        if self.origin is ConfigOrigin.EXPLICIT:
            return f"from {self.explicit_name}"
        if self.origin is ConfigOrigin.NOT_FOUND:
            return f"looked at {', '.join(self.searched)}; {CONFIG_ENV} is not set"
        reason: str = self.origin.value
        return reason

    def explain(self, error: ConfigurationError) -> ConfigurationError:
        """``error`` with the reason this file was chosen added, when it is about this file.

        The new error keeps the type, file, account and key, so it is located as before.
        """
        if error.path != self.path:
            return error
        return ConfigurationError(
            f"{error.detail} ({self.reason})", path=error.path, account=error.account, key=error.key
        )

    def load(self) -> FolioConfig:
        """Read and check the file; an error about it says why this file was read."""
        try:
            return load_config(self.path)
        except ConfigurationError as exc:
            raise self.explain(exc) from None


def _user_defaults(environ: Mapping[str, str], home: Path | None) -> list[str]:
    places: list[str] = []
    xdg = environ.get("XDG_CONFIG_HOME", "")
    # The XDG Base Directory specification says a relative value is to be ignored.
    if xdg and os.path.isabs(xdg):
        places.append(os.path.join(xdg, "folio", "folio.toml"))
    if home is not None:
        places.append(os.fspath(home / ".config" / "folio" / "folio.toml"))
    return list(dict.fromkeys(places))


def _home() -> Path | None:
    try:
        return Path.home()
    except RuntimeError:  # no HOME and no password entry: no per-user default
        return None


def locate_config(
    explicit: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
    explicit_name: str = "--config",
) -> ConfigLocation:
    """Choose the configuration file in the documented order (see the module docstring).

    ``environ`` defaults to ``os.environ`` and ``home`` to the user's home directory; a host
    (and a test) can pass its own. ``./folio.toml`` is relative to the working directory.
    """
    if explicit is not None:
        return ConfigLocation(os.fspath(explicit), ConfigOrigin.EXPLICIT, (), explicit_name)
    env = os.environ if environ is None else environ
    named = env.get(CONFIG_ENV, "")
    if named:
        return ConfigLocation(named, ConfigOrigin.ENVIRONMENT, (), explicit_name)
    searched = (DEFAULT_CONFIG_PATH, *_user_defaults(env, _home() if home is None else home))
    for place, origin in zip(
        searched,
        [ConfigOrigin.WORKING_DIRECTORY] + [ConfigOrigin.USER_DEFAULT] * (len(searched) - 1),
        strict=True,
    ):
        if os.path.lexists(place):
            return ConfigLocation(place, origin, searched, explicit_name)
    return ConfigLocation(DEFAULT_CONFIG_PATH, ConfigOrigin.NOT_FOUND, searched, explicit_name)
