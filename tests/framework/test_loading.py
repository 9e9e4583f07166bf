"""Plugin discovery through ``folio`` entry points, including distributions that are not folio.

Each test installs throw-away distributions into a ``site`` directory on ``sys.path`` (a
``*.dist-info`` with ``entry_points.txt`` plus the plugin module) and loads them next to the
plugins that folio itself ships (AscendEX, Binance, Bybit, OKX).
"""

from __future__ import annotations

import sys
from importlib import metadata

import pytest

from framework.config import PluginPolicy
from framework.errors import PluginLoadError
from framework.hookspecs import hookimpl
from framework.host import Folio, Plugins
from framework.loading import PluginRecord, PluginStatus, load_plugins, new_plugin_manager
from tests.framework.helpers import (
    FAILS_TO_IMPORT,
    MISSPELT_HOOK,
    UNKNOWN_HOOK_ARGUMENT,
    PluginSite,
    account,
    plugin_module,
)

BUNDLED = ("ascendex", "binance", "bybit", "okx")
"""The exchanges folio's own plugins serve (pyproject.toml's ``folio`` entry points)."""


def _by_name(plugins: Plugins) -> dict[str, PluginRecord]:
    return {record.name: record for record in plugins.records}


def _exchanges(plugins: Plugins) -> list[str]:
    return [support.exchange for support in plugins.exchanges()]


@pytest.fixture
def acme(site: PluginSite) -> str:
    """A working third-party plugin for exchange 'acme'; returns its module name."""
    return site.install_plugin("acme", plugin_module("acme"), attribute="plugin", version="1.2.3")


@pytest.mark.anyio
async def test_a_third_party_distribution_loads_next_to_the_bundled_plugin(acme: str) -> None:
    plugins = Plugins()
    records = _by_name(plugins)
    assert records["acme"] == PluginRecord(
        "acme", PluginStatus.LOADED, "acme-folio", "1.2.3", target="acme_folio:plugin"
    )
    assert not records["acme"].builtin
    assert records["ascendex"].status is PluginStatus.LOADED
    assert records["ascendex"].builtin
    assert _exchanges(plugins) == ["acme", *BUNDLED]

    async with Folio([account("main", exchange="acme")], plugins=plugins) as folio:
        snapshot = await folio.balances("main")
    assert (snapshot.exchange, snapshot.account) == ("acme", "main")
    served_by = sys.modules[acme].plugin
    assert served_by.calls == [("balance", "acme", "main")]


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        pytest.param(MISSPELT_HOOK, "unknown hook 'folio_balance_reder'", id="misspelt-hook"),
        pytest.param(
            UNKNOWN_HOOK_ARGUMENT, "for hook 'folio_balance_reader'", id="unknown-argument"
        ),
    ],
)
def test_broken_plugins_are_reported_and_the_others_keep_working(
    site: PluginSite, acme: str, source: str, problem: str
) -> None:
    site.install_plugin("broken", FAILS_TO_IMPORT)
    site.install_plugin("misfit", source)

    plugins = Plugins()

    records = _by_name(plugins)
    assert records["broken"].status is PluginStatus.FAILED
    assert records["broken"].error == (
        "import failed: RuntimeError: acme-broken needs libacme 2"
    )
    assert records["misfit"].status is PluginStatus.FAILED
    assert records["misfit"].error is not None
    assert records["misfit"].error.startswith("registration failed: PluginValidationError")
    assert problem in records["misfit"].error
    assert not plugins.manager.has_plugin("misfit")  # unregistered again
    assert records["acme"].status is records["ascendex"].status is PluginStatus.LOADED
    assert _exchanges(plugins) == ["acme", *BUNDLED]


@pytest.mark.parametrize(
    ("policy", "environ", "status", "error"),
    [
        pytest.param(PluginPolicy(block={"acme"}), {}, PluginStatus.BLOCKED,
                     "blocked by policy", id="blocked-by-config"),
        pytest.param(PluginPolicy(), {"FOLIO_BLOCK_PLUGINS": " acme ,"}, PluginStatus.BLOCKED,
                     "blocked by policy", id="blocked-by-environment"),
        pytest.param(PluginPolicy(external=False), {}, PluginStatus.DISABLED,
                     "external plugins are disabled", id="external-off-by-config"),
        pytest.param(PluginPolicy(), {"FOLIO_NO_EXTERNAL_PLUGINS": "1"}, PluginStatus.DISABLED,
                     "external plugins are disabled", id="external-off-by-environment"),
    ],
)
def test_a_plugin_left_out_by_policy_is_never_imported(
    acme: str,
    monkeypatch: pytest.MonkeyPatch,
    policy: PluginPolicy,
    environ: dict[str, str],
    status: PluginStatus,
    error: str,
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)

    plugins = Plugins(policy)

    records = _by_name(plugins)
    assert (records["acme"].status, records["acme"].error) == (status, error)
    assert records["ascendex"].status is PluginStatus.LOADED  # the bundled one is not external
    assert acme not in sys.modules
    assert plugins.manager.is_blocked("acme") is (status is PluginStatus.BLOCKED)
    assert _exchanges(plugins) == list(BUNDLED)


@pytest.mark.parametrize("how", ["policy", "environment"])
def test_strict_mode_makes_an_import_failure_fatal(
    site: PluginSite, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    site.install_plugin("broken", FAILS_TO_IMPORT)
    if how == "environment":
        monkeypatch.setenv("FOLIO_STRICT_PLUGINS", "yes")

    with pytest.raises(PluginLoadError) as caught:
        Plugins(PluginPolicy(strict=how == "policy"))

    assert "plugin 'broken' (broken-folio): import failed" in str(caught.value)
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_strict_mode_makes_a_registration_failure_fatal(site: PluginSite) -> None:
    site.install_plugin("misfit", MISSPELT_HOOK)
    with pytest.raises(PluginLoadError, match=r"'misfit' .*registration failed"):
        Plugins(PluginPolicy(strict=True))


def test_two_distributions_claiming_one_exchange_conflict_until_one_is_blocked(
    site: PluginSite,
) -> None:
    site.install_plugin("acme", plugin_module("acme"), attribute="plugin")
    site.install_plugin("acme-fork", plugin_module("acme"), attribute="plugin")

    clashing = Plugins()
    assert clashing.registry.conflicts() == {"acme": ("acme", "acme-fork")}
    assert _exchanges(clashing) == list(BUNDLED)

    resolved = Plugins(PluginPolicy(block={"acme"}))
    assert resolved.registry.conflicts() == {}
    (support,) = [s for s in resolved.exchanges() if s.exchange == "acme"]
    assert support.plugins == ("acme-fork",)


def test_an_entry_point_name_seen_twice_loads_once() -> None:
    entry_point = metadata.EntryPoint("ascendex", "plugins.ascendex", "folio")
    manager = new_plugin_manager()

    first, second = load_plugins(manager, PluginPolicy(), entry_points=[entry_point] * 2)

    assert first.status is PluginStatus.LOADED
    assert second.status is PluginStatus.FAILED
    assert second.error == "another plugin is already registered as 'ascendex'"
    assert manager.has_plugin("ascendex")


def test_a_host_registered_plugin_failing_registration_is_fatal_only_in_strict_mode() -> None:
    class Misspelt:
        @hookimpl
        def folio_balance_reder(self) -> None:
            return None

    lenient = Plugins(extra=[("misspelt", Misspelt())], use_entry_points=False)
    (record,) = lenient.records
    assert record.status is PluginStatus.FAILED
    assert record.distribution == "(registered by host)"
    with pytest.raises(PluginLoadError, match="'misspelt': registration failed"):
        Plugins(PluginPolicy(strict=True), extra=[("misspelt", Misspelt())])

