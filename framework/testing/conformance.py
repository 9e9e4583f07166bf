"""pytest plugin of the conformance kit: ``pytest_plugins = ["framework.testing.conformance"]``.

It marks every test inherited from :class:`framework.testing.ExchangePluginContract` with
``conformance`` (so ``pytest -m conformance`` runs the contract alone) and prints the installed
folio plugins in the session header, so a failing run shows what was tested against.
"""

from __future__ import annotations

import pytest

from framework.host import Plugins
from framework.testing.contract import ExchangePluginContract

__all__ = ["pytest_collection_modifyitems", "pytest_configure", "pytest_report_header"]


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker (the suite may run with ``--strict-markers``)."""
    config.addinivalue_line(
        "markers", "conformance: the folio exchange-plugin contract (framework.testing)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the contract's tests."""
    for item in items:
        owner = getattr(item, "cls", None)
        if owner is not None and issubclass(owner, ExchangePluginContract):
            item.add_marker(pytest.mark.conformance)


def pytest_report_header() -> list[str]:
    """One line naming every folio plugin found and its status."""
    records = ", ".join(f"{r.name} ({r.status.value})" for r in Plugins().records)
    return [f"folio plugins: {records or 'none'}"]
