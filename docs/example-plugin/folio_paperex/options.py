"""PaperEx's ``[accounts.<name>.options]`` table: it has no options yet.

An empty options class still earns its place: the table is read by the kit's
:class:`~adapters.kit.options.OptionsTable`, so a key that is not an option (a typo, an option of
another exchange) is refused as a configuration error naming the file, the account and the
key, instead of being silently ignored. A new option is a field here with its rule
(``adapters/ascendex/options.py`` shows how).
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from adapters.kit.options import OptionsTable

__all__ = ["PaperexOptions"]


@attrs.frozen(slots=True)
class PaperexOptions(OptionsTable):
    """How to talk to PaperEx for one account (nothing to choose yet)."""

    exchange_name: ClassVar[str] = "PaperEx"

