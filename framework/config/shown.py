"""What a configuration error may quote: names and keys, never what may be a pasted secret.

Secrets belong in environment variables or a private credentials file, but people paste them
where a name belongs (``api_secret_env = "d4f0..."``, a table named after a key). Every message
about such a value goes through this module, so no message, ``repr`` or traceback echoes it
(docs/configuration.md, "Secrets never live in the file").
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "NAME",
    "NOT_SHOWN",
    "SECRET_RUN_LENGTH",
    "looks_like_a_secret",
    "shown_key",
    "shown_name",
    "shown_variable",
]

NAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
"""An account or exchange name: 1-64 letters, digits, ``_``, ``.`` or ``-``."""
_CONVENTIONAL_ENV_NAME: Final = re.compile(r"^[A-Z_][A-Z0-9_]{0,63}$")
_TOKEN_RUN: Final = re.compile(r"[A-Za-z0-9]+")
_KEY: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
SECRET_RUN_LENGTH: Final = 16
"""A run of letters and digits this long, mixing both, is taken for a key or secret."""
NOT_SHOWN: Final = "<not shown: it may be a secret>"
"""What an error says in place of a TOML key that may be a pasted secret."""


def looks_like_a_secret(value: str) -> bool:
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
    starting with a digit, and not looking like a key (:func:`looks_like_a_secret`). Anything
    else may be a secret pasted where a name belongs, so messages and ``repr`` say which
    account and key instead (docs/configuration.md, "Secrets never live in the file").
    """
    if _CONVENTIONAL_ENV_NAME.match(name) and not looks_like_a_secret(name):
        return name
    return None


def shown_key(key: str) -> str:
    """A TOML key as an error may quote it: ``key``, unless it may be a pasted secret.

    Keys are words (``api_secret_env``, ``read_timeout``); a key that is not shaped like one,
    or that looks like a key or secret (:func:`looks_like_a_secret`), is replaced by
    :data:`NOT_SHOWN`, so a secret pasted on the wrong side of ``=`` is not echoed.
    """
    if _KEY.match(key) and not looks_like_a_secret(key):
        return key
    return NOT_SHOWN


def shown_name(name: str) -> str | None:
    """``repr(name)`` for an error about an invalid account name, unless it may be a secret."""
    if looks_like_a_secret(name) or not name.isprintable() or len(name) > 2 * 64:
        return None
    return repr(name)
