"""cn-2013-chemicals@1 — 中国化工生产企业温室气体排放核算方法与报告指南（试行）, worked by hand.

Formulas (发改办气候〔2013〕2526号, 化工 guideline):

* fuel combustion            E = FC × NCV × CC × OF × 44/12
* carbon mass balance        E = (Σ AD_in × C_in − Σ AD_out × C_out) × 44/12
  (fossil fuels and hydrocarbons used as raw materials; products and wastes carry carbon out)
* carbonate use              E = AD × PUR × EF
* nitric / adipic acid N2O   E_N2O = P × EF × (1 − η × μ), × GWP_N2O = 310 (gwp-sar@1:gwp.N2O)
* CO2 recovered              R = Q × PUR (t), or Q × PUR × 19.77 t/10^4Nm3 for a volume; deducted
* net electricity and heat   E = (purchased − exported) × EF

Default factors (cn-ndrc-2013@1):

* fuel.bituminous_coal: 19.570 GJ/t, 26.18 tC/TJ, OF 0.93; fuel.natural_gas: 389.31
  GJ/10^4Nm3, 15.3 tC/TJ, OF 0.99 (common fuel table)
* carbon_content.urea = 0.2, .methanol = 0.375, .ethylene = 0.856, .ethylene_oxide = 0.545
  tC/t (原料/产品含碳量缺省值)
* carbonate.Na2CO3.ef = 0.415 tCO2/t
* nitric_acid.dual_pressure.ef = 0.0080, nitric_acid.high_pressure.ef = 0.0139 tN2O/t
  (硝酸生产 N2O 生成因子)
* adipic_acid.ef = 0.293 tN2O/t — status "uncertain" (a provincial inventory value), so the
  report warns when it is used
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

METHOD = "cn-2013-chemicals@1"


def _line(report: Report, line_id: str) -> ResultLine:
    return next(ln for ln in report.lines if ln.line == line_id)


def _q(value: str, unit: str) -> dict[str, str]:
    return {"value": value, "unit": unit}


def _doc(lines: list[dict[str, Any]], region: str = "华北") -> dict[str, Any]:
    return {
        "enterprise": {"name": "测试化工公司", "region": region},
        "period": {"year": 2024},
        "methodology": METHOD,
        "facilities": [{"id": "site", "lines": lines}],
    }


FERTILIZER_COMPLEX = [
    {
        "id": "boiler-coal",
        "source": "fuel_combustion",
        "fuel": "bituminous_coal",
        "quantity": _q("300000", "t"),
    },
    {
        "id": "feed-coal",
        "source": "carbon_input",
        "material": "gasifier_feed_coal",
        "quantity": _q("500000", "t"),
        "parameters": {"carbon_content": _q("0.62", "tC/t")},
    },
    {"id": "urea", "source": "carbon_output", "material": "urea", "quantity": _q("600000", "t")},
    {
        "id": "methanol",
        "source": "carbon_output",
        "material": "methanol",
        "quantity": _q("150000", "t"),
    },
    {
        "id": "nitric-acid",
        "source": "nitric_acid_n2o",
        "technology": "dual_pressure",
        "quantity": _q("200000", "t"),
        "parameters": {"removal_rate": _q("85", "%"), "utilization": _q("95", "%")},
    },
    {
        "id": "soda-ash",
        "source": "carbonate_use",
        "material": "Na2CO3",
        "quantity": _q("5000", "t"),
        "parameters": {"purity": _q("98", "%")},
    },
    {
        "id": "food-co2",
        "source": "co2_recovered",
        "quantity": _q("2000", "10^4Nm3"),
        "parameters": {"purity": _q("99", "%")},
    },
    {"id": "grid", "source": "purchased_electricity", "quantity": _q("450000", "MWh")},
    {"id": "steam-out", "source": "exported_heat", "quantity": _q("200000", "GJ")},
]


def test_fertilizer_complex_mass_balance_nitric_acid_and_recovery() -> None:
    """A coal-based fertilizer and methanol complex in the 华北 grid.

    boiler coal  300,000 t × 19.570 GJ/t = 5,871,000 GJ; × 0.02618 = 153,702.78 tC; × 0.93
                 = 142,943.5854 tC; × 44/12 = 524,126.48 tCO2
    feed coal    +500,000 t × 0.62 tC/t (measured) × 44/12 = +1,136,666.67
    urea         −600,000 t × 0.2 × 44/12 = −440,000.00
    methanol     −150,000 t × 0.375 × 44/12 = −206,250.00
                 mass balance net 490,416.67 tCO2
    nitric acid  200,000 t × 0.0080 tN2O/t × (1 − 0.85 × 0.95 = 0.1925) = 308 tN2O;
                 × 310 = 95,480.00 tCO2e
    soda ash     5,000 t × 0.98 × 0.415 = 2,033.50
    food CO2     −2,000 × 10^4 Nm3 × 0.99 × 19.77 t/10^4Nm3 = −39,144.60
    grid         450,000 MWh × 0.8843 = 397,935.00; steam out −200,000 GJ × 0.11 = −22,000.00
    total        524,126.48 + 490,416.67 + 95,480 + 2,033.50 − 39,144.60 + 397,935 − 22,000
                 = 1,448,847.05 tCO2e
    """
    report = calculate_dict(_doc(FERTILIZER_COMPLEX))

    assert _close(_line(report, "boiler-coal").co2e, "524126.48")
    feed = _line(report, "feed-coal")
    assert _close(feed.co2e, "1136666.67")
    assert _origins(feed)["C"] == "measured"
    urea = _line(report, "urea")
    assert _close(urea.co2e, "-440000.00")
    assert _origins(urea)["C"] == "cn-ndrc-2013@1:carbon_content.urea"
    assert _close(_line(report, "methanol").co2e, "-206250.00")

    nitric = _line(report, "nitric-acid")
    assert nitric.gas == "N2O"
    assert nitric.emission == Decimal("308")
    assert _origins(nitric)["EF"] == "cn-ndrc-2013@1:nitric_acid.dual_pressure.ef"
    assert nitric.gwp_origin == "gwp-sar@1:gwp.N2O"
    assert _close(nitric.co2e, "95480.00")

    soda = _line(report, "soda-ash")
    assert _close(soda.co2e, "2033.50")
    assert _origins(soda)["EF"] == "cn-ndrc-2013@1:carbonate.Na2CO3.ef"

    recovered = _line(report, "food-co2")
    assert recovered.category == "co2_recovered"
    assert _origins(recovered)["ρCO2"] == "constant"
    assert _close(recovered.co2e, "-39144.60")

    # the mass-balance terms, the nitric acid and the soda ash are all process emissions
    assert _close(report.by_category["process"], "587930.17")
    assert _close(report.by_gas["N2O"]["emission"], "308")
    assert _close(report.total, "1448847.05")
    assert report.warnings == []


def test_adipic_acid_default_warns_and_measured_nitric_factor_overrides() -> None:
    """A 华东 adipic acid / ethylene oxide site.

    adipic acid  50,000 t × 0.293 tN2O/t × (1 − 0.90 × 0.98 = 0.118) = 1,728.7 tN2O;
                 × 310 = 535,897.00 tCO2e (default of uncertain provenance: warning)
    HNO3 high    100,000 t × 0.0139 × (1 − 0 × 1) = 1,390 tN2O × 310 = 430,900.00
    HNO3 medium  50,000 t × 0.0090 (measured) = 450 tN2O × 310 = 139,500.00
    ethylene     +200,000 t × 0.856 × 44/12 = +627,733.33
    EO           −250,000 t × 0.545 × 44/12 = −499,583.33
    gas          8,000 × 10^4 Nm3 × 389.31 = 3,114,480 GJ; × 0.0153 = 47,651.544 tC; × 0.99
                 = 47,175.02856 tC; × 44/12 = 172,975.10
    CO2 sold     −30,000 t × 1 = −30,000.00
    grid         300,000 MWh × 0.7035 = 211,050.00; exported −20,000 MWh × 0.7035 = −14,070.00
    steam        50,000 GJ × 0.11 = 5,500.00
    total        535,897 + 430,900 + 139,500 + 627,733.33 − 499,583.33 + 172,975.10 − 30,000
                 + 211,050 − 14,070 + 5,500 = 1,579,902.10 tCO2e
    """
    lines = [
        {
            "id": "adipic",
            "source": "adipic_acid_n2o",
            "quantity": _q("50000", "t"),
            "parameters": {"removal_rate": _q("0.90", "fraction"), "utilization": _q("98", "%")},
        },
        {
            "id": "hno3-hp",
            "source": "nitric_acid_n2o",
            "technology": "high_pressure",
            "quantity": _q("100000", "t"),
        },
        {
            "id": "hno3-mp",
            "source": "nitric_acid_n2o",
            "technology": "medium_pressure",
            "quantity": _q("50000", "t"),
            "parameters": {"emission_factor": _q("9.0", "kgN2O/t")},
        },
        {
            "id": "ethylene",
            "source": "carbon_input",
            "material": "ethylene",
            "quantity": _q("200000", "t"),
        },
        {
            "id": "eo",
            "source": "carbon_output",
            "material": "ethylene_oxide",
            "quantity": _q("250000", "t"),
        },
        {
            "id": "gas",
            "source": "fuel_combustion",
            "fuel": "natural_gas",
            "quantity": _q("8000", "10^4Nm3"),
        },
        {"id": "co2-sold", "source": "co2_recovered", "quantity": _q("30000", "tCO2")},
        {"id": "grid", "source": "purchased_electricity", "quantity": _q("300000", "MWh")},
        {"id": "power-out", "source": "exported_electricity", "quantity": _q("20000", "MWh")},
        {"id": "steam", "source": "purchased_heat", "quantity": _q("50000", "GJ")},
    ]
    report = calculate_dict(_doc(lines, region="华东"))

    adipic = _line(report, "adipic")
    assert adipic.emission == Decimal("1728.7")
    assert _origins(adipic)["EF"] == "cn-ndrc-2013@1:adipic_acid.ef"
    assert _close(adipic.co2e, "535897.00")
    assert [w.code for w in report.warnings] == ["uncertain-default"]
    assert "adipic_acid.ef" in report.warnings[0].message

    assert _close(_line(report, "hno3-hp").co2e, "430900.00")
    medium = _line(report, "hno3-mp")
    assert _origins(medium)["EF"] == "measured"
    assert _close(medium.co2e, "139500.00")
    assert _close(_line(report, "ethylene").co2e, "627733.33")
    assert _close(_line(report, "eo").co2e, "-499583.33")
    assert _close(_line(report, "co2-sold").co2e, "-30000.00")
    assert _close(report.by_gas["N2O"]["emission"], "3568.70")
    assert _close(report.by_category["exported_electricity"], "-14070.00")
    assert _close(report.by_category["purchased_heat"], "5500.00")
    assert _close(report.total, "1579902.10")


def test_missing_purity_unknown_technology_and_bad_rates_are_located() -> None:
    lines = [
        {"id": "soda", "source": "carbonate_use", "material": "Na2CO3", "quantity": _q("1", "t")},
        {
            "id": "hno3",
            "source": "nitric_acid_n2o",
            "technology": "ultra_pressure",
            "quantity": _q("1", "t"),
        },
        {
            "id": "hno3-b",
            "source": "nitric_acid_n2o",
            "technology": "low_pressure",
            "quantity": _q("1", "t"),
            "parameters": {"removal_rate": _q("120", "%")},
        },
        {"id": "co2", "source": "co2_recovered", "quantity": _q("1", "MWh")},
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    problems = err.value.problems
    assert [str(p.location) for p in problems] == [
        "$.facilities[0].lines[0].parameters.purity",
        "$.facilities[0].lines[1].technology",
        "$.facilities[0].lines[2].parameters.removal_rate",
        "$.facilities[0].lines[3].quantity",
    ]
    assert "dual_pressure" in problems[1].hint
    assert "at most 1" in problems[2].message
    assert "cannot convert 'MWh'" in problems[3].message


def test_bundled_example_matches_its_guidance_total() -> None:
    """data/examples/chemicals.json is the worked example of its guidance page."""
    text = (
        resources.files("carbonledger.accounting") / "data" / "examples" / "chemicals.json"
    ).read_text(encoding="utf-8")
    report = calculate_dict(json.loads(text, parse_float=Decimal))
    assert report.methodology == METHOD
    assert _close(report.total, "1448847.05")
