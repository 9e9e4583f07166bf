"""``folio``: the command-line host. Reads accounts through the installed exchange plugins.

Exit codes: 0 every account was read; 1 at least one account failed, for whatever reason
(an exchange error, a missing credential, an exchange no installed plugin serves: the others
are still shown); 2 the command could not run at all (bad configuration file, unknown account
name, bad arguments).

With ``--json``, stdout always holds one JSON document: the results, or, when the command could
not run, ``{"error": {"type": ..., "message": ...}}`` (the same line also goes to stderr).

One module per command (``plugins``, ``reading`` for balances and risk, ``demo``,
``simulate``); :mod:`framework.cli.app` parses the arguments and runs the chosen one. The
commands are documented in docs/cli.md.
"""

from framework.cli.app import main

__all__ = ["main"]
