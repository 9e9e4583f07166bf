"""The configuration a command reads: the chosen file, with the command line's overrides.

:func:`framework.cli.app.main` has already chosen the file (``args.config``, see
:func:`framework.config.locate_config`); every command that reads accounts loads it here, so
that ``--timeout`` applies to every command alike (docs/cli.md, "Global options"), and a file
with no account is said to be one instead of printing empty tables "across 0 accounts".
"""

from __future__ import annotations

import argparse

from framework.config import FolioConfig, load_config
from framework.config.network_override import with_network_override
from framework.errors import ConfigurationError

__all__ = ["NO_ACCOUNTS", "load_for"]

NO_ACCOUNTS = (
    "no accounts are configured: add an [accounts.NAME] table with its exchange and the "
    "names of its key variables (docs/configuration.md), or run 'folio simulate ascendex', "
    "which prints one to paste"
)
"""What a command that reads accounts says when the file has none (exit 2)."""


def load_for(args: argparse.Namespace) -> FolioConfig:
    """Load ``args.config`` and apply ``--timeout`` (the deadline of every read).

    :raises ConfigurationError: the file cannot be used, or it configures no account.
    """
    config = load_config(args.config)
    if not config.accounts:
        raise ConfigurationError(NO_ACCOUNTS, path=config.source)
    timeout: float | None = getattr(args, "timeout", None)
    if timeout is None:
        return config
    return with_network_override(config, {"deadline": timeout})
