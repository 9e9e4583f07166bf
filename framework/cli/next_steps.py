"""What ``folio demo`` prints last: how to go from the demo to one's own configuration.

A new user has just seen folio work against simulators that ``folio demo`` started and stopped;
the next question is how to point it at something that stays, then at a real account. The
steps name real commands (docs/cli.md) and the file's places (docs/configuration.md).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["next_steps"]


def next_steps(exchanges: Iterable[str]) -> str:
    """The closing lines of ``folio demo`` (text output only), for the simulated ``exchanges``.

    Every simulated exchange is named, not only the first: a user who came for OKX should not
    have to guess that ``folio simulate okx`` exists; and a real account's page names what
    only its exchange asks for (OKX's passphrase, Binance's futures host).
    """
    names = sorted(exchanges)
    first = names[0] if names else "EXCHANGE"
    others = f" (or {', '.join(names[1:])})" if len(names) > 1 else ""
    return "\n".join([
        "Next steps:",
        f"  1. Serve a simulator that stays up:      folio simulate {first}{others}",
        "     It prints a [accounts.main] table for folio.toml and the variables to export.",
        "  2. Put that table in ./folio.toml (or ~/.config/folio/folio.toml), export the",
        "     variables, then check and read:      folio config check && folio balances",
        "  3. For a real account, name its own key variables: docs/configuration.md",
        "     and docs/exchanges/ (OKX's passphrase, Binance's futures host).",
    ])
