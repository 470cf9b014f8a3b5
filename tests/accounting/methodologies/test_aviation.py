"""cn-2013-aviation@1 — 中国民用航空企业温室气体排放核算方法与报告指南（试行）, by hand.

Formulas (发改办气候〔2013〕2526号, 民航):
    fuel          E = FC × NCV × (1 − BF) × CC × OF × 44/12  (BF the biomass share of a
                  blended fuel, excluded; 0 unless declared)
    electricity   E = AD × EF_grid; heat E = AD × 0.11 tCO2/GJ
Factors: the aviation set cn-ndrc-2013-aviation@1 (民航 guideline appendix) over cn-ndrc-2013@1:
    fuel.jet_kerosene: NCV 44.1 GJ/t, CC 19.5 tC/TJ, OF 1.0
    fuel.aviation_gasoline: NCV 44.3 GJ/t, CC 19.1 tC/TJ, OF 1.0
    fuel.diesel: NCV 42.652 GJ/t, CC 20.2 tC/TJ, OF 0.98 (NDRC 2013 common table)
    fuel.gasoline: NCV 43.07 GJ/t, CC 18.9 tC/TJ, OF 0.98 (NDRC 2013 common table)
    grid.华中.2012 = 0.5257, grid.华东.2012 = 0.7035 tCO2/MWh; heat.ef = 0.11 tCO2/GJ
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
from support import close as _close
from support import line_of as _line
from support import origins as _origins

from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.errors import InputError
from carbonledger.accounting.guide import GUIDES
from carbonledger.accounting.numbers import present

COMMON = "cn-ndrc-2013@1"
AVIATION = "cn-ndrc-2013-aviation@1"


def _doc(lines: list[dict[str, Any]], **options: str) -> dict[str, Any]:
    return {
        "enterprise": {"name": "测试航空有限公司"},
        "period": {"year": 2024},
        "methodology": "cn-2013-aviation@1",
        "options": options,
        "facilities": [{"id": "fleet", "lines": lines}],
    }


def _example() -> dict[str, Any]:
    path = resources.files("carbonledger.accounting") / "data/examples/aviation.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return document


def test_packaged_example_airline_by_hand() -> None:
    """data/examples/aviation.json: an airline based in 成都, 华中 grid (enterprise.region).

    jet kerosene: 520,000 t × 44.1 GJ/t = 22,932,000 GJ × 0.0195 tC/GJ = 447,174 tC × 1.0
        × 44/12 = 1,639,638 tCO2
    aviation gasoline: 300 t × 44.3 = 13,290 GJ × 0.0191 = 253.839 tC × 1.0 × 44/12
        = 930.743 tCO2
    diesel: 1,800 t × 42.652 = 76,773.6 GJ × 0.0202 = 1,550.82672 tC × 0.98 = 1,519.8101856 tC
        × 44/12 = 5,572.637347 tCO2
    gasoline: 600 t × 43.07 = 25,842 GJ × 0.0189 = 488.4138 tC × 0.98 = 478.645524 tC
        × 44/12 = 1,755.033588 tCO2
    electricity: 28,000 MWh × 0.5257 = 14,719.6 tCO2; heat: 40,000 GJ × 0.11 = 4,400 tCO2
    total = 1,639,638 + 930.743 + 5,572.637 + 1,755.034 + 14,719.6 + 4,400 = 1,667,016.01 tCO2
    """
    report = calculate_dict(_example())
    assert _close(_line(report, "jet-fuel").co2e, "1639638")
    assert _close(_line(report, "avgas").co2e, "930.743")
    assert _close(_line(report, "diesel").co2e, "5572.637347")
    assert _close(_line(report, "gasoline").co2e, "1755.033588")
    assert _close(_line(report, "grid").co2e, "14719.6")
    assert _close(_line(report, "heat").co2e, "4400")
    assert _close(report.total, "1667016.01")
    assert _close(report.by_facility["fleet"], "1639638")
    assert _close(report.by_facility["general-aviation"], "930.74")
    assert _close(report.by_facility["ground"], "26447.27")
    jet = _origins(_line(report, "jet-fuel"))
    assert jet == {
        "FC": "input",
        "NCV": f"{AVIATION}:fuel.jet_kerosene.ncv",
        "CC": f"{AVIATION}:fuel.jet_kerosene.carbon_content",
        "OF": f"{AVIATION}:fuel.jet_kerosene.oxidation_rate",
        "44/12": "constant",
    }
    assert (
        _origins(_line(report, "avgas"))["CC"]
        == f"{AVIATION}:fuel.aviation_gasoline.carbon_content"
    )
    assert _origins(_line(report, "diesel"))["NCV"] == f"{COMMON}:fuel.diesel.ncv"
    assert _origins(_line(report, "grid"))["EF_grid"] == f"{COMMON}:grid.华中.2012"


def test_biofuel_blend_energy_quantity_and_measured_ncv_by_hand() -> None:
    """Sustainable aviation fuel blended at 5 %, fuel given in energy, 华东 grid by option.

    blended jet fuel, NCV measured 43.5 GJ/t, BF 0.05: 10,000 t × 43.5 = 435,000 GJ
        × (1 − 0.05) = 413,250 GJ × 0.0195 = 8,058.375 tC × 1.0 × 44/12 = 29,547.375 tCO2
    jet fuel reported as energy (AD taken directly): 2.2 PJ = 2,200,000 GJ × 0.0195
        = 42,900 tC × 1.0 × 44/12 = 157,300 tCO2
    electricity: 5,000 MWh × 0.7035 = 3,517.5 tCO2
    exported to a tenant: electricity −500 MWh × 0.7035 = −351.75; heat −2,000 GJ × 0.11 = −220
    total = 29,547.375 + 157,300 + 3,517.5 − 351.75 − 220 = 189,793.125
          → 189,793.13 tCO2 shown (half-up; half-even would show 189,793.12)
    """
    lines = [
        {
            "id": "saf-blend",
            "source": "fuel_combustion",
            "fuel": "jet_kerosene",
            "quantity": {"value": "10000", "unit": "t"},
            "parameters": {
                "ncv": {"value": "43.5", "unit": "GJ/t"},
                "biomass_fraction": {"value": "5", "unit": "%"},
            },
        },
        {
            "id": "jet-energy",
            "source": "fuel_combustion",
            "fuel": "jet_kerosene",
            "quantity": {"value": "2.2", "unit": "PJ"},
        },
        {
            "id": "grid",
            "source": "purchased_electricity",
            "quantity": {"value": "5000", "unit": "MWh"},
        },
        {
            "id": "el-out",
            "source": "exported_electricity",
            "quantity": {"value": "500", "unit": "MWh"},
        },
        {"id": "heat-out", "source": "exported_heat", "quantity": {"value": "2000", "unit": "GJ"}},
    ]
    report = calculate_dict(_doc(lines, grid_region="华东"))
    blend = _line(report, "saf-blend")
    assert _close(blend.co2e, "29547.375")
    bf = next(t for t in blend.terms if t.symbol == "(1−BF)")
    assert (bf.value, bf.origin) == (Decimal("0.95"), "measured")
    energy = _line(report, "jet-energy")
    assert _close(energy.co2e, "157300")
    assert [t.symbol for t in energy.terms] == ["FC", "CC", "OF", "44/12"]
    assert energy.terms[0].unit == "GJ"
    assert _close(_line(report, "grid").co2e, "3517.5")
    assert _close(_line(report, "el-out").co2e, "-351.75")
    assert _close(_line(report, "heat-out").co2e, "-220")
    assert _close(report.total, "189793.125")
    assert present(report.total) == Decimal("189793.13")


def test_unknown_fuel_without_measured_parameters_is_refused() -> None:
    lines = [
        {
            "id": "saf",
            "source": "fuel_combustion",
            "fuel": "hefa_spk",
            "quantity": {"value": "100", "unit": "t"},
        }
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    (problem,) = err.value.problems
    assert str(problem.location) == "$.facilities[0].lines[0].fuel"
    assert "jet_kerosene" in problem.hint
    assert "measured ncv, carbon_content, oxidation_rate" in problem.hint


def test_negative_fuel_and_biomass_share_above_one_are_refused() -> None:
    lines = [
        {
            "id": "returned-fuel",
            "source": "fuel_combustion",
            "fuel": "jet_kerosene",
            "quantity": {"value": "-50", "unit": "t"},
        },
        {
            "id": "blend",
            "source": "fuel_combustion",
            "fuel": "jet_kerosene",
            "quantity": {"value": "50", "unit": "t"},
            "parameters": {"biomass_fraction": {"value": "1.5"}},
        },
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    assert [str(p.location) for p in err.value.problems] == [
        "$.facilities[0].lines[0].quantity",
        "$.facilities[0].lines[1].parameters.biomass_fraction",
    ]
    assert "must not be negative" in err.value.problems[0].message


def test_guidance_page_embeds_the_packaged_example_and_its_total() -> None:
    """The guidance page shows the packaged example and the total worked above."""
    page = GUIDES / "cn-2013-aviation@1.md"
    text = page.read_text(encoding="utf-8")
    (block,) = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    assert json.loads(block, parse_float=Decimal) == _example()
    assert re.findall(r"<!-- expected-total: (\S+) -->", text) == ["1667016.01"]
