"""Additivity, scaling, unit invariance and signs on every packaged example submission.

Extensive amounts (a quantity or a parameter in t, GJ, MWh, kg SF6...) scale a result;
intensive ones (GJ/t, fractions, factors) do not. Scaling every extensive amount of a
submission by k scales its total by k, whatever the methodology.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.submission import parse_json_text
from carbonledger.accounting.units import parse_unit

EXAMPLES = resources.files("carbonledger.accounting") / "data" / "examples"
NAMES = sorted(
    p.name for p in EXAMPLES.iterdir() if p.name.endswith(".json") and "allocation" not in p.name
)
DEDUCTIONS = {"exported_electricity", "exported_heat", "carbon_sequestration", "co2_recovered"}
TOL = Decimal("1e-20")
SMALLER = {
    "t": ("kg", 1000),
    "MWh": ("kWh", 1000),
    "GJ": ("MJ", 1000),
    "10^4Nm3": ("Nm3", 10000),
    "tCO2": ("kgCO2", 1000),
}


def example(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = parse_json_text((EXAMPLES / name).read_bytes())
    return doc


def extensive(unit: str) -> bool:
    return "/" not in unit and parse_unit(unit).dimension not in ((),)


def amounts(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every {value, unit} of the document that is an extensive amount."""
    out = []
    for facility in doc["facilities"]:
        for line in facility["lines"]:
            if "quantity" in line and extensive(line["quantity"]["unit"]):
                out.append(line["quantity"])
            for value in line.get("parameters", {}).values():
                if isinstance(value, dict) and extensive(value["unit"]):
                    out.append(value)
    return out


def close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= TOL * max(Decimal(1), abs(a), abs(b))


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=15, deadline=None)
@given(k=st.integers(min_value=2, max_value=10**6))
def test_total_scales_with_every_extensive_amount(name: str, k: int) -> None:
    doc = example(name)
    base = calculate_dict(doc).total
    for amount in amounts(doc):
        amount["value"] = Decimal(amount["value"]) * k
    assert close(calculate_dict(doc).total, base * k)


@pytest.mark.parametrize("name", NAMES)
def test_units_do_not_change_the_result(name: str) -> None:
    doc = example(name)
    base = calculate_dict(doc).total
    for amount in amounts(doc):
        unit = amount["unit"].replace(" ", "")
        if unit in SMALLER:
            smaller, factor = SMALLER[unit]
            amount["value"] = Decimal(amount["value"]) * factor
            amount["unit"] = smaller
    assert close(calculate_dict(doc).total, base)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_lines_add_up(name: str, data: st.DataObject) -> None:
    doc = example(name)
    whole = calculate_dict(doc).total
    part_a, part_b = copy.deepcopy(doc), copy.deepcopy(doc)
    for fa, fb in zip(part_a["facilities"], part_b["facilities"], strict=True):
        n = len(fa["lines"])
        cut = data.draw(st.integers(min_value=0, max_value=n))
        fa["lines"], fb["lines"] = fa["lines"][:cut], fb["lines"][cut:]
    part_a["facilities"] = [f for f in part_a["facilities"] if f["lines"]]
    part_b["facilities"] = [f for f in part_b["facilities"] if f["lines"]]
    totals = [calculate_dict(p).total for p in (part_a, part_b) if p["facilities"]]
    assert close(sum(totals, Decimal(0)), whole)


@pytest.mark.parametrize("name", NAMES)
def test_emissions_are_non_negative_and_deductions_non_positive(name: str) -> None:
    for line in calculate_dict(example(name)).lines:
        if line.category in DEDUCTIONS or line.source == "carbon_output":
            assert line.co2e <= 0, line
        else:
            assert line.co2e >= 0, line
