"""framework/tuning.py: the collector settings a host with thousands of accounts opts into."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from framework.tuning import DEFAULT_YOUNG_THRESHOLD, restore_gc, tune_gc_for_fan_out


@pytest.fixture(autouse=True)
def _untouched() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    restore_gc()
    gc.set_threshold(*before)


def test_tuning_freezes_what_is_alive_and_collects_the_young_less_often() -> None:
    before = gc.get_threshold()
    tune_gc_for_fan_out()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (DEFAULT_YOUNG_THRESHOLD, before[1], before[2])
    assert gc.isenabled()  # cycles are still collected, later


def test_restoring_gives_back_the_thresholds_and_unfreezes() -> None:
    before = gc.get_threshold()
    tune_gc_for_fan_out(20_000)
    tune_gc_for_fan_out(30_000)  # a second call keeps the first saved setting
    assert gc.get_threshold()[0] == 30_000
    restore_gc()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_young_threshold_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        tune_gc_for_fan_out(0)
