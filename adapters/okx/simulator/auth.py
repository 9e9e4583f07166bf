"""The exchange side of OKX request signing: headers, timestamp, key, passphrase, signature.

An independent implementation of the documented algorithm (OKX API v5, "REST Authentication";
docs/exchanges/okx.md, "Signing"): the prehash is ``OK-ACCESS-TIMESTAMP + METHOD +
request-target + body``, the request-target *exactly as received* (path, ``?`` and the raw
query; no re-ordering, no decoding), and the signature is the Base64 of its HMAC-SHA256
under the secret's UTF-8 bytes, compared exactly. It shares no code with folio's signer.

Checks, in order (OKX does not document the order; this one answers a stale request with
50102 whatever its signature, which lets a client correct its clock); every refusal is HTTP
401 ``{"code": "...", "msg": "...", "data": []}``, except the permission check (HTTP 200):

1. a missing header: ``OK-ACCESS-KEY`` 50103, ``OK-ACCESS-PASSPHRASE`` 50104,
   ``OK-ACCESS-SIGN`` 50106, ``OK-ACCESS-TIMESTAMP`` 50107;
2. a timestamp in Unix time (digits only, as python-okx once sent its server-time option):
   50102, as OKX answered it (okxapi/python-okx#55); any other timestamp not
   ``YYYY-MM-DDTHH:MM:SS.mmmZ``: 50112 (strict: other ISO forms are refused);
3. a timestamp more than 30 s from the server's clock, either way: 50102;
4. an unknown key: 50111;
5. the key's environment and ``x-simulated-trading`` disagree (a demo key needs ``1``; a live
   key accepts ``0`` or nothing): 50101;
6. a wrong passphrase: 50105;
7. a caller outside the key's IP whitelist: 50110;
8. a signature that does not match: 50113;
9. a key without the Read permission: 50120 (HTTP 200).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from adapters.okx.simulator.accounts import SimAccount

__all__ = ["WINDOW_MS", "AuthError", "authenticate", "sign"]

WINDOW_MS: Final = 30_000
_STAMP: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_MISSING: Final = (
    ("ok-access-key", "50103", 'Request header "OK-ACCESS-KEY" cannot be empty.'),
    ("ok-access-passphrase", "50104", 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.'),
    ("ok-access-sign", "50106", 'Request header "OK-ACCESS-SIGN" cannot be empty.'),
    ("ok-access-timestamp", "50107", 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.'),
)


@dataclass(frozen=True, slots=True)
class AuthError:
    """A refused request: the HTTP status and the envelope's code and message."""

    status: int
    code: str
    msg: str


def sign(secret: str, prehash: str) -> str:
    """The documented ``OK-ACCESS-SIGN``: Base64 of HMAC-SHA256 under the secret's bytes."""
    mac = hmac.new(secret.encode("utf-8"), prehash.encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


def _stamp_ms(text: str) -> int | None:
    if not _STAMP.fullmatch(text):
        return None
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return int(moment.timestamp() * 1000 + 0.5)


def authenticate(  # noqa: PLR0911 - one exit per check, in order
    headers: Mapping[str, str], method: str, target: str, body: bytes, *,
    accounts: Mapping[str, SimAccount], now_ms: int, peer_ip: str,
) -> SimAccount | AuthError:
    """Check a signed request; return the caller's account or the error to answer with."""
    for name, code, msg in _MISSING:
        if not headers.get(name):
            return AuthError(401, code, msg)
    stamp = headers["ok-access-timestamp"]
    if stamp.isascii() and stamp.isdigit():
        return AuthError(401, "50102", "Timestamp request expired.")
    stamp_ms = _stamp_ms(stamp)
    if stamp_ms is None:
        return AuthError(401, "50112", "Invalid OK-ACCESS-TIMESTAMP.")
    if abs(now_ms - stamp_ms) > WINDOW_MS:
        return AuthError(401, "50102", "Timestamp request expired.")
    account = accounts.get(headers["ok-access-key"])
    if account is None:
        return AuthError(401, "50111", "Invalid OK-ACCESS-KEY.")
    if (headers.get("x-simulated-trading", "0") == "1") != account.demo:
        return AuthError(401, "50101", "APIKey does not match current environment.")
    given = headers["ok-access-passphrase"].encode("utf-8", "replace")
    if not hmac.compare_digest(given, account.passphrase.encode("utf-8")):
        return AuthError(401, "50105", 'Request header "OK-ACCESS-PASSPHRASE" incorrect.')
    if account.allowed_ips and peer_ip not in account.allowed_ips:
        return AuthError(401, "50110", f"Your IP {peer_ip} is not included in your API key's "
                                       "IP whitelist.")
    prehash = stamp + method + target + body.decode("utf-8", "replace")
    expected = sign(account.api_secret, prehash)
    if not hmac.compare_digest(headers["ok-access-sign"].encode("utf-8", "replace"),
                               expected.encode("ascii")):
        return AuthError(401, "50113", "Invalid Sign")
    if not account.can_read:
        return AuthError(200, "50120", "This API key doesn't have permission to use this "
                                       "function")
    return account
