"""Why no plugin serves an exchange: not installed, or installed but blocked, disabled, failed.

"No installed plugin serves exchange 'binance'" is wrong when the binance plugin is installed
and the operator blocked it (``FOLIO_BLOCK_PLUGINS=binance``): the fix is to unblock it, not to
install it. The load records (:class:`framework.loading.PluginRecord`) say which plugins were
seen and not loaded, and why; this module turns them into the sentence the registry raises
(docs/configuration.md, "Plugins"). An entry point named like the exchange is taken as its
plugin (the bundled ones are named so); other plugins not loaded are listed as a hint.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence

from framework.loading import PluginRecord, PluginStatus

__all__ = ["BLOCK_ENV", "not_loaded_clause", "unserved_message", "why_not_loaded"]

BLOCK_ENV = "FOLIO_BLOCK_PLUGINS"
"""The environment variable listing plugins never to load (framework/config/accounts.py)."""


def _blocked_by(name: str, environ: Mapping[str, str]) -> str:
    listed = {n.strip() for n in environ.get(BLOCK_ENV, "").split(",") if n.strip()}
    return BLOCK_ENV if name in listed else "[plugins] block in the configuration file"


def why_not_loaded(record: PluginRecord, environ: Mapping[str, str] | None = None) -> str:
    """Why a plugin that is not loaded is not, e.g. ``blocked by FOLIO_BLOCK_PLUGINS``.

    ``folio plugins`` shows it as the plugin's problem; the sentence of an account whose
    exchange is not served ends with it. ``environ`` defaults to ``os.environ``.
    """
    environ = os.environ if environ is None else environ
    if record.status is PluginStatus.BLOCKED:
        return f"blocked by {_blocked_by(record.name, environ)}"
    if record.status is PluginStatus.DISABLED:
        return (
            "disabled: external plugins are off (FOLIO_NO_EXTERNAL_PLUGINS or "
            "[plugins] external = false)"
        )
    return f"failed to load ({record.error or 'no reason given'})"


def not_loaded_clause(record: PluginRecord, environ: Mapping[str, str] | None = None) -> str:
    """:func:`why_not_loaded` as the end of a sentence about the plugin.

    As in "its plugin 'binance' is blocked by FOLIO_BLOCK_PLUGINS" or "its plugin 'binance'
    failed to load (import failed: ...)".
    """
    why = why_not_loaded(record, environ)
    return why if record.status is PluginStatus.FAILED else f"is {why}"


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
        why = not_loaded_clause(own[0], env)
        return (
            f"exchange {exchange!r} is not served: its plugin {exchange!r} {why} "
            f"(served: {installed})"
        )
    message = f"no installed plugin serves exchange {exchange!r} (installed: {installed})"
    message += _did_you_mean(exchange, installed)
    if not_loaded:
        hints = "; ".join(f"{r.name!r} {not_loaded_clause(r, env)}" for r in not_loaded)
        message += f"; plugins not loaded: {hints}"
    return message


def _did_you_mean(exchange: str, installed: str) -> str:
    """``"; did you mean 'okx'?"`` for a near miss of a served name, else ``""``.

    New users write the name they know (``okex``, ``bybt``, ``binance-futures``, whose
    wallet is Binance's ``futures``); the closest served name is the likely fix. Only names
    folio serves are suggested, so nothing the user typed is echoed beyond the message's own.
    """
    names = [name for name in installed.split(", ") if name and name != "none"]
    asked = exchange.lower()
    close = sorted((n for n in names if asked.startswith(n)), key=len, reverse=True)[:1]
    close = close or difflib.get_close_matches(asked, names, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""

