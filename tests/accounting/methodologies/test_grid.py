"""cn-2013-grid@1 — 中国电网企业温室气体排放核算方法与报告指南（试行）, worked by hand.

Formulas (发改办气候〔2013〕2526号, 电网 guideline):

* SF6 from retired or repaired equipment  E_SF6 = (REC_cap − REC_rec) × 10^-3 [t SF6],
  weighted with GWP_SF6 = 23,900 (gwp-sar@1:gwp.SF6, IPCC SAR)
* transmission and distribution losses   E = (EL_上网 + EL_输入 − EL_输出 − EL_售电) × EF_grid

Default factors: cn-ndrc-2013@1:grid.华中.2012 = 0.5257 tCO2/MWh,
cn-ndrc-2013@1:grid.西北.2012 = 0.6671 tCO2/MWh (2012 regional grid average factors).
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

METHOD = "cn-2013-grid@1"


def _line(report: Report, line_id: str) -> ResultLine:
    return next(ln for ln in report.lines if ln.line == line_id)


def _q(value: str, unit: str) -> dict[str, str]:
    return {"value": value, "unit": unit}


def _doc(lines: list[dict[str, Any]], region: str = "华中", **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "enterprise": {"name": "测试电网公司", "region": region},
        "period": {"year": 2024},
        "methodology": METHOD,
        "facilities": [{"id": "grid", "lines": lines}],
    }
    doc.update(extra)
    return doc


def _loss(
    supplied: str, imported: str, exported: str, sold: str, unit: str = "MWh"
) -> dict[str, Any]:
    return {
        "supplied": _q(supplied, unit),
        "imported": _q(imported, unit),
        "exported": _q(exported, unit),
        "sold": _q(sold, unit),
    }


PROVINCIAL_GRID = [
    {
        "id": "losses",
        "source": "transmission_loss",
        "parameters": _loss("120000000", "35000000", "20000000", "128500000"),
    },
    {
        "id": "breakers-retired",
        "source": "sf6_equipment",
        "quantity": _q("1850", "kgSF6"),
        "parameters": {"recovered": _q("1720", "kgSF6")},
    },
    {
        "id": "gis-repair",
        "source": "sf6_equipment",
        "quantity": _q("640", "kgSF6"),
        "parameters": {"recovered": _q("610", "kgSF6")},
    },
]


def test_provincial_grid_losses_and_sf6() -> None:
    """A 华中 provincial grid company.

    losses   120,000,000 + 35,000,000 − 20,000,000 − 128,500,000 = 6,500,000 MWh;
             × 0.5257 tCO2/MWh = 3,417,050.00 tCO2
    retired  (1,850 − 1,720) kg = 130 kg × 10^-3 = 0.130 t SF6 × 23,900 = 3,107.00 tCO2e
    repaired (640 − 610) kg = 30 kg × 10^-3 = 0.030 t SF6 × 23,900 = 717.00 tCO2e
    total    3,417,050.00 + 3,107.00 + 717.00 = 3,420,874.00 tCO2e
    """
    report = calculate_dict(_doc(PROVINCIAL_GRID))

    losses = _line(report, "losses")
    assert _close(losses.co2e, "3417050.00")
    assert losses.category == "transmission_loss"
    assert _origins(losses)["EF_grid"] == "cn-ndrc-2013@1:grid.华中.2012"

    retired = _line(report, "breakers-retired")
    assert retired.gas == "SF6"
    assert retired.emission == Decimal("0.130")
    assert retired.gwp == Decimal("23900")
    assert retired.gwp_origin == "gwp-sar@1:gwp.SF6"
    assert _close(retired.co2e, "3107.00")
    assert _close(_line(report, "gis-repair").co2e, "717.00")

    assert _close(report.by_category["other_gases"], "3824.00")
    assert _close(report.by_gas["SF6"]["emission"], "0.16")
    assert _close(report.by_gas["CO2"]["co2e"], "3417050.00")
    assert _close(report.total, "3420874.00")


def test_region_from_enterprise_and_quantities_in_other_units() -> None:
    """A 西北 grid company (region taken from enterprise.region), readings in 万kWh and t SF6.

    losses  800,000 + 50,000 − 120,000 − 690,000 = 40,000 万kWh = 400,000 MWh;
            × 0.6671 tCO2/MWh = 266,840.00 tCO2
    SF6     0.5 t = 500 kg capacity − 480 kg recovered = 20 kg = 0.020 t × 23,900 = 478.00 tCO2e
    total   266,840.00 + 478.00 = 267,318.00 tCO2e
    """
    lines = [
        {
            "id": "losses",
            "source": "transmission_loss",
            "parameters": _loss("800000", "50000", "120000", "690000", unit="万kWh"),
        },
        {
            "id": "sf6",
            "source": "sf6_equipment",
            "quantity": _q("0.5", "tSF6"),
            "parameters": {"recovered": _q("480", "kgSF6")},
        },
    ]
    report = calculate_dict(_doc(lines, region="西北"))
    losses = _line(report, "losses")
    assert _close(losses.co2e, "266840.00")
    assert _origins(losses)["EF_grid"] == "cn-ndrc-2013@1:grid.西北.2012"
    assert _close(_line(report, "sf6").co2e, "478.00")
    assert _close(report.total, "267318.00")
    assert report.summary["grid_region"] == "西北"


def test_declared_grid_factor_overrides_the_regional_default() -> None:
    """(1,000 + 0 − 0 − 950) MWh = 50 MWh × 0.6000 (declared) = 30.00 tCO2, not × 0.5257."""
    lines = [
        {
            "id": "losses",
            "source": "transmission_loss",
            "parameters": {
                **_loss("1000", "0", "0", "950"),
                "emission_factor": _q("0.6000", "tCO2/MWh"),
            },
        }
    ]
    report = calculate_dict(_doc(lines))
    assert _origins(report.lines[0])["EF_grid"] == "measured"
    assert _close(report.total, "30.00")


def test_recovered_more_than_capacity_and_missing_sold_are_located() -> None:
    lines = [
        {
            "id": "sf6",
            "source": "sf6_equipment",
            "quantity": _q("100", "kgSF6"),
            "parameters": {"recovered": _q("120", "kgSF6")},
        },
        {
            "id": "losses",
            "source": "transmission_loss",
            "parameters": {k: v for k, v in _loss("10", "0", "0", "9").items() if k != "sold"},
        },
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    problems = err.value.problems
    assert [str(p.location) for p in problems] == [
        "$.facilities[0].lines[0].parameters.recovered",
        "$.facilities[0].lines[1].parameters.sold",
    ]
    assert "exceeds the capacity" in problems[0].message
    assert "electricity sold to end users" in problems[1].message
    assert "售电量" in problems[1].message_zh


def test_negative_loss_and_unknown_region_are_refused() -> None:
    """Sales above supply give a negative loss; an unknown grid region is an option error."""
    lines = [
        {"id": "losses", "source": "transmission_loss", "parameters": _loss("10", "0", "0", "11")}
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines))
    assert [str(p.location) for p in err.value.problems] == ["$.facilities[0].lines[0].parameters"]
    assert "negative" in err.value.problems[0].message

    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines, options={"grid_region": "华南"}))
    assert str(err.value.problems[0].location) == "$.options.grid_region"


def test_bundled_example_matches_its_guidance_total() -> None:
    """data/examples/grid.json is the worked example of the guide cn-2013-grid@1.md."""
    text = (
        resources.files("carbonledger.accounting") / "data" / "examples" / "grid.json"
    ).read_text(encoding="utf-8")
    report = calculate_dict(json.loads(text, parse_float=Decimal))
    assert report.methodology == METHOD
    assert _close(report.total, "3420874.00")
