"""PaperEx's ``[accounts.<name>.options]`` table: it has no options yet.

An empty options class still earns its place: the table is read with the kit's
:func:`~adapters.kit.options.read_options`, so a key that is not an option (a typo, an option of
another exchange) is refused as a configuration error naming the file, the account and the
key, instead of being silently ignored. A new option is a field here with its rule
(``adapters/ascendex/options.py`` shows how).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from adapters.kit.options import read_options

__all__ = ["PaperexOptions"]


@attrs.frozen(slots=True)
class PaperexOptions:
    """How to talk to PaperEx for one account (nothing to choose yet)."""

    @classmethod
    def from_mapping(
        cls,
        options: Mapping[str, Any],
        *,
        account: str | None = None,
        source: str | None = None,
    ) -> PaperexOptions:
        """Read an account's ``options`` table; errors name the file, account and key."""
        return read_options(cls, options, exchange="PaperEx", account=account, source=source)
