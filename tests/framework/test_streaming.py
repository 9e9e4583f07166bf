"""``Folio.stream_balances`` / ``stream_risk``: completion order, isolation, a clean early end.

Each account's read waits on its own gate (an ``asyncio.Event``) that the test opens, so the
order in which reads complete is the test's choice, never a matter of timing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncGenerator

import pytest

from framework.errors import (
    AuthenticationError,
    PluginContractError,
    UnknownAccountError,
)
from framework.host import Folio
from framework.models import BalanceSnapshot, MarginRisk, WalletKind
from framework.results import AccountResult
from framework.settings import HttpSettings
from tests.framework.helpers import ExchangePlugin, TableReader, account, plugins_of

pytestmark = pytest.mark.anyio


class Board:
    """The gates the readers wait on, and what the readers saw."""

    def __init__(self) -> None:
        self.gates: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.started: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.cancelled: list[str] = []
        self.changed = asyncio.Event()
        self.active = 0
        self.peak = 0

    def open(self, *names: str) -> None:
        for name in names:
            self.gates[name].set()

    async def until_cancelled(self, count: int) -> None:
        """Return once ``count`` reads were cancelled (each cancelled read says so)."""
        while len(self.cancelled) < count:
            self.changed.clear()
            await self.changed.wait()

    async def wait(self, name: str) -> None:
        self.started[name].set()
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await self.gates[name].wait()
        except asyncio.CancelledError:
            self.cancelled.append(name)
            self.changed.set()
            raise
        finally:
            self.active -= 1
        if name == "stop":
            raise Stop


def gated(board: Board) -> type[TableReader]:
    class Gated(TableReader):
        async def fetch_balances(self, wallet: WalletKind) -> BalanceSnapshot:
            await board.wait(self.context.account.name)
            return await super().fetch_balances(wallet)

        async def fetch_margin_risk(self) -> MarginRisk:
            await board.wait(self.context.account.name)
            return await super().fetch_margin_risk()

    return Gated


class Stop(BaseException):
    """Not an ``Exception``: a host's own signal that must go through a stream untouched."""


def host(board: Board, names: tuple[str, ...], *, limit: int = 64) -> Folio:
    plugin = ExchangePlugin(
        {"alpha": [WalletKind.CASH]},
        risk=["alpha"],
        table={
            "auth": AuthenticationError("API key rejected", endpoint="GET cash/balance"),
            "crash": RuntimeError("boom"),
        },
        reader=gated(board),
    )
    return Folio(
        [account(name) for name in names],
        plugins=plugins_of(("alpha", plugin)),
        http=HttpSettings(max_concurrency=limit),
    )


def reads_left() -> list[asyncio.Task[object]]:
    """Tasks still running one account's read (``Folio._outcome``), wherever they came from."""
    return [
        task
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "") == "Folio._outcome"
    ]


async def test_results_arrive_in_the_order_the_reads_complete() -> None:
    board = Board()
    async with host(board, ("a", "b", "c")) as folio:
        stream = folio.stream_balances(WalletKind.CASH)
        seen = []
        for name in ("c", "a", "b"):
            board.open(name)
            outcome = await anext(stream)
            seen.append(outcome.account)
            assert outcome.ok
            assert outcome.unwrap().account == name
        with pytest.raises(StopAsyncIteration):
            await anext(stream)
    assert seen == ["c", "a", "b"]


async def test_risk_streams_the_same_way() -> None:
    board = Board()
    async with host(board, ("a", "b")) as folio:
        stream = folio.stream_risk()
        board.open("b")
        first = await anext(stream)
        board.open("a")
        second = await anext(stream)
        await stream.aclose()
    assert (first.account, second.account) == ("b", "a")
    assert isinstance(first.value, MarginRisk)


async def test_a_failing_account_is_a_result_and_the_stream_goes_on() -> None:
    board = Board()
    board.open("main", "auth", "crash", "spare")
    names = ("main", "auth", "crash", "spare")
    async with host(board, names) as folio:
        streamed = [r async for r in folio.stream_balances(accounts=[*names, "ghost"])]
        gathered = await folio.all_balances(accounts=[*names, "ghost"])
    by_name = {r.account: r for r in streamed}
    assert sorted(by_name) == sorted([*names, "ghost"])
    assert by_name["main"].ok
    assert by_name["spare"].ok
    assert isinstance(by_name["auth"].error, AuthenticationError)
    assert isinstance(by_name["crash"].error, PluginContractError)
    assert by_name["auth"].error.account == "auth"
    # Unknown names behave as in all_*: an error result, exchange "unknown".
    assert isinstance(by_name["ghost"].error, UnknownAccountError)
    assert by_name["ghost"].exchange == "unknown"
    assert [(r.account, r.exchange, type(r.error)) for r in gathered] == [
        (n, by_name[n].exchange, type(by_name[n].error)) for n in [*names, "ghost"]
    ]


async def test_stopping_early_with_aclosing_cancels_and_awaits_every_pending_read() -> None:
    board = Board()
    names = ("a", "b", "c", "d")
    async with host(board, names) as folio:
        board.open("b")
        async with contextlib.aclosing(folio.stream_balances()) as stream:
            async for outcome in stream:
                assert outcome.account == "b"
                break
        # Closed: nothing of the stream is left running, before the Folio closes.
        assert sorted(board.cancelled) == ["a", "c", "d"]
        assert reads_left() == []
        assert folio._streamed == set()


async def test_a_bare_break_cancels_the_pending_reads_too() -> None:
    board = Board()
    async with host(board, ("a", "b", "c")) as folio:
        board.open("a")
        async for outcome in folio.stream_balances():
            assert outcome.account == "a"
            break
        # The generator, collected at the break, is closed by asyncio's async-generator hook
        # in a task of its own: the pending reads end cancelled without the host's help.
        async with asyncio.timeout(10):  # a guard against a hang, not a measure
            await board.until_cancelled(2)
        assert sorted(board.cancelled) == ["b", "c"]


async def test_closing_the_folio_cancels_the_reads_of_a_stream_left_open() -> None:
    board = Board()
    folio = host(board, ("a", "b", "c"))
    board.open("a")
    stream = folio.stream_balances()  # held, never closed by the host
    assert (await anext(stream)).account == "a"
    await folio.aclose()
    assert sorted(board.cancelled) == ["b", "c"]
    assert folio._streamed == set()
    with pytest.raises(RuntimeError, match="cancelled from outside"):
        await anext(stream)
    assert reads_left() == []


async def test_cancelling_the_consumer_cancels_and_awaits_every_read() -> None:
    board = Board()
    async with host(board, ("a", "b", "c")) as folio:
        consumed: list[AccountResult[BalanceSnapshot]] = []

        async def consume() -> None:
            async for outcome in folio.stream_balances():
                consumed.append(outcome)

        consumer = asyncio.create_task(consume())
        for name in ("a", "b", "c"):
            await board.started[name].wait()
        consumer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await consumer
        assert consumed == []
        assert sorted(board.cancelled) == ["a", "b", "c"]
        assert reads_left() == []


async def test_a_non_exception_goes_on_and_the_other_reads_are_cancelled() -> None:
    board = Board()
    async with host(board, ("stop", "a", "b")) as folio:
        board.open("stop")
        with pytest.raises(Stop):
            async for _ in folio.stream_balances():
                pass
        assert sorted(board.cancelled) == ["a", "b"]
        assert reads_left() == []


@pytest.mark.parametrize("limit", [1, 2])
async def test_at_most_max_concurrency_reads_at_once(limit: int) -> None:
    board = Board()
    names = ("a0", "a1", "a2", "a3")
    async with host(board, names, limit=limit) as folio:
        stream: AsyncGenerator[AccountResult[BalanceSnapshot], None] = folio.stream_balances()
        pending = asyncio.ensure_future(anext(stream))
        for name in names[:limit]:
            await board.started[name].wait()
        assert [n for n in names if board.started[n].is_set()] == list(names[:limit])
        seen = []
        for name in names:
            board.open(name)
            seen.append((await pending).account)
            if len(seen) < len(names):
                pending = asyncio.ensure_future(anext(stream))
        await stream.aclose()
    assert seen == list(names)
    assert board.peak == limit


async def test_a_stream_belongs_to_the_folio_s_event_loop() -> None:
    board = Board()
    board.open("a")
    folio = host(board, ("a",))
    async with folio:
        assert [r.account async for r in folio.stream_balances()] == ["a"]

        def elsewhere() -> None:
            async def read() -> None:
                async for _ in folio.stream_balances():
                    pass

            with pytest.raises(RuntimeError, match="another event loop"):
                asyncio.run(read())

        await asyncio.to_thread(elsewhere)


async def test_whole_portfolios_stream_per_account_as_each_completes() -> None:
    board = Board()
    async with host(board, ("a", "auth", "b")) as folio:
        stream = folio.stream_portfolio(accounts=["a", "auth", "b", "ghost"])
        first = await anext(stream)  # an unknown name needs no read: it is there first
        assert first.account == "ghost"
        assert isinstance(first.error, UnknownAccountError)
        board.open("b")  # b's cash and risk reads both pass b's gate
        second = await anext(stream)
        board.open("auth")
        third = await anext(stream)
        await stream.aclose()
    assert second.account == "b"
    assert second.unwrap().complete
    assert [s.wallet for s in second.unwrap().snapshots] == [WalletKind.CASH]
    assert isinstance(second.unwrap().risk, MarginRisk)
    # A failed part is the account's value with its failures, never an error of the stream.
    assert third.account == "auth"
    assert not third.unwrap().complete
    assert sorted(board.cancelled) == ["a", "a"]  # a's two parts, cancelled by aclose()
