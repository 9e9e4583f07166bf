"""Reading a TOML table into an attrs class with cattrs: no unknown key, no coerced value.

A misspelt key in ``folio.toml`` or in an account's ``options`` would otherwise be ignored, and
cattrs' default hooks coerce (``"20"`` read as 20, ``1`` as ``true``), so a typo would quietly
become another setting. Here every table is an attrs class whose fields each declare the
:data:`Rule` their TOML value must pass (:func:`checked_by`); a nested table is a field typed with
another such class. A :class:`TableReader` structures them with a ``cattrs.Converter`` that
forbids extra keys and uses those rules and nothing else, and turns the first problem into a
:class:`~framework.errors.ConfigurationError` naming the file, the account and the key, in the
rule's words, without quoting the value (docs/configuration.md). Plugins read their
``options`` table the same way (adapters/kit/options.py).

The converter is built, and cattrs imported, at a reader's first use: importing the framework
stays light, and a host pays only for the tables it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from framework.config.shown import shown_key
from framework.errors import ConfigurationError

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "TABLE",
    "Refused",
    "Rule",
    "TableReader",
    "checked_by",
    "flag",
    "one_of",
    "rule",
    "whole",
]

T = TypeVar("T")

Rule = Callable[[Any], Any]
"""Takes a TOML value; returns it as the field holds it, or raises :class:`Refused`."""

_RULE: Final = "folio.rule"
"""The attrs metadata key under which a field keeps its rule."""


class Refused(ValueError):
    """A rule's verdict on one value: ``str()`` says what it must be, never what it was."""


def rule(
    accepts: Callable[[Any], bool], says: str, convert: Callable[[Any], Any] | None = None
) -> Rule:
    """A rule from a test and what to say when it fails; ``convert`` shapes an accepted value."""

    def check(value: Any) -> Any:
        if not accepts(value):
            raise Refused(says)
        return value if convert is None else convert(value)

    return check


def flag(says: str = "must be true or false") -> Rule:
    """``true`` or ``false``: not 0 or 1, and not the string ``"true"``."""
    return rule(lambda value: type(value) is bool, says)


def whole(low: int, high: int | None = None, *, says: str) -> Rule:
    """An integer from ``low`` up to ``high``: not a boolean, not ``2.0``."""
    return rule(
        lambda value: type(value) is int and value >= low and (high is None or value <= high),
        says,
    )


def one_of(*choices: str, says: str, convert: Callable[[str], Any] | None = None) -> Rule:
    """Exactly one of the given strings (case matters), shaped by ``convert`` if given."""
    return rule(lambda value: isinstance(value, str) and value in choices, says, convert)


TABLE: Final = rule(lambda value: isinstance(value, dict), "must be a table")
"""A table kept as a plain mapping, for its reader to check (an account's ``options``)."""


def checked_by(check: Rule) -> Mapping[str, Rule]:
    """The attrs ``metadata`` of a field whose TOML value must pass ``check``.

    ``attrs.field(default=0, metadata=checked_by(whole(0, says=...)))``; a field without a
    default is a required key.
    """
    return {_RULE: check}


class TableReader:
    """Structures TOML tables into attrs classes built with :func:`checked_by` fields.

    ``unknown`` names, per class, what an unknown key in its table is called in the message
    (``"AscendEX option"``); the default is ``"key"``.
    """

    def __init__(self, unknown: Mapping[type, str] | None = None) -> None:
        self._unknown = dict(unknown or {})
        self._converter: cattrs.Converter | None = None

    def read(
        self,
        table: object,
        cls: type[T],
        *,
        path: str | None,
        account: str | None,
        prefix: str = "",
    ) -> T:
        """``table`` as ``cls``, or the error for its first problem.

        The error's key is ``prefix`` followed by the dotted path of the key at fault
        (``options.account_group``, ``network.read_timeout``); a table that is not a table at
        all is named by ``prefix`` without its dot, or not named when there is no prefix.
        """
        converter = self._converter or self._build()
        from cattrs.errors import BaseValidationError  # noqa: PLC0415 - imported by now

        try:
            return converter.structure(table, cls)
        except (BaseValidationError, Refused) as exc:  # a class without rules is a bug: raised
            keys, detail = self._problem(exc)
        # Raised outside the handler: cattrs' exception (which holds the table) is not kept
        # as the error's context, so a traceback cannot show a value pasted into the table.
        key = f"{prefix}{'.'.join(keys)}" if keys else prefix.rstrip(".") or None
        raise ConfigurationError(detail, path=path, account=account, key=key)

    def _build(self) -> cattrs.Converter:
        import cattrs  # noqa: PLC0415 - at the first read, not when the framework is imported
        from cattrs.gen import make_dict_structure_fn, override  # noqa: PLC0415

        converter = cattrs.Converter(forbid_extra_keys=True)

        def table_hook(cls: type) -> Callable[[Any, Any], Any]:
            attrs.resolve_types(cls)
            overrides: dict[str, Any] = {}
            for field in attrs.fields(cls):
                check = field.metadata.get(_RULE)
                if check is not None:
                    overrides[field.name] = override(struct_hook=_hook(check))
                elif not attrs.has(field.type):
                    # cattrs' own hook would coerce: every value needs a rule of its own.
                    msg = f"{cls.__name__}.{field.name} has no rule (use checked_by())"
                    raise TypeError(msg)
            generated: Callable[[Any, Any], Any] = make_dict_structure_fn(
                cls, converter, **overrides
            )

            def structure(value: Any, _type: Any) -> Any:
                if not isinstance(value, Mapping):
                    raise Refused("must be a table")
                return generated(value, cls)

            return structure

        converter.register_structure_hook_factory(attrs.has, table_hook)
        self._converter = converter
        return converter

    def _problem(self, exc: BaseException) -> tuple[tuple[str, ...], str]:
        """(the key path, what is wrong) for the first problem in cattrs' exception tree."""
        from cattrs.errors import ForbiddenExtraKeysError  # noqa: PLC0415 - imported by now

        keys, leaf = _first(exc)
        if isinstance(leaf, ForbiddenExtraKeysError):
            expected = sorted(field.name for field in attrs.fields(leaf.cl))
            noun = self._unknown.get(leaf.cl, "key")
            first = sorted(str(name) for name in leaf.extra_fields)[0]
            return (*keys, shown_key(first)), f"unknown {noun} (expected one of {expected})"
        if isinstance(leaf, KeyError):
            return keys, "required key is missing"
        if isinstance(leaf, Refused):
            return keys, str(leaf)
        # Not a rule's verdict: described by its type only, since its text may quote the value.
        return keys, f"cannot be read ({type(leaf).__name__}); the value is not shown"


def _first(
    exc: BaseException, keys: tuple[str, ...] = ()
) -> tuple[tuple[str, ...], BaseException]:
    """The first problem in cattrs' exception tree, and the keys that lead to it.

    An unknown key comes first (a typo explains the rest), then the fields in the order the
    class declares them.
    """
    from cattrs.errors import (  # noqa: PLC0415 - imported by now
        ClassValidationError,
        ForbiddenExtraKeysError,
    )

    if not isinstance(exc, ClassValidationError):
        return keys, exc
    with_notes, others = exc.group_exceptions()
    extra = [e for e in others if isinstance(e, ForbiddenExtraKeysError)]
    if extra:
        return keys, extra[0]
    if with_notes:
        inner, note = with_notes[0]
        return _first(inner, (*keys, note.name))
    return _first(others[0], keys) if others else (keys, exc)


def _hook(check: Rule) -> Callable[[Any, Any], Any]:
    """``check`` in the shape of a cattrs structure hook."""

    def structure(value: Any, _type: Any) -> Any:
        return check(value)

    return structure
