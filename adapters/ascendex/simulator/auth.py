"""The exchange side of request signing: header, key, timestamp and signature checks.

This is an independent implementation of the documented algorithm ("Known quirks" in
docs/exchanges/ascendex.md):
``base64(HMAC-SHA256(key = secret as UTF-8, msg = "<timestamp as sent>+<api-path>"))``.
It deliberately shares no code with folio's client signer, so each checks the other.

Checks run in this order, the exchange's (docs/exchanges/ascendex.md, "How the simulator
answers"), and the first failure answers:

1. a missing ``x-auth-key``/``x-auth-timestamp``/``x-auth-signature`` -> 100009;
2. an unknown key -> 200001;
3. a timestamp that is not decimal digits -> 100011;
4. a timestamp more than the window away from server time, either way -> 100011;
5. a signature mismatch -> 200001 "API signature mismatch";
6. an expired key -> 200001 "API key is expired.";
7. no view permission where needed -> 200015; a caller outside ``allowedIps`` -> 200015
   (or 200014, see :class:`SimulatorOptions`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from adapters.ascendex.simulator.accounts import SimAccount
from adapters.ascendex.simulator.options import SimulatorOptions

__all__ = ["AuthError", "authenticate", "legacy_signatures", "sign"]

_REASONS = {
    100009: "AUTHORIZATION_NEEDED",
    100011: "INVALID_TIMESTAMP",
    200001: "AUTHENTICATION_FAILED",
    200014: "RESTRICTED_ACCOUNT",
    200015: "PERMISSION_DENIED",
}


@dataclass(frozen=True, slots=True)
class AuthError:
    """A rejected request: the JSON error the exchange answers with (HTTP 200)."""

    code: int
    message: str

    @property
    def reason(self) -> str:
        """The UPPER_SNAKE reason of the code (docs/exchanges/ascendex.md, "Errors")."""
        return _REASONS[self.code]


def sign(secret: str, timestamp: str, api_path: str) -> str:
    """The documented signature of ``<timestamp>+<api_path>``."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}+{api_path}".encode(),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def legacy_signatures(secret: str, timestamp: str, api_path: str) -> tuple[str, ...]:
    """Signatures real clients produced instead of the documented one (docs/exchanges/ascendex.md).

    The official Python demo keyed the HMAC with the base64-decoded secret; Hummingbot signed
    ``<ts><path>`` as hex; XChange signed ``<ts><path>`` as base64; plus ``+`` with hex.
    """
    key = secret.encode("utf-8")
    joined = f"{timestamp}+{api_path}".encode()
    glued = f"{timestamp}{api_path}".encode()
    variants = [
        hmac.new(key, glued, hashlib.sha256).hexdigest(),
        base64.b64encode(hmac.new(key, glued, hashlib.sha256).digest()).decode("ascii"),
        hmac.new(key, joined, hashlib.sha256).hexdigest(),
    ]
    try:
        decoded = base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if decoded:
        digest = hmac.new(decoded, joined, hashlib.sha256).digest()
        variants.append(base64.b64encode(digest).decode("ascii"))
    return tuple(variants)


def _matches(candidate: str, expected: str) -> bool:
    return hmac.compare_digest(candidate.encode("utf-8", "surrogateescape"),
                               expected.encode("ascii"))


def authenticate(  # noqa: PLR0911 - one exit per documented check, in documented order
    headers: Mapping[str, str],
    *,
    api_path: str,
    accounts: Mapping[str, SimAccount],
    now_ms: int,
    peer_ip: str,
    needs_view: bool,
    options: SimulatorOptions,
) -> SimAccount | AuthError:
    """Check a signed request; return the caller's account or the error to answer with."""
    missing = [name for name in ("x-auth-key", "x-auth-timestamp", "x-auth-signature")
               if not headers.get(name)]
    if missing:
        return AuthError(100009, f"Authorization is needed: missing header {missing[0]}")
    account = accounts.get(headers["x-auth-key"])
    if account is None:
        return AuthError(200001, "Invalid API key.")
    timestamp = headers["x-auth-timestamp"]
    if not (timestamp.isascii() and timestamp.isdigit()):
        return AuthError(100011, "Not a valid timestamp")
    skew = now_ms - int(timestamp)
    window = options.timestamp_window_ms
    if abs(skew) > window:
        return AuthError(
            100011,
            f"Timestamp {timestamp} is outside the accepted window of +/-{window} ms around "
            f"server time {now_ms} (off by {-skew} ms)",
        )
    signature = headers["x-auth-signature"]
    if not _matches(signature, sign(account.api_secret, timestamp, api_path)) and not (
        options.lenient_signatures
        and any(_matches(signature, variant)
                for variant in legacy_signatures(account.api_secret, timestamp, api_path))
    ):
        return AuthError(200001, "API signature mismatch")
    if account.expire_time_ms != -1 and account.expire_time_ms <= now_ms:
        return AuthError(200001, "API key is expired.")
    if needs_view and not account.view_permission:
        return AuthError(200015, "API key does not have view permission.")
    if account.allowed_ips and peer_ip not in account.allowed_ips:
        return AuthError(options.ip_denied_code,
                         f"Request from IP {peer_ip} is not allowed for this API key.")
    return account
