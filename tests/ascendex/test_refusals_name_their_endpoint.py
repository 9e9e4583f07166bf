"""Every refusal of an AscendEX answer names the endpoint whose answer it was.

The protocol reads each answer inside the sender (adapters/ascendex/protocol.py ``_send``), so
the endpoint is added in one place; before, a refused ``GET info`` or server-time answer
reached the host without it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from framework.errors import InvalidResponseError
from tests.ascendex.reading import read_once

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def _ok(data: object) -> bytes:
    return json.dumps({"code": 0, "data": data}).encode()


@pytest.mark.parametrize(
    ("read", "data", "endpoint", "field"),
    [
        (lambda client: client.account_info(), {"email": "x"}, "GET info", "$.data"),
        (lambda client: client.server_time(), {"requestTimeEcho": 1}, "GET exchange-info",
         "$.data"),
        (lambda client: client.margin_risk(), {"cushion": "2"}, "GET margin/risk", "$.data"),
    ],
)
def test_a_refused_answer_names_its_endpoint_and_field(
    read: object, data: object, endpoint: str, field: str
) -> None:
    error = read_once(read, _ok(data), now=NOW)  # type: ignore[arg-type]
    assert isinstance(error, InvalidResponseError), error
    assert error.endpoint == endpoint
    assert error.account == "main"
    assert error.exchange == "ascendex"
    assert error.field is not None
    assert error.field.startswith(field)
