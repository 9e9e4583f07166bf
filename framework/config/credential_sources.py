"""Where an account's API credentials come from: the environment, memory or a private file.

The key and the secret always; a passphrase for the exchanges that issue one (OKX).

Each source is read when the account is first used, not while the configuration loads, so a
file can be committed and shared before the secrets exist. Every source checks what it read
by the same rules (printable ASCII without spaces, at most :data:`MAX_SECRET_LENGTH`
characters; docs/configuration.md), so a copying accident fails here, naming the account and
the key, instead of later as a wrong signature. No value read is ever quoted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Final

import attrs

from framework.config.private_file import expanded, secret_fields
from framework.config.shown import shown_key, shown_variable
from framework.credentials import Credentials, Secret
from framework.errors import ConfigurationError

__all__ = [
    "MAX_SECRET_LENGTH",
    "CredentialSource",
    "EnvCredentials",
    "FileCredentials",
    "StaticCredentials",
]

MAX_SECRET_LENGTH: Final = 1024
"""Longest API key or secret accepted; exchanges issue 32-90 characters (docs/configuration.md)."""


def _unusable(value: str, *, chosen: bool = False) -> str | None:
    """Why ``value`` cannot be an exchange-issued key or secret; ``None`` if it can be.

    Exchanges issue keys and secrets in printable ASCII without spaces. Anything else is a
    copying accident (a trailing line break, a CRLF file) that would otherwise fail later as a
    wrong signature, or inside the HTTP library as what looks like a plugin bug. The reason
    never quotes the value. A key or secret wrapped in matching quotes was copied with the quotes
    of a shell or ``.env`` line (issued values are letters, digits and a few symbols), and
    would only come back as a wrong signature. A passphrase is chosen by the user, not issued
    (``chosen``), so a space inside it, or quotes around it, are allowed; leading or trailing
    whitespace still is not.
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
        (not chosen and any(c.isspace() for c in value), "contains a space"),
        (not value.isascii(), "contains a non-ASCII character"),
        (
            not chosen and len(value) > 1 and value[0] == value[-1] and value[0] in "\"'",
            "is wrapped in quotes (copied with the quotes of a shell or .env line?); "
            "give the value without them",
        ),
    )
    return next((reason for failed, reason in checks if failed), None)


_WHAT: Final = ("API key", "API secret", "API passphrase")


def _checked(
    values: Sequence[Secret],
    account: str,
    keys: Sequence[str],
    places: Sequence[str] = ("", "", ""),
    path: str | None = None,
) -> None:
    """Raise an error naming the account and key if the key, secret or passphrase is unusable.

    ``values`` are the key, the secret and optionally the passphrase, in that order; ``places``
    say where each value came from (" in environment variable X").
    """
    for index, (value, key, place) in enumerate(zip(values, keys, places, strict=False)):
        problem = _unusable(value.reveal(), chosen=index == 2)
        if problem is not None:
            msg = f"the {_WHAT[index]}{place} {problem}; it is not shown"
            raise ConfigurationError(msg, path=path, account=account, key=key)


def _built(values: Sequence[Secret]) -> Credentials:
    return Credentials(values[0], values[1], values[2] if len(values) > 2 else None)


@attrs.frozen(slots=True)
class EnvCredentials:
    """Credentials read from environment variables when the account is first used.

    Two variables (key and secret), and a third for the passphrase where the exchange issues
    one (``api_passphrase_env``).
    """

    api_key_env: str
    api_secret_env: str
    api_passphrase_env: str | None = None

    def __repr__(self) -> str:
        # A name that may be a pasted secret is not shown (see shown_variable).
        key, secret = (
            shown_variable(name) or "<not shown>"
            for name in (self.api_key_env, self.api_secret_env)
        )
        text = f"EnvCredentials(api_key_env={key!r}, api_secret_env={secret!r}"
        if self.api_passphrase_env is not None:
            shown = shown_variable(self.api_passphrase_env) or "<not shown>"
            text += f", api_passphrase_env={shown!r}"
        return text + ")"

    def resolve(self, account: str, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read the variables; a missing, empty or unusable one is a configuration error.

        The error names the account and the key (``api_secret_env``), and the variable only when
        :func:`shown_variable` allows it. Values are wrapped in :class:`Secret` as they are read
        and the environment is never bound to a local name, so an error tracker that records
        frame locals records no secret.
        """
        wanted = [
            ("api_key_env", self.api_key_env, "API key"),
            ("api_secret_env", self.api_secret_env, "API secret"),
        ]
        if self.api_passphrase_env is not None:
            wanted.append(("api_passphrase_env", self.api_passphrase_env, "API passphrase"))
        source = os.environ if environ is None else environ
        values = [Secret(source.get(var, "")) for _, var, _ in wanted]
        present = [var in source for _, var, _ in wanted]
        del environ, source  # the caller's mapping holds secrets: not kept in a frame that raises
        for (key, var, what), value, is_set in zip(wanted, values, present, strict=True):
            if not value:
                # Set but empty is another mistake than unset: an `export X=` line whose value
                # was lost, or a .env file with an empty entry; saying "not set" would send
                # the user looking for a missing export.
                state = "is set but empty" if is_set else "is not set"
                msg = f"{_variable(var, key)} {state} (it should hold the {what})"
                raise ConfigurationError(msg, account=account, key=key)
        places = [f" in {_variable(var, key)}" for key, var, _ in wanted]
        _checked(values, account, [key for key, _, _ in wanted], places)
        return _built(values)


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
        values = [held.api_key, held.api_secret]
        if held.api_passphrase is not None:
            values.append(held.api_passphrase)
        _checked(values, account, ("api_key", "api_secret", "api_passphrase"))
        return held


@attrs.frozen(slots=True)
class FileCredentials:
    """Credentials read from a TOML file (``api_key = "..."``, ``api_secret = "..."``).

    An ``api_passphrase = "..."`` line is read too, for exchanges that issue one.

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
        where = expanded(self.path)

        def fail(detail: str, key: str = "credentials_file") -> ConfigurationError:
            return ConfigurationError(detail, path=str(where), account=account, key=key)

        fields = secret_fields(where)
        if isinstance(fields, str):
            raise fail(fields)
        values: list[Secret] = []
        for key in ("api_key", "api_secret"):
            value = fields.get(key)
            if not isinstance(value, Secret) or not value:
                raise fail("missing or not a non-empty string", key)
            values.append(value)
        if "api_passphrase" in fields:
            passphrase = fields["api_passphrase"]
            if not isinstance(passphrase, Secret) or not passphrase:
                raise fail("missing or not a non-empty string", "api_passphrase")
            values.append(passphrase)
        unknown = sorted(set(fields) - {"api_key", "api_secret", "api_passphrase"})
        if unknown:
            raise fail("unknown key in the credentials file", shown_key(unknown[0]))
        place = " in the credentials file"
        keys = ("api_key", "api_secret", "api_passphrase")
        _checked(values, account, keys, (place, place, place), str(where))
        return _built(values)


CredentialSource = EnvCredentials | StaticCredentials | FileCredentials
