"""Allowance allocation: worked examples computed by hand, invalid inputs, properties.

Benchmarks used by hand (2019-2020, cn-ets-power-2019-2020@1, from ICAP S16):
conventional coal >300 MW class 0.877 tCO2/MWh, <=300 MW class 0.979, unconventional 1.146,
natural gas 0.392; heat 0.126 tCO2/GJ for coal, 0.059 for gas. Allowances are whole tonnes,
half-up, per unit figure. Tolerance: allowances are integers and must match exactly; the
full-precision values are compared with a tolerance of 1e-20 t.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonledger.accounting import canonical
from carbonledger.accounting.allocation import (
    PERIODS,
    AllocationResult,
    allocate,
    allocate_dict,
    benchmark_allocation,
    coal_max_shortfall,
    default_benchmark_set,
    example_paths,
    grandfathering_allocation,
    historical_intensity,
    historical_intensity_allocation,
    packaged_benchmark_sets,
    parse_allocation_request,
    parse_benchmark_set,
    pre_allocation,
    read_allocation_request,
    settlement_obligation,
    true_up,
)
from carbonledger.accounting.errors import FactorError, InputError
from carbonledger.accounting.numbers import CONTEXT
from carbonledger.accounting.submission import parse_json_text

D = Decimal
TOL = D("1e-20")
EXAMPLES = resources.files("carbonledger.accounting") / "data" / "examples"


def example(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = parse_json_text((EXAMPLES / name).read_bytes())
    return doc


def problems(doc: object) -> dict[str, str]:
    """location -> messages (joined by ' | ') of every problem the request has."""
    with pytest.raises(InputError) as info:
        allocate(parse_allocation_request(doc))
    out: dict[str, str] = {}
    for p in info.value.problems:
        key = str(p.location)
        out[key] = f"{out[key]} | {p.message}" if key in out else p.message
    return out


def unit_of(result: AllocationResult, unit_id: str) -> Any:
    return next(u for u in result.units if u.unit == unit_id)


# ---- benchmark method: worked examples -------------------------------------------------


def test_coal_plant_two_units_allocation_pre_allocation_true_up_and_20_percent_cap() -> None:
    """data/examples/allocation-coal-two-units.json, year 2020 (period 2019-2020).

    unit-1, conventional coal >300 MW class, F_l = 1, F_r = 0.99, F_f = 1:
      A = 0.877 × 3,000,000 MWh × 1 × 0.99 × 1 + 0.126 × 500,000 GJ
        = 2,604,690 + 63,000 = 2,667,690 t
      pre (2018, 70%, cooling × heat-supply only, S21):
        0.7 × (0.877 × 2,800,000 × 1 × 0.99 + 0.126 × 450,000)
        = 0.7 × (2,431,044 + 56,700) = 0.7 × 2,487,744 = 1,741,420.8 -> 1,741,421 t
      true-up = 2,667,690 − 1,741,421 = 926,269 t
      settlement: E = 3,300,000; cap = 20% × 2,667,690 = 533,538;
        O = min(3,300,000, 2,667,690 + 533,538) = 3,201,228 t; exempt 98,772 t
    unit-2, conventional coal <=300 MW class, air-cooled, 120,000 万kWh = 1,200,000 MWh:
      A = 0.979 × 1,200,000 × 1.05 × 1 × 1.02 = 1,258,210.8 -> 1,258,211 t (no heat)
      pre = 0.7 × 0.979 × 1,100,000 × 1.05 × 1 = 791,521.5 -> 791,522 t (half-up)
      true-up = 1,258,211 − 791,522 = 466,689 t
      settlement: E = 1,200,000 < A: surplus, O = 1,200,000 t, exempt 0
    totals: 3,925,901 allocated; 2,532,943 pre-allocated; 1,392,958 true-up;
      4,401,228 to surrender.
    """
    result = allocate(parse_allocation_request(example("allocation-coal-two-units.json")))
    u1, u2 = unit_of(result, "unit-1"), unit_of(result, "unit-2")
    assert abs(u1.lines[0].value - D("2667690")) <= TOL
    assert (u1.allowances, u1.pre_allocation, u1.true_up) == (2667690, 1741421, 926269)
    assert abs(u1.lines[1].value - D("1741420.8")) <= TOL
    assert u1.settlement.max_shortfall == D("533538")
    assert u1.settlement.obligation == 3201228
    assert u1.settlement.exempt == D("98772")
    assert abs(u2.lines[0].value - D("1258210.8")) <= TOL
    assert (u2.allowances, u2.pre_allocation, u2.true_up) == (1258211, 791522, 466689)
    assert u2.settlement.obligation == 1200000
    assert u2.settlement.exempt == 0
    assert u2.settlement.shortfall == D("-58211")
    assert result.total == 3925901
    assert result.total_pre_allocation == 2532943
    assert result.total_true_up == 1392958
    assert result.total_obligation == 4401228


def test_unconventional_coal_unit_shortfall_within_cap_is_owed_in_full() -> None:
    """CFB unit, 2019, 500,000 MWh, factors 1 × 0.98 × 1.01, 100,000 GJ heat:
    A = 1.146 × 500,000 × 1 × 0.98 × 1.01 + 0.126 × 100,000
      = 573,000 × 0.9898 + 12,600 = 567,155.4 + 12,600 = 579,755.4 -> 579,755 t
    E = 650,000: shortfall 70,245 <= 20% × 579,755 = 115,951 -> O = 650,000 t, nothing exempt.
    E = 720,000: A + cap = 695,706 -> O = 695,706 t, exempt 24,294 t.
    """
    doc = {
        "enterprise": {"name": "CFB"},
        "year": 2019,
        "method": "cn-ets-power-benchmark",
        "units": [
            {
                "id": "cfb",
                "category": "coal_unconventional",
                "power_supplied": {"value": 500000, "unit": "MWh"},
                "heat_supplied": {"value": 100000, "unit": "GJ"},
                "correction_factors": {"cooling": 1, "heat_supply": "0.98", "load": "1.01"},
                "verified_emissions": {"value": 650000, "unit": "tCO2"},
            }
        ],
    }
    unit = allocate_dict(doc).units[0]
    assert abs(unit.lines[0].value - D("579755.4")) <= TOL
    assert unit.allowances == 579755
    assert unit.settlement.obligation == 650000
    assert unit.settlement.exempt == 0
    doc["units"][0]["verified_emissions"]["value"] = 720000
    unit = allocate_dict(doc).units[0]
    assert unit.settlement.obligation == 695706
    assert unit.settlement.exempt == D("24294")


def test_gas_unit_owes_nothing_beyond_its_free_allocation() -> None:
    """data/examples/allocation-gas-unit.json (2020), F_r = 0.95, F_l = F_f = 1:
    A = 0.392 × 800,000 × 0.95 + 0.059 × 300,000 = 297,920 + 17,700 = 315,620 t
    pre = 0.7 × (0.392 × 750,000 × 0.95 + 0.059 × 280,000) = 0.7 × 295,820 = 207,074 t
    true-up = 108,546 t.
    E = 340,000 > A: gas units owe only the free allocation, O = 315,620; exempt 24,380.
    E = 300,000 < A: O = 300,000 (the surplus is the unit's).
    """
    doc = example("allocation-gas-unit.json")
    gas = allocate_dict(doc).units[0]
    assert (gas.allowances, gas.pre_allocation, gas.true_up) == (315620, 207074, 108546)
    assert gas.settlement.max_shortfall == 0
    assert gas.settlement.obligation == 315620
    assert gas.settlement.exempt == D("24380")
    doc["units"][0]["verified_emissions"]["value"] = "300000"
    assert allocate_dict(doc).units[0].settlement.obligation == 300000


def test_true_up_is_negative_when_output_fell_below_the_base_year() -> None:
    """Gas unit, no heat, factors 1: A = 0.392 × 100,000 = 39,200 t;
    pre = 0.7 × 0.392 × 200,000 = 54,880 t; true-up = 39,200 − 54,880 = −15,680 t."""
    doc = {
        "enterprise": {"name": "peaker"},
        "year": 2020,
        "method": "cn-ets-power-benchmark",
        "units": [
            {
                "id": "gt",
                "category": "natural_gas",
                "power_supplied": {"value": 100000, "unit": "MWh"},
                "correction_factors": {"cooling": 1, "heat_supply": 1, "load": 1},
                "base_year": {
                    "year": 2018,
                    "power_supplied": {"value": 200000, "unit": "MWh"},
                    "correction_factors": {"cooling": 1, "heat_supply": 1},
                },
            }
        ],
    }
    unit = allocate_dict(doc).units[0]
    assert (unit.allowances, unit.pre_allocation, unit.true_up) == (39200, 54880, -15680)
    assert true_up(39200, 54880) == -15680


def test_pure_settlement_cap_matches_the_rule() -> None:
    """A = 1,000: cap 20% = 200. E = 1,150 -> 1,150; E = 1,300 -> 1,200 (100 exempt);
    gas (cap 0), E = 1,300 -> 1,000; no cap -> 1,300. Half-up: E = 1,150.5 -> 1,151."""
    cap = coal_max_shortfall(1000, D("0.2"))
    assert cap == 200
    assert settlement_obligation(D(1150), 1000, cap).obligation == 1150
    capped = settlement_obligation(D(1300), 1000, cap)
    assert (capped.obligation, capped.exempt, capped.shortfall) == (1200, 100, 300)
    assert settlement_obligation(D(1300), 1000, D(0)).obligation == 1000
    assert settlement_obligation(D(1300), 1000, None).obligation == 1300
    assert settlement_obligation(D("1150.5"), 1000, cap).obligation == 1151


def test_pure_benchmark_functions() -> None:
    """0.877 × 1,000 × 1.05 × 0.9 × 1 + 0.126 × 10 = 828.765 + 1.26 = 830.025;
    pre with share 0.7 over the same terms without load = 0.7 × 830.025 = 581.0175."""
    a = benchmark_allocation(D(1000), D("0.877"), [D("1.05"), D("0.9"), D(1)], D(10), D("0.126"))
    assert a == D("830.025")
    p = pre_allocation(
        D(1000), D("0.877"), [D("1.05"), D("0.9")], D(10), D("0.126"), share=D("0.7")
    )
    assert p == D("581.0175")


# ---- benchmark sets, periods and unverified values ----------------------------------------


def test_every_benchmark_row_parses_with_provenance_and_matches_the_reference() -> None:
    sets = packaged_benchmark_sets()
    assert set(sets) == {
        "cn-ets-power-2019-2020@1",
        "cn-ets-power-2019-2020-draft-aug2020@1",
        "cn-ets-power-2021-2022-unverified@1",
    }
    for fs in sets.values():
        assert fs.rows, fs.ref
        for row in fs.rows.values():
            assert row.document and row.status and row.note, row.ref
            assert row.source_ids or "NOT READ" in row.note, row.ref
    final = sets["cn-ets-power-2019-2020@1"]
    read = {  # ICAP table (S16) as transcribed in the reference
        "coal_conventional_above_300mw": ("0.877", "0.126"),
        "coal_conventional_300mw_and_below": ("0.979", "0.126"),
        "coal_unconventional": ("1.146", "0.126"),
        "natural_gas": ("0.392", "0.059"),
    }
    for category, (power, heat) in read.items():
        assert final.get("2019-2020", category, "power").value == D(power)  # type: ignore[union-attr]
        assert final.get("2019-2020", category, "heat").value == D(heat)  # type: ignore[union-attr]
    assert {r.status for r in final.rows.values()} == {"secondary"}
    unverified = sets["cn-ets-power-2021-2022-unverified@1"]
    assert {r.status for r in unverified.rows.values()} == {"uncertain"}
    assert all("UNVERIFIED" in r.note for r in unverified.rows.values())
    draft = sets["cn-ets-power-2019-2020-draft-aug2020@1"]
    assert {r.status for r in draft.rows.values()} == {"superseded"}
    # only the read values are ever a default
    assert default_benchmark_set("2019-2020") is final
    for period in ("2021", "2022", "2023-2024"):
        assert default_benchmark_set(period) is None


def test_a_benchmark_row_without_sources_must_say_it_was_not_read() -> None:
    header = (
        "key,period,category,kind,value,unit,label_zh,label_en,document,table,source_ids,"
        "status,note\n"
    )
    row = "2021.natural_gas.power,2021,natural_gas,power,0.39,tCO2/MWh,a,b,doc,t,,{},{}\n"
    with pytest.raises(FactorError, match="no source ids"):
        parse_benchmark_set(header + row.format("official", "fine"), id="x", edition=1)
    parsed = parse_benchmark_set(header + row.format("uncertain", "NOT READ"), id="x", edition=1)
    assert parsed.rows["2021.natural_gas.power"].source_ids == ()


def coal_2021(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "enterprise": {"name": "Plant 2021"},
        "year": 2021,
        "method": "cn-ets-power-benchmark",
        "units": [
            {
                "id": "u1",
                "category": "coal_conventional_above_300mw",
                "power_supplied": {"value": 1000000, "unit": "MWh"},
                "correction_factors": {"cooling": 1, "heat_supply": 1, "load": 1},
            }
        ],
    }
    doc.update(extra)
    return doc


def test_2021_refuses_unverified_benchmarks_unless_named_and_then_warns() -> None:
    """No verified 2021 benchmark exists: the error names the path and both ways out.
    Naming the unverified set: A = 0.8218 × 1,000,000 = 821,800 t, with a warning and the
    row's status 'uncertain' in the provenance."""
    found = problems(coal_2021())
    message = found["$.units[0].category"]
    assert "no verified power benchmark" in message
    assert "not read" in message
    with pytest.raises(InputError) as info:
        allocate_dict(coal_2021())
    assert "cn-ets-power-2021-2022-unverified@1" in info.value.problems[0].hint
    result = allocate_dict(coal_2021(benchmark_set="cn-ets-power-2021-2022-unverified@1"))
    assert result.total == 821800
    assert [w.code for w in result.warnings] == ["period-rules-unread", "benchmark-unverified"]
    statuses = {p["status"] for p in result.provenance}
    assert statuses == {"uncertain"}
    assert "UNVERIFIED" in result.render_text("en")


def test_missing_benchmark_and_missing_factor_are_reported_at_once() -> None:
    doc = coal_2021()
    del doc["units"][0]["correction_factors"]["load"]
    with pytest.raises(InputError) as info:
        parse_allocation_request(doc)
    assert {str(p.location) for p in info.value.problems} == {
        "$.units[0].correction_factors.load",
        "$.units[0].category",
    }


def test_user_supplied_benchmarks_carry_their_source_and_override_with_a_warning() -> None:
    """User's 2021 value 0.83 (invented for the test): A = 0.83 × 1,000,000 = 830,000 t."""
    doc = coal_2021(
        benchmarks=[
            {
                "category": "coal_conventional_above_300mw",
                "kind": "power",
                "value": "0.83",
                "unit": "tCO2/MWh",
                "source": "test document",
            },
            {
                "category": "coal_conventional_above_300mw",
                "kind": "heat",
                "value": "0.11",
                "unit": "tCO2/GJ",
                "source": "test document",
            },
        ]
    )
    result = allocate_dict(doc)
    assert result.total == 830000
    assert result.benchmark_set is None
    assert {p["status"] for p in result.provenance} == {"user-supplied"}
    assert result.units[0].lines[0].terms[0].origin == "input:$.benchmarks[0]"
    doc["benchmark_set"] = "cn-ets-power-2021-2022-unverified@1"
    result = allocate_dict(doc)
    assert result.total == 830000
    assert {w.code for w in result.warnings} == {"period-rules-unread", "benchmark-overridden"}


def test_superseded_draft_set_can_be_named_and_is_flagged() -> None:
    """Aug-2020 draft, gas 0.404: A = 0.404 × 800,000 × 0.95 + 0.059 × 300,000
    = 307,040 + 17,700 = 324,740 t."""
    doc = example("allocation-gas-unit.json")
    doc["benchmark_set"] = "cn-ets-power-2019-2020-draft-aug2020@1"
    result = allocate_dict(doc)
    assert result.total == 324740
    assert [w.code for w in result.warnings] == ["benchmark-superseded"]


def test_2023_allocates_on_generation_with_user_benchmarks_and_no_heat_supply_factor() -> None:
    """2023-2024 (S19): generation basis, heat-supply factor removed, values not read.
    With a user benchmark 0.8 (invented for the test) and heat 0.1:
    A = 0.8 × 500,000 × 1 × 1.01 + 0.1 × 1,000 = 404,000 + 100 = 404,100 t."""
    doc: dict[str, Any] = {
        "enterprise": {"name": "Plant 2023"},
        "year": 2023,
        "method": "cn-ets-power-benchmark",
        "units": [
            {
                "id": "u1",
                "category": "coal_conventional_300mw_and_below",
                "power_supplied": {"value": 500000, "unit": "MWh"},
                "heat_supplied": {"value": 1000, "unit": "GJ"},
                "correction_factors": {"cooling": 1, "heat_supply": 1, "load": "1.01"},
                "verified_emissions": {"value": 1, "unit": "tCO2"},
            }
        ],
    }
    found = problems(doc)
    assert "power generated" in found["$.units[0].power_supplied"]
    assert (
        "not a correction factor of the 2023-2024 plan"
        in found["$.units[0].correction_factors.heat_supply"]
    )
    unit = doc["units"][0]
    unit["power_generated"] = unit.pop("power_supplied")
    del unit["correction_factors"]["heat_supply"]
    found = problems(doc)
    assert "no verified power benchmark" in found["$.units[0].category"]
    doc["benchmarks"] = [
        {"category": unit["category"], "kind": k, "value": v, "unit": u, "source": "test"}
        for k, v, u in (("power", "0.8", "tCO2/MWh"), ("heat", "0.1", "tCO2/GJ"))
    ]
    found = problems(doc)
    assert list(found) == ["$.units[0].verified_emissions"]
    assert "not read" in found["$.units[0].verified_emissions"]
    del unit["verified_emissions"]
    result = allocate_dict(doc)
    assert result.total == 404100
    assert result.units[0].lines[0].formula == "A = B_s × Q_g × F_l × F_f + B_h × Q_h"


def test_periods_cover_2019_to_2024_once() -> None:
    years = [y for p in PERIODS for y in p.years]
    assert years == [2019, 2020, 2021, 2022, 2023, 2024]


# ---- other methods -----------------------------------------------------------------------


def test_historical_intensity_example() -> None:
    """data/examples/allocation-historical-intensity.json:
    ratio of sums I = (820,000 + 790,000 + 760,000) / (1,000,000 + 980,000 + 950,000)
                    = 2,370,000 / 2,930,000 tCO2e/t
    A = I × 1,020,000 × 0.98 = 2,370,000 × 999,600 / 2,930,000 = 236,905,200 / 293
      = 808,550.17... -> 808,550 t
    mean of ratios: I = (0.82 + 79/98 + 0.8) / 3 = 237.76 / 294;
      A = 237.76 / 294 × 999,600 = 237.76 × 3,400 = 808,384 t exactly.
    """
    doc = example("allocation-historical-intensity.json")
    result = allocate_dict(doc)
    unit = result.units[0]
    expected = D(236905200) / D(293)
    assert abs(unit.lines[1].value - expected) <= TOL
    assert unit.allowances == 808550
    assert unit.lines[0].unit == "tCO2e/t"
    assert unit.lines[0].allowances is None
    doc["units"][0]["intensity_basis"] = "mean_of_ratios"
    unit = allocate_dict(doc).units[0]
    assert abs(unit.lines[1].value - D(808384)) <= TOL
    assert unit.allowances == 808384


def test_historical_intensity_converts_output_units() -> None:
    """Base-year output in 万t converts to the current output's unit (t): same result."""
    doc = example("allocation-historical-intensity.json")
    for h in doc["units"][0]["history"]:
        h["output"] = {"value": D(h["output"]["value"]) / 10000, "unit": "万t"}
    assert allocate_dict(doc).total == 808550


def test_grandfathering_example() -> None:
    """data/examples/allocation-grandfathering.json:
    A = (150,000 + 160,000 + 155,500) / 3 × 0.97 = 155,166.67 × 0.97 = 150,511.67 -> 150,512 t
    E = 152,000 verified; no cap for this method: obligation 152,000 t, shortfall 1,488 t."""
    result = allocate_dict(example("allocation-grandfathering.json"))
    unit = result.units[0]
    assert abs(unit.lines[0].value - D(465500) * D("0.97") / 3) <= TOL
    assert unit.allowances == 150512
    assert unit.settlement.obligation == 152000
    assert unit.settlement.shortfall == 1488


def test_pure_intensity_and_grandfathering_functions() -> None:
    """(10 + 30) / (10 + 20) = 4/3; mean of 10/10 and 30/20 = 1.25; 2 × 100 × 0.9 = 180;
    (100 + 200) / 2 × 0.95 = 142.5."""
    assert abs(historical_intensity([D(10), D(30)], [D(10), D(20)]) - D(4) / D(3)) <= TOL
    assert historical_intensity([D(10), D(30)], [D(10), D(20)], "mean_of_ratios") == D("1.25")
    assert historical_intensity_allocation(D(2), D(100), D("0.9")) == D(180)
    assert grandfathering_allocation([D(100), D(200)], D("0.95")) == D("142.5")


# ---- invalid inputs: exact locations -------------------------------------------------------


def coal_2020() -> dict[str, Any]:
    return example("allocation-coal-two-units.json")


def test_unknown_unit_category() -> None:
    doc = coal_2020()
    doc["units"][1]["category"] = "oil_fired"
    found = problems(doc)
    assert list(found) == ["$.units[1].category"]
    assert "unknown unit category 'oil_fired'" in found["$.units[1].category"]


def test_missing_correction_factor_names_the_factor_and_says_values_were_not_read() -> None:
    doc = coal_2020()
    del doc["units"][0]["correction_factors"]["load"]
    with pytest.raises(InputError) as info:
        allocate_dict(doc)
    (problem,) = info.value.problems
    assert str(problem.location) == "$.units[0].correction_factors.load"
    assert "load-factor correction factor F_f" in problem.message
    assert "not read" in problem.hint


def test_missing_base_year_correction_factor() -> None:
    doc = coal_2020()
    del doc["units"][1]["base_year"]["correction_factors"]["heat_supply"]
    assert list(problems(doc)) == ["$.units[1].base_year.correction_factors.heat_supply"]


def test_negative_output() -> None:
    doc = coal_2020()
    doc["units"][0]["power_supplied"]["value"] = "-5"
    found = problems(doc)
    assert list(found) == ["$.units[0].power_supplied.value"]
    assert "must not be negative" in found["$.units[0].power_supplied.value"]


def test_unknown_period() -> None:
    doc = coal_2020()
    doc["year"] = 2018
    found = problems(doc)
    assert list(found) == ["$.year"]
    assert "no national ETS power allocation period covers 2018" in found["$.year"]


def test_wrong_base_year_wrong_unit_and_bad_set_are_all_reported_together() -> None:
    doc = coal_2020()
    doc["units"][0]["base_year"]["year"] = 2019
    doc["units"][1]["power_supplied"]["unit"] = "t"
    doc["benchmark_set"] = "cn-ets-power-2021-2022-unverified@1"
    found = problems(doc)
    assert set(found) == {
        "$.units[0].base_year.year",
        "$.units[1].power_supplied.unit",
        "$.benchmark_set",
    }
    assert "uses 2018 output" in found["$.units[0].base_year.year"]


def test_other_methods_invalid_inputs() -> None:
    doc = example("allocation-grandfathering.json")
    doc["units"][0]["history"][2]["year"] = 2024
    del doc["units"][0]["reduction_factor"]
    found = problems(doc)
    assert set(found) == {"$.units[0].history[2].year", "$.units[0].reduction_factor"}
    doc = example("allocation-historical-intensity.json")
    doc["units"][0]["reduction_factor"] = "1.2"
    doc["units"][0]["history"][0]["output"]["unit"] = "MWh"
    doc["method"] = "historical-intensity"
    found = problems(doc)
    assert set(found) == {"$.units[0].reduction_factor", "$.units[0].history[0].output.unit"}
    doc["method"] = "auction"
    assert "unknown method 'auction'" in problems(doc)["$.method"]


def test_floats_are_refused() -> None:
    doc = coal_2020()
    doc["units"][0]["correction_factors"]["load"] = 1.0
    assert "binary float" in problems(doc)["$.units[0].correction_factors.load"]


# ---- result: canonical JSON, digests, text ---------------------------------------------------


def test_canonical_json_and_digests_are_stable_and_spelling_independent() -> None:
    """The same request written with JSON numbers instead of strings has the same input
    digest; the canonical JSON round-trips; digests are pinned (same on every machine)."""
    doc = coal_2020()
    result = allocate_dict(doc)
    respelled = json.loads(json.dumps(doc, default=str).replace('"3000000"', "3000000"))
    respelled = parse_json_text(json.dumps(respelled))
    again = allocate_dict(respelled)
    assert again.input_digest == result.input_digest
    assert again.to_json() == result.to_json()
    body = json.loads(result.to_json())
    assert body["digests"]["result"] == result.result_digest
    assert body["totals"]["allowances"] == 3925901
    assert body["units"][0]["lines"][0]["terms"][0]["origin"] == (
        "cn-ets-power-2019-2020@1:2019-2020.coal_conventional_above_300mw.power"
    )
    assert canonical.digest(result.request.as_dict()) == result.input_digest
    assert result.input_digest == PINNED_INPUT
    assert result.result_digest == PINNED_RESULT


PINNED_INPUT = "sha256:1001f60eb7709882d7219269e9ad64bccb34e272f9e59ba4500e9e74d855ed59"
PINNED_RESULT = "sha256:4bff9dfbafd2c39081b8da33912fb9d8026993c9af1a276ecffda340b28629fc"


def test_render_text_in_both_languages() -> None:
    result = allocate_dict(coal_2020())
    en = result.render_text("en")
    zh = result.render_text("zh")
    assert "3,925,901" in en and "3,925,901" in zh
    assert "Allowance allocation" in en
    assert "配额分配结果" in zh
    assert "A = B_s × Q_s × F_l × F_r × F_f + B_h × Q_h" in en
    assert "[benchmark-secondary]" in en


@pytest.mark.parametrize("name", example_paths())
def test_every_example_reads_from_a_path_and_allocates(name: str) -> None:
    path = Path(str(EXAMPLES / name))
    result = allocate(read_allocation_request(path))
    assert result.total > 0
    assert result.to_dict()["digests"]["input"] == result.input_digest


def test_the_four_examples_exist() -> None:
    assert example_paths() == [
        "allocation-coal-two-units.json",
        "allocation-gas-unit.json",
        "allocation-grandfathering.json",
        "allocation-historical-intensity.json",
    ]


# ---- properties ------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10**8, places=3, allow_nan=False)
factors = st.decimals(min_value=D("0.5"), max_value=D("1.5"), places=4, allow_nan=False)
scales = st.integers(min_value=0, max_value=1000).map(D)


@settings(max_examples=60, deadline=None)
@given(
    category=st.sampled_from(
        [
            "coal_conventional_above_300mw",
            "coal_conventional_300mw_and_below",
            "coal_unconventional",
            "natural_gas",
        ]
    ),
    power=amounts,
    heat=amounts,
    cooling=factors,
    heat_supply=factors,
    load=factors,
    k=scales,
)
def test_benchmark_allocation_is_linear_in_output_and_non_negative(
    *,
    category: str,
    power: Decimal,
    heat: Decimal,
    cooling: Decimal,
    heat_supply: Decimal,
    load: Decimal,
    k: Decimal,
) -> None:
    def doc(scale: Decimal) -> dict[str, Any]:
        return {
            "enterprise": {"name": "p"},
            "year": 2020,
            "method": "cn-ets-power-benchmark",
            "units": [
                {
                    "id": "u",
                    "category": category,
                    "power_supplied": {"value": power * scale, "unit": "MWh"},
                    "heat_supplied": {"value": heat * scale, "unit": "GJ"},
                    "correction_factors": {
                        "cooling": cooling,
                        "heat_supply": heat_supply,
                        "load": load,
                    },
                }
            ],
        }

    base = allocate_dict(doc(D(1))).units[0]
    scaled = allocate_dict(doc(k)).units[0]
    assert base.lines[0].value >= 0
    assert base.allowances >= 0
    # the inputs have few digits, so the policy's 34-digit precision is exact: equality, no
    # tolerance (the product is formed in that precision too; Python's default is 28 digits)
    assert scaled.lines[0].value == CONTEXT.multiply(k, base.lines[0].value)


@settings(max_examples=60, deadline=None)
@given(
    history=st.lists(st.tuples(amounts, amounts.map(lambda p: p + 1)), min_size=1, max_size=4),
    output=amounts,
    r=st.decimals(min_value=0, max_value=1, places=3, allow_nan=False),
    k=scales,
)
def test_intensity_and_grandfathering_scale_linearly_and_are_non_negative(
    history: list[tuple[Decimal, Decimal]], output: Decimal, r: Decimal, k: Decimal
) -> None:
    emissions = [e for e, _ in history]
    outputs = [p for _, p in history]
    intensity = historical_intensity(emissions, outputs)
    a = historical_intensity_allocation(intensity, output, r)
    assert a >= 0
    assert abs(historical_intensity_allocation(intensity, output * k, r) - k * a) <= D(
        "1e-20"
    ) * max(D(1), k * a)
    g = grandfathering_allocation(emissions, r)
    assert g >= 0
    gk = grandfathering_allocation([e * k for e in emissions], r)
    assert abs(gk - k * g) <= D("1e-20") * max(D(1), k * g)


def test_request_dict_is_not_mutated() -> None:
    doc = coal_2020()
    before = copy.deepcopy(doc)
    allocate_dict(doc)
    assert doc == before
