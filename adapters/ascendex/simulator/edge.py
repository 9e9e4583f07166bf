"""What the Cloudflare edge in front of AscendEX answered when it, not the origin, replied.

Clients met these as non-JSON bodies (docs/exchanges/ascendex.md, "Known quirks"): rate
limiting was an HTTP 429 HTML page ("Access denied | ascendex.com used Cloudflare to restrict
access"), origin trouble 502/521/524 HTML pages, and the Akka origin's own rejections (400,
405, 414) were plain text. A client must cope with all of them without trying to parse JSON.
"""

from __future__ import annotations

import html
from typing import Final

from adapters.simkit.http11 import Response, plain_text, reason_phrase

__all__ = ["edge_error", "plain_text"]

_CLOUDFLARE_TITLES: Final = {
    403: ("1020", "Access denied"),
    429: ("1015", "You are being rate limited"),
    502: ("502", "Bad gateway"),
    520: ("520", "Web server is returning an unknown error"),
    521: ("521", "Web server is down"),
    522: ("522", "Connection timed out"),
    524: ("524", "A timeout occurred"),
}

_PLAIN_TEXT: Final = {
    400: "The request content was malformed.",
    404: "The requested resource could not be found.",
    405: "HTTP method not allowed.",
    414: "URI length exceeds the configured limit of 2048 characters",
}


def _cloudflare_page(status: int, ray: str) -> str:
    code, title = _CLOUDFLARE_TITLES.get(status, (str(status), reason_phrase(status)))
    heading = (
        "Access denied | ascendex.com used Cloudflare to restrict access"
        if status in (403, 429)
        else f"ascendex.com | {code}: {title}"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-US">\n<head>\n'
        f"<title>{html.escape(heading)}</title>\n"
        '<meta charset="UTF-8" />\n</head>\n<body>\n'
        '<div id="cf-wrapper">\n'
        f'<h1><span class="cf-error-type">Error</span> <span class="cf-error-code">{code}'
        "</span></h1>\n"
        f"<h2>{html.escape(title)}</h2>\n"
        f"<p>Cloudflare Ray ID: <strong>{ray}</strong></p>\n"
        "</div>\n</body>\n</html>\n"
    )


def edge_error(
    status: int, *, ray: str, retry_after: int | None = None, body: str | None = None
) -> Response:
    """The answer of an ``http_status`` fault: HTML for 403/429/5xx, plain text otherwise."""
    headers: list[tuple[str, str]] = []
    if retry_after is not None:
        headers.append(("Retry-After", str(retry_after)))
    if status in _CLOUDFLARE_TITLES or status >= 500:
        headers += [("Server", "cloudflare"), ("CF-RAY", ray)]
        text = body if body is not None else _cloudflare_page(status, ray)
        return Response(status, text.encode("utf-8"), "text/html; charset=UTF-8", headers)
    text = body if body is not None else _PLAIN_TEXT.get(status, reason_phrase(status))
    response = plain_text(status, text)
    response.headers.extend(headers)
    return response
