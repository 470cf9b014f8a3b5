"""The fast paths of the engine agree exactly with its general paths.

Parsing a well-formed line takes a shortcut (``_fast_line``) that builds no error
locations; the general path (``_checked_line``) checks everything. For every line of many
random well-formed submissions, and for lines with the unusual forms the shortcut hands
over (thousands separators, JSON numbers, padded text, bare parameter numbers), both must
give the same RawLine, so the shortcut can never change a result.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from carbonledger.accounting.errors import ROOT, Collector
from carbonledger.accounting.submission import _checked_line, _fast_line, parse_line
from carbonledger.bench.accounting import synthetic_submissions


def _lines(seed: int) -> list[dict[str, Any]]:
    docs = synthetic_submissions(70, seed)
    return [line for d in docs for f in d["facilities"] for line in f["lines"]]


@pytest.mark.parametrize("seed", [1, 7, 2024])
def test_fast_line_equals_checked_line_on_random_submissions(seed: int) -> None:
    lines = _lines(seed)
    assert len(lines) > 1500
    for j, raw in enumerate(lines):
        loc = ROOT.child("facilities").child(0).child("lines").child(j)
        fast = _fast_line(raw, "site", loc)
        errors = Collector()
        checked = _checked_line(raw, "site", loc, errors)
        assert fast is not None, raw
        assert errors.problems == []
        assert fast == checked, raw


UNUSUAL = [
    {"id": "a", "source": "s", "fuel": " coke ", "quantity": {"value": "1,200.5", "unit": "t"}},
    {"id": "b", "source": "s", "quantity": {"value": Decimal("12.50"), "unit": " t "}},
    {"id": "c", "source": "s", "quantity": {"value": 7, "unit": "t"}, "note": " n "},
    {"id": "d", "source": "s", "quantity": {"value": " 3.0 ", "unit": "t"}},
    {"id": "e", "source": "s", "parameters": {"cao": "65"}},
    {"id": "f", "source": "s", "parameters": {"cao": {"value": "65", "unit": "%"}}},
]


@pytest.mark.parametrize("raw", UNUSUAL, ids=[str(r["id"]) for r in UNUSUAL])
def test_unusual_but_valid_lines_parse_the_same(raw: dict[str, Any]) -> None:
    loc = ROOT.child("facilities").child(0).child("lines").child(0)
    errors = Collector()
    checked = _checked_line(raw, "site", loc, errors)
    assert errors.problems == []
    assert parse_line(raw, "site", loc, Collector()) == checked


BAD = [
    {"id": "a", "source": "s", "quantity": {"value": "NaN", "unit": "t"}},
    {"id": "b", "source": "s", "quantity": {"value": "abc", "unit": "t"}},
    {"id": "c", "source": "s", "quantity": {"value": True, "unit": "t"}},
    {"id": "d", "source": "s", "quantity": {"value": 1.5, "unit": "t"}},
    {"id": "e", "source": "s", "fuel": "coke", "material": "x"},
    {"id": "f g", "source": "s"},
]


@pytest.mark.parametrize("raw", BAD, ids=[str(r["id"]) for r in BAD])
def test_fast_line_hands_malformed_lines_to_the_checks(raw: dict[str, Any]) -> None:
    loc = ROOT.child("facilities").child(0).child("lines").child(0)
    assert _fast_line(raw, "site", loc) is None
    errors = Collector()
    _checked_line(raw, "site", loc, errors)
    assert errors.problems
