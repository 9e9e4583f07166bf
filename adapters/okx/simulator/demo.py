"""The simulator's accounts: the documentation's sample, and the demo account.

* :func:`sample_account`: ``GET /api/v5/account/balance`` answers exactly the documented
  example (OKX API v5, "Get balance"), byte for byte; its one ``details`` row does not add up
  to ``totalEq`` because OKX cut the other currencies from the example, and its figures carry
  a double's noise (``"upl": "-7.545600000000006"``). The adapter tests pin its reading.
* :func:`demo_account`: what ``folio demo`` and ``folio simulate okx`` serve, a modest
  Multi-currency margin account (acctLv 3) whose every figure is computed at the demo's own
  tickers: 0.25 BTC, 2.4 ETH, 40 SOL and 1,500 USDT borrowed with 0.35 USDT of interest
  (cashBal -1500, eq -1500.35). Its maintenance margin is 105 USD, so it reads ``ok``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from adapters.okx.simulator.accounts import Row, SimAccount
from adapters.okx.simulator.handler import Market

__all__ = ["DEMO_API_KEY", "DEMO_API_SECRET", "DEMO_MARKETS", "DEMO_PASSPHRASE", "DEMO_USD",
           "SAMPLE_BALANCE", "demo_account", "sample_account"]

DEMO_API_KEY: Final = "37c541a1-0000-4000-8000-10fe7a038418"
DEMO_API_SECRET: Final = "22582BD0CFF14C41EDBF1AB98506286D"  # noqa: S105 - the docs' example
DEMO_PASSPHRASE: Final = "folio-demo-passphrase"  # noqa: S105 - a simulator's own

DEMO_MARKETS: Final = (
    Market("BTC", "USDT", "64000"),
    Market("ETH", "USDT", "3100"),
    Market("SOL", "USDT", "150"),
    Market("OKB", "USDT", "48.5"),
    Market("LUNA", "USDT", "0.1", state="suspend"),
)
DEMO_USD: Final = {"USDT": Decimal(1), "BTC": Decimal(64000), "ETH": Decimal(3100),
                   "SOL": Decimal(150), "OKB": Decimal("48.5")}
"""USD value of one unit of each currency: the tickers, with USDT at 1 USD."""

SAMPLE_BALANCE: Final = (
    b'{"code":"0","data":[{"adjEq":"55415.624719833286","availEq":"55415.624719833286",'
    b'"borrowFroz":"0","delta":"0","deltaLever":"0","deltaNeutralStatus":"0","details":['
    b'{"autoLendStatus":"off","autoLendMtAmt":"0","availBal":"4834.317093622894",'
    b'"availEq":"4834.3170936228935","borrowFroz":"0","cashBal":"4850.435693622894",'
    b'"ccy":"USDT","crossLiab":"0","colRes":"0","collateralEnabled":false,'
    b'"collateralRestrict":false,"colBorrAutoConversion":"0","disEq":"4991.542013297616",'
    b'"eq":"4992.890093622894","eqUsd":"4991.542013297616","smtSyncEq":"0",'
    b'"spotCopyTradingEq":"0","fixedBal":"0","frozenBal":"158.573","frpType":"0","imr":"",'
    b'"interest":"0","isoEq":"0","isoLiab":"0","isoUpl":"0","liab":"0","maxLoan":"0",'
    b'"mgnRatio":"","mmr":"","notionalLever":"","ordFrozen":"0","rewardBal":"0",'
    b'"spotInUseAmt":"","clSpotInUseAmt":"","maxSpotInUse":"","spotIsoBal":"0",'
    b'"stgyEq":"150","twap":"0","uTime":"1705449605015","upl":"-7.545600000000006",'
    b'"uplLiab":"0","spotBal":"","openAvgPx":"","accAvgPx":"","spotUpl":"",'
    b'"spotUplRatio":"","totalPnl":"","totalPnlRatio":""}],"imr":"0","isoEq":"0",'
    b'"mgnRatio":"","mmr":"0","notionalUsd":"0","notionalUsdForBorrow":"0",'
    b'"notionalUsdForFutures":"0","notionalUsdForOption":"0","notionalUsdForSwap":"0",'
    b'"ordFroz":"","totalEq":"55837.43556134779","uTime":"1705474164160","upl":"0"}],'
    b'"msg":""}'
)
"""The documented ``GET /api/v5/account/balance`` example, compacted, every value as sent."""


def sample_account() -> SimAccount:
    """The documentation's example secret and balance answer (Multi-currency margin)."""
    return SimAccount(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE,
                      [Row("USDT", "4850.435693622894")], acct_lv="3",
                      verbatim_balance=SAMPLE_BALANCE)


def demo_account() -> SimAccount:
    """The demo account (see the module docstring)."""
    rows = [
        Row("BTC", "0.25", haircut="0.05"),
        Row("ETH", "2.4", frozen="0.4", haircut="0.05"),
        Row("SOL", "40", haircut="0.1"),
        Row("USDT", "-1500", interest="0.35"),
    ]
    return SimAccount(DEMO_API_KEY, DEMO_API_SECRET, DEMO_PASSPHRASE, rows, acct_lv="3",
                      mmr="105", imr="300")
