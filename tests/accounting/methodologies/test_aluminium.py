"""cn-2013-aluminium@1 — 中国电解铝生产企业温室气体排放核算方法与报告指南（试行）, worked by hand.

Formulas (发改办气候〔2013〕2526号, 电解铝 guideline):

* fuel combustion        E = FC × NCV × CC × OF × 44/12
* anode consumption      E = P × NC × (1 − S − A) × 44/12
* anode-effect PFCs      E_CF4 = P × EF_CF4 × 10^-3, E_C2F6 = P × EF_C2F6 × 10^-3 [t gas],
                         weighted with SAR GWPs: gwp-sar@1:gwp.CF4 = 6,500, gwp.C2F6 = 9,200
* limestone calcination  E = AD × EF
* net electricity/heat   E = AD × EF (exported quantities deducted)

Default factors (cn-ndrc-2013@1, NDRC 2013 电解铝 guideline appendix):

* aluminium.anode_net_consumption = 0.42 tC/t Al, aluminium.anode_sulfur = 2%,
  aluminium.anode_ash = 0.4%  → 0.42 × 0.976 × 44/12 = 1.50304 tCO2/t Al
* aluminium.ef_cf4 = 0.034 kgCF4/t Al; aluminium.ef_c2f6 = 0.0034 kgC2F6/t Al (status
  "corrected": the transcription read 0.034, one tenth of CF4 by weight is used)
* process.limestone_calcined.ef = 0.405 tCO2/t
* fuel.natural_gas: 389.31 GJ/10^4Nm3, 15.3 tC/TJ, OF 0.99; fuel.diesel: 42.652 GJ/t,
  20.2 tC/TJ, OF 0.98 (common fuel table)
* grid.西北.2012 = 0.6671, grid.华北.2012 = 0.8843 tCO2/MWh; heat.ef = 0.11 tCO2/GJ
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

METHOD = "cn-2013-aluminium@1"


def _lines(report: Report, line_id: str) -> list[ResultLine]:
    return [ln for ln in report.lines if ln.line == line_id]


def _line(report: Report, line_id: str) -> ResultLine:
    (found,) = _lines(report, line_id)
    return found


def _q(value: str, unit: str) -> dict[str, str]:
    return {"value": value, "unit": unit}


def _doc(lines: list[dict[str, Any]], region: str = "西北") -> dict[str, Any]:
    return {
        "enterprise": {"name": "测试电解铝厂", "region": region},
        "period": {"year": 2024},
        "methodology": METHOD,
        "facilities": [{"id": "potline", "lines": lines}],
    }


SMELTER = [
    {"id": "anodes", "source": "anode_consumption", "quantity": _q("400000", "t")},
    {"id": "pfc", "source": "anode_effect_pfc", "quantity": _q("400000", "t")},
    {"id": "limestone", "source": "limestone_calcination", "quantity": _q("3000", "t")},
    {
        "id": "gas",
        "source": "fuel_combustion",
        "fuel": "natural_gas",
        "quantity": _q("1500", "10^4Nm3"),
    },
    {"id": "diesel", "source": "fuel_combustion", "fuel": "diesel", "quantity": _q("200", "t")},
    {"id": "grid", "source": "purchased_electricity", "quantity": _q("5400000", "MWh")},
]


def test_smelter_at_guideline_defaults() -> None:
    """A 400,000 t/a prebake smelter in the 西北 grid, every parameter at its default.

    anodes    400,000 t × 0.42 tC/t × (1 − 0.02 − 0.004) × 44/12 = 400,000 × 1.50304
              = 601,216.00 tCO2
    CF4       400,000 t × 0.034 kg/t × 10^-3 = 13.6 t CF4 × 6,500 = 88,400.00 tCO2e
    C2F6      400,000 t × 0.0034 kg/t × 10^-3 = 1.36 t C2F6 × 9,200 = 12,512.00 tCO2e
    limestone 3,000 t × 0.405 = 1,215.00 tCO2
    gas       1,500 × 10^4 Nm3 × 389.31 = 583,965 GJ; × 0.0153 = 8,934.6645 tC; × 0.99
              = 8,845.317855 tC; × 44/12 = 32,432.83 tCO2
    diesel    200 t × 42.652 = 8,530.4 GJ; × 0.0202 = 172.31408 tC; × 0.98 = 168.8677984 tC;
              × 44/12 = 619.18 tCO2
    grid      5,400,000 MWh × 0.6671 = 3,602,340.00 tCO2
    total     601,216.00 + 88,400.00 + 12,512.00 + 1,215.00 + 32,432.83 + 619.18
              + 3,602,340.00 = 4,338,735.01 tCO2e
    """
    report = calculate_dict(_doc(SMELTER))

    anodes = _line(report, "anodes")
    assert _close(anodes.co2e, "601216.00")
    assert _origins(anodes)["NC"] == "cn-ndrc-2013@1:aluminium.anode_net_consumption"
    assert _origins(anodes)["(1−S−A)"] == (
        "cn-ndrc-2013@1:aluminium.anode_sulfur; cn-ndrc-2013@1:aluminium.anode_ash"
    )

    cf4, c2f6 = _lines(report, "pfc")
    assert (cf4.gas, c2f6.gas) == ("CF4", "C2F6")
    assert cf4.emission == Decimal("13.6") and c2f6.emission == Decimal("1.36")
    assert _close(cf4.co2e, "88400.00") and _close(c2f6.co2e, "12512.00")
    assert _origins(c2f6)["EF_C2F6"] == "cn-ndrc-2013@1:aluminium.ef_c2f6"
    assert c2f6.gwp_origin == "gwp-sar@1:gwp.C2F6"

    limestone = _line(report, "limestone")
    assert _close(limestone.co2e, "1215.00")
    assert _origins(limestone)["EF"] == "cn-ndrc-2013@1:process.limestone_calcined.ef"

    assert _close(_line(report, "gas").co2e, "32432.83")
    assert _close(_line(report, "diesel").co2e, "619.18")
    assert _close(_line(report, "grid").co2e, "3602340.00")

    assert _close(report.by_category["process"], "602431.00")
    assert _close(report.by_category["other_gases"], "100912.00")
    assert _close(report.by_category["fuel_combustion"], "33052.01")
    assert _close(report.total, "4338735.01")


def test_measured_anode_and_pfc_parameters_with_heat_and_exported_power() -> None:
    """A 100,000 t/a smelter in the 华北 grid with measured anode data and PFC slopes.

    anodes    100,000 t × 0.405 tC/t × (1 − 0.018 − 0.0035) = 39,629.25 tC; × 44/12
              = 145,307.25 tCO2
    CF4       100,000 t × 0.025 kg/t × 10^-3 = 2.5 t × 6,500 = 16,250.00 tCO2e
    C2F6      100,000 t × 0.0025 kg/t × 10^-3 = 0.25 t × 9,200 = 2,300.00 tCO2e
    grid      1,350,000 MWh × 0.8843 = 1,193,805.00 tCO2
    exported  −10,000 MWh × 0.8843 = −8,843.00 tCO2
    heat      20,000 GJ × 0.11 = 2,200.00 tCO2; heat passed on −5,000 GJ × 0.11 = −550.00
    total     145,307.25 + 16,250 + 2,300 + 1,193,805 − 8,843 + 2,200 − 550 = 1,350,469.25 tCO2e
    """
    lines = [
        {
            "id": "anodes",
            "source": "anode_consumption",
            "quantity": _q("100000", "t"),
            "parameters": {
                "net_consumption": _q("0.405", "tC/t"),
                "sulfur": _q("1.8", "%"),
                "ash": _q("0.35", "%"),
            },
        },
        {
            "id": "pfc",
            "source": "anode_effect_pfc",
            "quantity": _q("10", "万t"),
            "parameters": {"ef_cf4": _q("0.025", "kgCF4/t"), "ef_c2f6": _q("0.0025", "kgC2F6/t")},
        },
        {"id": "grid", "source": "purchased_electricity", "quantity": _q("1350000", "MWh")},
        {"id": "out", "source": "exported_electricity", "quantity": _q("10000", "MWh")},
        {"id": "steam", "source": "purchased_heat", "quantity": _q("20000", "GJ")},
        {"id": "steam-out", "source": "exported_heat", "quantity": _q("5000", "GJ")},
    ]
    report = calculate_dict(_doc(lines, region="华北"))
    anodes = _line(report, "anodes")
    assert _close(anodes.co2e, "145307.25")
    assert _origins(anodes)["(1−S−A)"] == "measured; measured"
    assert _close(report.by_category["other_gases"], "18550.00")
    out = _line(report, "out")
    assert _close(out.co2e, "-8843.00")
    assert out.category == "exported_electricity"
    assert _origins(_line(report, "steam"))["EF_heat"] == "cn-ndrc-2013@1:heat.ef"
    assert _close(_line(report, "steam-out").co2e, "-550.00")
    assert _close(report.total, "1350469.25")


def test_impossible_anode_composition_and_wrong_units_are_located() -> None:
    lines = [
        {
            "id": "anodes",
            "source": "anode_consumption",
            "quantity": _q("1", "t"),
            "parameters": {"sulfur": _q("60", "%"), "ash": _q("40", "%")},
        },
        {"id": "pfc", "source": "anode_effect_pfc", "quantity": _q("1", "MWh")},
        {
            "id": "limestone",
            "source": "limestone_calcination",
            "material": "CaCO3",
            "quantity": _q("1", "t"),
        },
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    problems = err.value.problems
    assert [str(p.location) for p in problems] == [
        "$.facilities[0].lines[0].parameters",
        "$.facilities[0].lines[1].quantity",
        "$.facilities[0].lines[2]",
    ]
    assert "sulfur + ash" in problems[0].message
    assert "cannot convert 'MWh'" in problems[1].message
    assert "takes no material" in problems[2].message


def test_bundled_example_matches_its_guidance_total() -> None:
    """data/examples/aluminium.json is the worked example of its guidance page."""
    text = (
        resources.files("carbonledger.accounting") / "data" / "examples" / "aluminium.json"
    ).read_text(encoding="utf-8")
    report = calculate_dict(json.loads(text, parse_float=Decimal))
    assert report.methodology == METHOD
    assert _close(report.total, "4338735.01")
