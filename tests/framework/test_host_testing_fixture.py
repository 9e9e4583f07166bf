"""The ``folio_simulators`` pytest fixture: registered through ``pytest11``, free when unused.

pytest imports a ``pytest11`` plugin in every session of the environment, so the module must
import no adapter, no plugin and not the kit itself until a test asks for the fixture. The
fixture is then exercised in a separate pytest run over a host's test file, as a host's suite
would use it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULE = "framework.testing.fixtures"


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_the_pytest_plugin_loads_no_adapter_plugin_or_kit() -> None:
    loaded = _run(textwrap.dedent(f"""
        import sys
        import {MODULE}
        heavy = ("adapters", "plugins", "framework.testing.hosts", "framework.testing.contract",
                 "framework.testing.control", "httpx")
        print(sorted(m for m in sys.modules if m.startswith(heavy)))
    """))
    assert loaded == "[]"


def test_importing_the_pytest_plugin_costs_a_session_no_module_of_folio_or_asyncio() -> None:
    # Every pytest session of the environment pays for what this import pulls in: the
    # package's own names (Folio, SyncFolio...) are imported on first use, not on the way.
    added = _run(textwrap.dedent(f"""
        import sys
        import pytest
        before = set(sys.modules)
        import {MODULE}
        print(sorted(set(sys.modules) - before))
    """))
    assert added == str(sorted(["framework", "framework.testing", MODULE]))


def test_the_package_names_are_the_same_objects_when_imported_on_first_use() -> None:
    shown = _run(textwrap.dedent("""
        import framework
        from framework import *  # noqa: F403
        from framework.host import Folio as home
        print(framework.Folio is home, sorted(framework.__all__) == sorted(dir(framework)
              and [n for n in framework.__all__ if hasattr(framework, n)]))
    """))
    assert shown == "True True"


def test_the_check_above_would_see_a_loaded_adapter() -> None:
    loaded = _run(textwrap.dedent("""
        import sys
        from framework.testing.hosts import SimulatedExchanges
        with SimulatedExchanges.start():
            print(any(m.startswith("adapters") for m in sys.modules))
    """))
    assert loaded == "True"


def test_pyproject_registers_the_module_under_pytest11() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["pytest11"] == {"folio": MODULE}


HOST_TEST = '''
import asyncio

from framework import Folio, HttpSettings, WalletKind
from framework.errors import RateLimitedError
from framework.retry import NO_RETRIES
from framework.testing import SimulatorFault


def test_reads_every_simulator(folio_simulators):
    async def main():
        async with Folio.from_config(folio_simulators.config) as folio:
            return await folio.all_balances(WalletKind.CASH)
    assert asyncio.run(main()).ok
    assert folio_simulators.exchanges == ("ascendex", "binance", "bybit", "okx")


def test_stages_a_fault(folio_simulators):
    folio_simulators["binance"].faults.add(SimulatorFault.rate_limited())
    async def main():
        http = HttpSettings(retry=NO_RETRIES)
        async with Folio.from_config(folio_simulators.config, http=http) as folio:
            return await folio.all_balances(WalletKind.CASH)
    result = asyncio.run(main())
    assert isinstance(result.errors["binance-demo"], RateLimitedError)
    assert set(result.errors) == {"binance-demo"}


def test_each_test_gets_fresh_simulators(folio_simulators):
    assert [s.faults.active() for s in folio_simulators] == [[], [], [], []]
'''


def _entry_point_active() -> bool:
    return any(ep.value == MODULE for ep in metadata.entry_points(group="pytest11"))


def test_a_host_suite_uses_the_fixture(tmp_path: Path) -> None:
    (tmp_path / "test_host.py").write_text(HOST_TEST, encoding="utf-8")
    # Installed (pip install), the entry point loads the plugin by itself; in a checkout
    # whose environment predates the entry point, -p loads the same module.
    load = [] if _entry_point_active() else ["-p", MODULE]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         *load, "-W", "error", str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
