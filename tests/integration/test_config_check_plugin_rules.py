"""``folio config check`` reports what a plugin refuses when it builds an account's readers.

A plugin checks its own ``options`` and any credential its exchange needs beyond the key and
secret (OKX's passphrase, issue #12) when it builds a reader, without sending a request. The
check builds each account's readers, so such an account is reported NOT READY, naming the
account and the key, instead of passing the check and failing at its first read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FOLIO = Path(sys.executable).with_name("folio")
CONFIG = """
[accounts.okx-main]
exchange = "okx"
api_key_env = "CC_TEST_KEY"
api_secret_env = "CC_TEST_SECRET"
{passphrase}
[accounts.binance-main]
exchange = "binance"
api_key_env = "CC_TEST_KEY"
api_secret_env = "CC_TEST_SECRET"
[accounts.binance-main.options]
recv_window = {recv_window}
"""


def check(tmp_path: Path, *, passphrase: str, recv_window: int) -> tuple[int, dict[str, object]]:
    config = tmp_path / "folio.toml"
    config.write_text(CONFIG.format(passphrase=passphrase, recv_window=recv_window), "utf-8")
    environment = {**os.environ, "CC_TEST_KEY": "key-abc", "CC_TEST_SECRET": "secret-def",
                   "CC_TEST_PASSPHRASE": "phrase-ghi"}
    done = subprocess.run(
        [str(FOLIO), "--config", str(config), "config", "check", "--json"],
        capture_output=True, text=True, timeout=60, check=False, env=environment,
    )
    assert "secret-def" not in done.stdout + done.stderr
    assert "phrase-ghi" not in done.stdout + done.stderr
    return done.returncode, json.loads(done.stdout)


def test_a_missing_passphrase_and_a_bad_option_are_reported_before_any_read(
    tmp_path: Path,
) -> None:
    code, document = check(tmp_path, passphrase="", recv_window=99_999_999)
    assert code == 1
    problems = {a["name"]: a["problems"] for a in document["accounts"]}  # type: ignore[attr-defined]
    (okx,) = problems["okx-main"]
    assert "[accounts.okx-main]" in okx
    assert "api_passphrase_env" in okx
    (binance,) = problems["binance-main"]
    assert "options.recv_window" in binance


def test_the_same_accounts_are_ready_once_fixed(tmp_path: Path) -> None:
    code, document = check(
        tmp_path, passphrase='api_passphrase_env = "CC_TEST_PASSPHRASE"', recv_window=5000
    )
    assert code == 0, document
    assert document["ready"] is True
