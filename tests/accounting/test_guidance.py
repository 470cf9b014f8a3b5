"""Each guidance page's worked example computes to the total the page states.

A page embeds a complete submission as a fenced ``json`` block and states its result on a
line ``<!-- expected-total: 123.45 -->`` (tCO2e, 2 decimals, half-up).
"""

from __future__ import annotations

import re
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from carbonledger.accounting.engine import calculate_json
from carbonledger.accounting.methodology import all_methodologies
from carbonledger.accounting.numbers import present

DOCS = Path(str(resources.files("carbonledger.accounting") / "guides"))
BLOCK = re.compile(r"```json\n(.*?)\n```", re.S)
EXPECTED = re.compile(r"<!-- expected-total: ([0-9.]+) -->")
REFS = {m.ref for m in all_methodologies()}
PAGES = sorted(p for p in DOCS.glob("*.md") if p.stem in REFS)


def worked_examples(text: str) -> list[str]:
    return [b for b in BLOCK.findall(text) if '"carbonledger/activity-data@1"' in b]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_worked_example_matches_the_page(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    examples = worked_examples(text)
    totals = EXPECTED.findall(text)
    assert examples, "a methodology page needs a worked example"
    assert len(totals) == len(examples), "one expected-total line per worked example"
    for block, expected in zip(examples, totals, strict=True):
        report = calculate_json(block)
        assert present(report.total) == Decimal(expected), page.name


def test_every_methodology_has_a_guidance_page() -> None:
    names = {p.stem for p in PAGES}
    missing = sorted(REFS - names)
    assert not missing, f"methodologies without a guidance page: {missing}"
