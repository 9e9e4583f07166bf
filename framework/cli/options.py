"""The global options, in one list, accepted before or after the subcommand.

Users write ``folio balances --config x.toml`` as often as ``folio --config x.toml balances``
(issue #11, section 5). argparse only accepts an option in the parser that declares it, so each
global option is declared twice: on the main parser with its default, and on every subcommand's
parser under a private destination with no default (``argparse.SUPPRESS``), so a subcommand
that was not given the option does not overwrite what the main parser read. :func:`merge`
then combines the two: for most options the later one (after the subcommand) wins; a counted
option such as ``-v`` adds up, so ``folio -v balances -v`` counts 2.

To add a global option, add one :class:`GlobalOption` to :data:`GLOBAL_OPTIONS`. The options
are documented in docs/cli.md ("Global options").
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from framework.cli.logs import LEVELS, level_name
from framework.config import CONFIG_ENV, DEFAULT_CONFIG_PATH
from framework.retry import DEFAULT_RETRY_POLICY

__all__ = [
    "ADD_UP",
    "GLOBAL_OPTIONS",
    "GlobalOption",
    "add_global_options",
    "config_path",
    "merge",
    "positive_seconds",
]

_AFTER: Final = "__after_command_"
"""Prefix of the suffix (with the nesting depth) of the destination where a subcommand's copy of
a global option writes: each level has its own, so ``folio -v config -v check -v`` counts 3."""


def _later_wins(_before: Any, after: Any) -> Any:
    return after


def _add_up(before: Any, after: Any) -> Any:
    return (before or 0) + (after or 0)


def positive_seconds(text: str) -> float:
    """Parse a duration in seconds for ``--timeout``: a number the ``deadline`` setting takes.

    ``nan``, ``inf``, zero, negative values and values below the ``deadline`` setting's own
    minimum (framework/retry.py) are refused with one line naming ``--timeout`` (argparse
    turns the ``ArgumentTypeError`` into a usage error, exit 2): a deadline that is never
    reached or already passed is not a deadline, and a value refused later by the network
    settings would be reported as an error of the configuration file, which has none.
    """
    try:
        value = float(text)
    except ValueError:
        msg = f"expected a number of seconds, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not (math.isfinite(value) and value > 0):
        msg = f"must be a positive, finite number of seconds, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    try:
        attrs.evolve(DEFAULT_RETRY_POLICY, deadline=value)
    except ValueError as exc:  # "deadline must be at least 0.001, got 1e-09"
        msg = f"too short for a deadline ({exc})"
        raise argparse.ArgumentTypeError(msg) from None
    return value


def config_path(text: str) -> str:
    """Parse ``--config``: a path, not an empty word (``--config ""`` or ``--config=``).

    An empty path would name the working directory, and "cannot read configuration file: Is
    a directory" does not say that the option was empty.
    """
    if not text.strip():
        msg = "expected the path of a TOML file, got an empty value"
        raise argparse.ArgumentTypeError(msg)
    return text


ADD_UP: Final = _add_up
"""``combine`` for a counted option (``action="count"``): ``folio -v balances -v`` is 2."""


@attrs.frozen
class GlobalOption:
    """One option every command accepts, before or after the subcommand's name.

    ``flags`` and ``arguments`` are what ``argparse.ArgumentParser.add_argument`` takes;
    ``arguments`` must name the ``dest`` and may name the ``default`` (the value when the option
    is given nowhere). ``combine(before, after)`` gives the value when the option is given on
    both sides of the subcommand: by default the later one wins; use :data:`ADD_UP` for a
    counted option.
    """

    flags: tuple[str, ...]
    arguments: Mapping[str, Any]
    combine: Callable[[Any, Any], Any] = _later_wins

    @property
    def dest(self) -> str:
        """The attribute of the parsed namespace that holds the option's value."""
        dest: str = self.arguments["dest"]
        return dest


GLOBAL_OPTIONS: Final[tuple[GlobalOption, ...]] = (
    GlobalOption(
        ("--config",),
        {
            "dest": "config",
            "default": None,
            "type": config_path,
            "metavar": "PATH",
            "help": f"TOML file listing the accounts (default: ${CONFIG_ENV}, else "
            f"./{DEFAULT_CONFIG_PATH}, else $XDG_CONFIG_HOME/folio/folio.toml, else "
            "~/.config/folio/folio.toml)",
        },
    ),
    GlobalOption(
        ("--timeout",),
        {
            "dest": "timeout",
            "default": None,
            "type": positive_seconds,
            "metavar": "SECONDS",
            "help": "longest time for each account's read, retries included (the deadline; "
            "default 30, or the configuration's [network] deadline); replaces every account's",
        },
    ),
    GlobalOption(
        ("-q", "--quiet"),
        {
            "dest": "quiet",
            "default": False,
            "action": "store_true",
            "help": "show no progress line on stderr while accounts are read (it is only ever "
            "shown when stderr is a terminal)",
        },
    ),
    GlobalOption(
        ("-v", "--verbose"),
        {
            "dest": "verbose",
            "default": 0,
            "action": "count",
            "help": "log folio's records to stderr: -v each retry (INFO), -vv every request "
            "(DEBUG); never a credential",
        },
        combine=ADD_UP,
    ),
    GlobalOption(
        ("--log-level",),
        {
            "dest": "log_level",
            "default": None,
            "type": level_name,
            "metavar": "LEVEL",
            "help": f"log folio's records at LEVEL and up to stderr ({', '.join(LEVELS)}); "
            "wins over -v",
        },
    ),
)
"""Every global option, in the order ``--help`` lists them."""


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """Declare :data:`GLOBAL_OPTIONS` on ``parser`` and on every subcommand below it.

    Call it once, on the top-level parser, after every command has been registered: the
    top-level parser gets the defaults; each subcommand's parser gets each option under a
    private destination with no default, read back by :func:`merge`.
    """
    _declare(parser, depth=0)


def _declare(parser: argparse.ArgumentParser, *, depth: int) -> None:
    group = parser.add_argument_group("global options (before or after the command)")
    for option in GLOBAL_OPTIONS:
        arguments = dict(option.arguments)
        if depth:
            arguments["dest"] = f"{option.dest}{_AFTER}{depth}"
            arguments["default"] = argparse.SUPPRESS
        group.add_argument(*option.flags, **arguments)
    # argparse has no public way to walk the subcommands: its private list of actions it is.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases share one parser
                _declare(sub, depth=depth + 1)


def merge(args: argparse.Namespace) -> argparse.Namespace:
    """Fold the values given after the subcommand(s) into the global ones, in place.

    Returns ``args`` so that a command sees one attribute per global option, whichever side
    of the subcommand it was given on.
    """
    for option in GLOBAL_OPTIONS:
        prefix = f"{option.dest}{_AFTER}"
        given_after = sorted(
            (int(name.removeprefix(prefix)), name) for name in vars(args) if name.startswith(prefix)
        )
        value = getattr(args, option.dest, option.arguments.get("default"))
        for _depth, name in given_after:
            value = option.combine(value, getattr(args, name))
            delattr(args, name)
        setattr(args, option.dest, value)
    return args
