"""Bad input gets a precise error: what, where (JSON path) and what to do."""

from __future__ import annotations

from typing import Any

import pytest

from carbonledger.accounting.engine import calculate_dict, calculate_json
from carbonledger.accounting.errors import InputError


def problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as info:
        calculate_dict(doc)
    return [str(p) for p in info.value.problems]


def first_line(doc: dict[str, Any]) -> dict[str, Any]:
    line: dict[str, Any] = doc["facilities"][0]["lines"][0]
    return line


def test_unknown_fuel(cement: dict[str, Any]) -> None:
    first_line(cement)["fuel"] = "unobtainium"
    [p] = problems(cement)
    assert p.startswith("$.facilities[0].lines[0].fuel: unknown fuel 'unobtainium'")
    assert "bituminous_coal" in p


def test_wrong_unit(cement: dict[str, Any]) -> None:
    cement["facilities"][0]["lines"][4]["quantity"]["unit"] = "t"
    [p] = problems(cement)
    assert p == (
        "$.facilities[0].lines[4].quantity: cannot convert 't' (mass) to 'MWh' (energy) "
        "(electricity purchased is in MWh)"
    )


def test_unknown_unit(cement: dict[str, Any]) -> None:
    first_line(cement)["quantity"]["unit"] = "barrels"
    [p] = problems(cement)
    assert p.startswith("$.facilities[0].lines[0].quantity: unknown unit 'barrels'")


def test_negative_quantity(cement: dict[str, Any]) -> None:
    first_line(cement)["quantity"]["value"] = -5
    [p] = problems(cement)
    assert p.startswith("$.facilities[0].lines[0].quantity: quantity must not be negative")


def test_missing_required_fields(cement: dict[str, Any]) -> None:
    del cement["enterprise"]["name"]
    clinker = cement["facilities"][0]["lines"][2]
    del clinker["parameters"]["cao"]
    ps = problems(cement)
    assert ps[0] == "$.enterprise.name: name is required"
    assert ps[1].startswith(
        "$.facilities[0].lines[2].parameters.cao: CaO content of clinker is required"
    )


def test_missing_period_and_facilities() -> None:
    ps = problems({"methodology": "cn-2013-cement@1", "enterprise": {"name": "x"}})
    assert "$.period: period is required" in ps[0]
    assert ps[1].startswith("$.facilities: at least one facility")


def test_fraction_out_of_range(cement: dict[str, Any]) -> None:
    first_line(cement)["parameters"]["oxidation_rate"] = {"value": "130", "unit": "%"}
    [p] = problems(cement)
    assert p.startswith(
        "$.facilities[0].lines[0].parameters.oxidation_rate: "
        "carbon oxidation rate must be at most 1"
    )


def test_unknown_parameter_and_source(cement: dict[str, Any]) -> None:
    first_line(cement)["parameters"]["colour"] = {"value": 1, "unit": "fraction"}
    cement["facilities"][0]["lines"][1]["source"] = "volcano"
    ps = problems(cement)
    assert ps[0].startswith(
        "$.facilities[0].lines[0].parameters.colour: unknown parameter 'colour'"
    )
    assert ps[1].startswith("$.facilities[0].lines[1].source: unknown source 'volcano'")


def test_unknown_methodology(cement: dict[str, Any]) -> None:
    cement["methodology"] = "cn-2099-cement@7"
    [p] = problems(cement)
    assert p.startswith("$.methodology: unknown methodology 'cn-2099-cement@7'")


def test_text_where_a_number_belongs(cement: dict[str, Any]) -> None:
    first_line(cement)["quantity"]["value"] = "lots"
    [p] = problems(cement)
    assert p == "$.facilities[0].lines[0].quantity.value: expected a number, got 'lots'"


def test_duplicate_ids(cement: dict[str, Any]) -> None:
    cement["facilities"][0]["lines"][1]["id"] = "coal"
    [p] = problems(cement)
    assert p == "$.facilities[0].lines[1].id: duplicate line id 'coal'"


def test_malformed_json() -> None:
    with pytest.raises(InputError, match=r"not valid JSON: .* line 1, column"):
        calculate_json(b'{"methodology": ')


def test_all_problems_are_reported_together(cement: dict[str, Any]) -> None:
    first_line(cement)["fuel"] = "unobtainium"
    cement["facilities"][0]["lines"][3]["quantity"]["value"] = -1
    ps = problems(cement)
    assert [p.split(":")[0] for p in ps] == [
        "$.facilities[0].lines[0].fuel",
        "$.facilities[0].lines[3].quantity",
    ]
