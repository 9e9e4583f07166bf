"""What every command shares: the exit codes and the one way JSON leaves the program."""

from __future__ import annotations

import json
from typing import Any, Final

__all__ = ["EXIT_OK", "EXIT_SOME_FAILED", "EXIT_UNUSABLE", "emit_json"]

EXIT_OK: Final = 0
"""Every account was read."""
EXIT_SOME_FAILED: Final = 1
"""At least one account (or part of one) failed; the others are still shown."""
EXIT_UNUSABLE: Final = 2
"""The command could not run at all: bad configuration, unknown account, bad arguments."""


def emit_json(data: Any) -> None:
    """Print one JSON document on stdout, indented, non-ASCII kept as is."""
    print(json.dumps(data, indent=2, ensure_ascii=False))
