"""cn-2013-steel@1 — 中国钢铁生产企业温室气体排放核算方法与报告指南（试行）, worked by hand.

Formulas (发改办气候〔2013〕2526号, 钢铁 guideline):

* fuel combustion                       E = FC × NCV × CC × OF × 44/12
* fluxes, electrodes, carbon-bearing    E = AD × EF
  purchased raw materials
* carbon carried out in products        R = AD × EF, deducted
* net electricity and heat              E = (purchased − exported) × EF

Default factors (NDRC 2013 tables as packaged in cn-ndrc-2013@1):

* fuel.coke: 28.447 GJ/t, 29.5 tC/TJ, OF 0.93; fuel.bituminous_coal: 19.570 GJ/t, 26.18 tC/TJ,
  OF 0.93; fuel.natural_gas: 389.31 GJ/10^4Nm3, 15.3 tC/TJ, OF 0.99 (common fuel table)
* process.limestone_flux.ef = 0.44, process.dolomite_flux.ef = 0.471, process.electrode.ef
  = 3.663, process.pig_iron.ef = 0.172, process.ferrochrome.ef = 0.275, process.dri.ef = 0.073
  tCO2/t (熔剂/电极/含碳原料 排放因子缺省值)
* sequestration.crude_steel.ef = 0.0154 tCO2/t (固碳产品隐含的排放因子)
* grid.华北.2012 = 0.8843, grid.华东.2012 = 0.7035 tCO2/MWh; heat.ef = 0.11 tCO2/GJ
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
from support import close as _close
from support import origins as _origins

from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.errors import InputError
from carbonledger.accounting.model import ResultLine
from carbonledger.accounting.report import Report

METHOD = "cn-2013-steel@1"


def _line(report: Report, line_id: str) -> ResultLine:
    return next(ln for ln in report.lines if ln.line == line_id)


def _q(value: str, unit: str) -> dict[str, str]:
    return {"value": value, "unit": unit}


def _doc(lines: list[dict[str, Any]], region: str = "华北") -> dict[str, Any]:
    return {
        "enterprise": {"name": "测试钢铁公司", "region": region},
        "period": {"year": 2024},
        "methodology": METHOD,
        "facilities": [{"id": "works", "lines": lines}],
    }


def _material(line_id: str, material: str, tonnes: str, **params: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "id": line_id,
        "source": "process_material",
        "material": material,
        "quantity": _q(tonnes, "t"),
    }
    if params:
        line["parameters"] = params
    return line


INTEGRATED_WORKS = [
    {"id": "coke", "source": "fuel_combustion", "fuel": "coke", "quantity": _q("1800000", "t")},
    {
        "id": "pci-coal",
        "source": "fuel_combustion",
        "fuel": "bituminous_coal",
        "quantity": _q("600000", "t"),
        "parameters": {"ncv": _q("24.5", "GJ/t")},
    },
    {
        "id": "gas",
        "source": "fuel_combustion",
        "fuel": "natural_gas",
        "quantity": _q("2000", "10^4Nm3"),
    },
    _material("limestone", "limestone_flux", "850000"),
    _material("dolomite", "dolomite_flux", "220000"),
    _material("electrodes", "electrode", "3500"),
    _material("pig-iron", "pig_iron", "50000"),
    {
        "id": "crude-steel",
        "source": "carbon_sequestration",
        "material": "crude_steel",
        "quantity": _q("5000000", "t"),
    },
    {"id": "grid", "source": "purchased_electricity", "quantity": _q("1200000", "MWh")},
    {"id": "power-out", "source": "exported_electricity", "quantity": _q("300000", "MWh")},
    {"id": "steam-out", "source": "exported_heat", "quantity": _q("500000", "GJ")},
]


def test_integrated_works_with_deductions() -> None:
    """A 华北 blast furnace – converter works, 5 Mt crude steel.

    coke       1,800,000 t × 28.447 GJ/t = 51,204,600 GJ; × 0.0295 tC/GJ = 1,510,535.7 tC;
               × 0.93 = 1,404,798.201 tC; × 44/12 = 5,150,926.74 tCO2
    PCI coal   600,000 t × 24.5 GJ/t (measured) = 14,700,000 GJ; × 0.02618 = 384,846 tC;
               × 0.93 = 357,906.78 tC; × 44/12 = 1,312,324.86 tCO2
    gas        2,000 × 10^4 Nm3 × 389.31 = 778,620 GJ; × 0.0153 = 11,912.886 tC; × 0.99
               = 11,793.75714 tC; × 44/12 = 43,243.78 tCO2
    fluxes     850,000 t × 0.44 = 374,000; 220,000 t × 0.471 = 103,620
    electrodes 3,500 t × 3.663 = 12,820.50; pig iron 50,000 t × 0.172 = 8,600
               process total 499,040.50 tCO2
    crude steel −5,000,000 t × 0.0154 = −77,000.00 tCO2
    grid       1,200,000 MWh × 0.8843 = 1,061,160.00; exported −300,000 × 0.8843 = −265,290.00
    steam out  −500,000 GJ × 0.11 = −55,000.00
    total      6,506,495.37 + 499,040.50 − 77,000 + 1,061,160 − 265,290 − 55,000
               = 7,669,405.87 tCO2
    """
    report = calculate_dict(_doc(INTEGRATED_WORKS))

    coke = _line(report, "coke")
    assert _close(coke.co2e, "5150926.74")
    assert _origins(coke)["CC"] == "cn-ndrc-2013@1:fuel.coke.carbon_content"
    pci = _line(report, "pci-coal")
    assert _close(pci.co2e, "1312324.86")
    assert _origins(pci)["NCV"] == "measured"
    assert _origins(pci)["CC"] == "cn-ndrc-2013@1:fuel.bituminous_coal.carbon_content"
    assert _close(_line(report, "gas").co2e, "43243.78")

    assert _close(_line(report, "limestone").co2e, "374000.00")
    assert _close(_line(report, "dolomite").co2e, "103620.00")
    electrodes = _line(report, "electrodes")
    assert _close(electrodes.co2e, "12820.50")
    assert _origins(electrodes)["EF"] == "cn-ndrc-2013@1:process.electrode.ef"
    assert _close(_line(report, "pig-iron").co2e, "8600.00")

    steel = _line(report, "crude-steel")
    assert _close(steel.co2e, "-77000.00")
    assert steel.category == "carbon_sequestration"
    assert _origins(steel)["EF"] == "cn-ndrc-2013@1:sequestration.crude_steel.ef"

    assert _close(report.by_category["fuel_combustion"], "6506495.37")
    assert _close(report.by_category["process"], "499040.50")
    assert _close(report.by_category["purchased_electricity"], "1061160.00")
    assert _close(report.by_category["exported_electricity"], "-265290.00")
    assert _close(report.by_category["exported_heat"], "-55000.00")
    assert _close(report.total, "7669405.87")


def test_electric_arc_furnace_with_measured_electrode_factor_and_other_alloy() -> None:
    """A 华东 EAF mill, 1 Mt crude steel.

    gas          1,500 × 10^4 Nm3 × 389.31 × 0.0153 × 0.99 × 44/12 = 32,432.83 tCO2
    electrodes   4,200 t × 3.60 (measured EF) = 15,120.00
    ferrochrome  2,000 t × 0.275 = 550.00; DRI 20,000 t × 0.073 = 1,460.00
    ferrosilicon 3,000 t × 0.007 (declared; not in the 2013 list) = 21.00
    crude steel  −1,000,000 t × 0.0154 = −15,400.00
    grid         600,000 MWh × 0.7035 = 422,100.00; heat 10,000 GJ × 0.11 = 1,100.00
    total        32,432.83 + 15,120 + 550 + 1,460 + 21 − 15,400 + 422,100 + 1,100
                 = 457,383.83 tCO2
    """
    lines = [
        {
            "id": "gas",
            "source": "fuel_combustion",
            "fuel": "natural_gas",
            "quantity": _q("1500", "10^4Nm3"),
        },
        _material("electrodes", "electrode", "4200", emission_factor=_q("3.60", "tCO2/t")),
        _material("ferrochrome", "ferrochrome", "2000"),
        _material("dri", "dri", "20000"),
        _material("ferrosilicon", "ferrosilicon", "3000", emission_factor=_q("0.007", "tCO2/t")),
        {
            "id": "crude-steel",
            "source": "carbon_sequestration",
            "material": "crude_steel",
            "quantity": _q("100", "万t"),
        },
        {"id": "grid", "source": "purchased_electricity", "quantity": _q("600000", "MWh")},
        {"id": "steam", "source": "purchased_heat", "quantity": _q("10000", "GJ")},
    ]
    report = calculate_dict(_doc(lines, region="华东"))
    electrodes = _line(report, "electrodes")
    assert _close(electrodes.co2e, "15120.00")
    assert _origins(electrodes)["EF"] == "measured"
    assert _close(_line(report, "ferrosilicon").co2e, "21.00")
    assert _close(_line(report, "crude-steel").co2e, "-15400.00")
    assert _close(report.by_category["process"], "17151.00")
    assert _close(report.total, "457383.83")


def test_unknown_material_and_negative_quantity_are_located() -> None:
    """An alloy outside the table needs a declared factor; deductions are sources, not minus."""
    lines = [
        _material("alloy", "ferromanganese", "10"),
        _material("flux", "limestone_flux", "-5"),
        {
            "id": "product",
            "source": "carbon_sequestration",
            "material": "pig_iron",
            "quantity": _q("1", "t"),
        },
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    problems = err.value.problems
    assert [str(p.location) for p in problems] == [
        "$.facilities[0].lines[0].material",
        "$.facilities[0].lines[1].quantity",
        "$.facilities[0].lines[2].material",
    ]
    assert "emission_factor" in problems[0].hint
    assert "must not be negative" in problems[1].message
    assert "crude_steel" in problems[2].hint


def test_bundled_example_matches_its_guidance_total() -> None:
    """data/examples/steel.json is the worked example of its guidance page."""
    text = (
        resources.files("carbonledger.accounting") / "data" / "examples" / "steel.json"
    ).read_text(encoding="utf-8")
    report = calculate_dict(json.loads(text, parse_float=Decimal))
    assert report.methodology == METHOD
    assert _close(report.total, "7669405.87")
