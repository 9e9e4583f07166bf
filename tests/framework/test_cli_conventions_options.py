"""Global options are accepted before and after the subcommand (issue #11, section 5).

Driven through :func:`framework.cli.main` with an in-test plugin installed through an entry
point, as in tests/framework/test_cli.py; the counted-option rule is checked on the real parser
with one extra option added the way docs/cli.md tells a contributor to add one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.cli import app, main, options
from tests.framework.helpers import PluginSite, account_table, plugin_module


@pytest.fixture
def config(site: PluginSite, tmp_path: Path) -> str:
    site.install_plugin("acme", plugin_module("acme"), attribute="plugin")
    path = tmp_path / "chosen.toml"
    path.write_text(account_table("main", exchange='"acme"'), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "argv",
    [
        ["--config", "{config}", "balances"],
        ["balances", "--config", "{config}"],
        ["balances", "--json", "--config={config}"],
        ["risk", "--config", "{config}"],
    ],
)
def test_config_is_read_on_either_side_of_the_command(
    config: str, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main([arg.format(config=config) for arg in argv]) == 0
    assert "main" in capsys.readouterr().out


def test_the_option_after_the_command_wins(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "missing.toml")
    assert main(["--config", config, "balances", "--config", missing]) == 2
    assert "missing.toml" in capsys.readouterr().err
    assert main(["--config", missing, "balances", "--config", config]) == 0


def test_a_counted_option_adds_up_across_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = options.GlobalOption(
        ("-c", "--counted"),
        {"dest": "counted", "action": "count", "default": 0, "help": "test only"},
        combine=options.ADD_UP,
    )
    monkeypatch.setattr(options, "GLOBAL_OPTIONS", (*options.GLOBAL_OPTIONS, counted))

    def parsed(*argv: str) -> int:
        value: int = options.merge(app._parser().parse_args(argv)).counted
        return value

    assert parsed("plugins") == 0
    assert parsed("-c", "plugins") == 1
    assert parsed("plugins", "-c") == 1
    assert parsed("-c", "plugins", "-c") == 2
    assert parsed("-cc", "plugins", "--counted") == 3
    namespace = options.merge(app._parser().parse_args(["-c", "plugins", "-c"]))
    assert not [name for name in vars(namespace) if "after_command" in name]


def test_help_lists_the_global_options_under_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for command in ("balances", "risk", "plugins", "demo"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "--config PATH" in capsys.readouterr().out
