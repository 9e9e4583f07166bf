"""Reading an account's ``options`` table into an exchange's options class.

Each exchange declares its options as an attrs class whose fields carry their rules
(:func:`framework.config.tables.checked_by`, with :func:`~framework.config.tables.flag`,
:func:`~framework.config.tables.whole` and :func:`~framework.config.tables.one_of`), and reads
the table with :func:`read_options`: cattrs structures it, an unknown key is refused, and every
exchange reports a bad option the same way, as a :class:`~framework.errors.ConfigurationError`
naming the file, the account and the key (``options.account_group``). The reader of a class is
made at its first use, so a host with no account on an exchange never builds its converter.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, TypeVar

from framework.config.tables import TableReader

__all__ = ["read_options"]

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
