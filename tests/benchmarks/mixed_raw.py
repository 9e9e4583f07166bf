"""The hand-written baseline of the mixed run: each exchange's signed balance GET, from its docs.

What a developer writes for four exchanges without a framework: four signers in a few lines
each, from the documented algorithms (docs/exchanges/*.md), one HTTP request per account and
the exchange's field mapping, amounts kept as the exchange's text or as exact ``Decimal``
where the mapping adds them up. No folio code, no typed errors, no schema check, no retries,
no pacing: the floor folio's mixed fan-out is compared with.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import time
from decimal import Decimal
from typing import Any, Final

from tests.benchmarks.measure import Reading
from tests.benchmarks.mixed_accounts import MixedAccount
from tests.benchmarks.raw import INFO_PATH, RawKey, balance_path, check_envelope

__all__ = ["RawAccount", "Request"]

Request = tuple[str, dict[str, str]]
"""A GET's path with its query, and its headers."""

BINANCE_PATH: Final = "/api/v3/account"
OKX_PATH: Final = "/api/v5/account/balance"
BYBIT_PATH: Final = "/v5/account/wallet-balance"
BYBIT_QUERY: Final = "accountType=UNIFIED"
RECV_WINDOW: Final = "5000"


def _hmac(secret: str, text: str) -> Any:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256)


def _number(text: str) -> Decimal:
    """An amount a mapping adds up; ``""`` (a figure the exchange leaves blank) is 0."""
    return Decimal(text or "0")


class RawAccount:
    """One account: the next request to send and how to read its answer."""

    def __init__(self, account: MixedAccount) -> None:
        self.account = account
        self.exchange = account.exchange
        self._ascendex = RawKey(account.api_key, account.api_secret)
        self.group: int | None = None
        """AscendEX's account group, read with ``GET info`` on first use."""

    def needs_info(self) -> bool:
        """Whether the next request is AscendEX's ``info`` (the account group is not known)."""
        return self.exchange == "ascendex" and self.group is None

    def info(self) -> Request:
        """AscendEX ``GET /api/pro/v1/info``."""
        return INFO_PATH, self._ascendex.headers("info")

    def read_info(self, body: bytes) -> None:
        """Keep the account group of an ``info`` answer."""
        self.group = int(check_envelope(body)["accountGroup"])

    def balance(self) -> Request:
        """The signed balance GET of the account's exchange."""
        a = self.account
        if self.exchange == "ascendex":
            assert self.group is not None
            return balance_path(self.group), self._ascendex.headers("balance")
        now_ms = time.time_ns() // 1_000_000
        if self.exchange == "binance":
            # HMAC-SHA256 (hex) of the query string as sent; the signature comes last.
            query = f"omitZeroBalances=true&recvWindow={RECV_WINDOW}&timestamp={now_ms}"
            signature = _hmac(a.api_secret, query).hexdigest()
            return (f"{BINANCE_PATH}?{query}&signature={signature}",
                    {"X-MBX-APIKEY": a.api_key})
        if self.exchange == "okx":
            # Base64 HMAC-SHA256 of timestamp + METHOD + requestPath + body; ISO ms timestamp.
            stamp = datetime.datetime.fromtimestamp(now_ms / 1000, datetime.UTC)
            text = stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now_ms % 1000:03d}Z"
            signature = base64.b64encode(_hmac(a.api_secret, f"{text}GET{OKX_PATH}").digest())
            return OKX_PATH, {
                "OK-ACCESS-KEY": a.api_key, "OK-ACCESS-SIGN": signature.decode(),
                "OK-ACCESS-TIMESTAMP": text, "OK-ACCESS-PASSPHRASE": a.passphrase or "",
            }
        # Bybit: hex HMAC-SHA256 of timestamp + api key + recv window + query string.
        stamp_ms = str(now_ms)
        signature = _hmac(a.api_secret, f"{stamp_ms}{a.api_key}{RECV_WINDOW}{BYBIT_QUERY}")
        return f"{BYBIT_PATH}?{BYBIT_QUERY}", {
            "X-BAPI-API-KEY": a.api_key, "X-BAPI-SIGN": signature.hexdigest(),
            "X-BAPI-TIMESTAMP": stamp_ms, "X-BAPI-RECV-WINDOW": RECV_WINDOW,
        }

    def read_balance(self, status: int, body: bytes) -> Reading:
        """The balances of an answer: asset -> (total, available), per the documented mapping."""
        if self.exchange == "ascendex":
            rows = check_envelope(body)
            return {r["asset"]: (r["totalBalance"], r["availableBalance"]) for r in rows}
        document = json.loads(body)
        if self.exchange == "binance":
            if status != 200:
                msg = f"binance {status}: {document}"
                raise RuntimeError(msg)
            return {r["asset"]: (Decimal(r["free"]) + Decimal(r["locked"]), r["free"])
                    for r in document["balances"]}
        if self.exchange == "okx":
            if status != 200 or document.get("code") != "0":
                msg = f"okx {status}: {document.get('code')} {document.get('msg')}"
                raise RuntimeError(msg)
            return {
                r["ccy"]: (_number(r["eq"]) - _number(r["upl"]) + _number(r["liab"]),
                           r["availBal"])
                for r in document["data"][0]["details"]
            }
        if status != 200 or document.get("retCode") != 0:
            msg = f"bybit {status}: {document.get('retCode')} {document.get('retMsg')}"
            raise RuntimeError(msg)
        readings = {}
        for r in document["result"]["list"][0]["coin"]:
            total = (_number(r["walletBalance"]) + _number(r["borrowAmount"])
                     - _number(r["spotBorrow"]))
            readings[r["coin"]] = (total, total + _number(r["unrealisedPnl"])
                                   - _number(r["locked"]) - _number(r["totalOrderIM"])
                                   - _number(r["totalPositionIM"]))
        return readings
