"""Configuration: which accounts exist, where their credentials come from, which plugins load.

The file is TOML (``folio.toml`` by default)::

    [plugins]                    # optional
    block = ["some-plugin"]      # entry-point names never to load
    external = true              # false: load only plugins shipped with folio
    strict = false               # true: a plugin that fails to load is an error

    [accounts.main]
    exchange = "ascendex"
    api_key_env = "ASCENDEX_API_KEY"        # names of environment variables,
    api_secret_env = "ASCENDEX_API_SECRET"  # never the secrets themselves
    base_url = "https://ascendex.com"       # optional: the plugin's default otherwise
    allow_insecure_http = false             # true: accept http:// to a host not on this machine
    wallets = ["cash", "margin"]            # optional: the wallets the portfolio reads

    [accounts.main.options]      # optional, exchange-specific, checked by the exchange's plugin
    account_group = 6

    [accounts.main.network]      # optional: this account's timeouts and retries
    read_timeout = 20

    [accounts.vault]             # credentials from a file only its owner can read
    exchange = "ascendex"
    credentials_file = "vault.toml"   # api_key = "...", api_secret = "..."; relative to this file

    [network]                    # optional: every account's defaults (see framework.settings)
    connect_timeout = 3
    max_attempts = 3

Secrets stay out of the file so that the file can be committed, shared and printed; a
``credentials_file`` holds them apart and is refused when others may read it (as ssh refuses
such a key). Keys are checked strictly: a misspelt key is a typo that would otherwise be
silently ignored, so it is an error naming the file, the account and the key. Hosts can build
the same objects in Python, checked by the same rules. docs/configuration.md lists what loading
refuses.

This package re-exports the public names; each module has one job:

* :mod:`~framework.config.document`: the file's tables as attrs classes, read with cattrs;
* :mod:`~framework.config.tables`: strict cattrs reading of a table, errors naming the key
  (plugins read their ``options`` with it too);
* :mod:`~framework.config.accounts`: :class:`AccountConfig`, :class:`PluginPolicy`,
  :class:`FolioConfig`, which check themselves when built in Python;
* :mod:`~framework.config.credential_sources`: where the key and secret are read from;
* :mod:`~framework.config.private_file`: reading a credentials file only its owner can read;
* :mod:`~framework.config.urls`: the ``base_url`` rules;
* :mod:`~framework.config.location`: which file to read when none is named, and why;
* :mod:`~framework.config.shown`: what a message may quote (never what may be a secret).
"""

from framework.config.accounts import AccountConfig, FolioConfig, PluginPolicy
from framework.config.credential_sources import (
    MAX_SECRET_LENGTH,
    CredentialSource,
    EnvCredentials,
    FileCredentials,
    StaticCredentials,
)
from framework.config.document import DEFAULT_CONFIG_PATH, load_config, parse_config
from framework.config.location import CONFIG_ENV, ConfigLocation, ConfigOrigin, locate_config
from framework.config.private_file import MAX_CREDENTIALS_FILE_BYTES
from framework.config.shown import SECRET_RUN_LENGTH, shown_variable
from framework.config.urls import plain_http_to_another_host

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_CONFIG_PATH",
    "MAX_CREDENTIALS_FILE_BYTES",
    "MAX_SECRET_LENGTH",
    "SECRET_RUN_LENGTH",
    "AccountConfig",
    "ConfigLocation",
    "ConfigOrigin",
    "CredentialSource",
    "EnvCredentials",
    "FileCredentials",
    "FolioConfig",
    "PluginPolicy",
    "StaticCredentials",
    "load_config",
    "locate_config",
    "parse_config",
    "plain_http_to_another_host",
    "shown_variable",
]
