"""Find, load and register exchange plugins, one at a time, so one broken plugin harms no other.

pluggy's own ``load_setuptools_entrypoints`` loads every entry point in one loop with no error
handling: a single plugin that fails to import takes down every command, including the ones an
operator needs to diagnose it. Here each entry point is loaded, registered and validated inside
its own ``try``; a failure becomes a :class:`PluginRecord` that ``folio plugins`` shows, and the
other plugins keep working. Plugin authors set ``strict`` to get the exception instead.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Sequence
from importlib import metadata
from typing import Final

import attrs
import pluggy

from framework.config import PluginPolicy
from framework.errors import PluginLoadError
from framework.hookspecs import PROJECT_NAME, SPEC_CLASSES
from framework.logs import PLUGINS, extras
from framework.shadowing import shadowing_note

__all__ = [
    "BUILTIN_DISTRIBUTION",
    "ENTRY_POINT_GROUP",
    "PluginRecord",
    "PluginStatus",
    "load_plugins",
    "new_plugin_manager",
]

ENTRY_POINT_GROUP: Final = "folio"
BUILTIN_DISTRIBUTION: Final = "folio-exchanges"

_log = logging.getLogger(PLUGINS)


class PluginStatus(enum.StrEnum):
    """What happened to one plugin at load time."""

    LOADED = "loaded"
    BLOCKED = "blocked"
    DISABLED = "disabled"
    FAILED = "failed"


@attrs.frozen(slots=True)
class PluginRecord:
    """One plugin as the operator sees it: where it came from and whether it works."""

    name: str
    status: PluginStatus
    distribution: str | None = None
    version: str | None = None
    target: str | None = None
    error: str | None = None

    @property
    def builtin(self) -> bool:
        """Whether the plugin ships inside folio itself."""
        return _normalize(self.distribution or "") == BUILTIN_DISTRIBUTION


def _normalize(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def new_plugin_manager() -> pluggy.PluginManager:
    """A fresh manager with folio's hook specifications; one per host, never a global."""
    manager = pluggy.PluginManager(PROJECT_NAME)
    for spec in SPEC_CLASSES:
        manager.add_hookspecs(spec)
    return manager


def _describe(exc: BaseException) -> str:
    # Whole message on one line: pluggy puts the useful part (which argument is wrong)
    # after the first line break.
    text = " ".join(line.strip() for line in str(exc).strip().splitlines() if line.strip())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def register_plugin(
    manager: pluggy.PluginManager, plugin: object, name: str
) -> str | None:
    """Register one plugin object and check its hook names; returns an error text or None.

    ``check_pending`` catches a misspelt hook (``folio_balance_reder``), which pluggy would
    otherwise ignore forever. A plugin that fails the check is unregistered again, so the
    manager only ever holds plugins that passed.
    """
    try:
        manager.register(plugin, name=name)
    except Exception as exc:
        return _describe(exc)
    try:
        manager.check_pending()
    except Exception as exc:
        manager.unregister(plugin)
        return _describe(exc)
    return None


def load_plugins(
    manager: pluggy.PluginManager,
    policy: PluginPolicy,
    *,
    entry_points: Iterable[metadata.EntryPoint] | None = None,
) -> list[PluginRecord]:
    """Load every ``folio`` entry point allowed by ``policy`` into ``manager``.

    Returns one record per entry point seen, including blocked, disabled and failed ones.
    In strict mode the first failure raises :class:`PluginLoadError` instead.
    """
    found = (
        entry_points
        if entry_points is not None
        else metadata.entry_points(group=ENTRY_POINT_GROUP)
    )
    records: list[PluginRecord] = []
    for entry_point in sorted(found, key=lambda ep: ep.name):
        records.append(_load_one(manager, entry_point, policy))
    return records


def _load_one(
    manager: pluggy.PluginManager, entry_point: metadata.EntryPoint, policy: PluginPolicy
) -> PluginRecord:
    dist = entry_point.dist
    record = PluginRecord(
        name=entry_point.name,
        status=PluginStatus.LOADED,
        distribution=dist.name if dist is not None else None,
        version=dist.version if dist is not None else None,
        target=entry_point.value,
    )
    if entry_point.name in policy.block:
        manager.set_blocked(entry_point.name)
        return attrs.evolve(record, status=PluginStatus.BLOCKED, error="blocked by policy")
    if not policy.external and not record.builtin:
        return attrs.evolve(
            record, status=PluginStatus.DISABLED, error="external plugins are disabled"
        )
    if manager.has_plugin(entry_point.name):
        clash = f"another plugin is already registered as {entry_point.name!r}"
        return _failed(record, clash, policy)
    try:
        plugin = entry_point.load()
    except Exception as exc:
        note = shadowing_note(entry_point.value, dist)
        said = f" ({note})" if note else ""
        return _failed(record, f"import failed: {_describe(exc)}{said}", policy, exc)
    problem = register_plugin(manager, plugin, entry_point.name)
    if problem is not None:
        return _failed(record, f"registration failed: {problem}", policy)
    return record


def _failed(
    record: PluginRecord,
    error: str,
    policy: PluginPolicy,
    cause: BaseException | None = None,
) -> PluginRecord:
    failed = attrs.evolve(record, status=PluginStatus.FAILED, error=error)
    if policy.strict:
        origin = record.distribution or "unknown distribution"
        detail = f"plugin {record.name!r} ({origin}): {error}"
        raise PluginLoadError(detail) from cause
    _log.warning("folio plugin %r not loaded: %s", record.name, error, extra=extras())
    return failed


def loaded_names(records: Sequence[PluginRecord]) -> list[str]:
    """Names of the plugins that loaded."""
    return [r.name for r in records if r.status is PluginStatus.LOADED]
