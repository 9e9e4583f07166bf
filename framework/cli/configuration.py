"""The configuration a command reads: the chosen file, with the command line's overrides.

:func:`framework.cli.app.main` has already chosen the file (``args.config``, see
:func:`framework.config.locate_config`); every command that reads accounts loads it here, so
that ``--timeout`` applies to every command alike (docs/cli.md, "Global options").
"""

from __future__ import annotations

import argparse

from framework.config import FolioConfig, load_config
from framework.config.network_override import with_network_override

__all__ = ["load_for"]


def load_for(args: argparse.Namespace) -> FolioConfig:
    """Load ``args.config`` and apply ``--timeout`` (the deadline of every read)."""
    config = load_config(args.config)
    timeout: float | None = getattr(args, "timeout", None)
    if timeout is None:
        return config
    return with_network_override(config, {"deadline": timeout})
