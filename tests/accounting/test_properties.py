"""Properties every methodology's arithmetic must have, on random submissions."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.factors import FactorTable
from carbonledger.accounting.model import MEMO_CATEGORIES

TABLE = FactorTable(["cn-ndrc-2013@1"])
FUELS = sorted(k.split(".")[1] for k in TABLE.keys_with_prefix("fuel.") if k.endswith(".ncv"))
STEEL = ["limestone_flux", "dolomite_flux", "electrode", "pig_iron", "dri"]
TOL = Decimal("1e-18")

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**7), places=3)


def activity_unit(fuel: str) -> str:
    return "10^4Nm3" if "Nm3" in TABLE[f"fuel.{fuel}.ncv"].unit else "t"


@st.composite
def steel_line(draw: st.DrawFn, index: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["fuel", "process", "seq", "el", "el_out", "heat", "heat_out"]))
    q = draw(quantities)
    line: dict[str, Any] = {"id": f"l{index}"}
    if kind == "fuel":
        fuel = draw(st.sampled_from(FUELS))
        line |= {
            "source": "fuel_combustion",
            "fuel": fuel,
            "quantity": {"value": q, "unit": activity_unit(fuel)},
        }
    elif kind == "process":
        line |= {
            "source": "process_material",
            "material": draw(st.sampled_from(STEEL)),
            "quantity": {"value": q, "unit": "t"},
        }
    elif kind == "seq":
        line |= {
            "source": "carbon_sequestration",
            "material": "crude_steel",
            "quantity": {"value": q, "unit": "t"},
        }
    elif kind in ("el", "el_out"):
        line |= {
            "source": "purchased_electricity" if kind == "el" else "exported_electricity",
            "quantity": {"value": q, "unit": "MWh"},
        }
    else:
        line |= {
            "source": "purchased_heat" if kind == "heat" else "exported_heat",
            "quantity": {"value": q, "unit": "GJ"},
        }
    return line


@st.composite
def steel_submission(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(min_value=1, max_value=12))
    lines = [draw(steel_line(i)) for i in range(n)]
    return {
        "enterprise": {"name": "测试钢铁", "region": draw(st.sampled_from(["华东", "华北"]))},
        "period": {"year": 2024},
        "methodology": "cn-2013-steel@1",
        "facilities": [{"id": "works", "lines": lines}],
    }


def total(doc: dict[str, Any]) -> Decimal:
    return calculate_dict(doc).total


def close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= TOL * max(Decimal(1), abs(a), abs(b))


@settings(max_examples=60, deadline=None)
@given(steel_submission(), st.data())
def test_additivity_over_lines(doc: dict[str, Any], data: st.DataObject) -> None:
    lines = doc["facilities"][0]["lines"]
    cut = data.draw(st.integers(min_value=0, max_value=len(lines)))
    if cut in (0, len(lines)):
        return
    first, second = copy.deepcopy(doc), copy.deepcopy(doc)
    first["facilities"][0]["lines"] = lines[:cut]
    second["facilities"][0]["lines"] = lines[cut:]
    assert close(total(doc), total(first) + total(second))


@settings(max_examples=60, deadline=None)
@given(steel_submission(), st.integers(min_value=2, max_value=1000))
def test_scaling(doc: dict[str, Any], k: int) -> None:
    scaled = copy.deepcopy(doc)
    for line in scaled["facilities"][0]["lines"]:
        line["quantity"]["value"] *= k
    assert close(total(scaled), total(doc) * k)


@settings(max_examples=60, deadline=None)
@given(steel_submission())
def test_unit_invariance(doc: dict[str, Any]) -> None:
    other = copy.deepcopy(doc)
    for line in other["facilities"][0]["lines"]:
        q = line["quantity"]
        if q["unit"] == "t":
            q["value"], q["unit"] = q["value"] * 1000, "kg"
        elif q["unit"] == "MWh":
            q["value"], q["unit"] = q["value"] * 1000, "kWh"
        elif q["unit"] == "GJ":
            q["value"], q["unit"] = q["value"] * 1000, "MJ"
        elif q["unit"] == "10^4Nm3":
            q["value"], q["unit"] = q["value"] * 10000, "Nm3"
    assert close(total(other), total(doc))


@settings(max_examples=60, deadline=None)
@given(steel_submission())
def test_sign_of_each_line(doc: dict[str, Any]) -> None:
    deductions = {"exported_electricity", "exported_heat", "carbon_sequestration"}
    for line in calculate_dict(doc).lines:
        if line.category in deductions:
            assert line.co2e <= 0
        else:
            assert line.co2e >= 0


@settings(max_examples=40, deadline=None)
@given(steel_submission(), st.randoms(use_true_random=False))
def test_line_order_does_not_matter(doc: dict[str, Any], rnd: Any) -> None:
    shuffled = copy.deepcopy(doc)
    rnd.shuffle(shuffled["facilities"][0]["lines"])
    assert close(total(shuffled), total(doc))


GHG_FUELS = ["natural_gas", "gas_diesel_oil", "lpg", "other_bituminous_coal", "wood_wood_waste"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(GHG_FUELS), quantities), min_size=1, max_size=6),
    st.sampled_from(["SAR", "AR4", "AR5", "AR6"]),
)
def test_ghg_protocol_gases_add_up(fuels: list[tuple[str, Decimal]], gwp: str) -> None:
    doc = {
        "enterprise": {"name": "x"},
        "period": {"year": 2023},
        "methodology": "ghg-protocol-corporate@1",
        "options": {"gwp": gwp},
        "facilities": [
            {
                "id": "f",
                "lines": [
                    {
                        "id": f"l{i}",
                        "source": "stationary_combustion",
                        "fuel": fuel,
                        "quantity": {"value": q, "unit": "t"},
                    }
                    for i, (fuel, q) in enumerate(fuels)
                ],
            }
        ],
    }
    report = calculate_dict(doc)
    counted = [ln for ln in report.lines if ln.category not in MEMO_CATEGORIES]
    assert all(ln.co2e >= 0 for ln in report.lines)
    assert close(report.total, sum((ln.co2e for ln in counted), Decimal(0)))
    assert close(sum((g["co2e"] for g in report.by_gas.values()), Decimal(0)), report.total)
    assert close(report.summary["scope1"], report.total)
