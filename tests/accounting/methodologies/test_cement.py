"""cn-2013-cement@1 — 中国水泥生产企业温室气体排放核算方法与报告指南（试行）, worked by hand.

Formulas (发改办气候〔2013〕2526号, 水泥):
    fuel        E = FC × NCV × CC × OF × 44/12
    clinker     E = (Q + D + BP) × [(CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × 44/40]
    raw meal    E = Q_rm × FR0 × 44/12
    electricity E = AD × EF_grid (2012 regional factor); exported electricity deducted
    heat        E = AD × 0.11 tCO2/GJ; exported heat deducted
Factors (rows of cn-ndrc-2013@1, the NDRC 2013 common table):
    fuel.bituminous_coal: NCV 19.570 GJ/t, CC 26.18 tC/TJ, OF 0.93
    fuel.diesel: NCV 42.652 GJ/t, CC 20.2 tC/TJ, OF 0.98
    fuel.natural_gas: NCV 389.31 GJ/10^4Nm3, CC 15.3 tC/TJ, OF 0.99
    grid.华东.2012 = 0.7035, grid.西北.2012 = 0.6671 tCO2/MWh; heat.ef = 0.11 tCO2/GJ
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from support import close as _close
from support import line_of as _line
from support import origins as _origins
from support import packaged_example

from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.errors import InputError
from carbonledger.accounting.guide import GUIDES

SET = "cn-ndrc-2013@1"


def _doc(lines: list[dict[str, Any]], **options: str) -> dict[str, Any]:
    return {
        "enterprise": {"name": "测试水泥有限公司", "region": "西北"},
        "period": {"year": 2024},
        "methodology": "cn-2013-cement@1",
        "options": options,
        "facilities": [{"id": "kiln-1", "lines": lines}],
    }


def _example() -> dict[str, Any]:
    return packaged_example("cement.json")


def test_packaged_example_jiangnan_cement_by_hand() -> None:
    """The packaged example (data/examples/cement.json), 华东 grid.

    coal (NCV measured 21.5 GJ/t, CC and OF default):
        150000 t × 21.5 GJ/t = 3,225,000 GJ × 0.02618 tC/GJ = 84,430.5 tC
        × 0.93 = 78,520.365 tC × 44/12 = 287,908.005 tCO2
    diesel (all defaults): 120 t × 42.652 = 5,118.24 GJ × 0.0202 = 103.388448 tC
        × 0.98 = 101.32067904 tC × 44/12 = 371.509156 tCO2
    clinker: (1,000,000 + 2,000 kiln dust + 0 bypass) t
        × [(0.655 − 0.008) × 44/56 + (0.021 − 0.001) × 44/40]
        = 1,002,000 × (0.508357143 + 0.022) = 1,002,000 × 0.530357143 = 531,417.857 tCO2
    raw meal organic carbon: 1,550,000 t × 0.001 × 44/12 = 5,683.333 tCO2
    electricity: 85,000 MWh × 0.7035 = 59,797.5 tCO2
    total = 287,908.005 + 371.509 + 531,417.857 + 5,683.333 + 59,797.5 = 885,178.20 tCO2
    """
    report = calculate_dict(_example())
    assert _close(_line(report, "coal").co2e, "287908.005")
    assert _close(_line(report, "diesel").co2e, "371.509156")
    assert _close(_line(report, "clinker").co2e, "531417.857")
    assert _close(_line(report, "organic-carbon").co2e, "5683.333")
    assert _close(_line(report, "grid").co2e, "59797.5")
    assert _close(report.total, "885178.20")
    assert _close(report.by_category["fuel_combustion"], "288279.51")
    assert _close(report.by_category["process"], "537101.19")
    assert report.summary["grid_region"] == "华东"
    coal = _origins(_line(report, "coal"))
    assert coal["NCV"] == "measured"
    assert coal["CC"] == f"{SET}:fuel.bituminous_coal.carbon_content"
    assert coal["OF"] == f"{SET}:fuel.bituminous_coal.oxidation_rate"
    assert _origins(_line(report, "diesel"))["NCV"] == f"{SET}:fuel.diesel.ncv"
    assert _origins(_line(report, "grid"))["EF_grid"] == f"{SET}:grid.华东.2012"
    clinker = _line(report, "clinker")
    ef = next(t for t in clinker.terms if t.symbol == "EF_clinker")
    assert abs(ef.value - Decimal("0.530357143")) <= Decimal("0.000000001")


def test_measured_coal_dusts_and_energy_deductions_by_hand() -> None:
    """A 西北 plant with a waste-heat power unit exporting electricity.

    coal, NCV/CC/OF measured: 60,000 t × 23.1 GJ/t = 1,386,000 GJ × 0.0259 tC/GJ
        = 35,897.4 tC × 0.94 = 33,743.556 tC × 44/12 = 123,726.372 tCO2
    natural gas, defaults: 120 × 10^4 Nm3 × 389.31 GJ/10^4Nm3 = 46,717.2 GJ × 0.0153 tC/GJ
        = 714.77316 tC × 0.99 = 707.6254284 tC × 44/12 = 2,594.626571 tCO2
    clinker with kiln-head and bypass dust: EF = (0.662 − 0.006) × 44/56 + (0.018 − 0.0005) × 44/40
        = 0.515428571 + 0.01925 = 0.534678571 tCO2/t;
        (500,000 + 1,500 + 800) t × 0.534678571 = 268,569.046 tCO2
    raw meal: 780,000 t × 0.15% × 44/12 = 4,290 tCO2
    purchased electricity 42,000 MWh × 0.6671 (西北 2012, from enterprise.region) = 28,018.2
    exported electricity −18,000 MWh × 0.6671 = −12,007.8
    purchased heat 5,000 GJ × 0.11 = 550; exported heat −2,000 GJ × 0.11 = −220
    total = 123,726.372 + 2,594.627 + 268,569.046 + 4,290 + 28,018.2 − 12,007.8 + 550 − 220
          = 415,520.44 tCO2
    """
    lines = [
        {
            "id": "coal",
            "source": "fuel_combustion",
            "fuel": "bituminous_coal",
            "quantity": {"value": "60000", "unit": "t"},
            "parameters": {
                "ncv": {"value": "23100", "unit": "MJ/t"},
                "carbon_content": {"value": "25.9", "unit": "tC/TJ"},
                "oxidation_rate": {"value": "94", "unit": "%"},
            },
        },
        {
            "id": "gas",
            "source": "fuel_combustion",
            "fuel": "natural_gas",
            "quantity": {"value": "1200000", "unit": "Nm3"},
        },
        {
            "id": "clinker",
            "source": "clinker",
            "quantity": {"value": "50", "unit": "万t"},
            "parameters": {
                "kiln_dust": {"value": "1500", "unit": "t"},
                "bypass_dust": {"value": "800", "unit": "t"},
                "cao": {"value": "0.662"},
                "cao_noncarbonate": {"value": "0.006"},
                "mgo": {"value": "0.018"},
                "mgo_noncarbonate": {"value": "0.0005"},
            },
        },
        {
            "id": "raw-meal",
            "source": "raw_meal_organic_carbon",
            "quantity": {"value": "780000", "unit": "t"},
            "parameters": {"organic_carbon": {"value": "0.15", "unit": "%"}},
        },
        {
            "id": "grid",
            "source": "purchased_electricity",
            "quantity": {"value": "4200", "unit": "万kWh"},
        },
        {
            "id": "whr-export",
            "source": "exported_electricity",
            "quantity": {"value": "18000", "unit": "MWh"},
        },
        {"id": "steam", "source": "purchased_heat", "quantity": {"value": "5", "unit": "TJ"}},
        {"id": "hot-water", "source": "exported_heat", "quantity": {"value": "2000", "unit": "GJ"}},
    ]
    report = calculate_dict(_doc(lines))
    assert _close(_line(report, "coal").co2e, "123726.372")
    assert _close(_line(report, "gas").co2e, "2594.626571")
    assert _close(_line(report, "clinker").co2e, "268569.046")
    assert _close(_line(report, "raw-meal").co2e, "4290")
    assert _close(_line(report, "grid").co2e, "28018.2")
    assert _close(_line(report, "whr-export").co2e, "-12007.8")
    assert _close(_line(report, "steam").co2e, "550")
    assert _close(_line(report, "hot-water").co2e, "-220")
    assert _close(report.total, "415520.44")
    assert _close(report.by_category["exported_heat"], "-220")
    assert _close(report.by_category["exported_electricity"], "-12007.8")
    coal = _origins(_line(report, "coal"))
    assert (coal["NCV"], coal["CC"], coal["OF"]) == ("measured", "measured", "measured")
    gas = _origins(_line(report, "gas"))
    assert gas["NCV"] == f"{SET}:fuel.natural_gas.ncv"
    assert _origins(_line(report, "whr-export"))["EF_grid"] == f"{SET}:grid.西北.2012"
    assert _origins(_line(report, "steam"))["EF_heat"] == f"{SET}:heat.ef"
    assert report.warnings == []


def test_non_carbonate_oxide_above_total_is_refused_at_the_line() -> None:
    lines = [
        {
            "id": "clinker",
            "source": "clinker",
            "quantity": {"value": "1000", "unit": "t"},
            "parameters": {
                "cao": {"value": "0.65"},
                "cao_noncarbonate": {"value": "0.70"},
                "mgo": {"value": "0.02"},
                "mgo_noncarbonate": {"value": "0.001"},
            },
        }
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    (problem,) = err.value.problems
    assert str(problem.location) == "$.facilities[0].lines[0].parameters"
    assert "non-carbonate" in problem.message


def test_clinker_without_cao_and_with_an_energy_unit_names_both_fields() -> None:
    lines = [
        {
            "id": "clinker",
            "source": "clinker",
            "quantity": {"value": "1000", "unit": "MWh"},
            "parameters": {
                "cao_noncarbonate": {"value": "0.01"},
                "mgo": {"value": "0.02"},
                "mgo_noncarbonate": {"value": "0.001"},
            },
        }
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    where = [str(p.location) for p in err.value.problems]
    assert where == [
        "$.facilities[0].lines[0].quantity",
        "$.facilities[0].lines[0].parameters.cao",
    ]


def test_guidance_page_embeds_the_packaged_example_and_its_total() -> None:
    """The guidance page shows the packaged example and the total worked above."""
    page = GUIDES / "cn-2013-cement@1.md"
    text = page.read_text(encoding="utf-8")
    (block,) = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    assert json.loads(block, parse_float=Decimal) == _example()
    assert re.findall(r"<!-- expected-total: (\S+) -->", text) == ["885178.20"]


def test_alternative_fuel_counts_only_its_non_biomass_carbon() -> None:
    """Waste tyres co-processed in the kiln (not in the fuel table, so all measured).

    100 t × 30 GJ/t = 3,000 GJ × (1 − 0.2 biomass) = 2,400 GJ × 0.025 tC/GJ = 60 tC
        × 1.0 × 44/12 = 220 tCO2
    """
    lines = [
        {
            "id": "tyres",
            "source": "fuel_combustion",
            "fuel": "waste_tyres",
            "quantity": {"value": "100", "unit": "t"},
            "parameters": {
                "ncv": {"value": "30", "unit": "GJ/t"},
                "carbon_content": {"value": "25", "unit": "tC/TJ"},
                "oxidation_rate": {"value": "1"},
                "biomass_fraction": {"value": "20", "unit": "%"},
            },
        }
    ]
    report = calculate_dict(_doc(lines))
    assert _close(report.total, "220")
    tyres = _line(report, "tyres")
    assert tyres.material == "waste_tyres"
    assert [t.symbol for t in tyres.terms] == ["FC", "NCV", "(1−BF)", "CC", "OF", "44/12"]
    assert set(_origins(tyres).values()) == {"input", "measured", "constant"}
