"""The exchange side of request signing: API key, mandatory parameters, timing, signature.

An independent implementation of the documented algorithm (Request Security): the signed
payload is the query string *as received* without its ``signature`` parameter, followed by the
body; the signature is the hex HMAC-SHA256 of it under the secret's UTF-8 bytes, compared
without regard to case. It shares no code with folio's client signer, so each checks the other.

Checks, in order; the first failure answers (HTTP status, code, message as Binance words them):

1. ``X-MBX-APIKEY`` missing or not 64 letters and digits -> 401, -2014;
2. a parameter sent twice (``timestamp``, ``signature``, any) -> 400, -1101 ("Duplicate values
   for a parameter detected.", Binance's error codes), never served with the first or the last
   of its values: the client meant one of them, and which is not the simulator's to guess;
3. ``timestamp`` or ``signature`` missing or malformed (``timestamp`` not digits, or more than
   18 of them) -> 400, -1102;
4. ``recvWindow`` malformed -> 400, -1102; above the maximum -> 400, -1131;
5. ``timestamp`` at least 1 s ahead of server time -> 400, -1021 ("ahead"); more than
   ``recvWindow`` behind it -> 400, -1021 ("outside of the recvWindow");
6. an unknown key -> 401, -2015;
7. a signature that does not match -> 400, -1022;
8. a key without *Enable Reading*, or a caller outside its IP allow-list -> 401, -2015.

Binance does not document the order of these checks; this one answers a stale request with
-1021 whatever its signature, which is what lets a client correct its clock and try again.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qsl

from adapters.binance.simulator.accounts import SimAccount
from adapters.binance.simulator.options import SimulatorOptions

__all__ = ["AuthError", "authenticate", "keyed", "sign", "well_formed_key"]

_KEY_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_KEY_LENGTH: Final = 64
_REJECTED: Final = "Invalid API-key, IP, or permissions for action."
_MAX_DIGITS: Final = 18
"""Longer digit strings are malformed: Binance reads them as 64-bit integers (and Python's
``int`` refuses strings past 4,300 digits, which must be a refusal, not a dropped connection)."""


@dataclass(frozen=True, slots=True)
class AuthError:
    """A rejected request: the HTTP status and the error body the exchange answers with."""

    status: int
    code: int
    msg: str


def sign(secret: str, payload: str) -> str:
    """The documented signature of ``payload``: lower-case hex HMAC-SHA256."""
    return hmac.new(secret.encode("utf-8"), payload.encode("utf-8"), hashlib.sha256).hexdigest()


def well_formed_key(key: str) -> bool:
    """An API key as Binance issues them: 64 letters and digits (else -2014)."""
    return len(key) == _KEY_LENGTH and set(key) <= _KEY_CHARS


def keyed(headers: Mapping[str, str], accounts: Mapping[str, SimAccount]) -> AuthError | None:
    """A ``MARKET_DATA`` request: a known ``X-MBX-APIKEY``, no signature checked (``None``: ok).

    Binance's third security type: the key identifies the caller, nothing is signed, and a
    ``timestamp`` or ``signature`` a client sends anyway is not read.
    """
    key = headers.get("x-mbx-apikey", "")
    if not well_formed_key(key):
        return AuthError(401, -2014, "API-key format invalid.")
    return None if key in accounts else AuthError(401, -2015, _REJECTED)


def _missing(name: str) -> AuthError:
    return AuthError(400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, "
                                 "or malformed.")


def _digits(text: str | None) -> int | None:
    if not text or len(text) > _MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def _split_signature(query: str) -> tuple[str, str | None]:
    """(the query without its ``signature`` parameter, the signature or ``None``)."""
    kept: list[str] = []
    signature: str | None = None
    for part in query.split("&") if query else ():
        if part.startswith("signature="):
            signature = part.removeprefix("signature=")
        else:
            kept.append(part)
    return "&".join(kept), signature


def _duplicated(query: str) -> bool:
    """Whether a parameter name occurs twice in ``query`` (names compared decoded)."""
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    return len(names) != len(set(names))


def authenticate(  # noqa: PLR0911 - one exit per check, in the documented order
    headers: Mapping[str, str],
    query: str,
    body: bytes,
    *,
    accounts: Mapping[str, SimAccount],
    now_ms: int,
    peer_ip: str,
    options: SimulatorOptions,
) -> SimAccount | AuthError:
    """Check a signed request; return the caller's account or the error to answer with."""
    key = headers.get("x-mbx-apikey", "")
    if not well_formed_key(key):
        return AuthError(401, -2014, "API-key format invalid.")
    if _duplicated(query):
        return AuthError(400, -1101, "Duplicate values for a parameter detected.")
    unsigned, signature = _split_signature(query)
    params = dict(parse_qsl(unsigned, keep_blank_values=True))
    timestamp = _digits(params.get("timestamp"))
    if timestamp is None:
        return _missing("timestamp")
    if not signature:
        return _missing("signature")
    window_text = params.get("recvWindow")
    window = options.default_recv_window_ms if window_text is None else _digits(window_text)
    if window is None:
        return _missing("recvWindow")
    if window > options.max_recv_window_ms:
        return AuthError(400, -1131,
                         f"recvWindow must be less than {options.max_recv_window_ms}")
    if timestamp >= now_ms + options.ahead_tolerance_ms:
        return AuthError(400, -1021, f"Timestamp for this request was "
                                     f"{options.ahead_tolerance_ms}ms ahead of the server's time.")
    if now_ms - timestamp > window:
        return AuthError(400, -1021, "Timestamp for this request is outside of the recvWindow.")
    account = accounts.get(key)
    if account is None:
        return AuthError(401, -2015, _REJECTED)
    expected = sign(account.api_secret, unsigned + body.decode("utf-8", "replace"))
    if not hmac.compare_digest(signature.lower().encode("utf-8", "replace"), expected.encode()):
        return AuthError(400, -1022, "Signature for this request is not valid.")
    if not account.can_read or (account.allowed_ips and peer_ip not in account.allowed_ips):
        return AuthError(401, -2015, _REJECTED)
    return account
