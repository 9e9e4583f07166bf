"""Accounts of the mixed benchmark: the same number on each exchange, and the truth of each.

Account ``i`` is on ``EXCHANGES[i % 4]``, so the first N accounts of a set are spread evenly
over AscendEX, Binance, OKX and Bybit at every N. Each holds USDT and four other assets, with
amounts drawn as :mod:`tests.benchmarks.accounts` draws them (up to 12 integer digits, up to 9
decimals; Binance always writes 8), and is stored in the exchange's own terms (``rows``: what
its simulator is configured with) beside what folio must report for it (``truth``), worked out
here from the exchanges' documented field mappings, not from folio's code:

* AscendEX: ``total = totalBalance``, ``available = availableBalance`` (docs/exchanges/ascendex.md);
* Binance spot: ``total = free + locked``, ``available = free`` (docs/exchanges/binance.md);
* OKX: ``total = eq - upl + liab`` and ``available = availBal``; these accounts hold no
  positions and owe nothing, so ``upl`` and ``liab`` are 0, ``eq = cashBal``, and ``availBal =
  eq - frozenBal`` as OKX writes it (plain digits, no trailing zeros: docs/exchanges/okx.md);
* Bybit: ``total = walletBalance + borrowAmount - spotBorrow`` and ``available = total +
  unrealisedPnl - locked - totalOrderIM - totalPositionIM``, with nothing borrowed and no
  derivatives orders or positions (docs/exchanges/bybit.md).

A derived amount is compared digit for digit too: ``Decimal`` arithmetic fixes its exponent
(``1.50000000 + 0.25000000`` is ``1.75000000``), and amounts stay within 21 significant digits,
so no sum is ever rounded.
"""

from __future__ import annotations

import hashlib
import json
import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

from tests.benchmarks.accounts import ASSET_POOL, ASSETS_PER_ACCOUNT, GROUPS

__all__ = [
    "EXCHANGES",
    "SETS",
    "MixedAccount",
    "make_set",
    "read_set",
    "truth_of",
    "usd_prices",
    "write_sets",
]

EXCHANGES: Final = ("ascendex", "binance", "okx", "bybit")
SETS: Final = ("mixed", "ascendex")
"""``mixed``: account ``i`` on ``EXCHANGES[i % 4]``; ``ascendex``: every account on AscendEX,
the single-exchange run at the same size."""

Row = tuple[str, str, str]
"""``(asset, a, b)`` in the exchange's terms: AscendEX ``(totalBalance, availableBalance)``,
Binance ``(free, locked)``, OKX ``(cashBal, frozenBal)``, Bybit ``(walletBalance, locked)``."""


@dataclass(frozen=True, slots=True)
class MixedAccount:
    """One API key on one exchange, its simulator rows, and what folio must read."""

    exchange: str
    api_key: str
    api_secret: str
    passphrase: str | None
    """OKX's third credential; ``None`` elsewhere."""
    number: int
    """AscendEX's account group, Bybit's UID (each key its own: Bybit limits per UID); 0 else."""
    rows: tuple[Row, ...]
    truth: tuple[Row, ...]
    """``(asset, total, available)`` as folio must report them, in the exchange's digits."""

    @property
    def name(self) -> str:
        """The folio account name (unique: derived from the key)."""
        return f"{self.exchange}-{hashlib.sha256(self.api_key.encode()).hexdigest()[:12]}"


def truth_of(account: MixedAccount) -> dict[str, tuple[str, str]]:
    """The account's truth as the fan-out checks it: asset -> (total, available)."""
    return {asset: (total, available) for asset, total, available in account.truth}


def usd_prices() -> dict[str, Decimal]:
    """A USD price per pooled asset (OKX and Bybit value every coin they report): USDT 1."""
    return {asset: Decimal(1) if asset == "USDT" else Decimal(index * 37 % 997 + 1) / 8
            for index, asset in enumerate(ASSET_POOL)}


def _text(value: Decimal) -> str:
    """Plain digits, keeping the exponent (``format(..., "f")`` never writes ``1E-7``)."""
    return format(value, "f")


def _amount(rng: random.Random, places: int | None = None) -> str:
    """Up to 12 integer digits; ``places`` decimals written out, else 0 to 9 without trailing
    zeros (how OKX, Bybit and AscendEX write amounts)."""
    whole = rng.randrange(10 ** rng.randint(0, 12))
    if places is not None:
        return f"{whole}.{rng.randrange(10**places):0{places}d}"
    places = rng.randint(0, 9)
    if places == 0:
        return str(whole)
    fraction = str(rng.randrange(1, 10**places)).rjust(places, "0").rstrip("0")
    return f"{whole}.{fraction}"


def _positive(rng: random.Random, places: int | None = None) -> str:
    amount = _amount(rng, places)
    while Decimal(amount) == 0:  # all-zero rows are left out by the exchanges
        amount = _amount(rng, places)
    return amount


def _below(rng: random.Random, total: str, places: int | None = None) -> str:
    """An amount at most ``total`` (``total`` itself when the draw is larger)."""
    amount = _amount(rng, places)
    return total if Decimal(amount) >= Decimal(total) else amount


def _key(rng: random.Random, length: int) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits, k=length))


def _account(exchange: str, index: int, rng: random.Random) -> MixedAccount:
    assets = ["USDT", *rng.sample(ASSET_POOL[1:], ASSETS_PER_ACCOUNT - 1)]
    rows: list[Row] = []
    truth: list[Row] = []
    for asset in assets:
        if exchange == "binance":
            free, locked = _positive(rng, 8), _amount(rng, 8)
            rows.append((asset, free, locked))
            truth.append((asset, _text(Decimal(free) + Decimal(locked)), free))
        elif exchange == "ascendex":
            total = _positive(rng)
            available = _below(rng, total)
            rows.append((asset, total, available))
            truth.append((asset, total, available))
        else:  # okx (cashBal, frozenBal) and bybit (walletBalance, locked)
            total = _positive(rng)
            available = _below(rng, total)
            while exchange == "bybit" and Decimal(available) == 0:
                # Bybit's available is computed (at least 0): a zero would come back as 0
                # whatever the exponent of the locked amount, a difference of digits only.
                available = _below(rng, total)
            frozen = Decimal(total) - Decimal(available)
            frozen_text = "0" if not frozen else format(frozen.normalize(), "f")
            rows.append((asset, total, frozen_text))
            reported = (available if exchange == "okx"
                        else _text(Decimal(total) + Decimal(0) - Decimal(frozen_text)))
            truth.append((asset, total, reported))
    secret = f"{rng.getrandbits(256):064x}"
    key = _key(rng, 64) if exchange == "binance" else f"{exchange}-{index:05d}-{_key(rng, 12)}"
    number = index % GROUPS if exchange == "ascendex" else (
        200_000_000 + index if exchange == "bybit" else 0)
    return MixedAccount(
        exchange=exchange, api_key=key, api_secret=secret,
        passphrase=f"pass-{_key(rng, 10)}" if exchange == "okx" else None,
        number=number, rows=tuple(rows), truth=tuple(truth),
    )


def make_set(kind: str, count: int, *, seed: int = 12) -> list[MixedAccount]:
    """``count`` accounts of set ``kind`` (:data:`SETS`), the same for the same seed."""
    if kind not in SETS:
        msg = f"unknown set {kind!r}; one of {SETS}"
        raise ValueError(msg)
    rng = random.Random(f"{kind}-{seed}")
    return [_account(EXCHANGES[index % len(EXCHANGES)] if kind == "mixed" else "ascendex",
                     index, rng)
            for index in range(count)]


def write_sets(path: Path, sets: Mapping[str, Sequence[MixedAccount]]) -> None:
    """Write the accounts file that the simulators and the workers read."""
    document = {kind: [
        {"exchange": a.exchange, "api_key": a.api_key, "api_secret": a.api_secret,
         "passphrase": a.passphrase, "number": a.number,
         "rows": [list(row) for row in a.rows], "truth": [list(row) for row in a.truth]}
        for a in accounts
    ] for kind, accounts in sets.items()}
    path.write_text(json.dumps(document), encoding="utf-8")


def read_set(path: Path, kind: str, count: int | None = None) -> list[MixedAccount]:
    """The first ``count`` accounts of set ``kind`` of a file written by :func:`write_sets`."""
    entries = json.loads(path.read_text(encoding="utf-8"))[kind][:count]
    return [
        MixedAccount(
            exchange=e["exchange"], api_key=e["api_key"], api_secret=e["api_secret"],
            passphrase=e["passphrase"], number=e["number"],
            rows=tuple((r[0], r[1], r[2]) for r in e["rows"]),
            truth=tuple((r[0], r[1], r[2]) for r in e["truth"]),
        )
        for e in entries
    ]
