"""One network setting forced on every account of a configuration (``folio --timeout``).

An operator who passes ``--timeout 5`` means every read, including the accounts whose table
sets its own ``[accounts.<name>.network]`` value: an account that kept its own 60 s would make
the command wait 60 s after the operator asked for 5. So the value goes into the top-level
``[network]`` defaults *and* replaces each account's own value (docs/cli.md, "Global options").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from framework.config.accounts import FolioConfig
from framework.errors import ConfigurationError

__all__ = ["with_network_override"]


def with_network_override(config: FolioConfig, overrides: Mapping[str, Any]) -> FolioConfig:
    """``config`` with ``overrides`` (keys of ``framework.settings.NETWORK_KEYS``) on every account.

    :raises ConfigurationError: an unknown key or an out-of-range value, naming the key.
    """
    if not overrides:
        return config
    try:
        network = config.network.with_overrides(overrides)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(str(exc), path=config.source, key="network") from None
    accounts = [
        attrs.evolve(account, network={**account.network, **overrides})
        if account.network
        else account
        for account in config.accounts
    ]
    return attrs.evolve(config, accounts=accounts, network=network)
