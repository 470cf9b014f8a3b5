"""cn-2013-glass@1 — 中国平板玻璃生产企业温室气体排放核算方法与报告指南（试行）, by hand.

Formulas (发改办气候〔2013〕2526号, 平板玻璃):
    fuel                      E = FC × NCV × CC × OF × 44/12
    carbonate decomposition   E = M × P × EF × F   (P = 1 when M is the pure carbonate mass)
    carbon powder             E = M_C × C × 44/12
    electricity / heat        E = AD × EF; exports deducted
Factors (rows of cn-ndrc-2013@1):
    fuel.natural_gas: NCV 389.31 GJ/10^4Nm3, CC 15.3 tC/TJ, OF 0.99 (NDRC 2013 common table)
    fuel.fuel_oil: NCV 41.816 GJ/t, CC 21.1 tC/TJ, OF 0.98 (NDRC 2013 common table)
    carbonate.Na2CO3.ef 0.415, carbonate.CaCO3.ef 0.440, carbonate.MgCO3.ef 0.522 tCO2/t
    (NDRC 2013 carbonate table); carbonate.CaMg(CO3)2.ef 0.4773 (stoichiometric, derived)
    grid.华北.2012 = 0.8843, grid.华东.2012 = 0.7035 tCO2/MWh; heat.ef = 0.11 tCO2/GJ
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

SET = "cn-ndrc-2013@1"


def _doc(lines: list[dict[str, Any]], **options: str) -> dict[str, Any]:
    return {
        "enterprise": {"name": "测试玻璃有限公司", "region": "华东"},
        "period": {"year": 2024},
        "methodology": "cn-2013-glass@1",
        "options": options,
        "facilities": [{"id": "furnace", "lines": lines}],
    }


def _example() -> dict[str, Any]:
    path = resources.files("carbonledger.accounting") / "data/examples/glass.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return document


def test_packaged_example_float_line_by_hand() -> None:
    """data/examples/glass.json: a 600 t/d float line in 沙河, 华北 grid.

    natural gas: 5,200 × 10^4 Nm3 × 389.31 = 2,024,412 GJ × 0.0153 tC/GJ = 30,973.5036 tC
        × 0.99 = 30,663.768564 tC × 44/12 = 112,433.818068 tCO2
    heavy oil: 3,000 t × 41.816 = 125,448 GJ × 0.0211 = 2,646.9528 tC × 0.98
        = 2,594.013744 tC × 44/12 = 9,511.383728 tCO2
    soda ash: 62,000 t × 0.992 × 0.415 × 1 = 25,524.16 tCO2
    dolomite: 48,000 t × 0.95 × 0.4773 × 1 = 21,764.88 tCO2
    limestone given as pure CaCO3 (P = 1): 14,400 t × 0.440 = 6,336 tCO2
    carbon powder: 120 t × 0.85 tC/t × 44/12 = 374 tCO2
    electricity: 38,000 MWh × 0.8843 = 33,603.4 tCO2
    total = 112,433.818 + 9,511.384 + 25,524.16 + 21,764.88 + 6,336 + 374 + 33,603.4
          = 209,547.64 tCO2
    """
    report = calculate_dict(_example())
    assert _close(_line(report, "natural-gas").co2e, "112433.818068")
    assert _close(_line(report, "heavy-oil").co2e, "9511.383728")
    assert _close(_line(report, "soda-ash").co2e, "25524.16")
    assert _close(_line(report, "dolomite").co2e, "21764.88")
    assert _close(_line(report, "limestone").co2e, "6336")
    assert _close(_line(report, "carbon-powder").co2e, "374")
    assert _close(_line(report, "grid").co2e, "33603.4")
    assert _close(report.total, "209547.64")
    assert _close(report.by_category["fuel_combustion"], "121945.20")
    assert _close(report.by_category["process"], "53999.04")
    assert _origins(_line(report, "soda-ash"))["EF"] == f"{SET}:carbonate.Na2CO3.ef"
    limestone = _origins(_line(report, "limestone"))
    assert limestone == {
        "AD": "input",
        "P": "default",
        "EF": f"{SET}:carbonate.CaCO3.ef",
        "F": "default",
    }
    assert _origins(_line(report, "heavy-oil"))["CC"] == f"{SET}:fuel.fuel_oil.carbon_content"
    assert _origins(_line(report, "carbon-powder"))["C"] == "measured"


def test_measured_factors_partial_calcination_and_exports_by_hand() -> None:
    """A 华东 line (grid from enterprise.region) with a waste-heat boiler.

    natural gas, NCV measured 35.2 MJ/Nm3 = 352 GJ/10^4Nm3: 3,000 × 352 = 1,056,000 GJ
        × 0.0153 = 16,156.8 tC × 0.99 = 15,995.232 tC × 44/12 = 58,649.184 tCO2
    soda ash with a measured EF 0.4149: 40,000 t × 0.99 × 0.4149 = 16,430.04 tCO2
    dolomite, F = 0.98: 30,000 t × 0.96 × 0.4773 × 0.98 = 13,471.3152 tCO2
    magnesite, pure: 2,000 t × 0.522 = 1,044 tCO2
    carbon powder: 80 t × 0.80 × 44/12 = 234.667 tCO2
    electricity 25,000 MWh × 0.7035 = 17,587.5; exported −6,000 MWh × 0.7035 = −4,221
    exported heat −15,000 GJ × 0.11 = −1,650; purchased heat 4,000 GJ × 0.11 = 440
    total = 58,649.184 + 16,430.04 + 13,471.315 + 1,044 + 234.667 + 17,587.5 − 4,221 − 1,650
          + 440 = 101,985.71 tCO2
    """
    lines = [
        {
            "id": "ng",
            "source": "fuel_combustion",
            "fuel": "natural_gas",
            "quantity": {"value": "3000", "unit": "10^4Nm3"},
            "parameters": {"ncv": {"value": "35.2", "unit": "MJ/Nm3"}},
        },
        {
            "id": "soda",
            "source": "raw_material_decomposition",
            "material": "Na2CO3",
            "quantity": {"value": "40000", "unit": "t"},
            "parameters": {
                "purity": {"value": "0.99"},
                "emission_factor": {"value": "0.4149", "unit": "tCO2/t"},
            },
        },
        {
            "id": "dolomite",
            "source": "raw_material_decomposition",
            "material": "CaMg(CO3)2",
            "quantity": {"value": "30000", "unit": "t"},
            "parameters": {
                "purity": {"value": "0.96"},
                "calcination_fraction": {"value": "0.98"},
            },
        },
        {
            "id": "magnesite",
            "source": "raw_material_decomposition",
            "material": "MgCO3",
            "quantity": {"value": "2000", "unit": "t"},
        },
        {
            "id": "carbon",
            "source": "carbon_powder",
            "quantity": {"value": "80", "unit": "t"},
            "parameters": {"carbon_content": {"value": "0.80", "unit": "tC/t"}},
        },
        {
            "id": "grid",
            "source": "purchased_electricity",
            "quantity": {"value": "25000", "unit": "MWh"},
        },
        {
            "id": "whr",
            "source": "exported_electricity",
            "quantity": {"value": "6000", "unit": "MWh"},
        },
        {"id": "steam", "source": "exported_heat", "quantity": {"value": "15000", "unit": "GJ"}},
        {"id": "heat-in", "source": "purchased_heat", "quantity": {"value": "4000", "unit": "GJ"}},
    ]
    report = calculate_dict(_doc(lines))
    assert _close(_line(report, "ng").co2e, "58649.184")
    assert _close(_line(report, "soda").co2e, "16430.04")
    assert _close(_line(report, "dolomite").co2e, "13471.3152")
    assert _close(_line(report, "magnesite").co2e, "1044")
    assert _close(_line(report, "carbon").co2e, "234.667")
    assert _close(_line(report, "whr").co2e, "-4221")
    assert _close(_line(report, "steam").co2e, "-1650")
    assert _close(_line(report, "heat-in").co2e, "440")
    assert _close(report.total, "101985.71")
    ng = _line(report, "ng")
    ncv = next(t for t in ng.terms if t.symbol == "NCV")
    assert (ncv.value, ncv.unit, ncv.origin) == (Decimal("352"), "GJ/10^4Nm3", "measured")
    soda = _origins(_line(report, "soda"))
    assert (soda["EF"], soda["F"]) == ("measured", "default")
    assert _origins(_line(report, "magnesite"))["EF"] == f"{SET}:carbonate.MgCO3.ef"
    assert _origins(_line(report, "grid"))["EF_grid"] == f"{SET}:grid.华东.2012"


def test_carbonate_outside_the_glass_list_is_refused() -> None:
    lines = [
        {
            "id": "barium",
            "source": "raw_material_decomposition",
            "material": "BaCO3",
            "quantity": {"value": "100", "unit": "t"},
        }
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    (problem,) = err.value.problems
    assert str(problem.location) == "$.facilities[0].lines[0].material"
    assert "Na2CO3" in problem.hint


def test_carbon_powder_takes_no_material_and_a_fraction_at_most_one() -> None:
    lines = [
        {
            "id": "cp-1",
            "source": "carbon_powder",
            "material": "graphite",
            "quantity": {"value": "10", "unit": "t"},
            "parameters": {"carbon_content": {"value": "0.9", "unit": "tC/t"}},
        },
        {
            "id": "cp-2",
            "source": "carbon_powder",
            "quantity": {"value": "10", "unit": "t"},
            "parameters": {"carbon_content": {"value": "1.2", "unit": "tC/t"}},
        },
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    assert [str(p.location) for p in err.value.problems] == [
        "$.facilities[0].lines[0]",
        "$.facilities[0].lines[1].parameters.carbon_content",
    ]
    assert "takes no material" in err.value.problems[0].message


def test_guidance_page_embeds_the_packaged_example_and_its_total() -> None:
    """The guidance page shows the packaged example and the total worked above."""
    page = GUIDES / "cn-2013-glass@1.md"
    text = page.read_text(encoding="utf-8")
    (block,) = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    assert json.loads(block, parse_float=Decimal) == _example()
    assert re.findall(r"<!-- expected-total: (\S+) -->", text) == ["209547.64"]
