"""Fixtures of the core's unit tests: a clean plugin environment and a test-only site dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.framework.helpers import PluginSite

PLUGIN_SWITCHES = ("FOLIO_BLOCK_PLUGINS", "FOLIO_NO_EXTERNAL_PLUGINS", "FOLIO_STRICT_PLUGINS")


@pytest.fixture(autouse=True)
def _no_plugin_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator's plugin switches would change what every test here loads."""
    for name in PLUGIN_SWITCHES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PluginSite]:
    """A fresh site directory; its modules leave ``sys.modules`` and it leaves ``sys.path``."""
    root = tmp_path / "site-packages"
    root.mkdir()
    monkeypatch.syspath_prepend(root)
    installed = PluginSite(root)
    yield installed
    installed.forget()
