"""folio's pytest plugin for host test suites, registered through the ``pytest11`` entry point.

Installing folio makes the fixture ``folio_simulators`` available in every test suite of the
environment, with no ``conftest.py`` line (pyproject.toml, ``[project.entry-points.pytest11]``).
pytest imports this module in *every* session of that environment, folio's tests or not, so
importing it loads nothing: no plugin, no simulator, no adapter; the work happens when a test
asks for the fixture (tests/framework/test_host_testing_kit.py checks the imports).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from framework.testing.hosts import SimulatedExchanges

__all__ = ["folio_simulators"]


@pytest.fixture
def folio_simulators() -> Iterator[SimulatedExchanges]:
    """Every installed plugin's simulator, started for one test and stopped after it.

    Fresh per test, so a fault staged in one test never reaches the next. The value is a
    :class:`framework.testing.hosts.SimulatedExchanges`: ``.config`` for ``Folio.from_config``,
    ``["binance"].faults`` to stage faults (docs/testing.md, "Testing a host").
    """
    from framework.testing.hosts import SimulatedExchanges  # noqa: PLC0415 - only when used

    with SimulatedExchanges.start() as simulators:
        yield simulators
