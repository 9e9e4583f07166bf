"""Reading a credentials file that only its owner can read, without a secret in any frame.

For hosts where environment variables leak (process listings, crash reports), an account's
secrets may sit in a small TOML file. Like ssh with a private key, folio reads it only when it
is a regular file of the user running folio (or of root) that no one else may read or change
(docs/configuration.md); the checks run on the open descriptor, so what is checked is what is
read.
"""

from __future__ import annotations

import os
import shlex
import stat
import tomllib
from pathlib import Path
from typing import Final

from framework.credentials import Secret

__all__ = ["MAX_CREDENTIALS_FILE_BYTES", "expanded", "secret_fields", "unsafe_file"]

MAX_CREDENTIALS_FILE_BYTES: Final = 64 * 1024
"""Largest credentials file read; it holds two short lines (docs/configuration.md)."""


def secret_fields(path: Path) -> dict[str, object] | str:
    """The file's top-level keys, string values wrapped in Secret; else what is wrong.

    The file is opened once, without blocking (a FIFO would otherwise wait for a writer
    forever), and its kind, owner and permissions are checked on the open descriptor before
    anything is read, so what is checked is what is read. At most
    :data:`MAX_CREDENTIALS_FILE_BYTES` are read. The plain text never outlives this function,
    and no frame that raises holds it in a local: problems are returned, not raised.
    """
    raw = _private_bytes(path)
    if isinstance(raw, str):
        return raw
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return "the credentials file is not UTF-8 text"
    except tomllib.TOMLDecodeError:
        # The parser quotes the offending line, which may hold the secret: not repeated.
        return "the credentials file is not valid TOML"
    return {
        key: Secret(value) if isinstance(value, str) else type(value).__name__
        for key, value in document.items()
    }


def _private_bytes(path: Path) -> bytes | str:
    """The bytes of the credentials file at ``path``, or why they must not be read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        with os.fdopen(os.open(path, flags | getattr(os, "O_CLOEXEC", 0)), "rb") as file:
            problem = unsafe_file(os.fstat(file.fileno()), path)
            raw = file.read(MAX_CREDENTIALS_FILE_BYTES + 1) if problem is None else b""
    except OSError as exc:
        return f"cannot read the credentials file: {exc.strerror}"
    except ValueError:  # a NUL in the path
        return "cannot read the credentials file: the path is not valid"
    if problem is not None:
        return problem
    if len(raw) > MAX_CREDENTIALS_FILE_BYTES:
        return f"the credentials file is larger than {MAX_CREDENTIALS_FILE_BYTES} bytes"
    return raw


def unsafe_file(status: os.stat_result, path: Path) -> str | None:
    """Why a credentials file with this ``fstat`` must not be read; ``None`` if it may."""
    if not stat.S_ISREG(status.st_mode):
        return "the credentials file is not a regular file (a directory, FIFO or device)"
    if os.name == "nt":
        return None
    owner = os.geteuid()
    if status.st_uid not in {owner, 0}:
        return (
            f"the credentials file belongs to another user (uid {status.st_uid}), who may "
            f"read or rewrite it; keep your own copy, owned by uid {owner}, with chmod 600"
        )
    mode = stat.S_IMODE(status.st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"other users may read or change the credentials file (mode {mode:04o}); "
            f"make it private with: chmod 600 {shlex.quote(str(path))}"
        )
    return None


def expanded(path: str) -> Path:
    """``path`` with a leading ``~`` expanded; unchanged if there is no such home directory.

    An unknown ``~user`` then fails as a file that cannot be read, naming the path, instead
    of as the ``RuntimeError`` that ``Path.expanduser`` raises.
    """
    try:
        return Path(path).expanduser()
    except RuntimeError:
        return Path(path)
