"""The pieces of observability that need no socket: the subscriber hub, the logger names, the
plugin-loading record's attributes, and the CLI's level choice and line format."""

from __future__ import annotations

import logging
import sys

import pytest

import framework
from framework.cli.logs import FolioFormatter, chosen_level, level_name, logging_to_stderr
from framework.events import RequestEvent, RequestEvents, RequestOutcome
from framework.host import Plugins
from framework.logs import ACCOUNT, ENDPOINT, EXCHANGE, extras
from tests.framework.helpers import FAILS_TO_IMPORT, PluginSite

EVENT = RequestEvent(account="main", exchange="ascendex", endpoint="GET cash/balance",
                     status=200, attempt=1, duration=0.01, outcome=RequestOutcome.OK,
                     error_type=None)


def test_the_event_names_are_exported() -> None:
    for name in ("RequestEvent", "RequestOutcome", "RequestListener"):
        assert name in framework.__all__
        assert getattr(framework, name) is not None


def test_each_subscription_is_its_own_and_unsubscribes_once() -> None:
    hub = RequestEvents()
    seen: list[RequestEvent] = []
    first = hub.subscribe(seen.append)
    second = hub.subscribe(seen.append)  # the same callback twice: delivered twice
    hub.emit(EVENT)
    assert seen == [EVENT, EVENT]
    first()
    first()  # harmless
    hub.emit(EVENT)
    assert len(seen) == 3
    second()
    hub.emit(EVENT)
    assert len(seen) == 3
    assert not hub.listeners


def test_a_subscriber_must_be_callable() -> None:
    with pytest.raises(TypeError, match="must be callable, got int"):
        RequestEvents().subscribe(3)  # type: ignore[arg-type]


def test_a_raising_subscriber_is_warned_about_once_and_the_others_still_get_events(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub = RequestEvents()
    seen: list[RequestEvent] = []

    def exporter(event: RequestEvent) -> None:
        raise ValueError("down")

    hub.subscribe(exporter)
    hub.subscribe(seen.append)
    with caplog.at_level(logging.DEBUG, logger="folio.events"):
        for _ in range(3):
            hub.emit(EVENT)
    assert seen == [EVENT] * 3
    assert [r.levelname for r in caplog.records] == ["WARNING", "DEBUG", "DEBUG"]
    assert {r.name for r in caplog.records} == {"folio.events"}
    assert "exporter raised ValueError" in caplog.records[0].getMessage()


def test_a_base_exception_from_a_subscriber_is_not_swallowed() -> None:
    hub = RequestEvents()

    def interrupted(event: RequestEvent) -> None:
        raise KeyboardInterrupt

    hub.subscribe(interrupted)
    with pytest.raises(KeyboardInterrupt):
        hub.emit(EVENT)


def test_a_plugin_that_fails_to_load_is_logged_under_folio_plugins_with_no_account(
    site: PluginSite, caplog: pytest.LogCaptureFixture
) -> None:
    site.install_plugin("broken", FAILS_TO_IMPORT)
    with caplog.at_level(logging.WARNING, logger="folio"):
        Plugins()
    (record,) = (r for r in caplog.records if "'broken'" in r.getMessage())
    assert record.name == "folio.plugins"
    assert (getattr(record, ACCOUNT), getattr(record, EXCHANGE), getattr(record, ENDPOINT)) == (
        None, None, None)


@pytest.mark.parametrize(
    ("verbose", "level", "expected"),
    [(0, None, None), (1, None, logging.INFO), (2, None, logging.DEBUG), (5, None, logging.DEBUG),
     (2, "ERROR", logging.ERROR), (0, "WARNING", logging.WARNING)],
)
def test_the_level_chosen_by_v_and_log_level(
    verbose: int, level: str | None, expected: int | None
) -> None:
    assert chosen_level(verbose, level) == expected


def test_log_level_names_are_read_in_any_case() -> None:
    assert level_name("debug") == "DEBUG"
    with pytest.raises(Exception, match="got 'verbose'"):
        level_name("verbose")


def test_the_line_shows_the_extras_that_are_set() -> None:
    def line(**extra: str | None) -> str:
        record = logging.LogRecord("folio.retry", logging.INFO, __file__, 1, "retrying %s",
                                   ("now",), None)
        record.__dict__.update(extra)
        return FolioFormatter().format(record)

    assert line(**extras("main", "ascendex", "GET x")) == (
        'folio: INFO folio.retry [ascendex account=main endpoint="GET x"] retrying now')
    assert line(**extras()) == "folio: INFO folio.retry retrying now"
    assert line() == "folio: INFO folio.retry retrying now"  # a record from someone else


def test_logging_to_stderr_with_no_level_touches_nothing() -> None:
    logger = logging.getLogger("folio")
    before = (list(logger.handlers), logger.level)
    with logging_to_stderr(None):
        assert (list(logger.handlers), logger.level) == before
    with logging_to_stderr(logging.INFO):
        (added,) = set(logger.handlers) - set(before[0])
        assert isinstance(added, logging.StreamHandler)
        assert added.stream is sys.stderr
    assert (list(logger.handlers), logger.level) == before
