"""Garbage-collector settings for hosts that read thousands of accounts at once.

Why: a fan-out keeps every account's read in flight together, so the objects of thousands of
reads are alive at the same time. CPython's cyclic collector then promotes them to its oldest
generation and traverses everything the host holds, again and again: at 5,000 accounts the
collector was about half of a warm round's CPU (docs/performance.md, "Thousands of accounts").
Nothing folio reads makes reference cycles that need prompt collection; what start-up built
(plugins, clients, configuration) lives as long as the host.

So a host that fans out over thousands of accounts calls :func:`tune_gc_for_fan_out` once,
after start-up (after its first fan-out, so the clients exist): everything alive then is moved
out of the collector's way (``gc.freeze``), and the youngest generation is collected after
``young`` allocations instead of CPython's 700. The collector stays on; cycles are still
reclaimed, later. This is a process-wide setting, which is why folio never changes it by
itself: the host decides, and :func:`restore_gc` undoes it.
"""

from __future__ import annotations

import gc
from typing import Final

__all__ = ["DEFAULT_YOUNG_THRESHOLD", "restore_gc", "tune_gc_for_fan_out"]

DEFAULT_YOUNG_THRESHOLD: Final = 50_000
"""Allocations between two collections of the youngest generation. At 5,000 accounts this cut
a warm round's CPU by about half (docs/performance.md); memory grows by what those allocations
hold until they are collected, a few MiB."""

_saved: list[tuple[int, int, int]] = []


def tune_gc_for_fan_out(young: int = DEFAULT_YOUNG_THRESHOLD) -> None:
    """Freeze what is alive now and collect the youngest generation every ``young`` allocations.

    Call once, after start-up. Calling it again refreezes and keeps the first saved setting.
    """
    if young < 1:
        msg = f"young must be at least 1, got {young}"
        raise ValueError(msg)
    if not _saved:
        _saved.append(gc.get_threshold())
    gc.collect()
    gc.freeze()
    _, middle, old = _saved[0]
    gc.set_threshold(young, middle, old)


def restore_gc() -> None:
    """Undo :func:`tune_gc_for_fan_out`: the saved thresholds, and nothing frozen."""
    if _saved:
        gc.set_threshold(*_saved.pop())
    gc.unfreeze()
