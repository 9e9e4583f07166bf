"""The simulator speaks the exchange's field names by default; the 2019 draft's only on request.

Real clients (CCXT included) read ``totalBalance``; the seed samples come from a draft that
wrote ``totalABalance``, and serving that by default gave every such client a null total from
``folio simulate ascendex`` (docs/exchanges/ascendex.md, "The simulator").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from adapters.ascendex import AsyncAscendexClient
from adapters.ascendex.simulator import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    AscendexSimulator,
    RunningSimulator,
)
from adapters.ascendex.simulator import __main__ as simulator_main
from framework.credentials import Credentials
from framework.host import Plugins
from framework.models import WalletKind
from tests.simulator.helpers import Client

DATA = resources.files("adapters.ascendex.simulator") / "data"
ROUTES = ("cash", "margin")


def rows_of(client: Client, route: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = client.get(f"/6/api/pro/v1/{route}/balance", "balance").json()[
        "data"
    ]
    return rows


@pytest.fixture
def folio_simulate() -> Iterator[Client]:
    """A client of the simulator ``folio simulate ascendex`` starts, signing at its time."""
    (simulator,) = [s for s in Plugins().registry.simulators() if s.exchange == "ascendex"]
    with simulator.start("127.0.0.1", 0) as handle:
        port = int(handle.url.rsplit(":", 1)[1])
        client = Client(port, key=DEMO_API_KEY, secret=DEMO_API_SECRET)
        client.timestamp = client.get("/__simulator__/clock").json()["data"]["now_ms"]
        try:
            yield client
        finally:
            client.close()


@pytest.mark.parametrize("route", ROUTES)
def test_folio_simulate_serves_total_balance_to_a_client_that_reads_only_it(
    folio_simulate: Client, route: str
) -> None:
    rows = rows_of(folio_simulate, route)
    assert rows
    # what a client written against the exchange reads: never a null total
    assert all(row.get("totalBalance") is not None for row in rows), rows
    assert all("totalABalance" not in row for row in rows)


@pytest.fixture
def draft() -> Iterator[RunningSimulator]:
    with AscendexSimulator.seed(draft_field_names=True).serve(control=True) as running:
        yield running


def test_the_draft_spelling_is_served_verbatim_on_request(draft: RunningSimulator) -> None:
    client = Client(draft.port, key=DEMO_API_KEY, secret=DEMO_API_SECRET)
    try:
        client.timestamp = client.get("/__simulator__/clock").json()["data"]["now_ms"]
        for route in ROUTES:
            body = client.get(f"/6/api/pro/v1/{route}/balance", "balance").body
            assert body == (DATA / f"seed_{route}_balance.json").read_bytes()
        filtered = client.get("/6/api/pro/v1/cash/balance?asset=BTC", "balance").json()
        assert filtered["data"] == [
            {"asset": "BTC", "availableBalance": "16.1308675", "totalABalance": "22.1308675"}
        ]
        margin = rows_of(client, "margin")
        assert ["totalABalance" in row for row in margin] == [True, False]  # as the sample
    finally:
        client.close()


@pytest.mark.anyio
@pytest.mark.parametrize("draft_field_names", [False, True])
async def test_folio_reads_the_same_totals_from_either_spelling(draft_field_names: bool) -> None:
    simulator = AscendexSimulator.seed(draft_field_names=draft_field_names)
    credentials = Credentials.from_strings(DEMO_API_KEY, DEMO_API_SECRET)
    with simulator.serve() as running:
        async with AsyncAscendexClient(credentials, base_url=running.url) as client:
            cash = await client.balances(WalletKind.CASH)
            margin = await client.balances(WalletKind.MARGIN)
    assert [(b.asset, str(b.total)) for b in cash] == [
        ("USDT", "1285.366663467"), ("BTC", "22.1308675"), ("ETH", "0.6"),
    ]
    assert [(b.asset, str(b.total)) for b in margin] == [("USDT", "11200"), ("ETH", "20")]


def test_the_live_mode_ignores_the_draft_option() -> None:
    account = AscendexSimulator.seed(mode="live", draft_field_names=True).accounts[0]
    assert account.verbatim == {}


def test_the_module_command_passes_the_option(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[bool] = []
    real_seed = AscendexSimulator.seed

    def seed(**kwargs: Any) -> AscendexSimulator:
        made.append(kwargs["draft_field_names"])
        return real_seed(**kwargs)

    async def no_serving(*_args: object) -> None:
        return None

    monkeypatch.setattr(AscendexSimulator, "seed", seed)
    monkeypatch.setattr(simulator_main, "_serve", no_serving)
    assert simulator_main.main([]) == 0
    assert simulator_main.main(["--draft-field-names"]) == 0
    assert made == [False, True]


def test_the_module_command_refuses_the_option_with_an_accounts_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        simulator_main.main(["--accounts", "accounts.json", "--draft-field-names"])
    assert exited.value.code == 2
    assert '"total_key": "totalABalance"' in capsys.readouterr().err


def test_an_accounts_file_row_may_ask_for_the_draft_spelling(tmp_path: Any) -> None:
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps([{
        "api_key": "k", "api_secret": "s", "account_group": 1, "mode": "seed",
        "cash": [{"asset": "BTC", "total": "2", "available": "1", "total_key": "totalABalance"},
                 {"asset": "ETH", "total": "3", "available": "3"}],
    }]), encoding="utf-8")
    with AscendexSimulator.from_file(path).serve(control=True) as running:
        client = Client(running.port, key="k", secret="s")
        try:
            client.timestamp = client.get("/__simulator__/clock").json()["data"]["now_ms"]
            rows = client.get("/1/api/pro/v1/cash/balance", "balance").json()["data"]
        finally:
            client.close()
    assert rows == [
        {"asset": "BTC", "availableBalance": "1", "totalABalance": "2"},
        {"asset": "ETH", "availableBalance": "3", "totalBalance": "3"},
    ]
