"""A host's own ``plugins`` package shadowing folio's: the loader says which file and the fix.

Run in a subprocess whose working directory holds a ``plugins/__init__.py`` (first on
sys.path, as when a host runs Python from its application's directory), and through the
``folio`` command with that directory on ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from framework.config import PluginPolicy
from framework.errors import PluginLoadError
from framework.loading import PluginStatus, load_plugins, new_plugin_manager
from framework.shadowing import FOLIO_PACKAGES, shadowing_note

ROOT = Path(__file__).resolve().parents[2]
FOLIO = Path(sys.executable).with_name("folio")
FOLIOS_PLUGINS = ROOT / "plugins"

LIST_RECORDS = """
import json
from framework.host import Plugins
print(json.dumps({r.name: [r.status.value, r.error] for r in Plugins().records}))
"""


@pytest.fixture
def host_app(tmp_path: Path) -> Path:
    """A host application directory with its own ``plugins`` package."""
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "__init__.py").write_text('"""The host\'s plugins."""\n')
    return tmp_path


def _records(cwd: Path) -> dict[str, list[str | None]]:
    done = subprocess.run([sys.executable, "-c", LIST_RECORDS], cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": ""})
    assert done.returncode == 0, done.stderr
    records: dict[str, list[str | None]] = json.loads(done.stdout)
    return records


def test_a_host_package_named_plugins_is_named_as_the_cause(host_app: Path) -> None:
    records = _records(host_app)
    shadow = host_app / "plugins" / "__init__.py"
    for name in ("ascendex", "binance"):
        status, error = records[name]
        assert status == "failed"
        assert error is not None
        assert f"No module named 'plugins.{name}'" in error
        assert (
            f"{shadow} is imported as 'plugins' instead of folio's {FOLIOS_PLUGINS}" in error
        ), error
        assert "rename that package, or run from another directory" in error
        assert f"so that {host_app} is not on sys.path" in error


def test_without_the_shadowing_package_the_plugins_load(tmp_path: Path) -> None:
    records = _records(tmp_path)
    assert records["ascendex"] == ["loaded", None]
    assert records["binance"] == ["loaded", None]


def test_a_host_module_named_plugins_is_named_too(tmp_path: Path) -> None:
    (tmp_path / "plugins.py").write_text("")
    error = _records(tmp_path)["ascendex"][1]
    assert error is not None
    assert f"{tmp_path / 'plugins.py'} is imported as 'plugins'" in error


def test_folio_plugins_shows_the_cause(host_app: Path) -> None:
    done = subprocess.run(
        [str(FOLIO), "plugins", "--json"], cwd=host_app, capture_output=True, text=True,
        timeout=60, check=False, env={**os.environ, "PYTHONPATH": str(host_app)},
    )
    assert done.returncode == 1, done.stderr  # failed plugins
    listed = {p["name"]: p for p in json.loads(done.stdout)["plugins"]}
    shadow = host_app / "plugins" / "__init__.py"
    assert f"{shadow} is imported as 'plugins'" in listed["ascendex"]["error"]
    table = subprocess.run(
        [str(FOLIO), "plugins"], cwd=host_app, capture_output=True, text=True,
        timeout=60, check=False, env={**os.environ, "PYTHONPATH": str(host_app)},
    )
    assert f"{shadow} is imported as 'plugins'" in table.stdout + table.stderr


def test_a_plugin_failing_for_its_own_reason_gets_no_note() -> None:
    entry_point = metadata.EntryPoint("ghost", "plugins.no_such_plugin", "folio")
    records = load_plugins(new_plugin_manager(), PluginPolicy(), entry_points=[entry_point])
    assert records[0].status is PluginStatus.FAILED
    assert records[0].error == (
        "import failed: ModuleNotFoundError: No module named 'plugins.no_such_plugin'"
    )
    assert shadowing_note("plugins.ascendex", None) is None
    assert shadowing_note("no_such_top_level.module", None) is None


def test_strict_mode_raises_with_the_note(host_app: Path) -> None:
    code = (
        "from framework.config import PluginPolicy\n"
        "from framework.host import Plugins\n"
        "Plugins(PluginPolicy(strict=True))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=host_app, capture_output=True,
                          text=True, timeout=60, check=False, env={**os.environ, "PYTHONPATH": ""})
    assert done.returncode == 1
    assert PluginLoadError.__name__ in done.stderr
    assert "is imported as 'plugins' instead of folio's" in done.stderr


def test_folio_installs_three_top_level_packages() -> None:
    assert FOLIO_PACKAGES == ("framework", "adapters", "plugins")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`framework`, `adapters` and `plugins`" in readme
