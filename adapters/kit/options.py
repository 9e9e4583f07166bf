"""Reading an account's ``options`` table into an exchange's options class.

Each exchange declares its options as an attrs class whose fields carry their rules
(:func:`framework.config.tables.checked_by`, with :func:`~framework.config.tables.flag`,
:func:`~framework.config.tables.whole` and :func:`~framework.config.tables.one_of`), and reads
the table with :func:`read_options` (or inherits :class:`OptionsTable`, whose ``from_mapping``
does it): cattrs structures it, an unknown key is refused, and every
exchange reports a bad option the same way, as a :class:`~framework.errors.ConfigurationError`
naming the file, the account and the key (``options.account_group``). The reader of a class is
made at its first use, so a host with no account on an exchange never builds its converter.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, ClassVar, Self, TypeVar

from framework.config.tables import TableReader

__all__ = ["OptionsTable", "read_options"]

OptionsT = TypeVar("OptionsT")


def read_options(
    cls: type[OptionsT],
    options: Mapping[str, Any],
    *,
    exchange: str,
    account: str | None,
    source: str | None,
) -> OptionsT:
    """``options`` as ``cls``; else the error for the first bad key, named ``options.<key>``."""
    reader = _reader(cls, exchange)  # type: ignore[arg-type]  # classes are hashable
    return reader.read(options, cls, path=source, account=account, prefix="options.")


@functools.cache
def _reader(cls: type, exchange: str) -> TableReader:
    return TableReader(unknown={cls: f"{exchange} option"})


class OptionsTable:
    """Base of an exchange's options class: ``from_mapping`` reads an account's table.

    ``exchange_name`` says whose options they are in an error (``unknown AscendEX option``).
    """

    __slots__ = ()
    exchange_name: ClassVar[str]

    @classmethod
    def from_mapping(
        cls, options: Mapping[str, Any], *, account: str | None = None, source: str | None = None
    ) -> Self:
        """Read an account's ``options`` table; errors name the file, account and key."""
        return read_options(cls, options, exchange=cls.exchange_name, account=account,
                            source=source)
