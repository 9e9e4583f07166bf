"""Benchmark accounts: deterministic keys and balances, and the truth every read is checked against.

Amounts are plain decimal strings with up to nine decimals (AscendEX's ``precisionScale``) and
integer parts from 0 to 12 digits, so some carry more significant digits than a binary double
holds (about 15.9): exactly the balances a float-based client silently rounds.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

from adapters.ascendex.simulator import CashRow, SimAccount
from adapters.ascendex.simulator.payloads import encode_balances

__all__ = [
    "ASSETS_PER_ACCOUNT",
    "BenchAccount",
    "Truth",
    "make_accounts",
    "read_accounts_file",
    "truth_of",
    "wide_balance_body",
    "write_accounts_file",
]

ASSET_POOL: Final = (
    "USDT", "BTC", "ETH", "XRP", "SOL", "DOGE", "SHIB", "ADA", "TRX", "LINK", "DOT", "LTC",
    "BCH", "AVAX", "ATOM", "XLM", "ETC", "FIL", "NEAR", "APT", "ASD", "PEPE", "ARB", "OP",
)
"""Listed assets: the catalog CCXT loads has one market per asset but USDT."""
ASSETS_PER_ACCOUNT: Final = 5
GROUPS: Final = 12
"""Accounts are spread over this many account groups, as a real host's keys would be."""

Truth = Mapping[str, tuple[str, str]]
"""One account's cash balances as the simulator holds them: asset -> (total, available)."""


@dataclass(frozen=True, slots=True)
class BenchAccount:
    """One simulated API key and the cash balances behind it."""

    api_key: str
    api_secret: str
    account_group: int
    cash: tuple[tuple[str, str, str], ...]
    """``(asset, total, available)`` rows, as written to the accounts file."""

    @property
    def name(self) -> str:
        """The folio account name."""
        return self.api_key


def _amount(rng: random.Random) -> str:
    whole = rng.randrange(10 ** rng.randint(0, 12))
    places = rng.randint(0, 9)
    if places == 0:
        return str(whole)
    fraction = str(rng.randrange(1, 10**places)).rjust(places, "0").rstrip("0")
    return f"{whole}.{fraction}"


def make_accounts(count: int, *, seed: int = 5) -> list[BenchAccount]:
    """``count`` accounts, the same for the same seed; each holds USDT and four other assets."""
    rng = random.Random(seed)
    accounts = []
    for index in range(count):
        assets = ["USDT", *rng.sample(ASSET_POOL[1:], ASSETS_PER_ACCOUNT - 1)]
        rows = []
        for asset in assets:
            total = _amount(rng)
            while Decimal(total) == 0:  # all-zero rows are hidden by the exchange
                total = _amount(rng)
            available = min(Decimal(total), Decimal(_amount(rng)))
            rows.append((asset, total, total if available == Decimal(total) else str(available)))
        accounts.append(BenchAccount(
            api_key=f"bench-{index:05d}",
            api_secret=f"secret-{rng.getrandbits(128):032x}",
            account_group=index % GROUPS,
            cash=tuple(rows),
        ))
    return accounts


def truth_of(account: BenchAccount) -> dict[str, tuple[str, str]]:
    """What the simulator will answer for the account's cash wallet."""
    return {asset: (total, available) for asset, total, available in account.cash}


def write_accounts_file(path: Path, accounts: Sequence[BenchAccount]) -> None:
    """Write the simulator's accounts file (``python -m adapters.ascendex.simulator``)."""
    document = {"accounts": [
        {
            "api_key": account.api_key,
            "api_secret": account.api_secret,
            "account_group": account.account_group,
            "cash": [{"asset": a, "total": t, "available": v} for a, t, v in account.cash],
        }
        for account in accounts
    ]}
    path.write_text(json.dumps(document), encoding="utf-8")


def read_accounts_file(path: Path, count: int | None = None) -> list[BenchAccount]:
    """The first ``count`` accounts of a file written by :func:`write_accounts_file`."""
    entries = json.loads(path.read_text(encoding="utf-8"))["accounts"][:count]
    return [
        BenchAccount(
            api_key=entry["api_key"],
            api_secret=entry["api_secret"],
            account_group=entry["account_group"],
            cash=tuple((row["asset"], row["total"], row["available"]) for row in entry["cash"]),
        )
        for entry in entries
    ]


def wide_balance_body(assets: int, *, seed: int = 7) -> tuple[bytes, dict[str, tuple[str, str]]]:
    """A cash-balance answer listing ``assets`` assets, encoded by the simulator, and its truth."""
    rng = random.Random(seed)
    rows = [CashRow(f"A{index:04d}", _amount(rng), "0") for index in range(assets)]
    account = SimAccount("wide", "wide-secret", 0, cash=rows)
    body = encode_balances(account, rows)
    return body, {row.asset: (row.total, row.available) for row in rows}
