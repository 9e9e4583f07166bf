"""``folio demo`` ends with the next steps (text only), and the simulate fragment's account name.

The demo runs the bundled simulators through the whole stack; the closing lines must name the
commands a new user runs next, and never enter the ``--json`` document.
"""

from __future__ import annotations

import json
import tomllib

import pytest

from framework.cli import main
from framework.config import parse_config
from framework.credentials import Credentials
from framework.providers import DemoEndpoint


def test_demo_ends_with_the_next_steps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    closing = out[out.rindex("Next steps:"):]
    # Every simulated exchange is named, so a user who came for OKX finds its simulator.
    assert "folio simulate ascendex (or binance, bybit, okx)" in closing
    assert "folio.toml" in closing
    assert "folio config check" in closing
    assert "docs/configuration.md" in closing
    assert out.rstrip().endswith("docs/exchanges/ (OKX's passphrase, Binance's futures host).")


def test_demo_json_has_no_next_steps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json"]) == 0
    out = capsys.readouterr().out
    json.loads(out)  # one document, nothing after it
    assert "Next steps" not in out


@pytest.mark.parametrize("name", ["main", "desk-1", "team.alpha", "a_b"])
def test_the_sample_config_names_the_account_asked_for(name: str) -> None:
    endpoint = DemoEndpoint(
        "alpha", "http://127.0.0.1:4242", Credentials.from_strings("k" * 8, "s" * 8),
        "ALPHA_KEY", "ALPHA_SECRET",
    )
    text = endpoint.sample_config(name)
    assert list(tomllib.loads(text)["accounts"]) == [name]
    (account,) = parse_config(text).accounts
    assert (account.name, account.exchange) == (name, "alpha")
    assert [a.name for a in parse_config(endpoint.sample_config()).accounts] == ["alpha-sim"]
