"""``max_concurrency``'s default follows the open-file limit (framework/settings.py)."""

from __future__ import annotations

import resource

import pytest

from framework import settings
from framework.settings import HttpSettings


@pytest.mark.parametrize(
    ("soft", "expected"),
    [
        (256, 128),  # macOS's default: half, so the sockets never exhaust the descriptors
        (512, 256),
        (1024, 768),  # Linux's usual default: the limit less 256 kept spare
        (20_000, 4096),  # never more than 4,096 at once
        (resource.RLIM_INFINITY, 4096),
    ],
)
def test_the_default_keeps_descriptors_spare_and_has_a_ceiling(
    monkeypatch: pytest.MonkeyPatch, soft: int, expected: int
) -> None:
    monkeypatch.setattr(resource, "getrlimit", lambda _which: (soft, soft))
    assert HttpSettings().max_concurrency == expected


def test_an_unreadable_limit_gives_1024(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreadable(_which: int) -> tuple[int, int]:
        raise OSError

    monkeypatch.setattr(resource, "getrlimit", unreadable)
    assert settings.HttpSettings().max_concurrency == 1024
