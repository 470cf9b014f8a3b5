"""cn-2013-magnesium@1 — 中国镁冶炼企业温室气体排放核算方法与报告指南（试行）, worked by hand.

Formulas (发改办气候〔2013〕2526号, 镁冶炼):
    fuel                    E = FC × NCV × CC × OF × 44/12
    energy as raw material  E = AD × C × 44/12 (reductant carbon in ferrosilicon making;
                            C must be measured: the guideline's defaults were not transcribed)
    dolomite calcination    E = AD × P × EF × F
    electricity / heat      E = AD × EF; exports deducted
Factors (rows of cn-ndrc-2013@1):
    fuel.bituminous_coal: NCV 19.570 GJ/t, CC 26.18 tC/TJ, OF 0.93 (NDRC 2013 common table)
    fuel.coke_oven_gas: NCV 173.54 GJ/10^4Nm3, CC 12.1 tC/TJ, OF 0.99 (NDRC 2013 common table)
    carbonate.CaMg(CO3)2.ef = 0.4773 tCO2/t (stoichiometric, status derived)
    grid.西北.2012 = 0.6671, grid.华北.2012 = 0.8843 tCO2/MWh; heat.ef = 0.11 tCO2/GJ
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
from support import close as _close
from support import origins as _origins

from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.errors import InputError
from carbonledger.accounting.guide import GUIDES
from carbonledger.accounting.model import ResultLine
from carbonledger.accounting.report import Report

SET = "cn-ndrc-2013@1"


def _doc(lines: list[dict[str, Any]], **options: str) -> dict[str, Any]:
    return {
        "enterprise": {"name": "测试镁业有限公司", "region": "西北"},
        "period": {"year": 2024},
        "methodology": "cn-2013-magnesium@1",
        "options": options,
        "facilities": [{"id": "plant", "lines": lines}],
    }


def _line(report: Report, line_id: str, facility: str = "plant") -> ResultLine:
    (found,) = [ln for ln in report.lines if ln.line == line_id and ln.facility == facility]
    return found


def _example() -> dict[str, Any]:
    path = resources.files("carbonledger.accounting") / "data/examples/magnesium.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return document


def test_packaged_example_pidgeon_plant_by_hand() -> None:
    """data/examples/magnesium.json: a Pidgeon-process plant in 府谷 with a ferrosilicon shop.

    coal, defaults: 42,000 t × 19.57 GJ/t = 821,940 GJ × 0.02618 tC/GJ = 21,518.3892 tC
        × 0.93 = 20,012.101956 tC × 44/12 = 73,377.707172 tCO2
    coke oven gas, defaults: 6,800 × 10^4 Nm3 × 173.54 GJ/10^4Nm3 = 1,180,072 GJ
        × 0.0121 tC/GJ = 14,278.8712 tC × 0.99 = 14,136.082488 tC × 44/12 = 51,832.302456 tCO2
    dolomite: 230,000 t × 0.96 × 0.4773 tCO2/t × 1 = 105,387.84 tCO2
    pidgeon grid: 30,000 MWh × 0.6671 = 20,013.0 tCO2
    semi-coke reductant: 9,500 t × 0.82 tC/t × 44/12 = 28,563.333 tCO2
    ferrosilicon grid: 22,000 MWh × 0.6671 = 14,676.2 tCO2
    total = 73,377.707 + 51,832.302 + 105,387.84 + 20,013 + 28,563.333 + 14,676.2
          = 293,850.38 tCO2
    """
    report = calculate_dict(_example())
    assert _close(_line(report, "coal", "pidgeon-1").co2e, "73377.707172")
    assert _close(_line(report, "cog", "pidgeon-1").co2e, "51832.302456")
    assert _close(_line(report, "dolomite", "pidgeon-1").co2e, "105387.84")
    assert _close(_line(report, "grid", "pidgeon-1").co2e, "20013")
    assert _close(_line(report, "semi-coke", "ferrosilicon").co2e, "28563.333")
    assert _close(_line(report, "grid", "ferrosilicon").co2e, "14676.2")
    assert _close(report.total, "293850.38")
    assert _close(report.by_facility["pidgeon-1"], "250610.85")
    assert _close(report.by_facility["ferrosilicon"], "43239.53")
    assert _close(report.by_category["process"], "133951.17")
    assert _close(report.by_category["purchased_electricity"], "34689.2")
    cog = _origins(_line(report, "cog", "pidgeon-1"))
    assert cog["FC"] == "input"
    assert cog["NCV"] == f"{SET}:fuel.coke_oven_gas.ncv"
    assert cog["CC"] == f"{SET}:fuel.coke_oven_gas.carbon_content"
    dolomite = _origins(_line(report, "dolomite", "pidgeon-1"))
    assert dolomite == {
        "AD": "input",
        "P": "measured",
        "EF": f"{SET}:carbonate.CaMg(CO3)2.ef",
        "F": "default",
    }
    assert _origins(_line(report, "semi-coke", "ferrosilicon"))["C"] == "measured"


def test_measured_parameters_calcination_fraction_and_exports_by_hand() -> None:
    """options.grid_region (华北) overrides enterprise.region (西北).

    coal, measured NCV 22.8 GJ/t, CC 26.2 tC/TJ, OF 95%: 25,000 t × 22.8 = 570,000 GJ
        × 0.0262 = 14,934 tC × 0.95 = 14,187.3 tC × 44/12 = 52,020.1 tCO2
    coke as reductant, C = 0.85 tC/t: 4,000 t × 0.85 × 44/12 = 12,466.667 tCO2
    dolomite, P = 0.97, F = 0.98 measured: 120,000 t × 0.97 × 0.4773 × 0.98 = 54,446.5656 tCO2
    purchased electricity 26,000 MWh × 0.8843 = 22,991.8 tCO2
    exported electricity −3,000 MWh × 0.8843 = −2,652.9 tCO2
    exported heat (waste-heat steam sold) −20,000 GJ × 0.11 = −2,200 tCO2
    purchased heat (winter heating) 3,000 GJ × 0.11 = 330 tCO2
    total = 52,020.1 + 12,466.667 + 54,446.566 + 22,991.8 − 2,652.9 − 2,200 + 330
          = 137,402.23 tCO2
    """
    lines = [
        {
            "id": "coal",
            "source": "fuel_combustion",
            "fuel": "bituminous_coal",
            "quantity": {"value": "25000", "unit": "t"},
            "parameters": {
                "ncv": {"value": "22.8", "unit": "GJ/t"},
                "carbon_content": {"value": "26.2", "unit": "tC/TJ"},
                "oxidation_rate": {"value": "95", "unit": "%"},
            },
        },
        {
            "id": "coke",
            "source": "energy_as_raw_material",
            "material": "coke",
            "quantity": {"value": "4000000", "unit": "kg"},
            "parameters": {"carbon_content": {"value": "850", "unit": "kgC/t"}},
        },
        {
            "id": "dolomite",
            "source": "dolomite_calcination",
            "material": "CaMg(CO3)2",
            "quantity": {"value": "12", "unit": "万t"},
            "parameters": {
                "purity": {"value": "0.97"},
                "calcination_fraction": {"value": "98", "unit": "%"},
            },
        },
        {
            "id": "grid",
            "source": "purchased_electricity",
            "quantity": {"value": "26", "unit": "GWh"},
        },
        {
            "id": "el-out",
            "source": "exported_electricity",
            "quantity": {"value": "3000", "unit": "MWh"},
        },
        {"id": "heat-out", "source": "exported_heat", "quantity": {"value": "20000", "unit": "GJ"}},
        {"id": "heat-in", "source": "purchased_heat", "quantity": {"value": "3000", "unit": "GJ"}},
    ]
    report = calculate_dict(_doc(lines, grid_region="华北"))
    assert _close(_line(report, "coal").co2e, "52020.1")
    assert _close(_line(report, "coke").co2e, "12466.667")
    assert _close(_line(report, "dolomite").co2e, "54446.5656")
    assert _close(_line(report, "grid").co2e, "22991.8")
    assert _close(_line(report, "el-out").co2e, "-2652.9")
    assert _close(_line(report, "heat-out").co2e, "-2200")
    assert _close(_line(report, "heat-in").co2e, "330")
    assert _close(report.total, "137402.23")
    assert report.summary["grid_region"] == "华北"
    assert _origins(_line(report, "grid"))["EF_grid"] == f"{SET}:grid.华北.2012"
    assert _origins(_line(report, "dolomite"))["F"] == "measured"
    assert _origins(_line(report, "heat-out"))["EF_heat"] == f"{SET}:heat.ef"


def test_dolomite_calcination_accepts_only_dolomite() -> None:
    lines = [
        {
            "id": "limestone",
            "source": "dolomite_calcination",
            "material": "CaCO3",
            "quantity": {"value": "1000", "unit": "t"},
            "parameters": {"purity": {"value": "0.95"}},
        }
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    (problem,) = err.value.problems
    assert str(problem.location) == "$.facilities[0].lines[0].material"
    assert "CaMg(CO3)2" in problem.hint


def test_unmeasured_reductant_carbon_and_dolomite_purity_are_required() -> None:
    lines = [
        {
            "id": "semi-coke",
            "source": "energy_as_raw_material",
            "material": "semi_coke",
            "quantity": {"value": "100", "unit": "t"},
        },
        {
            "id": "dolomite",
            "source": "dolomite_calcination",
            "material": "CaMg(CO3)2",
            "quantity": {"value": "1000", "unit": "t"},
        },
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    assert [str(p.location) for p in err.value.problems] == [
        "$.facilities[0].lines[0].parameters.carbon_content",
        "$.facilities[0].lines[1].parameters.purity",
    ]


def test_guidance_page_embeds_the_packaged_example_and_its_total() -> None:
    """The guidance page shows the packaged example and the total worked above."""
    page = GUIDES / "cn-2013-magnesium@1.md"
    text = page.read_text(encoding="utf-8")
    (block,) = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    assert json.loads(block, parse_float=Decimal) == _example()
    assert re.findall(r"<!-- expected-total: (\S+) -->", text) == ["293850.38"]
