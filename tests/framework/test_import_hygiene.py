"""The core imports no adapter and no plugin: exchanges reach it only through entry points."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import framework

FORBIDDEN = {"adapters", "plugins"}
MODULES = sorted(Path(framework.__file__).parent.rglob("*.py"))


def imported_packages(source: str) -> set[str]:
    """Top-level names of every ``import x`` and ``from x import y`` in ``source``, anywhere."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_checker_sees_every_kind_of_import() -> None:
    source = (
        "import adapters.ascendex\n"
        "from plugins import ascendex\n"
        "def late():\n"
        "    from adapters.ascendex.simulator import X\n"
        "if TYPE_CHECKING:\n"
        "    import json as plugins_json\n"
    )
    assert imported_packages(source) == {"adapters", "plugins", "json"}


def test_framework_has_modules_to_check() -> None:
    names = {path.stem for path in MODULES}
    assert {"host", "loading", "registry", "app"} <= names  # app: framework/cli/app.py


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_framework_module_imports_an_adapter_or_a_plugin(path: Path) -> None:
    found = imported_packages(path.read_text(encoding="utf-8"))
    assert not found & FORBIDDEN, f"{path.name} imports {sorted(found & FORBIDDEN)}"


def test_aiohttp_is_imported_by_the_transport_module_only() -> None:
    """Every request goes through httpx; aiohttp sits under it in one module (issue #10,
    framework/transport.py), so no adapter or plugin depends on it."""
    root = Path(framework.__file__).parents[1]
    shipped = [root / "framework", root / "adapters", root / "plugins"]
    importers = {
        path.relative_to(root).as_posix()
        for folder in shipped
        for path in folder.rglob("*.py")
        if "aiohttp" in imported_packages(path.read_text(encoding="utf-8"))
    }
    assert importers == {"framework/transport.py"}
