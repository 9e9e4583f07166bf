"""The shipped seed fixtures are the specification's sample responses, unchanged.

The digests were taken from the code blocks of ``shared/seed/ascendex-balance-api.md``; the
second test re-reads that document where it is checked out beside the repository (as in CI).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.ascendex.conftest import seed_bytes

SEED_DOC = Path(__file__).resolve().parents[3] / "shared" / "seed" / "ascendex-balance-api.md"

SEED_SHA256 = {
    "cash": "d53a9ccc2d70491960b2569657221c3be07c3762a549319c4cd1f233cf9d9b48",
    "margin": "cb4a04a268d022d13fa2e9a9653a5bf7edd0dd06605fec6264c09577d15972b0",
    "risk": "da73805e856c2616a46616d20913f076cf21e9f17bba86c57bf7574e831dd5cf",
}


@pytest.mark.parametrize("kind", sorted(SEED_SHA256))
def test_fixture_digest_is_the_seed_sample(kind: str) -> None:
    assert hashlib.sha256(seed_bytes(kind)).hexdigest() == SEED_SHA256[kind]


def test_fixtures_match_the_seed_document_byte_for_byte() -> None:
    if not SEED_DOC.exists():
        pytest.skip("the specification (shared/seed) is not checked out beside this repository")
    blocks = re.findall(r"```json\n(.*?)```", SEED_DOC.read_text(encoding="utf-8"), re.S)
    assert [b.encode() for b in blocks] == [seed_bytes(k) for k in ("cash", "margin", "risk")]


def test_fixtures_keep_the_draft_spelling() -> None:
    assert seed_bytes("cash").count(b'"totalABalance"') == 3
    assert seed_bytes("margin").count(b'"totalABalance"') == 1
    assert seed_bytes("margin").count(b'"totalBalance"') == 1
