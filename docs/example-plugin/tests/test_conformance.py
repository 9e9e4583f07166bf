"""PaperEx meets folio's plugin contract: the kit's tests, run against a local PaperEx."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from framework.config import AccountConfig, StaticCredentials
from framework.credentials import Credentials
from framework.models import WalletKind
from framework.testing import ConformanceTarget, ExchangePluginContract, Scenario
from tests.paperex_server import API_KEY, API_SECRET, PaperexServer


@pytest.fixture
def paperex() -> Iterator[PaperexServer]:
    with PaperexServer().serving() as server:
        yield server


class TestPaperexContract(ExchangePluginContract):
    @pytest.fixture
    def conformance_target(self, paperex: PaperexServer) -> ConformanceTarget:
        @contextmanager
        def inject(scenario: Scenario) -> Iterator[None]:
            paperex.mode = {Scenario.RATE_LIMITED: "throttle",
                            Scenario.BAD_RESPONSE: "garbage"}[scenario]
            try:
                yield
            finally:
                paperex.mode = "normal"

        return ConformanceTarget(
            plugin="paperex",
            account=AccountConfig(
                name="paper",
                exchange="paperex",
                credentials=StaticCredentials(Credentials.from_strings(API_KEY, API_SECRET)),
                base_url=paperex.url,
            ),
            expected_totals={WalletKind.CASH: {"BTC": "1.50000000", "USD": "1000.25"}},
            expected_rows={WalletKind.CASH: {"BTC": {"available": "1.25000000"}}},
            inject=inject,
        )
