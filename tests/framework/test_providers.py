"""What the core hands a plugin: shared per-account resources and on-demand credentials."""

from __future__ import annotations

from functools import partial

import pytest

from framework.config import parse_config
from framework.errors import ConfigurationError
from framework.providers import AccountContext, ResourceStack
from tests.framework.helpers import account, account_table


class _Client:
    """A resource that logs its close into a shared list, or fails to close."""

    def __init__(self, name: str, log: list[str], *, fails: bool = False) -> None:
        self.name = name
        self.log = log
        self.fails = fails

    async def aclose(self) -> None:
        self.log.append(self.name)
        if self.fails:
            raise OSError(f"{self.name}: socket already gone")


def test_a_key_gives_the_same_resource_to_every_caller() -> None:
    stack = ResourceStack()
    made: list[str] = []

    def factory() -> _Client:
        made.append("client")
        return _Client("client", [])

    first = stack.get_or_create("http", factory)
    assert stack.get_or_create("http", factory) is first
    assert made == ["client"]
    assert stack.get_or_create("other", factory) is not first


@pytest.mark.anyio
async def test_closing_closes_newest_first_and_refuses_new_resources() -> None:
    log: list[str] = []
    stack = ResourceStack()
    for name in ("a", "b", "c"):
        stack.get_or_create(name, partial(_Client, name, log))
    await stack.aclose()
    assert log == ["c", "b", "a"]
    with pytest.raises(RuntimeError, match="closed"):
        stack.get_or_create("d", lambda: _Client("d", log))
    await stack.aclose()  # nothing left to close twice
    assert log == ["c", "b", "a"]


@pytest.mark.anyio
async def test_one_resource_failing_to_close_does_not_keep_the_others_open() -> None:
    log: list[str] = []
    stack = ResourceStack()
    stack.get_or_create("a", lambda: _Client("a", log))
    stack.get_or_create("b", lambda: _Client("b", log, fails=True))
    stack.get_or_create("c", lambda: _Client("c", log))
    with pytest.raises(BaseExceptionGroup) as caught:
        await stack.aclose()
    assert sorted(log) == ["a", "b", "c"]
    (error,) = caught.value.exceptions
    assert str(error) == "b: socket already gone"


def test_credentials_are_resolved_on_demand_and_errors_name_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = account_table(api_key_env='"ALPHA_K"', api_secret_env='"ALPHA_S"')
    (configured,) = parse_config(text, source="prod.toml").accounts
    context = AccountContext(configured)
    monkeypatch.delenv("ALPHA_K", raising=False)
    with pytest.raises(ConfigurationError) as caught:
        context.credentials()
    assert str(caught.value).startswith("prod.toml [accounts.main] key 'api_key_env':")

    monkeypatch.setenv("ALPHA_K", "key")
    monkeypatch.setenv("ALPHA_S", "secret")
    assert context.credentials().api_secret.reveal() == "secret"


def test_the_context_shortcut_uses_the_accounts_stack() -> None:
    context = AccountContext(account())
    client = context.resource("http", lambda: _Client("http", []))
    assert context.resources.get_or_create("http", lambda: _Client("other", [])) is client
