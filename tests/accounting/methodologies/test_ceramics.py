"""cn-2013-ceramics@1 — 中国陶瓷生产企业温室气体排放核算方法与报告指南（试行）, by hand.

Formulas (发改办气候〔2013〕2526号, 陶瓷):
    fuel            E = FC × NCV × CC × OF × 44/12
    raw materials   E = AD × U × (w_CaCO3 × 0.44 + w_MgCO3 × 0.524)
    electricity     E = AD × EF_grid; heat E = AD × 0.11; exports deducted
Factors: the ceramics set cn-ndrc-2013-ceramics@1 over the common set cn-ndrc-2013@1:
    fuel.other_gas.ncv = 52.3 GJ/10^4Nm3 (陶瓷 guideline table; the common table has 52.27)
    fuel.other_gas: CC 12.2 tC/TJ, OF 0.99; fuel.natural_gas: NCV 389.31 GJ/10^4Nm3,
    CC 15.3 tC/TJ, OF 0.99; fuel.diesel: NCV 42.652 GJ/t, CC 20.2 tC/TJ, OF 0.98;
    fuel.bituminous_coal: NCV 19.570 GJ/t, CC 26.18 tC/TJ, OF 0.93 (NDRC 2013 common table)
    ceramics.ef_caco3 = 0.44 tCO2/t (official); ceramics.ef_mgco3 = 0.524 tCO2/t (uncertain:
    as transcribed, stoichiometry gives 0.522)
    grid.南方.2012 = 0.5271, grid.华中.2012 = 0.5257 tCO2/MWh; heat.ef = 0.11 tCO2/GJ
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

COMMON = "cn-ndrc-2013@1"
CERAMICS = "cn-ndrc-2013-ceramics@1"


def _doc(lines: list[dict[str, Any]], **options: str) -> dict[str, Any]:
    return {
        "enterprise": {"name": "测试陶瓷有限公司"},
        "period": {"year": 2024},
        "methodology": "cn-2013-ceramics@1",
        "options": options,
        "facilities": [{"id": "kilns", "lines": lines}],
    }


def _example() -> dict[str, Any]:
    path = resources.files("carbonledger.accounting") / "data/examples/ceramics.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return document


def test_packaged_example_tile_plant_by_hand() -> None:
    """data/examples/ceramics.json: a tile plant in 佛山, 南方 grid (from enterprise.region).

    natural gas: 1,800 × 10^4 Nm3 × 389.31 = 700,758 GJ × 0.0153 = 10,721.5974 tC
        × 0.99 = 10,614.381426 tC × 44/12 = 38,919.398562 tCO2
    producer gas (other_gas, ceramics NCV 52.3): 9,000 × 52.3 = 470,700 GJ × 0.0122
        = 5,742.54 tC × 0.99 = 5,685.1146 tC × 44/12 = 20,845.4202 tCO2
    diesel: 150 t × 42.652 = 6,397.8 GJ × 0.0202 = 129.23556 tC × 0.98 = 126.6508488 tC
        × 44/12 = 464.386446 tCO2
    raw materials: 420,000 t × 0.92 = 386,400 t;
        0.045 × 0.44 + 0.012 × 0.524 = 0.0198 + 0.006288 = 0.026088 tCO2/t;
        386,400 × 0.026088 = 10,080.4032 tCO2
    electricity: 45,000 MWh × 0.5271 = 23,719.5 tCO2
    total = 38,919.399 + 20,845.420 + 464.386 + 10,080.403 + 23,719.5 = 94,029.11 tCO2
    """
    report = calculate_dict(_example())
    assert _close(_line(report, "natural-gas").co2e, "38919.398562")
    assert _close(_line(report, "producer-gas").co2e, "20845.4202")
    assert _close(_line(report, "diesel").co2e, "464.386446")
    assert _close(_line(report, "body-raw-materials").co2e, "10080.4032")
    assert _close(_line(report, "grid").co2e, "23719.5")
    assert _close(report.total, "94029.11")
    assert _close(report.by_category["fuel_combustion"], "60229.21")
    gas = _origins(_line(report, "producer-gas"))
    assert gas["NCV"] == f"{CERAMICS}:fuel.other_gas.ncv"
    assert gas["CC"] == f"{COMMON}:fuel.other_gas.carbon_content"
    raw = _origins(_line(report, "body-raw-materials"))
    assert raw["EF_CaCO3"] == f"{COMMON}:ceramics.ef_caco3"
    assert raw["EF_MgCO3"] == f"{COMMON}:ceramics.ef_mgco3"
    assert _origins(_line(report, "grid"))["EF_grid"] == f"{COMMON}:grid.南方.2012"
    # The transcribed 0.524 for MgCO3 is of uncertain provenance: the report says so.
    (warning,) = report.warnings
    assert warning.code == "uncertain-default"
    assert warning.location == "$.facilities[0].lines[3]"
    assert "ceramics.ef_mgco3" in warning.message


def test_measured_mgco3_factor_and_ncv_heat_and_export_by_hand() -> None:
    """A 华中 plant (options.grid_region) that measures its producer gas and MgCO3 factor.

    coal (spray dryer), defaults: 8,000 t × 19.57 = 156,560 GJ × 0.02618 = 4,098.7408 tC
        × 0.93 = 3,811.828944 tC × 44/12 = 13,976.706128 tCO2
    producer gas, NCV measured 55.0 GJ/10^4Nm3: 5,000 × 55.0 = 275,000 GJ × 0.0122
        = 3,355 tC × 0.99 = 3,321.45 tC × 44/12 = 12,178.65 tCO2
    raw materials, EF_MgCO3 measured 0.522: 150,000 t × 0.95 = 142,500 t;
        0.06 × 0.44 + 0.02 × 0.522 = 0.0264 + 0.01044 = 0.03684; 142,500 × 0.03684 = 5,249.7
    electricity 20,000 MWh × 0.5257 = 10,514; heat 8,000 GJ × 0.11 = 880;
    exported electricity −1,000 MWh × 0.5257 = −525.7; exported heat −1,000 GJ × 0.11 = −110
    total = 13,976.706 + 12,178.65 + 5,249.7 + 10,514 + 880 − 525.7 − 110 = 42,163.36 tCO2
    """
    lines = [
        {
            "id": "coal",
            "source": "fuel_combustion",
            "fuel": "bituminous_coal",
            "quantity": {"value": "8000", "unit": "t"},
        },
        {
            "id": "producer-gas",
            "source": "fuel_combustion",
            "fuel": "other_gas",
            "quantity": {"value": "50000000", "unit": "Nm3"},
            "parameters": {"ncv": {"value": "55.0", "unit": "GJ/10^4Nm3"}},
        },
        {
            "id": "raw",
            "source": "ceramic_raw_material",
            "quantity": {"value": "150000", "unit": "t"},
            "parameters": {
                "utilization": {"value": "0.95"},
                "caco3_content": {"value": "0.06"},
                "mgco3_content": {"value": "0.02"},
                "ef_mgco3": {"value": "0.522", "unit": "tCO2/t"},
            },
        },
        {
            "id": "grid",
            "source": "purchased_electricity",
            "quantity": {"value": "20000", "unit": "MWh"},
        },
        {"id": "steam", "source": "purchased_heat", "quantity": {"value": "8000", "unit": "GJ"}},
        {
            "id": "pv-export",
            "source": "exported_electricity",
            "quantity": {"value": "1000", "unit": "MWh"},
        },
        {"id": "heat-out", "source": "exported_heat", "quantity": {"value": "1000", "unit": "GJ"}},
    ]
    report = calculate_dict(_doc(lines, grid_region="华中"))
    assert _close(_line(report, "coal").co2e, "13976.706128")
    assert _close(_line(report, "producer-gas").co2e, "12178.65")
    assert _close(_line(report, "raw").co2e, "5249.7")
    assert _close(_line(report, "grid").co2e, "10514")
    assert _close(_line(report, "steam").co2e, "880")
    assert _close(_line(report, "pv-export").co2e, "-525.7")
    assert _close(_line(report, "heat-out").co2e, "-110")
    assert _close(report.total, "42163.36")
    assert _origins(_line(report, "raw"))["EF_MgCO3"] == "measured"
    assert _origins(_line(report, "producer-gas"))["NCV"] == "measured"
    assert report.warnings == []


def test_carbonate_contents_summing_above_one_are_refused() -> None:
    lines = [
        {
            "id": "raw",
            "source": "ceramic_raw_material",
            "quantity": {"value": "1000", "unit": "t"},
            "parameters": {
                "utilization": {"value": "0.9"},
                "caco3_content": {"value": "0.8"},
                "mgco3_content": {"value": "0.3"},
            },
        }
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines, grid_region="南方"))
    (problem,) = err.value.problems
    assert str(problem.location) == "$.facilities[0].lines[0].parameters"
    assert problem.code == "above-one"
    assert "CaCO3 + MgCO3 content is at most 1" in problem.message
    assert "CaCO3 与 MgCO3 含量之和不能大于 1" in problem.message_zh


def test_utilisation_above_one_and_missing_carbonate_content() -> None:
    lines = [
        {
            "id": "raw",
            "source": "ceramic_raw_material",
            "quantity": {"value": "1000", "unit": "t"},
            "parameters": {
                "utilization": {"value": "150", "unit": "%"},
                "caco3_content": {"value": "0.05"},
            },
        }
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    assert [str(p.location) for p in err.value.problems] == [
        "$.facilities[0].lines[0].parameters.utilization",
        "$.facilities[0].lines[0].parameters.mgco3_content",
    ]


def test_guidance_page_embeds_the_packaged_example_and_its_total() -> None:
    """The guidance page shows the packaged example and the total worked above."""
    page = GUIDES / "cn-2013-ceramics@1.md"
    text = page.read_text(encoding="utf-8")
    (block,) = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    assert json.loads(block, parse_float=Decimal) == _example()
    assert re.findall(r"<!-- expected-total: (\S+) -->", text) == ["94029.11"]
