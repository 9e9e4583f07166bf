"""Bybit fixtures: the simulator's (imported, as the root conftest owns ``pytest_plugins``)."""

from __future__ import annotations

from adapters.bybit.simulator.pytest_plugin import bybit_simulator, bybit_simulator_factory
from framework.credentials import Credentials
from framework.retry import NO_RETRIES
from framework.settings import HttpSettings

__all__ = ["DEMO", "ONE_ATTEMPT", "bybit_simulator", "bybit_simulator_factory"]

DEMO = Credentials.from_strings("CFEJUGQEQPPHGOHGHM", "VDFZSSPUTKRJMXAVMJXBHEXIPZNZJIZUBVRQ")
"""The demo key and secret, written out (the official Python SDK's test constants)."""
ONE_ATTEMPT = HttpSettings(retry=NO_RETRIES)
