"""Conversion: a 1,000-asset cash-balance answer into domain models, against a dict loop.

::

    python -m tests.benchmarks.conversion [--assets 1000]

No network: the answer's bytes are encoded by the simulator's own payload code once, then
read again and again. ``folio`` runs what the adapter's protocol runs on every cash-balance
answer (adapters/ascendex/protocol.py), and only that: the envelope and status checks with
``json.loads`` (``read_data``), the adapter's cattrs converter structuring the rows with each
amount parsed once (``structure``), and the ``BalanceSnapshot`` of frozen ``AssetBalance``
models with its checks (``balance_snapshot``). Sending and signing are measured elsewhere
(``tests.benchmarks.overhead``). The baseline is what one writes by
hand: ``json.loads(parse_float=Decimal)``, a code check and a dict of ``Decimal`` pairs.
Both results are checked digit for digit against the truth.
"""

from __future__ import annotations

import argparse
import json
import statistics
import timeit
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from adapters.ascendex.convert import balance_snapshot, structure
from adapters.ascendex.responses import read_data
from adapters.ascendex.wire import CashBalanceRow
from framework.models import BalanceSnapshot, WalletKind
from tests.benchmarks.accounts import wide_balance_body
from tests.benchmarks.measure import Exactness, Reading, emit

__all__ = ["main"]


def hand_written(body: bytes) -> dict[str, tuple[Decimal, Decimal]]:
    """The baseline: parse, check the code, build asset -> (total, available)."""
    document = json.loads(body, parse_float=Decimal)
    if document["code"] != 0:
        msg = f"exchange error {document['code']}"
        raise RuntimeError(msg)
    return {row["asset"]: (Decimal(row["totalBalance"]), Decimal(row["availableBalance"]))
            for row in document["data"]}


def folio_reader(body: bytes) -> Callable[[], BalanceSnapshot]:
    """A call that reads ``body`` as the protocol reads a cash-balance answer."""
    headers = {"content-type": "application/json"}
    fetched_at = datetime.now(UTC)

    def read() -> BalanceSnapshot:
        data = read_data(200, headers, body)
        rows = structure(data, list[CashBalanceRow])
        return balance_snapshot(rows, wallet=WalletKind.CASH, account="wide",
                                fetched_at=fetched_at)

    return read


def _per_call(call: Callable[[], Any], repeat: int, number: int) -> float:
    return statistics.median(timeit.repeat(call, repeat=repeat, number=number)) / number


def measure(assets: int, *, repeat: int = 25, number: int = 10) -> dict[str, Any]:
    """Median seconds per conversion of each reader; digits checked once for each."""
    body, truth = wide_balance_body(assets)
    folio = folio_reader(body)
    exactness = {"folio": Exactness(), "hand-written": Exactness()}
    exactness["folio"].check(
        "wide", {row.asset: (row.total, row.available) for row in folio()}, truth
    )
    baseline: Reading = hand_written(body)
    exactness["hand-written"].check("wide", baseline, truth)
    timings = {}
    for _ in range(2):  # interleaved twice: the second pass is the one reported
        timings = {
            "folio": _per_call(folio, repeat, number),
            "hand-written": _per_call(lambda: hand_written(body), repeat, number),
        }
    return {
        "assets": assets, "body_bytes": len(body),
        "us": {name: seconds * 1e6 for name, seconds in timings.items()},
        "exactness": {name: e.to_json() for name, e in exactness.items()},
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Measure and print JSON."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.conversion")
    parser.add_argument("--assets", type=int, default=1000)
    args = parser.parse_args(argv)
    emit(measure(args.assets))


if __name__ == "__main__":
    main()
