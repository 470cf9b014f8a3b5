"""cn-mee-power@1 — 企业温室气体排放核算方法与报告指南 发电设施 (MEE), worked by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.errors import InputError
from carbonledger.accounting.model import ResultLine
from carbonledger.accounting.report import Report

TOL = Decimal("0.01")
METHOD = "cn-mee-power@1"


def _line(report: Report, line_id: str) -> ResultLine:
    return next(ln for ln in report.lines if ln.line == line_id)


def _origins(line: ResultLine) -> dict[str, str]:
    return {t.symbol: t.origin for t in line.terms}


def _close(actual: Decimal, expected: str) -> bool:
    return abs(actual - Decimal(expected)) <= TOL


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
