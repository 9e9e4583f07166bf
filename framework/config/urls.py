"""Which ``base_url`` an account may use: a plain ``http(s)://host[:port][/path]`` URL.

The adapters append endpoint paths to the URL and send the API key and signatures to it, so a
URL that cannot work, or that would carry them in clear text to another machine, is refused
while the configuration loads, with a message that names the rule and never quotes the URL
(docs/configuration.md).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import Final
from urllib.parse import urlsplit

__all__ = ["base_url_problem", "plain_http_to_another_host"]

_LOOPBACK_NAMES: Final = frozenset({"localhost"})
_NUMERIC_IPV4: Final = re.compile(r"^[0-9a-fA-FxX.]+$")
_LABEL: Final = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")


def _is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine: ``localhost``, 127.0.0.0/8 or ``::1``.

    ``0.0.0.0`` and names such as ``localhost.example.com`` are other hosts. Shortened numeric
    spellings (``127.1``) never get here: :func:`_short_ipv4` refuses them first.
    """
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _short_ipv4(host: str) -> bool:
    """Whether ``host`` is an IPv4 address in a shortened or numeric spelling.

    ``127.1``, ``2130706433`` and ``0x7f.1`` are addresses to the system's resolver, but the
    async HTTP stack refuses them as URL hosts, so they would fail at the first read.
    """
    if not _NUMERIC_IPV4.match(host):
        return False
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        pass
    else:
        return False
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    return True


def _normalised_scheme(url: str) -> str:
    """``url`` with its scheme in lower case: ``HTTP://`` is ``http://`` (RFC 3986, 3.1)."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.lower()}{sep}{rest}" if sep else url


_UPPER_SCHEME: Final = (
    "must be an http:// or https:// URL with the scheme in lower case (write http:// or "
    "https://; an upper-case scheme is refused, not guessed)"
)


def plain_http_to_another_host(url: str) -> bool:
    """Whether ``url`` is ``http://`` (in any case) to a host that is not this machine.

    Such a ``base_url`` needs ``allow_insecure_http = true`` (see :func:`base_url_problem`);
    a simulator served on ``0.0.0.0`` for another machine is reached this way.
    """
    url = _normalised_scheme(url)
    if not url.startswith("http://"):
        return False
    _problem, host = _url_shape(url)
    return not _is_loopback(host)


def base_url_problem(url: object, allow_insecure_http: bool) -> str | None:
    """What is wrong with a ``base_url``, without quoting it; ``None`` if it can be used.

    The adapters append endpoint paths to it, so it must be a plain
    ``http(s)://host[:port][/path]``: no query, fragment or user name (which ``repr`` and
    errors would show), and a host the HTTP library can connect to (an address, or a name
    of valid DNS labels), so that a bad one fails here and not inside a plugin, where it would
    look like a plugin bug. The scheme must be written in lower case. ``http://`` carries the
    API key and signatures in clear text, so it is accepted for this machine only (the
    simulators) unless the account opts in.
    """
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        if isinstance(url, str) and _normalised_scheme(url).startswith(("http://", "https://")):
            return _UPPER_SCHEME
        return "must be an http:// or https:// URL"
    problem, host = _url_shape(url)
    if problem is None and url.startswith("http://") and not allow_insecure_http and (
        not _is_loopback(host)
    ):
        problem = (
            "http:// sends the API key and signatures in clear text to a host that is not this "
            "machine; use https://, or set allow_insecure_http = true for this account"
        )
    return problem


def _url_shape(url: str) -> tuple[str | None, str]:
    """(what is wrong with the URL's form or ``None``, its host)."""
    bad_host = "must be a URL with a valid host and port (1-65535)"
    if not url.isascii() or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        return "must be a URL without spaces, control characters or non-ASCII characters", ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return bad_host, ""
    checks = (
        (
            _short_ipv4(parts.hostname or ""),
            "must write an IPv4 address in full, e.g. 127.0.0.1 (not 127.1 or 2130706433)",
        ),
        (not parts.hostname or port == 0 or _host_problem(parts.hostname), bad_host),
        ("@" in parts.netloc, "must not hold a user name or password"),
        (
            bool(parts.query or parts.fragment) or url.endswith(("?", "#")),
            "must not have a query (?...) or fragment (#...): endpoint paths are appended",
        ),
    )
    return next((msg for failed, msg in checks if failed), None), parts.hostname or ""


def _host_problem(host: str) -> bool:
    """Whether ``host`` (as ``urlsplit`` gives it) cannot be connected to as written.

    An IP address, or a DNS name: labels of 1-63 letters, digits, ``_`` or ``-`` (not first or
    last), 253 characters at most, one trailing dot allowed, and every ``xn--`` label valid
    IDNA (docs/configuration.md). Percent-encoded or otherwise malformed names are refused.
    """
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return False
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        return True
    punycode = [label.lower() for label in labels if label.lower().startswith("xn--")]
    if not punycode:
        return False
    import idna  # noqa: PLC0415 - only for xn-- names: keeps it out of every start-up

    try:
        for label in punycode:
            idna.decode(label)
    except (idna.IDNAError, UnicodeError):
        return True
    return False
