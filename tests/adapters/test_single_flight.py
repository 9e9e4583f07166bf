"""SingleFlight (adapters/kit/flight.py): one run at a time, its outcome shared by its waiters.

Each documented rule is pinned: success and failure are both shared; ``needed()`` decides
whether a caller arriving between runs starts one; runs belong to one event loop; a waiter cut
by its own deadline leaves the run going for the others.
"""

from __future__ import annotations

import asyncio

import pytest

from adapters.kit.flight import SingleFlight


class Boom(Exception):
    pass


@pytest.mark.anyio
async def test_concurrent_callers_share_one_success() -> None:
    flight: SingleFlight[int] = SingleFlight()
    release = asyncio.Event()
    calls = 0

    async def work() -> int:
        nonlocal calls
        calls += 1
        await release.wait()
        return 42

    callers = [asyncio.ensure_future(flight.run(work)) for _ in range(5)]
    await asyncio.sleep(0)
    assert flight.waiting == 4
    release.set()
    assert await asyncio.gather(*callers) == [42] * 5
    assert (calls, flight.runs, flight.waiting) == (1, 1, 0)


@pytest.mark.anyio
async def test_concurrent_callers_share_one_failure_and_the_next_call_runs_again() -> None:
    flight: SingleFlight[int] = SingleFlight()
    calls = 0

    async def failing() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        raise Boom(str(calls))

    results = await asyncio.gather(*(flight.run(failing) for _ in range(3)),
                                   return_exceptions=True)
    assert [str(r) for r in results] == ["1", "1", "1"]
    assert calls == 1
    with pytest.raises(Boom, match="2"):
        await flight.run(failing)


@pytest.mark.anyio
async def test_a_run_that_is_not_needed_is_not_started() -> None:
    flight: SingleFlight[int] = SingleFlight()

    async def work() -> int:  # pragma: no cover - must not run
        raise AssertionError

    assert await flight.run(work, needed=lambda: False) is None
    assert flight.runs == 0


@pytest.mark.anyio
async def test_a_waiter_cut_by_its_deadline_does_not_cancel_the_run() -> None:
    flight: SingleFlight[str] = SingleFlight()
    release = asyncio.Event()

    async def work() -> str:
        await release.wait()
        return "done"

    patient = asyncio.ensure_future(flight.run(work))
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0):
            await flight.run(work)
    release.set()
    assert await patient == "done"


def test_runs_belong_to_their_own_event_loop() -> None:
    flight: SingleFlight[int] = SingleFlight()

    async def work() -> int:
        await asyncio.sleep(0)
        return 7

    async def twice() -> list[int | None]:
        return list(await asyncio.gather(flight.run(work), flight.run(work)))

    # two loops one after the other (SyncFolio's own loop, then another): no cross-loop state
    assert asyncio.run(twice()) == [7, 7]
    assert asyncio.run(twice()) == [7, 7]
    assert flight.runs == 2



@pytest.mark.anyio
async def test_a_run_on_another_loop_meanwhile_is_its_own() -> None:
    # SyncFolio runs its own loop on a thread while the host's loop may hold a run in flight:
    # a caller on the other loop must neither join nor wait for this loop's run.
    flight: SingleFlight[str] = SingleFlight()
    release = asyncio.Event()

    async def here() -> str:
        await release.wait()
        return "here"

    async def there() -> str:
        return "there"

    pending = asyncio.ensure_future(flight.run(here))
    await asyncio.sleep(0)
    assert flight.runs == 1
    assert await asyncio.to_thread(asyncio.run, flight.run(there)) == "there"
    assert flight.runs == 2
    release.set()
    assert await pending == "here"
