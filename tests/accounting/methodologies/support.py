"""Helpers shared by the hand-worked methodology tests."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from typing import Any

from carbonledger.accounting.model import ResultLine
from carbonledger.accounting.report import Report

#: hand-worked figures are checked to the cent of a tonne
TOL = Decimal("0.01")


def line_of(report: Report, line_id: str) -> ResultLine:
    """The one result line of ``line_id`` (single-gas sources)."""
    (found,) = [ln for ln in report.lines if ln.line == line_id]
    return found


def origins(line: ResultLine) -> dict[str, str]:
    """Where each term of a line came from, by symbol."""
    return {t.symbol: t.origin for t in line.terms}


def close(value: Decimal, expected: str) -> bool:
    return abs(value - Decimal(expected)) <= TOL


def packaged_example(name: str) -> dict[str, Any]:
    """A packaged example submission, numbers as Decimal."""
    text = (resources.files("carbonledger.accounting") / "data" / "examples" / name).read_text(
        encoding="utf-8"
    )
    document: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return document
