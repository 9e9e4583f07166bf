"""The hand-written baselines: a signed AscendEX GET with nothing but an HTTP client and json.

This is what a developer writes without a framework (the documented algorithm in a few lines),
and so the floor our per-call overhead is measured against: no typed errors, no schema check,
no retries, amounts left as the strings the exchange sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Final

__all__ = ["INFO_PATH", "RawKey", "balance_path", "check_envelope"]

INFO_PATH: Final = "/api/pro/v1/info"


def balance_path(group: int) -> str:
    """The cash-balance path of ``group``."""
    return f"/{group}/api/pro/v1/cash/balance"


class RawKey:
    """One API key: signs ``<timestamp>+<api-path>`` with HMAC-SHA256, base64 (docs 2.3)."""

    def __init__(self, api_key: str, api_secret: str) -> None:
        self.api_key = api_key
        self._mac = hmac.new(api_secret.encode(), digestmod=hashlib.sha256)

    def headers(self, api_path: str) -> dict[str, str]:
        """The three ``x-auth-*`` headers for one request."""
        timestamp = str(time.time_ns() // 1_000_000)
        mac = self._mac.copy()
        mac.update(f"{timestamp}+{api_path}".encode())
        return {
            "x-auth-key": self.api_key,
            "x-auth-timestamp": timestamp,
            "x-auth-signature": base64.b64encode(mac.digest()).decode(),
        }


def check_envelope(body: bytes | str) -> Any:
    """``json.loads`` the answer and return its ``data``; a non-zero code raises."""
    document = json.loads(body)
    if document.get("code") != 0:
        msg = f"exchange error {document.get('code')}: {document.get('message')}"
        raise RuntimeError(msg)
    return document["data"]
