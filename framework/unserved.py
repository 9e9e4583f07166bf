"""Why no plugin serves an exchange: not installed, or installed but blocked, disabled, failed.

"No installed plugin serves exchange 'binance'" is wrong when the binance plugin is installed
and the operator blocked it (``FOLIO_BLOCK_PLUGINS=binance``): the fix is to unblock it, not to
install it. The load records (:class:`framework.loading.PluginRecord`) say which plugins were
seen and not loaded, and why; this module turns them into the sentence the registry raises
(docs/configuration.md, "Plugins"). An entry point named like the exchange is taken as its
plugin (the bundled ones are named so); other plugins not loaded are listed as a hint.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from framework.loading import PluginRecord, PluginStatus

__all__ = ["BLOCK_ENV", "unserved_message"]

BLOCK_ENV = "FOLIO_BLOCK_PLUGINS"
"""The environment variable listing plugins never to load (framework/config/accounts.py)."""


def _blocked_by(name: str, environ: Mapping[str, str]) -> str:
    listed = {n.strip() for n in environ.get(BLOCK_ENV, "").split(",") if n.strip()}
    return BLOCK_ENV if name in listed else "[plugins] block in the configuration file"


def _why_not_loaded(record: PluginRecord, environ: Mapping[str, str]) -> str:
    if record.status is PluginStatus.BLOCKED:
        return f"is blocked by {_blocked_by(record.name, environ)}"
    if record.status is PluginStatus.DISABLED:
        return (
            "is disabled: external plugins are off (FOLIO_NO_EXTERNAL_PLUGINS or "
            "[plugins] external = false)"
        )
    return f"failed to load ({record.error or 'no reason given'})"


def unserved_message(
    exchange: str,
    records: Sequence[PluginRecord],
    installed: str,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The sentence for an account whose ``exchange`` no loaded plugin serves.

    ``installed`` lists the exchanges that are served; ``environ`` defaults to ``os.environ``
    (where ``FOLIO_BLOCK_PLUGINS`` was read when the plugins were loaded).
    """
    env = os.environ if environ is None else environ
    not_loaded = [r for r in records if r.status is not PluginStatus.LOADED]
    own = [r for r in not_loaded if r.name == exchange]
    if own:
        why = _why_not_loaded(own[0], env)
        return (
            f"exchange {exchange!r} is not served: its plugin {exchange!r} {why} "
            f"(served: {installed})"
        )
    message = f"no installed plugin serves exchange {exchange!r} (installed: {installed})"
    if not_loaded:
        hints = "; ".join(f"{r.name!r} {_why_not_loaded(r, env)}" for r in not_loaded)
        message += f"; plugins not loaded: {hints}"
    return message
