"""``folio simulate <exchange>`` for every bundled exchange, carried over as a user carries it.

The printed ``folio.toml`` fragment and the ``export`` lines (run through a shell's word
splitting, so quoting is part of what is tested) are the only things a second process gets;
it must read the simulator's balances and risk with them. OKX's passphrase is the third
variable (issue #12).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.helpers.simulate import FOLIO, read_banner, section, simulate


def _exported(lines: list[str]) -> dict[str, str]:
    """What ``export NAME=VALUE`` lines set, split as a POSIX shell splits them."""
    values: dict[str, str] = {}
    for line in lines:
        if line.startswith("export "):
            (assignment,) = shlex.split(line.removeprefix("export "))
            name, value = assignment.split("=", 1)
            values[name] = value
    return values


@pytest.mark.parametrize(
    ("exchange", "credential_keys"),
    [
        ("ascendex", {"api_key_env", "api_secret_env"}),
        ("binance", {"api_key_env", "api_secret_env"}),
        ("bybit", {"api_key_env", "api_secret_env"}),
        ("okx", {"api_key_env", "api_secret_env", "api_passphrase_env"}),
    ],
)
def test_the_printed_config_and_exports_read_the_simulator(
    exchange: str, credential_keys: set[str], tmp_path: Path
) -> None:
    with simulate(exchange) as process:
        lines = read_banner(process)
        config_text = "\n".join(section(lines, "# folio.toml", "# environment"))
        (table,) = tomllib.loads(config_text)["accounts"].values()
        exports = _exported(lines)
        named = {table[key] for key in credential_keys}
        assert set(exports) == named, "every variable the table names is exported, no other"
        config = tmp_path / "folio.toml"
        config.write_text(config_text, encoding="utf-8")
        for command in (["balances", "--json"], ["risk", "--json"]):
            result = subprocess.run(
                [str(FOLIO), "--config", str(config), *command],
                capture_output=True, text=True, timeout=60, check=False,
                env={**os.environ, **exports},
            )
            assert result.returncode == 0, result.stderr
            (entry,) = json.loads(result.stdout)["accounts"]
            assert entry["ok"] is True, entry
            assert entry["value"]["exchange"] == exchange
        for value in exports.values():  # the secrets went to the reader, not to its output
            assert value not in result.stdout
            assert value not in result.stderr
