"""``SyncFolio.stream_balances`` / ``stream_risk``: blocking iterators over the async streams.

Accounts named ``held*`` wait on a gate the test opens from its own thread (through the
private loop's ``call_soon_threadsafe``); every other account answers at once. Reads report
to the test through ``threading.Event``s, so nothing here depends on timing.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict

import pytest

from framework.errors import AuthenticationError, PluginContractError, UnknownAccountError
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.sync import SyncFolio
from tests.framework.helpers import ExchangePlugin, TableReader, account, plugins_of

GUARD = 10.0
"""Seconds a test waits for an event before failing: a guard against a hang, not a measure."""


class SyncBoard:
    """Gates for the ``held*`` accounts, opened from the test's thread; what the reads saw."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.gates: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.started: defaultdict[str, threading.Event] = defaultdict(threading.Event)
        self.finished: defaultdict[str, threading.Event] = defaultdict(threading.Event)
        self.cancelled: list[str] = []
        self.threads: set[str] = set()

    def open(self, name: str) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self.gates[name].set)

    async def wait(self, name: str) -> None:
        self.loop = asyncio.get_running_loop()
        self.threads.add(threading.current_thread().name)
        self.started[name].set()
        if name.startswith("held"):
            try:
                await self.gates[name].wait()
            except asyncio.CancelledError:
                self.cancelled.append(name)
                raise
        self.finished[name].set()


def gated(board: SyncBoard) -> type[TableReader]:
    class Gated(TableReader):
        async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
            await board.wait(self.context.account.name)
            return await super().fetch_balances(wallet)

        async def fetch_margin_risk(self) -> MarginRisk:
            await board.wait(self.context.account.name)
            return await super().fetch_margin_risk()

    return Gated


def sync_host(board: SyncBoard, names: tuple[str, ...]) -> SyncFolio:
    plugin = ExchangePlugin(
        {"alpha": [WalletKind.CASH]},
        risk=["alpha"],
        table={
            "auth": AuthenticationError("API key rejected", endpoint="GET cash/balance"),
            "crash": RuntimeError("boom"),
        },
        reader=gated(board),
    )
    return SyncFolio([account(name) for name in names], plugins=plugins_of(("alpha", plugin)))


def stream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "folio-stream"]


def test_results_arrive_as_they_complete_and_reads_go_on_between_results() -> None:
    board = SyncBoard()
    with sync_host(board, ("held", "quick")) as folio:
        results = folio.stream_balances(WalletKind.CASH)
        first = next(results)
        assert first.account == "quick"
        assert board.started["held"].wait(GUARD)
        board.open("held")
        # The host has not asked for the next result, yet the read completes: the loop keeps
        # running while the host handles a result, so no read stands still past its deadline.
        assert board.finished["held"].wait(GUARD)
        second = next(results)
        assert second.account == "held"
        assert second.unwrap().account == "held"
        with pytest.raises(StopIteration):
            next(results)
    assert board.threads == {"folio-stream"}
    assert stream_threads() == []


def test_risk_streams_the_same_way() -> None:
    board = SyncBoard()
    with sync_host(board, ("a", "b")) as folio:
        results = sorted(folio.stream_risk(), key=lambda r: r.account)
    assert [(r.account, type(r.value)) for r in results] == [("a", MarginRisk), ("b", MarginRisk)]


def test_failures_are_results_as_in_all_balances() -> None:
    board = SyncBoard()
    names = ("main", "auth", "crash")
    with sync_host(board, names) as folio:
        by_name = {r.account: r for r in folio.stream_balances(accounts=[*names, "ghost"])}
    assert by_name["main"].ok
    assert isinstance(by_name["auth"].error, AuthenticationError)
    assert isinstance(by_name["crash"].error, PluginContractError)
    assert isinstance(by_name["ghost"].error, UnknownAccountError)


def test_a_break_cancels_the_pending_reads_and_ends_the_worker() -> None:
    board = SyncBoard()
    with sync_host(board, ("held1", "quick", "held2")) as folio:
        for outcome in folio.stream_balances():
            assert outcome.account == "quick"
            break
        # CPython closes the generator as the loop drops it: the rest is cancelled and awaited.
        assert sorted(board.cancelled) == ["held1", "held2"]
        assert stream_threads() == []
        assert folio.balances("quick").account == "quick"  # the private loop still works


def test_close_of_an_unfinished_iterator_cancels_the_reads() -> None:
    board = SyncBoard()
    with sync_host(board, ("held", "quick")) as folio:
        results = folio.stream_balances()
        assert next(results).account == "quick"
        results.close()
        assert board.cancelled == ["held"]
        assert stream_threads() == []


def test_calling_the_facade_inside_the_loop_body_waits_for_the_reads_not_for_the_host() -> None:
    board = SyncBoard()
    with sync_host(board, ("a", "b", "c")) as folio:
        inner = [folio.balances(outcome.account).account for outcome in folio.stream_balances()]
    assert sorted(inner) == ["a", "b", "c"]


def test_an_exception_in_the_loop_body_cancels_the_reads() -> None:
    board = SyncBoard()
    with sync_host(board, ("held", "quick")) as folio, pytest.raises(LookupError):  # noqa: PT012
        for _ in folio.stream_balances():
            raise LookupError
    assert board.cancelled == ["held"]
    assert stream_threads() == []


def test_a_closed_facade_refuses_to_stream() -> None:
    folio = sync_host(SyncBoard(), ("a",))
    folio.close()
    with pytest.raises(RuntimeError, match="closed"):
        folio.stream_balances()


def test_streams_are_refused_inside_a_running_event_loop() -> None:
    board = SyncBoard()
    with sync_host(board, ("a",)) as folio:

        async def inside() -> None:
            with pytest.raises(RuntimeError, match="running event loop"):
                next(folio.stream_balances())

        asyncio.run(inside())
        assert [r.account for r in folio.stream_balances()] == ["a"]


def test_whole_portfolios_stream_too() -> None:
    board = SyncBoard()
    with sync_host(board, ("a", "b")) as folio:
        results = sorted(folio.stream_portfolio(), key=lambda r: r.account)
    assert [(r.account, r.unwrap().complete) for r in results] == [("a", True), ("b", True)]
