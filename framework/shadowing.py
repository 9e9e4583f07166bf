"""Telling a plugin that failed to import because another package took its top-level name.

folio installs three top-level packages, ``framework``, ``adapters`` and ``plugins`` (README.md,
"Layout"). A host application often has a ``plugins`` or ``adapters`` package of its own; run
from its directory (or with that directory on ``PYTHONPATH``), Python imports the host's package
under that name and every bundled plugin fails with "No module named 'plugins.ascendex'", which
says nothing about the cause. When an entry point fails to import, :func:`shadowing_note` finds
where its top-level package was really imported from and, if that is not where the package's
distribution installed it, says which file shadows which and how to fix it
(framework/loading.py appends the note to the plugin's load record, which ``folio plugins``
shows).
"""

from __future__ import annotations

import importlib.util
import sys
from importlib import metadata
from pathlib import Path
from typing import Final

__all__ = ["FOLIO_PACKAGES", "shadowing_note"]

FOLIO_PACKAGES: Final = ("framework", "adapters", "plugins")
"""The top-level import packages folio installs."""


def _folio_package(top: str) -> Path:
    """Where folio's own package ``top`` is: next to the ``framework`` running this code."""
    return Path(__file__).resolve().parents[1] / top


def _installed_location(top: str, distribution: metadata.Distribution | None) -> Path | None:
    """Where ``distribution`` installed the top-level module or package ``top``, if it says."""
    if top in FOLIO_PACKAGES:
        return _folio_package(top)
    if distribution is None:
        return None
    for file in distribution.files or ():
        parts = file.parts
        if parts == (f"{top}.py",) or (len(parts) == 2 and parts == (top, "__init__.py")):
            located = Path(str(distribution.locate_file(file))).resolve()
            return located if parts == (f"{top}.py",) else located.parent
    return None  # e.g. an editable install, whose files are a .pth: nothing to compare


def _imported_location(top: str) -> Path | None:
    """The file or directory Python imports as ``top`` now (``None`` if it finds nothing)."""
    module = sys.modules.get(top)
    if module is not None:
        origin = getattr(module, "__file__", None)
        locations = list(getattr(module, "__path__", None) or ())
    else:
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            return None
        if spec is None:
            return None
        origin = spec.origin if spec.has_location else None
        locations = list(spec.submodule_search_locations or ())
    if origin:
        return Path(origin).resolve()
    return Path(locations[0]).resolve() if locations else None


def shadowing_note(target: str, distribution: metadata.Distribution | None) -> str | None:
    """Why the entry point ``target`` (``"plugins.ascendex"``) may have failed to import.

    ``None`` when its top-level package, and each of folio's (:data:`FOLIO_PACKAGES`, which
    plugins import), is imported from where it was installed (or where that is cannot be
    told): the failure is then the plugin's own. Otherwise one sentence naming the shadowing
    file, the shadowed package and the two fixes.
    """
    top = target.split(":", 1)[0].split(".", 1)[0].strip()
    # The entry point's own package first, then folio's: a bundled plugin (``plugins.ascendex``)
    # imports ``adapters.ascendex``, so a host's ``adapters`` package breaks it as surely.
    for candidate in dict.fromkeys((top, *FOLIO_PACKAGES)):
        note = _shadowed(candidate, distribution)
        if note is not None:
            return note
    return None


def _shadowed(top: str, distribution: metadata.Distribution | None) -> str | None:
    """The sentence for the top-level package ``top`` if another one is imported in its place."""
    expected = _installed_location(top, distribution)
    imported = _imported_location(top)
    if expected is None or imported is None or imported.is_relative_to(expected):
        return None
    owner = "folio" if top in FOLIO_PACKAGES else (distribution.name if distribution else top)
    directory = imported.parents[1] if imported.name == "__init__.py" else imported.parent
    return (
        f"{imported} is imported as {top!r} instead of {owner}'s {expected}: a package of the "
        f"same name earlier on sys.path shadows it; rename that package, or run from another "
        f"directory so that {directory} is not on sys.path (check PYTHONPATH)"
    )
