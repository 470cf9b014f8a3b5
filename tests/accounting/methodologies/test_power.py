"""cn-2013-power@1 — 中国发电企业温室气体排放核算方法与报告指南（试行）, worked by hand.

Formulas (发改办气候〔2013〕2526号, 发电 guideline):

* fuel combustion   E = FC × NCV × CC × OF × 44/12 (coal: NCV, CC and OF must be measured)
* desulfurization   E = B × I × EF (I, the carbonate content of the sorbent, defaults to 90%)
* electricity       E = AD × EF_grid (2012 regional grid factor; net purchased only)

Default factors used below, with the rows the engine must cite:

* cn-ndrc-2013@1:fuel.diesel.ncv = 42.652 GJ/t, .carbon_content = 20.2 tC/TJ,
  .oxidation_rate = 0.98 (NDRC 2013 common fuel table)
* cn-ndrc-2013@1:fuel.natural_gas.ncv = 389.31 GJ/10^4Nm3, .carbon_content = 15.3 tC/TJ,
  .oxidation_rate = 0.99 (common fuel table)
* cn-ndrc-2013-power@1:fuel.crude_oil.carbon_content = 20.08 tC/TJ (the 发电 guideline's own
  value; the common table has 20.1), cn-ndrc-2013@1:fuel.crude_oil.ncv = 41.816 GJ/t, OF 0.98
* cn-ndrc-2013@1:desulfurization.carbonate_fraction = 0.9; carbonate.CaCO3.ef = 0.440 tCO2/t
* cn-ndrc-2013@1:grid.华东.2012 = 0.7035 tCO2/MWh; grid.南方.2012 = 0.5271 tCO2/MWh
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

METHOD = "cn-2013-power@1"


def _line(report: Report, line_id: str) -> ResultLine:
    return next(ln for ln in report.lines if ln.line == line_id)


def _q(value: str, unit: str) -> dict[str, str]:
    return {"value": value, "unit": unit}


def _doc(lines: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "enterprise": {"name": "测试发电厂", "region": "华东"},
        "period": {"year": 2024},
        "methodology": METHOD,
        "facilities": [{"id": "unit-1", "lines": lines}],
    }
    doc.update(extra)
    return doc


COAL_UNIT = [
    {
        "id": "coal",
        "source": "fuel_combustion",
        "fuel": "bituminous_coal",
        "quantity": _q("1250000", "t"),
        "parameters": {
            "ncv": _q("21.35", "GJ/t"),
            "carbon_content": _q("26.80", "tC/TJ"),
            "oxidation_rate": _q("98.5", "%"),
        },
    },
    {"id": "diesel", "source": "fuel_combustion", "fuel": "diesel", "quantity": _q("850", "t")},
    {
        "id": "limestone",
        "source": "desulfurization",
        "material": "CaCO3",
        "quantity": _q("42000", "t"),
    },
    {"id": "grid", "source": "purchased_electricity", "quantity": _q("6800", "MWh")},
    {
        "id": "supplied",
        "source": "production",
        "product": "power_supplied",
        "quantity": _q("2950000", "MWh"),
    },
]


def test_coal_unit_with_measured_coal_defaults_elsewhere() -> None:
    """A 华东 coal-fired unit: measured coal, default diesel and sorbent, purchased power.

    coal      1,250,000 t × 21.35 GJ/t = 26,687,500 GJ; × 0.02680 tC/GJ = 715,225 tC;
              × 0.985 = 704,496.625 tC; × 44/12 = 2,583,154.29 tCO2
    diesel    850 t × 42.652 GJ/t = 36,254.2 GJ; × 0.0202 tC/GJ = 732.33484 tC;
              × 0.98 = 717.6881432 tC; × 44/12 = 2,631.52 tCO2
    limestone 42,000 t × 0.9 × 0.440 tCO2/t = 16,632.00 tCO2
    grid      6,800 MWh × 0.7035 tCO2/MWh = 4,783.80 tCO2
    total     2,583,154.29 + 2,631.52 + 16,632.00 + 4,783.80 = 2,607,201.61 tCO2
    """
    report = calculate_dict(_doc(COAL_UNIT))

    coal = _line(report, "coal")
    assert _close(coal.co2e, "2583154.29")
    assert set(_origins(coal).values()) == {"input", "measured", "constant"}

    diesel = _line(report, "diesel")
    assert _close(diesel.co2e, "2631.52")
    assert _origins(diesel) == {
        "FC": "input",
        "NCV": "cn-ndrc-2013@1:fuel.diesel.ncv",
        "CC": "cn-ndrc-2013@1:fuel.diesel.carbon_content",
        "OF": "cn-ndrc-2013@1:fuel.diesel.oxidation_rate",
        "44/12": "constant",
    }

    limestone = _line(report, "limestone")
    assert _close(limestone.co2e, "16632.00")
    assert limestone.category == "process"
    assert _origins(limestone)["I"] == "cn-ndrc-2013@1:desulfurization.carbonate_fraction"
    assert _origins(limestone)["EF"] == "cn-ndrc-2013@1:carbonate.CaCO3.ef"

    grid = _line(report, "grid")
    assert _close(grid.co2e, "4783.80")
    assert _origins(grid)["EF_grid"] == "cn-ndrc-2013@1:grid.华东.2012"

    assert _close(report.by_category["fuel_combustion"], "2585785.81")
    assert _close(report.by_category["process"], "16632.00")
    assert _close(report.by_category["purchased_electricity"], "4783.80")
    assert _close(report.total, "2607201.61")
    assert report.summary["grid_region"] == "华东"
    assert report.summary["production"]["power_supplied"]["value"] == Decimal("2950000")
    assert report.warnings == []


def test_gas_unit_uses_power_guideline_crude_oil_factor_and_chosen_grid() -> None:
    """A gas-fired unit in the 南方 grid, chosen by options.grid_region over the declared region.

    gas       32,000 × 10^4 Nm3 × 389.31 GJ/10^4Nm3 = 12,457,920 GJ; × 0.0153 tC/GJ
              = 190,606.176 tC; × 0.99 = 188,700.11424 tC; × 44/12 = 691,900.42 tCO2
    crude oil 500 t × 41.816 GJ/t = 20,908 GJ; × 0.02008 tC/GJ (发电 value, not 0.0201)
              = 419.83264 tC; × 0.98 = 411.4359872 tC; × 44/12 = 1,508.60 tCO2
    grid      1,200 MWh × 0.5271 tCO2/MWh = 632.52 tCO2
    total     691,900.42 + 1,508.60 + 632.52 = 694,041.54 tCO2
    """
    lines = [
        {
            "id": "gas",
            "source": "fuel_combustion",
            "fuel": "natural_gas",
            "quantity": _q("32000", "10^4Nm3"),
        },
        {"id": "oil", "source": "fuel_combustion", "fuel": "crude_oil", "quantity": _q("500", "t")},
        # 120万 kWh written in the unit the meter reading uses
        {"id": "grid", "source": "purchased_electricity", "quantity": _q("120", "万kWh")},
    ]
    report = calculate_dict(_doc(lines, options={"grid_region": "南方"}))

    gas = _line(report, "gas")
    assert _close(gas.co2e, "691900.42")
    assert _origins(gas)["NCV"] == "cn-ndrc-2013@1:fuel.natural_gas.ncv"

    oil = _line(report, "oil")
    assert _close(oil.co2e, "1508.60")
    assert _origins(oil)["CC"] == "cn-ndrc-2013-power@1:fuel.crude_oil.carbon_content"

    grid = _line(report, "grid")
    assert _close(grid.co2e, "632.52")
    assert _origins(grid)["EF_grid"] == "cn-ndrc-2013@1:grid.南方.2012"
    assert _close(report.total, "694041.54")
    assert report.summary["grid_region"] == "南方"


def test_measured_sorbent_content_overrides_the_90_percent_default() -> None:
    """B × I × EF with a measured I of 93.2% and a MgCO3-bearing sorbent.

    CaCO3  10,000 t × 0.932 × 0.440 = 4,100.80 tCO2 (I measured)
    MgCO3     500 t × 0.9   × 0.522 =   234.90 tCO2 (I defaulted)
    """
    lines = [
        {
            "id": "caco3",
            "source": "desulfurization",
            "material": "CaCO3",
            "quantity": _q("10000", "t"),
            "parameters": {"purity": _q("93.2", "%")},
        },
        {
            "id": "mgco3",
            "source": "desulfurization",
            "material": "MgCO3",
            "quantity": _q("500", "t"),
        },
    ]
    report = calculate_dict(_doc(lines))
    caco3 = _line(report, "caco3")
    assert _close(caco3.co2e, "4100.80")
    assert _origins(caco3)["I"] == "measured"
    mgco3 = _line(report, "mgco3")
    assert _close(mgco3.co2e, "234.90")
    assert _origins(mgco3)["EF"] == "cn-ndrc-2013@1:carbonate.MgCO3.ef"
    assert _close(report.total, "4335.70")


def test_coal_without_measurements_is_refused_at_each_missing_parameter() -> None:
    """The 发电 guideline requires measured NCV, carbon content and oxidation rate for coal."""
    lines = [
        {"id": "coal", "source": "fuel_combustion", "fuel": "lignite", "quantity": _q("1", "t")}
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    where = [str(p.location) for p in err.value.problems]
    base = "$.facilities[0].lines[0].parameters"
    assert where == [f"{base}.ncv", f"{base}.carbon_content", f"{base}.oxidation_rate"]
    assert "lignite" in err.value.problems[0].message


def test_wrong_unit_and_unsupported_source_are_located() -> None:
    """A sorbent in MWh is a unit error; exported electricity is not a 发电 2013 source."""
    lines = [
        {"id": "ds", "source": "desulfurization", "material": "CaCO3", "quantity": _q("5", "MWh")},
        {"id": "out", "source": "exported_electricity", "quantity": _q("5", "MWh")},
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    problems = err.value.problems
    assert [str(p.location) for p in problems] == [
        "$.facilities[0].lines[0].quantity",
        "$.facilities[0].lines[1].source",
    ]
    assert "cannot convert 'MWh'" in problems[0].message
    assert "unknown source 'exported_electricity'" in problems[1].message


def test_bundled_example_matches_its_guidance_total() -> None:
    """data/examples/power.json is the worked example of the guide cn-2013-power@1.md."""
    text = (
        resources.files("carbonledger.accounting") / "data" / "examples" / "power.json"
    ).read_text(encoding="utf-8")
    report = calculate_dict(json.loads(text, parse_float=Decimal))
    assert report.methodology == METHOD
    assert _close(report.total, "2607201.61")
