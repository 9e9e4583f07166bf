"""The mixed benchmark's setup and one tiny round of it (docs/performance.md, "Mixed run").

The benchmark itself runs outside the suite (``python -m tests.benchmarks``); these tests keep
its parts honest: the generated accounts agree with the exchanges' documented mappings, every
simulator serves them, and one round of folio and of the hand-written client over all four
exchanges reads every amount digit for digit.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from adapters.bybit.simulator import BybitSimulator, Coin, Market, SimulatorOptions
from adapters.bybit.simulator import SimAccount as BybitAccount
from tests.benchmarks.mixed import AiohttpMixed, FolioMixed, MixedClient, measure
from tests.benchmarks.mixed_accounts import (
    EXCHANGES,
    MixedAccount,
    make_set,
    read_set,
    truth_of,
    usd_prices,
    write_sets,
)
from tests.benchmarks.mixed_raw import RawAccount
from tests.benchmarks.mixed_sim import MixedSimulatorProcess, build_simulators

TINY = 8


def _digits(text: str) -> Decimal:
    return Decimal(text)


def test_accounts_are_spread_evenly_and_the_same_for_the_same_seed() -> None:
    accounts = make_set("mixed", 100)
    assert Counter(a.exchange for a in accounts) == dict.fromkeys(EXCHANGES, 25)
    assert [a.exchange for a in accounts[:4]] == list(EXCHANGES)
    assert accounts == make_set("mixed", 100)
    assert accounts[:10] == make_set("mixed", 10)
    assert accounts != make_set("mixed", 100, seed=13)
    assert len({a.api_key for a in accounts}) == len({a.name for a in accounts}) == 100
    assert {a.exchange for a in make_set("ascendex", 12)} == {"ascendex"}
    bybit = [a.number for a in accounts if a.exchange == "bybit"]
    assert len(set(bybit)) == len(bybit)  # Bybit limits per UID: one UID per key
    assert all(len(a.api_key) == 64 and a.api_key.isalnum()
               for a in accounts if a.exchange == "binance")
    assert all(a.passphrase for a in accounts if a.exchange == "okx")
    assert all(a.passphrase is None for a in accounts if a.exchange != "okx")


def test_truth_follows_each_exchanges_documented_mapping() -> None:
    for account in make_set("mixed", 200):
        assert [row[0] for row in account.rows] == [row[0] for row in account.truth]
        assert account.rows[0][0] == "USDT"
        for (_, a, b), (_, total, available) in zip(account.rows, account.truth, strict=True):
            assert _digits(total) > 0
            assert 0 <= _digits(available) <= _digits(total)
            if account.exchange == "ascendex":
                assert (total, available) == (a, b)
            elif account.exchange == "binance":  # free, locked: 8 decimals written out
                assert _digits(total).as_tuple() == (Decimal(a) + Decimal(b)).as_tuple()
                assert available == a
                assert Decimal(total).as_tuple().exponent == -8
            else:  # okx cashBal/frozenBal, bybit walletBalance/locked
                assert total == a
                assert _digits(total) - _digits(b) == _digits(available)
                if account.exchange == "bybit":
                    assert _digits(available) > 0
                    assert (_digits(available).as_tuple()
                            == (Decimal(a) - Decimal(b)).as_tuple())
                else:  # OKX writes availBal without trailing zeros
                    assert available == format(Decimal(available).normalize(), "f")


def test_the_accounts_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    sets = {"mixed": make_set("mixed", 9), "ascendex": make_set("ascendex", 5)}
    write_sets(path, sets)
    assert read_set(path, "mixed") == sets["mixed"]
    assert read_set(path, "ascendex", 3) == sets["ascendex"][:3]


@pytest.fixture
def urls() -> Iterator[dict[str, str]]:
    """Every simulator serving the tiny mixed set and a tiny AscendEX-only set."""
    accounts = [*make_set("mixed", TINY), *make_set("ascendex", 4)]
    with ExitStack() as stack:
        running = [stack.enter_context(sim.serve(control=True))
                   for sim in build_simulators(accounts)]
        yield {name: sim.url for name, sim in zip(EXCHANGES, running, strict=True)}


@pytest.mark.parametrize("client", [FolioMixed, AiohttpMixed])
def test_one_tiny_mixed_round_reads_every_amount_exactly(
    urls: dict[str, str], client: type[MixedClient]
) -> None:
    accounts = make_set("mixed", TINY)
    result = asyncio.run(measure(client(), accounts, urls, rounds=1))
    assert result["failures"] == 0, result["failure_examples"]
    amounts = 2 * sum(len(a.truth) for a in accounts) * 2  # cold and one warm round
    assert result["exactness"] == {"checked": amounts, "wrong": 0, "missing": 0,
                                   "examples": []}
    assert result["exchanges"] == sorted(EXCHANGES)
    # One balance request per account and round; AscendEX learns its group first (cold).
    assert result["warm_requests"] == dict.fromkeys(EXCHANGES, TINY // 4)
    assert result["cold_requests"] == {**dict.fromkeys(EXCHANGES, TINY // 4),
                                       "ascendex": 2 * TINY // 4}


def test_the_single_exchange_set_reads_through_the_same_worker(urls: dict[str, str]) -> None:
    accounts = make_set("ascendex", 4)
    result = asyncio.run(measure(FolioMixed(), accounts, urls, rounds=1))
    assert result["failures"] == 0, result["failure_examples"]
    assert result["exactness"]["checked"] == 2 * 2 * 4 * 5
    assert result["exactness"]["wrong"] == 0
    assert result["exchanges"] == ["ascendex"]


def test_a_wrong_amount_is_counted_not_passed(urls: dict[str, str]) -> None:
    """The check can fail: an account whose truth differs from what is served is reported."""
    account = make_set("mixed", 2)[1]  # Binance
    asset, total, available = account.truth[0]
    rng = random.Random(1)
    wrong = f"{Decimal(total) + Decimal(rng.randint(1, 9)):f}"
    forged = MixedAccount(account.exchange, account.api_key, account.api_secret,
                          account.passphrase, account.number, account.rows,
                          ((asset, wrong, available), *account.truth[1:]))
    result = asyncio.run(measure(AiohttpMixed(), [forged], urls, rounds=0))
    assert result["exactness"]["wrong"] == 1
    assert result["exactness"]["examples"][0]["truth"] == wrong
    assert truth_of(forged)[asset] == (wrong, available)


def test_the_hand_written_client_is_refused_with_a_wrong_secret(urls: dict[str, str]) -> None:
    """Its signers are checked by the simulators: a wrong secret fails on every exchange."""
    accounts = [MixedAccount(a.exchange, a.api_key, "not-the-secret", a.passphrase, a.number,
                             a.rows, a.truth) for a in make_set("mixed", 4)]
    result = asyncio.run(measure(AiohttpMixed(), accounts, urls, rounds=0))
    assert result["failures"] == 4
    assert result["exactness"]["checked"] == 0


def test_the_simulators_process_serves_every_exchange_on_one_loop(tmp_path: Path) -> None:
    """What the benchmark starts: the same accounts, served from a process of their own."""
    path = tmp_path / "accounts.json"
    write_sets(path, {"mixed": make_set("mixed", TINY), "ascendex": make_set("ascendex", 4)})
    with MixedSimulatorProcess(path) as simulators:
        assert sorted(simulators.urls) == sorted(EXCHANGES)
        assert len(set(simulators.urls.values())) == len(EXCHANGES)
        result = asyncio.run(measure(FolioMixed(), read_set(path, "mixed"), simulators.urls,
                                     rounds=1))
    assert result["failures"] == 0, result["failure_examples"]
    assert result["exactness"]["checked"] == 2 * 2 * TINY * 5
    assert result["exactness"]["wrong"] == 0


@pytest.mark.parametrize(("ip_limit", "statuses"), [((3, 60_000), [200, 200, 200, 403]),
                                                    (None, [200, 200, 200, 200])])
def test_bybits_per_address_budget_is_what_the_benchmark_lifts(
    ip_limit: tuple[int, int] | None, statuses: list[int]
) -> None:
    account = make_set("mixed", 4)[3]
    simulator = BybitSimulator(
        [BybitAccount(account.api_key, account.api_secret, uid=account.number,
                      coins=[Coin(asset, wallet, locked=locked)
                             for asset, wallet, locked in account.rows])],
        markets=[Market(asset, "USDT", str(price), str(price))
                 for asset, price in usd_prices().items() if asset != "USDT"],
        options=SimulatorOptions(ip_limit=ip_limit))
    raw = RawAccount(account)
    got = []
    with simulator.serve() as running, httpx.Client(base_url=running.url) as client:
        for _ in statuses:
            path, headers = raw.balance()
            response = client.get(path, headers=headers)
            got.append(response.status_code)
            if response.status_code == 200:
                assert raw.read_balance(200, response.content) == {
                    asset: (Decimal(total), Decimal(available))
                    for asset, total, available in account.truth}
            else:
                assert response.content == b"access too frequent"
    assert got == statuses
