"""Checking an account's ``options`` table against an exchange's declared rules.

Each exchange declares, per option, what TOML value it accepts and what to say otherwise; this
module applies the table, so every exchange reports an unknown or ill-typed option the same
way: a :class:`~framework.errors.ConfigurationError` naming the file, the account and the key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from framework.errors import ConfigurationError

__all__ = ["Rule", "checked_options", "flag", "one_of", "whole"]

Rule = tuple[Callable[[object], bool], str]
"""(accepts the TOML value, what to say when it does not)."""


def flag(value: object) -> bool:
    """``true`` or ``false`` (not 0 or 1)."""
    return type(value) is bool


def whole(low: int, high: int | None = None) -> Callable[[object], bool]:
    """An integer (not a boolean) from ``low`` up to ``high``."""

    def accepts(value: object) -> bool:
        return type(value) is int and value >= low and (high is None or value <= high)

    return accepts


def one_of(*choices: str) -> Callable[[object], bool]:
    """One of the given strings, exactly."""

    def accepts(value: object) -> bool:
        return isinstance(value, str) and value in choices

    return accepts


def checked_options(
    options: Mapping[str, Any],
    rules: Mapping[str, Rule],
    *,
    exchange: str,
    account: str | None,
    source: str | None,
) -> dict[str, Any]:
    """The options, each accepted by its rule; else the error for the first bad key."""
    values: dict[str, Any] = {}
    for key, value in options.items():
        rule = rules.get(key)
        if rule is None:
            problem = f"unknown {exchange} option (expected one of {sorted(rules)})"
        else:
            accepts, problem = rule
            if accepts(value):
                values[key] = value
                continue
        raise ConfigurationError(problem, path=source, account=account, key=f"options.{key}")
    return values
