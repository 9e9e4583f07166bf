"""Fixtures shared by the reliability tests."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.ascendex.signer import AscendexAuth
from adapters.binance.signer import BinanceAuth


@pytest.fixture
def signatures(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every signature the signers make during the test, as made."""
    made: list[str] = []
    for cls in (AscendexAuth, BinanceAuth):
        original = cls.signature

        def recording(self: Any, *args: Any, _original: Any = original) -> str:
            signature: str = _original(self, *args)
            made.append(signature)
            return signature

        monkeypatch.setattr(cls, "signature", recording)
    return made
