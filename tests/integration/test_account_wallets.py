"""An account's ``wallets`` key: the wallets it holds, which the whole portfolio reads.

A Binance key without futures access (or an account that never opened a margin wallet) would
otherwise fail that part of every portfolio read: exit 1 and totals marked incomplete on
every run (docs/configuration.md, "Which wallets an account holds").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.binance.simulator.simulator import RunningBinanceSimulator
from adapters.simkit.faults import Fault
from framework import Folio, WalletKind
from framework.cli import main
from framework.config import AccountConfig, StaticCredentials, parse_config
from framework.credentials import Credentials
from framework.errors import ConfigurationError, ExchangeError, UnsupportedCapabilityError
from framework.portfolio import PART_ACCOUNT, balance_part, risk_part
from tests.integration.portfolio_accounts import ONE_ATTEMPT, binance

NO_FUTURES = Fault.http_status(
    401, body='{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}',
    route="futures/accountConfig",
)
"""What Binance answers a key without the futures permission."""

_TABLE = """
[accounts.main]
exchange = "binance"
api_key_env = "K"
api_secret_env = "S"
"""


def test_the_key_is_read_into_wallet_kinds_in_the_order_given() -> None:
    config = parse_config(_TABLE + 'wallets = ["margin", "cash"]\n', source="folio.toml")
    assert config.accounts[0].wallets == (WalletKind.MARGIN, WalletKind.CASH)
    assert parse_config(_TABLE, source="folio.toml").accounts[0].wallets is None


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ('["cash", "spot"]', "must be a list of wallet names ('cash', 'margin', 'futures')"),
        ('"cash"', "must be a list of wallet names"),
        ("[]", "must name at least one wallet"),
        ('["cash", "cash"]', "names a wallet twice"),
        ("[1]", "must be a list of wallet names"),
    ],
)
def test_a_bad_list_names_the_file_account_and_key(value: str, says: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_config(_TABLE + f"wallets = {value}\n", source="folio.toml")
    message = str(caught.value)
    assert says in message
    assert "folio.toml" in message
    assert "main" in message
    assert "wallets" in message


def test_a_host_building_accounts_in_python_is_held_to_the_same_rules() -> None:
    credentials = StaticCredentials(Credentials.from_strings("k", "s"))
    account = AccountConfig("a", "binance", credentials, wallets=["futures"])
    assert account.wallets == (WalletKind.FUTURES,)
    assert AccountConfig("b", "binance", credentials, wallets="cash").wallets == (
        WalletKind.CASH,)
    with pytest.raises(ConfigurationError, match=r"wallets.*must list wallet names"):
        AccountConfig("c", "binance", credentials, wallets=["spot"])
    # Not a list at all is the same typed refusal, not a TypeError from inside attrs.
    with pytest.raises(ConfigurationError, match=r"\[accounts.d\] key 'wallets'.*wallet names"):
        AccountConfig("d", "binance", credentials, wallets=5)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_the_portfolio_reads_only_the_listed_wallets_and_their_risk(
    binance_simulator: RunningBinanceSimulator,
) -> None:
    binance_simulator.faults.add(NO_FUTURES)
    every = binance("every", binance_simulator.url)
    listed = AccountConfig(
        "listed", "binance", every.credentials, base_url=binance_simulator.url,
        wallets=["cash", "margin"],
    )
    async with Folio([every, listed], http=ONE_ATTEMPT) as folio:
        portfolio = await folio.portfolio()
    read_all, read_listed = portfolio.accounts
    # Without the key, the futures wallet and its risk fail on every read ...
    assert not read_all.complete
    assert sorted(f.part for f in read_all.failures) == sorted(
        [balance_part(WalletKind.FUTURES), risk_part(WalletKind.FUTURES)])
    assert all(isinstance(f.error, ExchangeError) for f in read_all.failures)
    # ... with it, they are not read, and what is read is the same as without it.
    assert read_listed.complete
    assert read_listed.failures == ()
    assert [s.wallet for s in read_listed.snapshots] == [WalletKind.CASH, WalletKind.MARGIN]
    assert [r.wallet for r in read_listed.risks] == [WalletKind.MARGIN]
    for wallet in (WalletKind.CASH, WalletKind.MARGIN):
        mine, theirs = read_listed.snapshot(wallet), read_all.snapshot(wallet)
        assert mine is not None
        assert theirs is not None
        assert mine.balances == theirs.balances
    assert portfolio.complete is False  # 'every' still fails; 'listed' adds no failure
    assert {f.account for f in portfolio.failures} == {"every"}


@pytest.mark.anyio
async def test_a_listed_wallet_the_exchange_does_not_serve_fails_saying_so(
    binance_simulator: RunningBinanceSimulator,
) -> None:
    account = AccountConfig(
        "a", "ascendex", binance("x", binance_simulator.url).credentials,
        base_url=binance_simulator.url, wallets=["futures"],
    )
    async with Folio([account], http=ONE_ATTEMPT) as folio:
        found = await folio.account_portfolio("a")
    (failure,) = found.failures
    assert failure.part == balance_part(WalletKind.FUTURES)
    assert failure.part != PART_ACCOUNT
    assert "futures" in str(failure.error)
    assert found.snapshots == ()


def test_config_check_shows_the_listed_wallets_and_names_an_unserved_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("K", "k" * 16)
    monkeypatch.setenv("S", "s" * 16)
    path = tmp_path / "folio.toml"
    path.write_text(
        _TABLE + 'wallets = ["cash", "margin"]\n'
        '[accounts.okx]\nexchange = "okx"\napi_key_env = "K"\napi_secret_env = "S"\n'
        'api_passphrase_env = "K"\nwallets = ["cash", "margin"]\n',
        encoding="utf-8",
    )
    code = main(["config", "check", "--config", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    assert any(line.split()[:3] == ["main", "binance", "cash,"] and "margin" in line
               and "futures" not in line for line in lines)
    assert "  okx: wallets: 'margin' not served by the okx plugin (its wallets: cash)" in lines


@pytest.mark.anyio
async def test_the_listed_wallets_are_read_in_wallet_order_and_risk_is_the_accounts_default(
    binance_simulator: RunningBinanceSimulator,
) -> None:
    # AccountPortfolio.snapshots is in WalletKind order whatever order the list gives, and
    # ``risk`` is the account's default risk wallet's: the first of the exchange's risk
    # wallets (Binance: margin, futures) that the account lists, as Folio.risk(name) reads;
    # its ``wallet`` says which (docs/host-api.md, "Risk per wallet").
    every = binance("every", binance_simulator.url)
    reversed_list = AccountConfig(
        "reversed", "binance", every.credentials, base_url=binance_simulator.url,
        wallets=["futures", "margin", "cash"],
    )
    no_margin = AccountConfig(
        "no-margin", "binance", every.credentials, base_url=binance_simulator.url,
        wallets=["futures", "cash"],
    )
    async with Folio([every, reversed_list, no_margin], http=ONE_ATTEMPT) as folio:
        portfolio = await folio.portfolio()
    read_all, read_reversed, read_no_margin = portfolio.accounts
    assert [s.wallet for s in read_reversed.snapshots] == [s.wallet for s in read_all.snapshots]
    assert [r.wallet for r in read_reversed.risks] == [r.wallet for r in read_all.risks]
    assert read_reversed.risk is not None
    assert read_reversed.risk.wallet is WalletKind.MARGIN
    assert [s.wallet for s in read_no_margin.snapshots] == [WalletKind.CASH, WalletKind.FUTURES]
    assert [r.wallet for r in read_no_margin.risks] == [WalletKind.FUTURES]
    assert read_no_margin.risk is not None
    assert read_no_margin.risk.wallet is WalletKind.FUTURES
    assert read_no_margin.risk is read_no_margin.risks[0]
    assert read_no_margin.complete


@pytest.mark.anyio
async def test_a_risk_read_without_a_wallet_reads_the_first_listed_risk_wallet(
    binance_simulator: RunningBinanceSimulator,
) -> None:
    every = binance("every", binance_simulator.url)
    futures_only = AccountConfig(
        "futures-only", "binance", every.credentials, base_url=binance_simulator.url,
        wallets=["cash", "futures"],
    )
    spot_only = AccountConfig(
        "spot-only", "binance", every.credentials, base_url=binance_simulator.url,
        wallets=["cash"],
    )
    async with Folio([every, futures_only, spot_only], http=ONE_ATTEMPT) as folio:
        assert (await folio.risk("every")).wallet is WalletKind.MARGIN
        assert (await folio.risk("futures-only")).wallet is WalletKind.FUTURES
        # asked by name, a wallet is read listed or not
        assert (await folio.risk("futures-only", "margin")).wallet is WalletKind.MARGIN
        with pytest.raises(UnsupportedCapabilityError) as caught:
            await folio.risk("spot-only")
        portfolio = await folio.portfolio(["spot-only"])
    error = caught.value
    assert (error.account, error.exchange) == ("spot-only", "binance")
    assert "lists no wallet with a risk profile (its wallets: cash; binance's risk wallets: " \
        "margin, futures)" in str(error)
    (spot,) = portfolio.accounts
    assert spot.complete  # nothing to read is not a failure
    assert spot.risk is None
    assert spot.risks == ()


@pytest.mark.anyio
async def test_an_exchange_no_plugin_serves_is_one_account_failure_with_a_wallet_list() -> None:
    # As without the key: the registry's explanation once, as the "account" part, not once
    # per listed wallet as if each wallet had failed on its own.
    credentials = StaticCredentials(Credentials.from_strings("k" * 16, "s" * 16))
    listed = AccountConfig("listed", "nosuch", credentials, wallets=["cash", "margin"])
    async with Folio([listed], http=ONE_ATTEMPT) as folio:
        found = await folio.account_portfolio("listed")
    (failure,) = found.failures
    assert failure.part == PART_ACCOUNT
    assert "no installed plugin serves exchange 'nosuch'" in str(failure.error)
