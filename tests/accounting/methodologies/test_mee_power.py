"""cn-mee-power@1 — 企业温室气体排放核算方法与报告指南 发电设施 (MEE), worked by hand.

Formulas (MEE 发电设施 guideline, 2021, revised 2022):

* coal, element carbon measured   E = FC × C_ar × OF × 44/12,
                                  C_ar = C_ad × (1 − M_ar) / (1 − M_ad) when analysed air-dried
* coal, carbon not measured       E = FC × NCV × CC_default × OF × 44/12, NCV measured, with a
                                  warning (conservative default carbon content)
* other fuels                     E = FC × NCV × CC × OF × 44/12
* purchased electricity           E = AD × EF_grid, the national factor for the reporting year

Default factors:

* cn-mee-power@1:coal.default_oxidation_rate = 0.99 (status uncertain: warned)
* cn-mee-power@1:coal.default_carbon_content = 0.03356 tC/GJ (status uncertain: warned)
* cn-mee-power@1:fuel.natural_gas.carbon_content = 15.32 tC/TJ (MEE table; 2013: 15.3);
  cn-ndrc-2013@1:fuel.natural_gas.ncv = 389.31 GJ/10^4Nm3, oxidation_rate = 0.99
* cn-ndrc-2013@1:fuel.diesel: 42.652 GJ/t, 20.2 tC/TJ, OF 0.98
* cn-mee-power@1:grid.national_ets.2015 = 0.6101 (years up to 2020),
  grid.national_ets.2021-2022 = 0.5810, grid.national_ets.2022 = 0.5703 (2023-2025) tCO2/MWh
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

METHOD = "cn-mee-power@1"


def _line(report: Report, line_id: str) -> ResultLine:
    return next(ln for ln in report.lines if ln.line == line_id)


def _q(value: str, unit: str) -> dict[str, str]:
    return {"value": value, "unit": unit}


def _doc(lines: list[dict[str, Any]], year: int = 2023) -> dict[str, Any]:
    return {
        "enterprise": {"name": "测试发电设施"},
        "period": {"year": year},
        "methodology": METHOD,
        "facilities": [{"id": "unit-1", "lines": lines}],
    }


@pytest.mark.parametrize("fuel", ["coal", "bituminous_coal", "lignite", "anthracite"])
def test_unmeasured_coal_oxidation_rate_is_the_guideline_default_whatever_the_coal_type(
    fuel: str,
) -> None:
    """1,000 t × C_ar 0.55 × OF 0.99 (cn-mee-power@1:coal.default_oxidation_rate) × 44/12
    = 1,996.50 tCO2 for every coal name — not 0.93/0.96/0.94 from the 2013 fuel table."""
    lines = [
        {
            "id": "coal",
            "source": "fuel_combustion",
            "fuel": fuel,
            "quantity": _q("1000", "t"),
            "parameters": {"carbon_content_ar": _q("55", "%")},
        }
    ]
    report = calculate_dict(_doc(lines))
    coal = _line(report, "coal")
    assert _origins(coal)["OF"] == "cn-mee-power@1:coal.default_oxidation_rate"
    assert _close(report.total, "1996.50")


def test_incomplete_element_analysis_reports_only_what_is_missing() -> None:
    """C_ad without the two moistures cannot be converted to C_ar; the user is told exactly
    that, not also asked for an NCV the element-carbon formula does not use."""
    lines = [
        {
            "id": "coal",
            "source": "fuel_combustion",
            "fuel": "coal",
            "quantity": _q("1000", "t"),
            "parameters": {"carbon_content_ad": _q("58.4", "%")},
        }
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    base = "$.facilities[0].lines[0].parameters"
    assert [str(p.location) for p in err.value.problems] == [
        f"{base}.moisture_ar",
        f"{base}.moisture_ad",
    ]


COAL_PLANT = [
    {
        "id": "coal-a",
        "source": "fuel_combustion",
        "fuel": "bituminous_coal",
        "quantity": _q("2100000", "t"),
        "parameters": {"carbon_content_ar": _q("52.36", "%")},
    },
    {
        "id": "coal-b",
        "source": "fuel_combustion",
        "fuel": "coal",
        "quantity": _q("400000", "t"),
        "parameters": {
            "carbon_content_ad": _q("58.40", "%"),
            "moisture_ar": _q("12.0", "%"),
            "moisture_ad": _q("2.5", "%"),
            "oxidation_rate": _q("98.8", "%"),
        },
    },
    {
        "id": "gas",
        "source": "fuel_combustion",
        "fuel": "natural_gas",
        "quantity": _q("1200", "10^4Nm3"),
    },
    {"id": "diesel", "source": "fuel_combustion", "fuel": "diesel", "quantity": _q("300", "t")},
    {"id": "grid", "source": "purchased_electricity", "quantity": _q("5000", "MWh")},
    {
        "id": "supplied",
        "source": "production",
        "product": "power_supplied",
        "quantity": _q("5000000", "MWh"),
    },
]


def test_coal_plant_with_element_carbon_measured_both_ways() -> None:
    """A 2023 coal plant: one coal measured as received, one air-dried.

    coal A  2,100,000 t × 0.5236 = 1,099,560 tC; × 0.99 (default OF) = 1,088,564.4 tC;
            × 44/12 = 3,991,402.80 tCO2
    coal B  C_ar = 0.5840 × (1 − 0.120) / (1 − 0.025) = 0.52709743590;
            400,000 t × C_ar = 210,838.97436 tC; × 0.988 (measured) = 208,308.90667 tC;
            × 44/12 = 763,799.32 tCO2
    gas     1,200 × 10^4 Nm3 × 389.31 = 467,172 GJ; × 0.01532 = 7,157.07504 tC; × 0.99
            = 7,085.5042896 tC; × 44/12 = 25,980.18 tCO2
    diesel  300 t × 42.652 = 12,795.6 GJ; × 0.0202 = 258.47112 tC; × 0.98 = 253.3016976 tC;
            × 44/12 = 928.77 tCO2
    grid    5,000 MWh × 0.5703 (2023) = 2,851.50 tCO2
    total   3,991,402.80 + 763,799.32 + 25,980.18 + 928.77 + 2,851.50 = 4,784,962.58 tCO2
    supply intensity 4,784,962.58 / 5,000,000 MWh = 0.95699 tCO2/MWh
    """
    report = calculate_dict(_doc(COAL_PLANT))

    coal_a = _line(report, "coal-a")
    assert coal_a.formula == "E = FC × C_ar × OF × 44/12"
    assert _origins(coal_a) == {
        "FC": "input",
        "C_ar": "measured",
        "OF": "cn-mee-power@1:coal.default_oxidation_rate",
        "44/12": "constant",
    }
    assert _close(coal_a.co2e, "3991402.80")

    coal_b = _line(report, "coal-b")
    c_ar = next(t for t in coal_b.terms if t.symbol == "C_ar")
    assert abs(c_ar.value - Decimal("0.52709743590")) <= Decimal("1E-11")
    assert c_ar.origin == "measured (C_ad × (1−M_ar)/(1−M_ad))"
    assert _origins(coal_b)["OF"] == "measured"
    assert _close(coal_b.co2e, "763799.32")

    gas = _line(report, "gas")
    assert _origins(gas)["CC"] == "cn-mee-power@1:fuel.natural_gas.carbon_content"
    assert _close(gas.co2e, "25980.18")
    assert _close(_line(report, "diesel").co2e, "928.77")

    grid = _line(report, "grid")
    assert _origins(grid)["EF_grid"] == "cn-mee-power@1:grid.national_ets.2022"
    assert _close(grid.co2e, "2851.50")

    assert _close(report.total, "4784962.58")
    intensity = report.summary["power_supply_intensity_tco2_per_mwh"]
    assert abs(intensity - Decimal("0.956993")) <= Decimal("0.000001")
    # the only default of uncertain provenance used is the coal oxidation rate
    assert [(w.code, w.location) for w in report.warnings] == [
        ("uncertain-default", "$.facilities[0].lines[0]")
    ]


def test_unmeasured_coal_carbon_falls_back_to_the_conservative_default_with_a_warning() -> None:
    """A 2022 CHP plant that did not analyse element carbon.

    coal   800,000 t × 20.10 GJ/t (measured) = 16,080,000 GJ; × 0.03356 tC/GJ (default)
           = 539,644.8 tC; × 0.99 = 534,248.352 tC; × 44/12 = 1,958,910.62 tCO2
    grid   2,000 MWh × 0.5810 (2021-2022 factor) = 1,162.00 tCO2
    total  1,960,072.62 tCO2; no supply intensity, because the plant also supplies heat
    """
    lines = [
        {
            "id": "coal",
            "source": "fuel_combustion",
            "fuel": "coal",
            "quantity": _q("800000", "t"),
            "parameters": {"ncv": _q("20.10", "GJ/t")},
        },
        {"id": "grid", "source": "purchased_electricity", "quantity": _q("2000", "MWh")},
        {
            "id": "power",
            "source": "production",
            "product": "power_supplied",
            "quantity": _q("1500000", "MWh"),
        },
        {
            "id": "heat",
            "source": "production",
            "product": "heat_supplied",
            "quantity": _q("3000000", "GJ"),
        },
    ]
    report = calculate_dict(_doc(lines, year=2022))
    coal = _line(report, "coal")
    assert _origins(coal)["CC"] == "cn-mee-power@1:coal.default_carbon_content"
    assert _origins(coal)["NCV"] == "measured"
    assert _close(coal.co2e, "1958910.62")
    assert (
        _origins(_line(report, "grid"))["EF_grid"] == "cn-mee-power@1:grid.national_ets.2021-2022"
    )
    assert _close(report.total, "1960072.62")
    assert "unmeasured-carbon-content" in {w.code for w in report.warnings}
    assert "power_supply_intensity_tco2_per_mwh" not in report.summary


@pytest.mark.parametrize(
    ("year", "key", "expected"),
    [
        (2019, "grid.national_ets.2015", "610.10"),
        (2020, "grid.national_ets.2015", "610.10"),
        (2021, "grid.national_ets.2021-2022", "581.00"),
        (2025, "grid.national_ets.2022", "570.30"),
    ],
)
def test_grid_factor_follows_the_reporting_year(year: int, key: str, expected: str) -> None:
    """1,000 MWh × the MEE notice's national factor for the year."""
    lines = [{"id": "grid", "source": "purchased_electricity", "quantity": _q("1000", "MWh")}]
    report = calculate_dict(_doc(lines, year=year))
    assert _origins(report.lines[0])["EF_grid"] == f"cn-mee-power@1:{key}"
    assert _close(report.total, expected)


def test_year_without_a_published_factor_needs_a_declared_one() -> None:
    """2026 has no MEE notice in the set: refused, or 1,000 MWh × 0.5500 declared = 550.00."""
    lines: list[dict[str, Any]] = [
        {"id": "grid", "source": "purchased_electricity", "quantity": _q("1000", "MWh")}
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines, year=2026))
    assert [str(p.location) for p in err.value.problems] == [
        "$.facilities[0].lines[0].parameters.emission_factor"
    ]
    lines[0]["parameters"] = {"emission_factor": _q("0.5500", "tCO2/MWh")}
    assert _close(calculate_dict(_doc(lines, year=2026)).total, "550.00")


def test_coal_without_carbon_or_ncv_and_coal_parameters_on_gas_are_located() -> None:
    lines = [
        {"id": "coal", "source": "fuel_combustion", "fuel": "lignite", "quantity": _q("1", "t")},
        {
            "id": "gas",
            "source": "fuel_combustion",
            "fuel": "natural_gas",
            "quantity": _q("1", "10^4Nm3"),
            "parameters": {"carbon_content_ar": _q("70", "%")},
        },
        {
            "id": "coal-2",
            "source": "fuel_combustion",
            "fuel": "coal",
            "quantity": _q("1", "10^4Nm3"),
            "parameters": {"carbon_content_ar": _q("50", "%")},
        },
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    problems = err.value.problems
    assert [str(p.location) for p in problems] == [
        "$.facilities[0].lines[0].parameters.ncv",
        "$.facilities[0].lines[1].parameters.carbon_content_ar",
        "$.facilities[0].lines[2].quantity",
    ]
    assert "measured net calorific value" in problems[0].message
    assert "coal only" in problems[1].message


def test_bundled_example_matches_its_guidance_total() -> None:
    """data/examples/mee_power.json is the worked example of its guidance page."""
    text = (
        resources.files("carbonledger.accounting") / "data" / "examples" / "mee_power.json"
    ).read_text(encoding="utf-8")
    report = calculate_dict(json.loads(text, parse_float=Decimal))
    assert report.methodology == METHOD
    assert _close(report.total, "4784962.58")
