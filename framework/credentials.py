"""API credentials that cannot leak by accident.

A key or secret printed once in a log, a traceback or a ``repr`` is compromised. :class:`Secret`
makes the safe thing the default: its ``repr`` and ``str`` are fixed placeholders, it refuses to
be pickled or formatted into JSON by accident, and the only way to the value is the explicit,
greppable :meth:`Secret.reveal`, which only signers call.
"""

from __future__ import annotations

import hmac
from typing import Any, Final, NoReturn, final

import attrs

__all__ = ["REDACTED", "Credentials", "Secret"]

REDACTED: Final = "***"


@final
class Secret:
    """A string that never shows itself: ``repr``, ``str`` and ``format`` print ``***``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        checked: object = value  # hosts call this untyped; a bytes key would sign wrongly
        if not isinstance(checked, str):
            msg = f"a Secret holds a str, got {type(checked).__name__}"
            raise TypeError(msg)
        self._value = value

    def reveal(self) -> str:
        """The real value. Call it only where the value is used (signing a request)."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Secret({REDACTED!r})"

    def __str__(self) -> str:
        return REDACTED

    def __format__(self, format_spec: str) -> str:
        return REDACTED

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __copy__(self) -> Secret:
        # Immutable: a copy is the same value. Without this, copy and deepcopy (which hosts
        # apply to whole configurations) would reach __reduce__ and fail.
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Secret:
        return self

    def __reduce__(self) -> NoReturn:
        msg = "Secret values are not picklable: pass credentials explicitly"
        raise TypeError(msg)


def _is_secret(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Refuse a plain value where a :class:`Secret` belongs, naming only the field and type.

    attrs' own ``instance_of`` puts the value in the message and in the exception's
    arguments, where a traceback or an error tracker records it; and a plain ``str`` accepted
    here would be printed by the ``repr``.
    """
    if not isinstance(value, Secret):
        msg = f"{attribute.name} must be a Secret, got {type(value).__name__} (not shown)"
        raise TypeError(msg)


def _is_secret_or_none(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _is_secret(instance, attribute, value)


@attrs.frozen(slots=True)
class Credentials:
    """An API key, its secret and, where the exchange issues one, a passphrase.

    All three are treated as secrets: the key identifies the account, and the passphrase
    (OKX's third credential, chosen by the user when the key is created) is signed into every
    request like the secret. ``api_passphrase`` is ``None`` for exchanges without one; an
    exchange that needs it refuses an account without it (docs/configuration.md).
    """

    api_key: Secret = attrs.field(validator=_is_secret)
    api_secret: Secret = attrs.field(validator=_is_secret)
    api_passphrase: Secret | None = attrs.field(default=None, validator=_is_secret_or_none)

    @classmethod
    def from_strings(
        cls, api_key: str, api_secret: str, api_passphrase: str | None = None
    ) -> Credentials:
        """Wrap plain strings, e.g. read by a host from its own vault."""
        passphrase = None if api_passphrase is None else Secret(api_passphrase)
        return cls(Secret(api_key), Secret(api_secret), passphrase)
