"""Data-quality checks: the bundled examples pass; each crafted mistake gives its finding."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest

from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.methodology import get_methodology
from carbonledger.accounting.submission import parse_json_text
from carbonledger.platform.quality import Finding, check_submission

EXAMPLES = resources.files("carbonledger.accounting") / "data" / "examples"
SUBMISSIONS = sorted(
    p.name for p in EXAMPLES.iterdir() if p.name.endswith(".json") and "allocation" not in p.name
)


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = parse_json_text((EXAMPLES / name).read_bytes())
    return data


def cement() -> dict[str, Any]:
    return example("cement.json")


def lines(doc: dict[str, Any], facility: int = 0) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = doc["facilities"][facility]["lines"]
    return found


def only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, [f.as_dict() for f in findings]
    return matching[0]


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def test_there_are_examples() -> None:
    assert len(SUBMISSIONS) >= 12


@pytest.mark.parametrize("name", SUBMISSIONS)
def test_bundled_examples_have_no_errors_and_need_no_cleaning(name: str) -> None:
    result = check_submission(example(name))
    assert not result.blocking, [f.as_dict() for f in result.errors]
    assert result.cleaning == []
    # the cleaned document is still what the engine computes
    calculate_dict(result.document)


def test_examples_read_with_a_plain_json_parser_get_their_floats_back_as_decimals() -> None:
    doc = json.loads((EXAMPLES / "power.json").read_text(encoding="utf-8"))
    lines(doc)[0]["parameters"]["ncv"]["value"] = 21.35
    result = check_submission(doc)
    finding = only(result.findings, "float-as-decimal")
    assert finding.path == "/facilities/0/lines/0/parameters/ncv/value"
    assert finding.original == 21.35
    assert finding.cleaned == "21.35"
    assert not result.blocking
    expected = calculate_dict(example("power.json")).result_digest
    assert calculate_dict(result.document).result_digest == expected


def test_numbers_are_cleaned_and_each_change_is_recorded() -> None:
    doc = cement()
    lines(doc)[0]["quantity"] = {"value": "１５０，０００ ", "unit": "t"}
    lines(doc)[1]["quantity"] = {"value": " 1 2 0 ", "unit": "t"}
    lines(doc)[2]["parameters"]["cao"]["value"] = "６５．５"
    result = check_submission(doc)
    cleaned = {f.path: (f.original, f.cleaned) for f in result.cleaning}
    assert cleaned == {
        "/facilities/0/lines/0/quantity/value": ("１５０，０００ ", "150000"),
        "/facilities/0/lines/1/quantity/value": (" 1 2 0 ", "120"),
        "/facilities/0/lines/2/parameters/cao/value": ("６５．５", "65.5"),
    }
    assert all(f.severity == "info" and f.code == "number-cleaned" for f in result.cleaning)
    assert not result.blocking
    assert calculate_dict(result.document).result_digest == calculate_dict(cement()).result_digest
    finding = result.cleaning[0].as_dict()
    assert finding["message"] == {
        "zh-CN": "数字 '１５０，０００ ' 已规范为 150000",
        "en-US": "number '１５０，０００ ' normalised to 150000",
    }


def test_units_and_text_are_cleaned() -> None:
    doc = cement()
    lines(doc)[0]["quantity"]["unit"] = "吨"
    lines(doc)[0]["parameters"]["ncv"]["unit"] = "GJ/吨"
    lines(doc)[1]["quantity"]["unit"] = "tonnes"
    lines(doc)[4]["quantity"]["unit"] = " MWh"
    lines(doc)[1]["fuel"] = " diesel "
    doc["enterprise"]["name"] = " 江南水泥有限公司\n"
    result = check_submission(doc)
    cleaned = {f.path: (f.code, f.cleaned) for f in result.cleaning}
    assert cleaned == {
        "/facilities/0/lines/0/quantity/unit": ("unit-alias", "t"),
        "/facilities/0/lines/0/parameters/ncv/unit": ("unit-alias", "GJ/t"),
        "/facilities/0/lines/1/quantity/unit": ("unit-alias", "t"),
        "/facilities/0/lines/4/quantity/unit": ("text-trimmed", "MWh"),
        "/facilities/0/lines/1/fuel": ("text-trimmed", "diesel"),
        "/enterprise/name": ("text-trimmed", "江南水泥有限公司"),
    }
    assert not result.blocking


def test_cleaning_is_idempotent_and_leaves_the_input_alone() -> None:
    doc = cement()
    lines(doc)[0]["quantity"] = {"value": "１５０，０００", "unit": " 吨"}
    lines(doc)[1]["quantity"] = {"value": "-120", "unit": "t"}
    lines(doc)[3]["quantity"]["value"] = 1.55e6
    before = copy.deepcopy(doc)
    first = check_submission(doc)
    assert doc == before
    assert len(first.cleaning) == 3
    second = check_submission(first.document)
    assert second.cleaning == []
    assert second.document == first.document
    assert [f for f in first.findings if f.severity != "info"] == second.findings


@pytest.mark.parametrize(
    ("value", "code"),
    [("1,55", "ambiguous-number"), ("12,0000", "ambiguous-number"), ("abc", "not-a-number")],
)
def test_numbers_that_cannot_be_cleaned_are_errors(value: str, code: str) -> None:
    doc = cement()
    lines(doc)[3]["quantity"]["value"] = value
    result = check_submission(doc)
    finding = only(result.errors, code)
    assert finding.path == "/facilities/0/lines/3/quantity/value"
    assert value in finding.message_en
    assert value in finding.message_zh
    # the engine's own complaint about the same value is not repeated
    assert len(result.errors) == 1


def test_unknown_unit() -> None:
    doc = cement()
    lines(doc)[4]["quantity"]["unit"] = "m3"
    result = check_submission(doc)
    finding = only(result.errors, "unknown-unit")
    assert finding.path == "/facilities/0/lines/4/quantity/unit"
    assert len(result.errors) == 1


def test_incompatible_units() -> None:
    doc = cement()
    lines(doc)[2]["quantity"]["unit"] = "MWh"  # clinker is a mass
    lines(doc)[2]["parameters"]["cao"]["unit"] = "t"  # a content is a fraction
    result = check_submission(doc)
    paths = {f.path for f in result.errors if f.code == "incompatible-unit"}
    assert paths == {
        "/facilities/0/lines/2/quantity/unit",
        "/facilities/0/lines/2/parameters/cao/unit",
    }
    assert codes(result.errors) == {"incompatible-unit"}


def test_negative_and_zero_quantities() -> None:
    doc = cement()
    lines(doc)[1]["quantity"]["value"] = "-120"
    lines(doc)[4]["quantity"]["value"] = 0
    result = check_submission(doc)
    assert only(result.errors, "negative-quantity").path == "/facilities/0/lines/1/quantity/value"
    assert only(result.warnings, "zero-quantity").path == "/facilities/0/lines/4/quantity/value"
    assert len(result.errors) == 1


@pytest.mark.parametrize(
    ("name", "value", "unit", "blocking"),
    [
        ("oxidation_rate", "0", "%", True),
        ("oxidation_rate", "100.5", "%", True),
        ("oxidation_rate", "1", "fraction", False),
        ("oxidation_rate", "-0.1", "fraction", True),
    ],
)
def test_oxidation_rate_lies_in_zero_to_one(
    name: str, value: str, unit: str, blocking: bool
) -> None:
    doc = example("power.json")
    lines(doc)[0]["parameters"][name] = {"value": value, "unit": unit}
    result = check_submission(doc)
    assert result.blocking is blocking
    if blocking:
        finding = only(result.errors, "out-of-range")
        assert finding.path == f"/facilities/0/lines/0/parameters/{name}/value"
        assert "(0, 1]" in finding.message_en


def test_content_fraction_above_one() -> None:
    doc = cement()
    lines(doc)[2]["parameters"]["cao"]["value"] = "165.5"
    finding = only(check_submission(doc).errors, "out-of-range")
    assert finding.path == "/facilities/0/lines/2/parameters/cao/value"
    assert "[0, 1]" in finding.message_en


@pytest.mark.parametrize(
    ("name", "value", "unit", "warned"),
    [
        # power.json's bituminous coal: defaults NCV 19.57 GJ/t, CC 26.18 tC/TJ
        ("ncv", "215", "GJ/t", True),  # a misplaced decimal point
        ("ncv", "6.4", "GJ/t", True),
        ("ncv", "58", "GJ/t", False),  # 2.96 times the default
        ("ncv", "21350", "MJ/t", False),  # same value in another unit
        ("carbon_content", "0.0268", "tC/GJ", False),
        ("carbon_content", "268", "tC/TJ", True),
    ],
)
def test_measured_parameters_far_from_the_default(
    name: str, value: str, unit: str, warned: bool
) -> None:
    doc = example("power.json")
    lines(doc)[0]["parameters"][name] = {"value": value, "unit": unit}
    result = check_submission(doc)
    found = [f for f in result.warnings if f.code == "far-from-default"]
    assert bool(found) is warned
    if warned:
        assert found[0].path == f"/facilities/0/lines/0/parameters/{name}/value"
        assert "bituminous_coal" in found[0].message_en
    assert not result.blocking


def test_reporting_period_outside_the_methodology() -> None:
    doc = example("mee_power.json")
    doc["period"] = {"year": 2020}  # the MEE power guideline applies from 2021
    finding = only(check_submission(doc).errors, "period-outside-methodology")
    assert finding.path == "/period"
    assert "cn-mee-power@1" in finding.message_en
    assert "2021-01-01" in finding.message_zh


def test_an_explicit_methodology_overrides_the_named_one() -> None:
    doc = example("mee_power.json")
    doc["period"] = {"year": 2020}
    result = check_submission(doc, get_methodology("cn-2013-power@1"))
    assert "period-outside-methodology" not in codes(result.findings)


def test_duplicate_lines_name_both_paths() -> None:
    doc = cement()
    lines(doc).append({**copy.deepcopy(lines(doc)[1]), "id": "diesel-again"})
    finding = only(check_submission(doc).warnings, "duplicate-line")
    assert finding.path == "/facilities/0/lines/5"
    assert finding.related == ("/facilities/0/lines/1",)
    assert "/facilities/0/lines/1" in finding.message_en
    assert "/facilities/0/lines/1" in finding.message_zh


def test_same_material_in_another_facility_is_not_a_duplicate() -> None:
    doc = cement()
    doc["facilities"].append({"id": "kiln-2", "lines": [copy.deepcopy(lines(doc)[1])]})
    assert "duplicate-line" not in codes(check_submission(doc).findings)


def monthly(months: list[str]) -> dict[str, Any]:
    doc = cement()
    coal = lines(doc).pop(0)
    for month in months:
        line = copy.deepcopy(coal)
        line["id"] = f"coal-{month}"
        line["period"] = month
        line["quantity"]["value"] = "12500"
        lines(doc).append(line)
    return doc


def test_monthly_lines_with_missing_months() -> None:
    months = [f"2024-{m:02d}" for m in range(1, 13) if m not in (2, 7)]
    finding = only(check_submission(monthly(months)).warnings, "missing-months")
    assert "2024-02, 2024-07" in finding.message_en
    assert "2024-02, 2024-07" in finding.message_zh


def test_monthly_lines_complete_and_repeated() -> None:
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    result = check_submission(monthly(months))
    assert not {"missing-months", "duplicate-line"} & codes(result.findings)
    assert not result.blocking
    result = check_submission(monthly([*months, "2024-03"]))
    assert only(result.warnings, "duplicate-line").message_en.count("2024-03") == 1


@pytest.mark.parametrize(
    ("month", "code"), [("2024-13", "bad-line-period"), ("2023-12", "line-period-outside")]
)
def test_bad_monthly_periods(month: str, code: str) -> None:
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    result = check_submission(monthly([*months, month]))
    assert only(result.errors, code).path.endswith("/period")


def test_facility_without_activity() -> None:
    doc = cement()
    doc["facilities"].append({"id": "kiln-2", "name": "2号线", "lines": []})
    doc["facilities"].append(
        {
            "id": "kiln-3",
            "lines": [
                {
                    "id": "coal",
                    "source": "fuel_combustion",
                    "fuel": "bituminous_coal",
                    "quantity": {"value": "0", "unit": "t"},
                }
            ],
        }
    )
    result = check_submission(doc)
    paths = {f.path for f in result.warnings if f.code == "facility-without-activity"}
    assert paths == {"/facilities/1", "/facilities/2"}
    # the engine cannot compute a facility without lines: that stays an error
    assert only(result.errors, "invalid").path == "/facilities/1/lines"


def test_what_else_the_engine_refuses_is_reported_with_its_path() -> None:
    doc = cement()
    lines(doc)[1]["source"] = "fuel_burning"
    del lines(doc)[2]["parameters"]["cao"]
    result = check_submission(doc)
    paths = {f.path for f in result.errors}
    assert paths == {"/facilities/0/lines/1/source", "/facilities/0/lines/2/parameters/cao"}
    assert codes(result.errors) == {"invalid"}


def test_unknown_methodology_and_broken_structure() -> None:
    doc = cement()
    doc["methodology"] = "cn-2099-cement@1"
    assert only(check_submission(doc).errors, "invalid").path == "/methodology"
    result = check_submission({"schema": "carbonledger/activity-data@1", "facilities": "x"})
    assert result.blocking
    assert "/period" in {f.path for f in result.errors}


def test_result_serialises_to_json() -> None:
    doc = cement()
    lines(doc)[3]["quantity"]["value"] = 1.55e6
    lines(doc)[1]["quantity"]["value"] = "-1"
    out = check_submission(doc).as_dict()
    text = json.dumps(out, ensure_ascii=False)
    assert json.loads(text)["counts"] == {"error": 1, "warning": 0, "info": 1}
    assert out["blocking"] is True
    assert Decimal(str(out["findings"][0]["cleaned"])) == Decimal("1550000")


def test_paths_are_escaped_json_pointers() -> None:
    doc = cement()
    lines(doc)[2]["parameters"]["cao/mgo"] = {"value": "1.5 ", "unit": "%"}
    result = check_submission(doc)
    assert only(result.cleaning, "number-cleaned").path == (
        "/facilities/0/lines/2/parameters/cao~1mgo/value"
    )
    invalid = only(result.errors, "invalid")
    assert invalid.path == "/facilities/0/lines/2/parameters/cao~1mgo"
    # the engine's problem in the user's language, not English behind a Chinese prefix
    assert invalid.message_zh.startswith("无法识别的参数 'cao/mgo'")
    assert invalid.message_en.startswith("unknown parameter 'cao/mgo'")
