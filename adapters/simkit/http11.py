"""A small HTTP/1.1 request reader and response encoder over asyncio streams.

Written by hand rather than borrowed from ``http.server`` because the simulator must serve a
thousand keep-alive connections from one event loop (``http.server`` is thread-per-request),
must answer garbage the way the real edge did (plain-text 400/414 with Akka-HTTP wording, see
docs/exchanges/ascendex.md) and must be able to misbehave on purpose (truncated bodies, resets).

Only what AscendEX clients send is supported: ``Content-Length`` bodies, keep-alive,
``Connection: close``, ``Expect: 100-continue`` and pipelining (requests on one connection are
answered in order). ``Transfer-Encoding`` request bodies are refused with 501: no AscendEX
endpoint takes a streamed body.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Final

__all__ = [
    "HttpError",
    "Request",
    "Response",
    "encode_head",
    "read_request",
    "reason_phrase",
    "validate_target",
]

MAX_HEADERS: Final = 100
"""Header lines accepted per request; more is a 431 (no client sends more than a dozen)."""

# Cloudflare's own status codes are absent from http.HTTPStatus.
_EXTRA_PHRASES: Final = {
    520: "Web Server Returned an Unknown Error",
    521: "Web Server Is Down",
    522: "Connection Timed Out",
    523: "Origin Is Unreachable",
    524: "A Timeout Occurred",
}

# RFC 3986 pchar minus pct-encoding, plus "/" (segment separator).
_PATH_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/"
)
_HEX: Final = frozenset("0123456789abcdefABCDEF")


def reason_phrase(status: int) -> str:
    """The reason phrase for ``status``, including Cloudflare's 52x codes."""
    if status in _EXTRA_PHRASES:
        return _EXTRA_PHRASES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class HttpError(Exception):
    """A request that cannot be processed; answered in plain text, then the connection closes.

    Closing is deliberate: after a framing error the rest of the byte stream cannot be trusted.
    """

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


@dataclass(slots=True)
class Request:
    """One parsed request. Header names are lower-cased; the last duplicate wins."""

    method: str
    target: str
    path: str
    query: str
    version: str
    headers: dict[str, str]
    body: bytes
    peer_ip: str

    @property
    def keep_alive(self) -> bool:
        """Whether the connection stays open after the answer (HTTP/1.1 default: yes)."""
        tokens = {t.strip().lower() for t in self.headers.get("connection", "").split(",")}
        if self.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens


@dataclass(slots=True)
class Response:
    """An answer to send. ``truncate``/``reset`` are fault behaviours of the transport."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)
    close: bool = False
    """Close the connection after sending, whatever the client asked."""
    truncate: bool = False
    """Declare the full Content-Length, send only half the body, then close."""
    reset: bool = False
    """Send nothing; reset the TCP connection."""
    endless: bool = False
    """Send the body chunked, repeated without end, until the client hangs up."""
    declared_length: int | None = None
    """Declare this Content-Length instead of the body's (then close after the body)."""
    now_ms: int | None = None
    """Server time the answer was made at (for the ``Date`` header); ``None``: now."""


def validate_target(target: str) -> tuple[str, str]:
    """Split a request-target into ``(path, query)`` or raise a 400 worded like Akka HTTP.

    The real origin was an Akka-HTTP server whose parse errors reached clients verbatim
    (ccxt #14004: ``Illegal request-target: Invalid input '{', expected segment, '/', '?'
    or 'EOI'``), so clients that log the body see the same text here.
    """
    offset = 0
    if target.startswith(("http://", "https://")):
        # absolute-form: keep the path of the URL, as an origin server must accept it
        scheme_end = target.index("//") + 2
        slash = target.find("/", scheme_end)
        offset = slash if slash >= 0 else len(target)
    if offset >= len(target) or target[offset] != "/":
        column = offset + 1
        found = target[offset] if offset < len(target) else "EOI"
        raise HttpError(
            400,
            f"Illegal request-target: Invalid input '{found}', expected '/' "
            f"(line 1, column {column}): {target}",
        )
    path_end = target.find("?", offset)
    if path_end < 0:
        path_end = len(target)
    index = offset
    while index < path_end:
        char = target[index]
        if char == "%":
            for hex_index in (index + 1, index + 2):
                digit = target[hex_index] if hex_index < path_end else "EOI"
                if digit not in _HEX:
                    raise HttpError(
                        400,
                        f"Illegal request-target: Invalid input '{digit}', expected HEXDIG "
                        f"(line 1, column {hex_index + 1}): {target}",
                    )
            index += 3
            continue
        if char not in _PATH_CHARS:
            raise HttpError(
                400,
                f"Illegal request-target: Invalid input '{char}', expected segment, '/', '?' "
                f"or 'EOI' (line 1, column {index + 1}): {target}",
            )
        index += 1
    query = target[path_end + 1 :] if path_end < len(target) else ""
    for position, char in enumerate(query, start=path_end + 2):
        if char <= " " or char == "\x7f" or char in '"<>\\^`{|}':
            raise HttpError(
                400,
                f"Illegal request-target: Invalid input '{char}', expected query-char or "
                f"'EOI' (line 1, column {position}): {target}",
            )
    return target[offset:path_end], query


async def read_request(
    reader: asyncio.StreamReader,
    *,
    peer_ip: str,
    max_uri_length: int,
    max_body_bytes: int,
    send_continue: asyncio.StreamWriter | None = None,
) -> Request | None:
    """Read one request; ``None`` on a clean end of stream before any byte of a request.

    Raises :class:`HttpError` for malformed input and lets stream errors propagate (the
    connection is gone then and nothing can be answered).
    """
    try:
        line = await reader.readline()
        # tolerate the blank lines RFC 9112 allows between pipelined requests
        while line in (b"\r\n", b"\n"):
            line = await reader.readline()
    except ValueError:  # longer than the stream limit: certainly longer than any URI limit
        raise HttpError(
            414, f"URI length exceeds the configured limit of {max_uri_length} characters"
        ) from None
    if not line:
        return None
    if not line.endswith(b"\n"):
        raise asyncio.IncompleteReadError(line, None)
    method, target, version = _parse_request_line(line, max_uri_length)
    headers = await _read_headers(reader)
    path, query = validate_target(target)
    if "transfer-encoding" in headers:
        raise HttpError(501, "Transfer-Encoding is not supported; send a Content-Length")
    length_text = headers.get("content-length", "0").strip()
    if not length_text.isascii() or not length_text.isdigit():
        raise HttpError(400, f"Illegal 'Content-Length' header value: '{length_text[:40]}'")
    length = int(length_text)
    if length > max_body_bytes:
        raise HttpError(413, f"Request Content-Length of {length} bytes exceeds the configured "
                             f"limit of {max_body_bytes} bytes")
    if length and send_continue is not None and (
        headers.get("expect", "").lower() == "100-continue"
    ):
        send_continue.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    body = await reader.readexactly(length) if length else b""
    return Request(method, target, path, query, version, headers, body, peer_ip)


def _parse_request_line(line: bytes, max_uri_length: int) -> tuple[str, str, str]:
    """``METHOD SP request-target SP HTTP-version``, checked before any header is read."""
    try:
        text = line.decode("ascii").rstrip("\r\n")
    except UnicodeDecodeError:
        raise HttpError(400, "Illegal request line: non-ASCII characters") from None
    parts = text.split(" ")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise HttpError(400, f"Illegal request line: '{text[:200]}'")
    method, target, version = parts
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        if version.startswith("HTTP/"):
            raise HttpError(505, "The server does not support the HTTP protocol version used "
                                 f"in the request: {version[:20]}")
        raise HttpError(400, f"Illegal request line: '{text[:200]}'")
    if not method.isascii() or not method.isalpha() or not method.isupper():
        raise HttpError(400, f"Unsupported HTTP method: {method[:40]}")
    if len(target) > max_uri_length:
        raise HttpError(
            414, f"URI length exceeds the configured limit of {max_uri_length} characters"
        )
    return method, target, version


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS + 1):
        try:
            line = await reader.readline()
        except ValueError:
            raise HttpError(431, "HTTP header value exceeds the configured limit") from None
        if not line.endswith(b"\n"):
            raise asyncio.IncompleteReadError(line, None)
        if line in (b"\r\n", b"\n"):
            return headers
        if line[:1] in (b" ", b"\t"):
            raise HttpError(400, "Illegal HTTP message: obsolete line folding")
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip() or not name.isascii():
            raise HttpError(400, "Illegal HTTP message: malformed header line")
        headers[name.decode("ascii").lower()] = value.strip().decode("latin-1")
    raise HttpError(431, f"HTTP message contains more than the configured limit of "
                         f"{MAX_HEADERS} headers")


def encode_head(
    response: Response, *, keep_alive: bool, date: str, length: int | None
) -> bytes:
    """The status line and headers of ``response``.

    ``length`` is the declared Content-Length; ``None`` declares a chunked body instead.
    """
    lines = [
        f"HTTP/1.1 {response.status} {reason_phrase(response.status)}",
        f"Date: {date}",
        f"Content-Type: {response.content_type}",
        f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked",
        "Connection: keep-alive" if keep_alive else "Connection: close",
    ]
    lines.extend(f"{name}: {value}" for name, value in response.headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def plain_text(status: int, text: str, *, close: bool = False) -> Response:
    """A plain-text answer, as an HTTP server sends for requests it rejects."""
    return Response(status, text.encode("utf-8"), "text/plain; charset=UTF-8", close=close)
