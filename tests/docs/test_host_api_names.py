"""docs/host-api.md documents every name a host imports from ``framework``.

A name in ``framework.__all__`` that the guide never mentions in prose is an API a host can
only discover by reading the source. Code blocks do not count: an example that uses a name
does not say what it is for. So every exported name must appear in an inline code span
outside the fenced examples.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import framework

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "host-api.md"


def _prose_code_spans(text: str) -> str:
    without_fences = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    return " ".join(re.findall(r"`([^`\n]+)`", without_fences))


SPANS = _prose_code_spans(GUIDE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", framework.__all__)
def test_every_exported_name_is_documented(name: str) -> None:
    assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", SPANS), (
        f"framework.{name} is exported but docs/host-api.md never names it in prose "
        "(an inline code span outside the examples)"
    )


def test_the_check_finds_a_missing_name() -> None:
    assert not re.search(r"(?<!\w)NoSuchName(?!\w)", SPANS)
    assert "Folio" in SPANS
