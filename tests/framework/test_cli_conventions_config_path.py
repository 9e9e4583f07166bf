"""Which configuration file is read when none is named, and errors that say why that one.

The order (docs/configuration.md, "Where the file is found"): ``--config``, ``FOLIO_CONFIG``,
``./folio.toml``, ``$XDG_CONFIG_HOME/folio/folio.toml``, ``~/.config/folio/folio.toml``. Each
case is a real file in a temporary home and working directory, read through ``folio``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.cli import main
from framework.config import ConfigOrigin, locate_config
from framework.errors import ConfigurationError
from tests.framework.helpers import PluginSite, account_table, plugin_module


@pytest.fixture
def places(
    site: PluginSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Path]:
    """A working directory, a home and an XDG directory, all empty; no FOLIO_CONFIG."""
    site.install_plugin("acme", plugin_module("acme"), attribute="plugin")
    folders = {name: tmp_path / name for name in ("work", "home", "xdg")}
    for folder in folders.values():
        folder.mkdir()
    monkeypatch.chdir(folders["work"])
    monkeypatch.setenv("HOME", str(folders["home"]))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folders["xdg"]))
    monkeypatch.delenv("FOLIO_CONFIG", raising=False)
    return {
        "explicit": tmp_path / "explicit.toml",
        "environment": tmp_path / "from-env.toml",
        "work": folders["work"] / "folio.toml",
        "xdg": folders["xdg"] / "folio" / "folio.toml",
        "home": folders["home"] / ".config" / "folio" / "folio.toml",
    }


def _write(path: Path, account: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(account_table(account, exchange='"acme"'), encoding="utf-8")


def _accounts_read(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    assert main([*argv, "balances", "--json"]) == 0
    return [a["account"] for a in json.loads(capsys.readouterr().out)["accounts"]]


def test_each_place_is_taken_in_order(
    places: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, path in places.items():
        _write(path, name)
    monkeypatch.setenv("FOLIO_CONFIG", str(places["environment"]))
    assert _accounts_read(capsys, "--config", str(places["explicit"])) == ["explicit"]
    assert _accounts_read(capsys) == ["environment"]
    monkeypatch.setenv("FOLIO_CONFIG", "")  # set but empty: as if unset
    assert _accounts_read(capsys) == ["work"]
    places["work"].unlink()
    assert _accounts_read(capsys) == ["xdg"]
    places["xdg"].unlink()
    assert _accounts_read(capsys) == ["home"]
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")  # ignored, as the XDG spec says
    assert _accounts_read(capsys) == ["home"]


def test_a_missing_file_named_by_folio_config_is_an_error_that_says_so(
    places: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(places["work"], "work")  # present, but FOLIO_CONFIG names another file
    monkeypatch.setenv("FOLIO_CONFIG", str(places["environment"]))
    assert main(["risk"]) == 2
    err = capsys.readouterr().err
    assert str(places["environment"]) in err
    assert "configuration file not found" in err
    assert "(from FOLIO_CONFIG)" in err


def test_an_error_in_the_user_default_says_where_it_came_from(
    places: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    places["home"].parent.mkdir(parents=True)
    places["home"].write_text("[accounts.main]\n", encoding="utf-8")
    assert main(["balances", "--json"]) == 2
    document = json.loads(capsys.readouterr().out)
    message = document["error"]["message"]
    assert message.startswith(f"{places['home']} [accounts.main] key 'exchange'")
    assert "the per-user default" in message


def test_no_file_anywhere_lists_every_place_looked_at(
    places: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["balances"]) == 2
    err = capsys.readouterr().err
    for place in ("folio.toml", str(places["xdg"]), str(places["home"])):
        assert place in err
    assert "FOLIO_CONFIG is not set" in err


def test_an_explicit_path_is_used_even_when_missing(places: dict[str, Path]) -> None:
    _write(places["work"], "work")
    location = locate_config(places["explicit"])
    assert location.path == str(places["explicit"])
    assert location.origin is ConfigOrigin.EXPLICIT
    assert location.reason == "from --config"


def test_a_host_passes_its_own_environment_and_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    home = tmp_path / "elsewhere"
    _write(home / ".config" / "folio" / "folio.toml", "main")
    location = locate_config(environ={}, home=home)
    assert location.origin is ConfigOrigin.USER_DEFAULT
    assert location.path == str(home / ".config" / "folio" / "folio.toml")
    assert location.load().accounts[0].name == "main"
    env_location = locate_config(environ={"FOLIO_CONFIG": str(tmp_path / "x.toml")}, home=home)
    assert env_location.origin is ConfigOrigin.ENVIRONMENT
    with pytest.raises(ConfigurationError, match=r"\(from FOLIO_CONFIG\)$"):
        env_location.load()
