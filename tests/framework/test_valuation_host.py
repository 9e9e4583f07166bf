"""What the host accepts from a price plugin: anything but a proper book is a typed, located error.

Narrow unit tests: the readers answer from a canned value, no HTTP (the loopback path is in
tests/integration/test_price_book.py).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from decimal import Decimal

import attrs
import pytest

from framework import Capability, Folio, Pair, Plugins, Price
from framework.errors import PluginContractError, UnknownExchangeError
from framework.hookspecs import hookimpl
from framework.loading import PluginStatus
from framework.providers import AccountContext
from tests.framework.helpers import account

AT = datetime(2026, 1, 2, tzinfo=UTC)
SOURCE = "GET /api/ticker"
SECRET_LOOKING = "s3cr3t-in-a-plugin-message"


def _price(pair: str, value: str, exchange: str = "alpha") -> Price:
    return Price(Pair.parse(pair), Decimal(value), exchange, SOURCE, AT)


@attrs.define(eq=False)
class CannedReader:
    answer: object = ()
    raises: BaseException | None = None

    async def fetch_prices(self, pairs: Collection[Pair] | None = None) -> Sequence[Price]:
        if self.raises is not None:
            raise self.raises
        return self.answer  # type: ignore[return-value]


@attrs.define(eq=False)
class CannedPlugin:
    reader: object
    exchanges: object = ("alpha",)

    @hookimpl
    def folio_price_exchanges(self) -> object:
        return self.exchanges

    @hookimpl
    def folio_price_reader(self, exchange: str, context: AccountContext) -> object:
        if isinstance(self.reader, BaseException):
            raise self.reader
        return self.reader


def _folio(*plugins: tuple[str, object]) -> Folio:
    return Folio([account("main")], plugins=Plugins(extra=plugins, use_entry_points=False))


async def _contract_error(reader: object) -> PluginContractError:
    async with _folio(("canned", CannedPlugin(reader))) as folio:
        with pytest.raises(PluginContractError) as caught:
            await folio.price_book("main")
    error = caught.value
    assert (error.exchange, error.account) == ("alpha", "main")
    assert SECRET_LOOKING not in str(error)
    assert SECRET_LOOKING not in repr(error)
    return error


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (None, "returned NoneType, not a sequence of Price"),
        ("BTC/USDT", "returned str, not a sequence of Price"),
        ({Pair("BTC", "USDT"): "1"}, "returned dict, not a sequence of Price"),
        ([_price("BTC/USDT", "1"), SECRET_LOOKING], "returned a str among its prices"),
    ],
)
async def test_an_answer_that_is_not_a_sequence_of_prices_is_a_plugin_bug(
    answer: object, said: str
) -> None:
    error = await _contract_error(CannedReader(answer))
    assert said in error.detail
    assert error.detail.endswith("(a plugin bug)")


@pytest.mark.anyio
async def test_a_price_of_another_exchange_is_refused_at_its_endpoint() -> None:
    answer = [_price("BTC/USDT", "1"), _price("ETH/USDT", "2", exchange="beta")]
    error = await _contract_error(CannedReader(answer))
    assert "returned a price of exchange 'beta'" in error.detail
    assert error.endpoint == SOURCE


@pytest.mark.anyio
async def test_a_pair_listed_twice_is_refused_rather_than_one_price_picked() -> None:
    answer = [_price("BTC/USDT", "1"), _price("BTC/USDT", "2")]
    error = await _contract_error(CannedReader(answer))
    assert "returned BTC/USDT more than once" in error.detail
    assert error.endpoint == SOURCE


@pytest.mark.anyio
async def test_a_non_folio_exception_of_the_reader_is_a_plugin_bug_without_its_message() -> None:
    error = await _contract_error(CannedReader(raises=ValueError(SECRET_LOOKING)))
    assert "failed with ValueError" in error.detail


@pytest.mark.anyio
async def test_a_reader_that_is_no_price_reader_is_refused() -> None:
    error = await _contract_error(object())
    assert "returned object from folio_price_reader" in error.detail


@pytest.mark.anyio
async def test_a_hook_that_raises_is_a_located_plugin_bug() -> None:
    error = await _contract_error(RuntimeError(SECRET_LOOKING))
    assert "failed to build a reader: RuntimeError" in error.detail


@pytest.mark.anyio
async def test_an_empty_answer_is_an_empty_book_not_an_error() -> None:
    async with _folio(("canned", CannedPlugin(CannedReader(())))) as folio:
        book = await folio.price_book("main")
    assert len(book) == 0


def test_a_malformed_declaration_fails_that_plugin_only() -> None:
    plugins = Plugins(
        extra=[("bad", CannedPlugin(CannedReader(), exchanges="alpha"))], use_entry_points=False
    )
    (record,) = plugins.records
    assert record.status is PluginStatus.FAILED
    assert record.error == "folio_price_exchanges() must return a collection of names"
    assert plugins.exchanges() == []


@pytest.mark.anyio
async def test_two_plugins_declaring_prices_of_one_exchange_is_a_conflict() -> None:
    folio = _folio(
        ("one", CannedPlugin(CannedReader())), ("two", CannedPlugin(CannedReader()))
    )
    async with folio:
        assert folio.plugins.registry.conflicts() == {"alpha": ("one", "two")}
        with pytest.raises(UnknownExchangeError, match=r"claimed by several plugins \(one, two\)"):
            await folio.price_book("main")


def test_prices_sit_beside_the_other_capabilities() -> None:
    plugins = Plugins(
        extra=[("canned", CannedPlugin(CannedReader(), exchanges=["Alpha"]))],
        use_entry_points=False,
    )
    (alpha,) = plugins.exchanges()
    assert alpha.exchange == "alpha"  # declared as "Alpha": names are case-insensitive
    assert dict(alpha.capabilities) == {Capability.PRICES: "canned"}
