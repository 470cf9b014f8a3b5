"""ghg-protocol-corporate@1 — GHG Protocol Corporate Standard, scopes 1 and 2, by hand.

Formulas:
    stationary combustion  E_gas = FC × NCV × 10^-3 [TJ/GJ] × EF_gas [kg/TJ] × 10^-3 [t/kg]
                           (IPCC 2006 Vol. 2 Ch. 2; CH4/N2O from Table 2.3 "manufacturing"
                           unless options.combustion_sector = energy, Table 2.2)
    fugitive / process     E = m (mass of the gas); CO2e = m × GWP of options.gwp
    electricity (scope 2)  location: AD × EF_location (MEE/NBS average factor of the region and
                           year); market: AD × EF_contractual (green certificate = 0) or, without
                           an instrument, AD × the factor excluding market-traded non-fossil power
    heat (scope 2)         E = AD × EF of the supplier (no default)
    biogenic CO2 from biomass is a memo item, outside scopes and total.
Factors:
    ipcc-2006@1: fuel.natural_gas.ef_co2 56,100 kgCO2/TJ; .ef_ch4.manufacturing 1 kgCH4/TJ and
    .ef_n2o.manufacturing 0.1 kgN2O/TJ (both status uncertain); fuel.gas_diesel_oil.ncv 43.0 GJ/t,
    .ef_co2 74,100, .ef_ch4.manufacturing 3, .ef_n2o.manufacturing 0.6 (Table 2.3);
    fuel.wood_wood_waste.ncv 15.6 GJ/t, .ef_co2 112,000, CH4 30, N2O 4 kg/TJ
    cn-electricity-mee-nbs@1: electricity.average.华东.2023 0.5500 kgCO2/kWh,
    electricity.excl_market_nonfossil.全国.2023 0.6096 kgCO2/kWh,
    electricity.average.江苏.2022 0.5978 kgCO2/kWh (secondary)
    GWP100 CH4 / N2O / HFC-134a: SAR 21/310/1300, AR4 25/298/1430, AR5 28/265/1300,
    AR6 27.9/273/1530
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
from support import close as _close
from support import origins as _origins

from carbonledger.accounting.engine import calculate_dict
from carbonledger.accounting.errors import InputError
from carbonledger.accounting.guide import GUIDES
from carbonledger.accounting.model import ResultLine
from carbonledger.accounting.report import Report

IPCC = "ipcc-2006@1"
ELEC = "cn-electricity-mee-nbs@1"


def _doc(lines: list[dict[str, Any]], **options: str) -> dict[str, Any]:
    return {
        "enterprise": {"name": "测试制造有限公司"},
        "period": {"year": 2023},
        "methodology": "ghg-protocol-corporate@1",
        "options": options,
        "facilities": [{"id": "plant", "lines": lines}],
    }


def _lines(report: Report, line_id: str) -> dict[str, ResultLine]:
    """The result lines of one activity line, by gas (electricity: by scope)."""
    found = [ln for ln in report.lines if ln.line == line_id]
    return {ln.scope if ln.source == "purchased_electricity" else ln.gas: ln for ln in found}


def _example() -> dict[str, Any]:
    path = resources.files("carbonledger.accounting") / "data/examples/ghg_protocol.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return document


def test_packaged_example_market_based_with_green_certificates_by_hand() -> None:
    """data/examples/ghg_protocol.json: a 苏州 manufacturer, 2023, AR5, scope 2 market-based.

    natural gas: 150 × 10^4 Nm3 × 389.31 GJ/10^4Nm3 = 58,396.5 GJ = 58.3965 TJ
        CO2 58.3965 × 56,100 kg = 3,276.04365 t; CH4 58.3965 × 1 kg = 0.0583965 t × 28
        = 1.635102; N2O 58.3965 × 0.1 kg = 0.00583965 t × 265 = 1.547507 tCO2e
    diesel: 60 t × 43.0 GJ/t = 2.58 TJ; CO2 2.58 × 74,100 kg = 191.178 t;
        CH4 2.58 × 3 kg = 0.00774 t × 28 = 0.21672; N2O 2.58 × 0.6 kg = 0.001548 t × 265 = 0.41022
    HFC-134a top-up (leak): 85 kg = 0.085 t × 1,300 = 110.5 tCO2e
    scope 1 = 3,276.04365 + 1.635102 + 1.547507 + 191.178 + 0.21672 + 0.41022 + 110.5
            = 3,581.531199 tCO2e
    scope 2 location = (6,000 + 14,000) MWh × 0.55 = 11,000 tCO2
    scope 2 market = 6,000 MWh × 0 (green certificates) + 14,000 MWh × 0.6096 = 8,534.4 tCO2
    total (market) = 3,581.531 + 8,534.4 = 12,115.93 tCO2e; location figure is a memo item
    """
    report = calculate_dict(_example())
    gas = _lines(report, "natural-gas")
    assert _close(gas["CO2"].co2e, "3276.04365")
    assert _close(gas["CH4"].co2e, "1.635102")
    assert _close(gas["N2O"].co2e, "1.547507")
    assert gas["CH4"].emission == Decimal("0.0583965")
    diesel = _lines(report, "diesel")
    assert _close(diesel["CO2"].co2e, "191.178")
    assert _close(diesel["CH4"].co2e, "0.21672")
    assert _close(diesel["N2O"].co2e, "0.41022")
    leak = _lines(report, "chiller-leak")["HFC134a"]
    assert (leak.emission, leak.gwp, leak.co2e) == (
        Decimal("0.085"),
        Decimal("1300"),
        Decimal("110.500"),
    )
    assert leak.gwp_origin == "gwp-ar5@1:gwp.HFC134a"
    assert leak.scope == "1"
    green = _lines(report, "grid-green")
    assert green["2-market"].co2e == 0
    assert _close(green["2-location"].co2e, "3300")
    rest = _lines(report, "grid")
    assert _close(rest["2-market"].co2e, "8534.4")
    assert _close(rest["2-location"].co2e, "7700")
    assert _close(report.summary["scope1"], "3581.531199")
    assert _close(report.summary["scope2_location"], "11000")
    assert _close(report.summary["scope2_market"], "8534.4")
    assert report.summary["scope2_method"] == "market"
    assert _close(report.total, "12115.93")
    assert _close(report.by_category["scope2_alternative"], "11000")
    assert _close(report.by_category["other_gases"], "110.5")
    assert _close(report.by_gas["CH4"]["emission"], "0.0661365")
    # provenance of every factor
    assert _origins(gas["CO2"])["EF_CO2"] == f"{IPCC}:fuel.natural_gas.ef_co2"
    assert _origins(gas["CO2"])["NCV"] == "measured"
    assert _origins(gas["CH4"])["EF_CH4"] == f"{IPCC}:fuel.natural_gas.ef_ch4.manufacturing"
    assert _origins(diesel["CO2"])["NCV"] == f"{IPCC}:fuel.gas_diesel_oil.ncv"
    assert _origins(diesel["N2O"])["EF_N2O"] == f"{IPCC}:fuel.gas_diesel_oil.ef_n2o.manufacturing"
    assert _origins(green["2-market"])["EF_market"] == "measured"
    assert _origins(rest["2-location"])["EF_location"] == f"{ELEC}:electricity.average.华东.2023"
    assert (
        _origins(rest["2-market"])["EF_residual"]
        == f"{ELEC}:electricity.excl_market_nonfossil.全国.2023"
    )
    # The Table 2.3 natural-gas CH4/N2O rows are of uncertain provenance: flagged, once each.
    assert [w.code for w in report.warnings] == ["uncertain-default", "uncertain-default"]


def test_location_based_total_keeps_market_as_memo() -> None:
    """Same data with scope2_method = location: total = 3,581.531199 + 11,000 = 14,581.53."""
    document = _example()
    document["options"]["scope2_method"] = "location"
    report = calculate_dict(document)
    assert _close(report.total, "14581.53")
    assert _close(report.by_category["purchased_electricity"], "11000")
    assert _close(report.by_category["scope2_alternative"], "8534.4")
    assert _close(report.summary["scope2_market"], "8534.4")


@pytest.mark.parametrize(
    ("gwp", "gwp_ch4", "gwp_n2o", "gwp_hfc", "scope1"),
    [
        # CO2 3,467.22165 + CH4 0.0661365 t × GWP + N2O 0.00738765 t × GWP + 0.085 t × GWP
        ("SAR", "21", "310", "1300", "3581.400688"),  # + 1.388867 + 2.290172 + 110.5
        ("AR4", "25", "298", "1430", "3592.626582"),  # + 1.653413 + 2.201520 + 121.55
        ("AR5", "28", "265", "1300", "3581.531199"),  # + 1.851822 + 1.957727 + 110.5
        ("AR6", "27.9", "273", "1530", "3601.133687"),  # + 1.845208 + 2.016828 + 130.05
    ],
)
def test_gwp_set_changes_only_non_co2_gases(
    gwp: str, gwp_ch4: str, gwp_n2o: str, gwp_hfc: str, scope1: str
) -> None:
    document = copy.deepcopy(_example())
    document["options"]["gwp"] = gwp
    report = calculate_dict(document)
    assert _close(report.by_gas["CO2"]["co2e"] - Decimal("8534.4"), "3467.22165")
    assert report.by_gas["CH4"]["co2e"] == Decimal("0.0661365") * Decimal(gwp_ch4)
    assert report.by_gas["N2O"]["co2e"] == Decimal("0.00738765") * Decimal(gwp_n2o)
    assert report.by_gas["HFC134a"]["co2e"] == Decimal("0.085") * Decimal(gwp_hfc)
    assert _close(report.summary["scope1"], scope1)
    assert _close(report.total, str(Decimal(scope1) + Decimal("8534.4")))
    assert f"gwp-{gwp.lower()}@1" in report.table.lineage


def test_biogenic_co2_memo_supplier_heat_and_missing_residual_mix_by_hand() -> None:
    """Wood pellets, process CO2, purchased steam, and 江苏's 2022 factor (no 2022 residual mix).

    wood pellets: 200 t × 15.6 GJ/t = 3.12 TJ; CO2 3.12 × 112,000 kg = 349.44 t (biogenic,
        memo, not in the total); CH4 3.12 × 30 kg = 0.0936 t × 28 = 2.6208;
        N2O 3.12 × 4 kg = 0.01248 t × 265 = 3.3072 (both scope 1)
    process CO2 (soda ash neutralising waste water), metered as 50 t CO2: 50 (scope 1)
    steam from the industrial park: 5,000 GJ × 0.095 tCO2/GJ (supplier) = 475 (scope 2)
    electricity: 1,000 MWh × 0.5978 (江苏 2022) = 597.8; no 2022 residual-mix factor, so the
        market-based figure uses the location factor too, with a warning
    total (location) = 2.6208 + 3.3072 + 50 + 475 + 597.8 = 1,128.728 tCO2e
    """
    lines = [
        {
            "id": "pellets",
            "source": "stationary_combustion",
            "fuel": "wood_wood_waste",
            "quantity": {"value": "200", "unit": "t"},
        },
        {
            "id": "neutralisation",
            "source": "process_emissions",
            "gas": "CO2",
            "quantity": {"value": "50", "unit": "tCO2"},
        },
        {
            "id": "steam",
            "source": "purchased_heat",
            "quantity": {"value": "5000", "unit": "GJ"},
            "parameters": {"emission_factor": {"value": "0.095", "unit": "tCO2/GJ"}},
        },
        {
            "id": "grid",
            "source": "purchased_electricity",
            "quantity": {"value": "1000", "unit": "MWh"},
        },
    ]
    document = _doc(lines, grid_region="江苏", electricity_factor_year="2022")
    report = calculate_dict(document)
    wood = _lines(report, "pellets")
    assert wood["CO2"].category == "biogenic"
    assert wood["CO2"].scope == ""
    assert _close(wood["CO2"].emission, "349.44")
    assert _close(wood["CH4"].co2e, "2.6208")
    assert _close(wood["N2O"].co2e, "3.3072")
    assert _close(report.summary["biogenic_co2"], "349.44")
    process = _lines(report, "neutralisation")["CO2"]
    assert (process.co2e, process.scope, process.category) == (Decimal(50), "1", "process")
    assert _close(report.summary["scope1"], "55.928")
    assert _close(report.summary["scope2_location"], "1072.8")
    assert _close(report.summary["scope2_market"], "1072.8")
    assert _close(report.total, "1128.728")
    assert _close(report.by_gas["CO2"]["co2e"], "1122.8")
    grid = _lines(report, "grid")
    assert _origins(grid["2-location"])["EF_location"] == f"{ELEC}:electricity.average.江苏.2022"
    assert _origins(grid["2-market"])["EF_location"] == f"{ELEC}:electricity.average.江苏.2022"
    assert "no-residual-mix" in [w.code for w in report.warnings]


def test_energy_sector_option_selects_table_2_2_factors() -> None:
    """100 t other bituminous coal = 100 × 25.8 GJ/t = 2.58 TJ.

    manufacturing (Table 2.3): CH4 2.58 × 10 kg = 0.0258 t
    energy (Table 2.2): CH4 2.58 × 1 kg = 0.00258 t; CO2 2.58 × 94,600 kg = 244.068 t either way
    """
    line = {
        "id": "coal",
        "source": "stationary_combustion",
        "fuel": "other_bituminous_coal",
        "quantity": {"value": "100", "unit": "t"},
    }
    manufacturing = _lines(calculate_dict(_doc([line])), "coal")
    energy = _lines(calculate_dict(_doc([line], combustion_sector="energy")), "coal")
    assert manufacturing["CH4"].emission == Decimal("0.0258")
    assert energy["CH4"].emission == Decimal("0.00258")
    assert manufacturing["CO2"].emission == energy["CO2"].emission == Decimal("244.068")
    assert _origins(energy["CH4"])["EF_CH4"] == f"{IPCC}:fuel.other_bituminous_coal.ef_ch4.energy"


def test_refrigerant_blend_and_unconvertible_gas_volume_are_refused() -> None:
    """R-410A is a blend: report its components (HFC-32, HFC-125) as separate lines.

    Natural gas in 10^4 Nm3 needs a volumetric NCV: the IPCC NCV is per tonne.
    """
    lines = [
        {
            "id": "leak",
            "source": "fugitive_emissions",
            "gas": "R410A",
            "quantity": {"value": "10", "unit": "kg"},
        },
        {
            "id": "gas",
            "source": "stationary_combustion",
            "fuel": "natural_gas",
            "quantity": {"value": "100", "unit": "万Nm3"},
        },
    ]
    with pytest.raises(InputError) as err:
        calculate_dict(_doc(lines, grid_region="华东"))
    assert [str(p.location) for p in err.value.problems] == [
        "$.facilities[0].lines[0].gas",
        "$.facilities[0].lines[1].quantity",
    ]
    assert "HFC32" in err.value.problems[0].hint
    assert "cannot convert" in err.value.problems[1].message


def test_bad_options_and_heat_without_supplier_factor_are_refused() -> None:
    heat = {"id": "steam", "source": "purchased_heat", "quantity": {"value": "10", "unit": "GJ"}}
    for option, value in (("gwp", "AR3"), ("scope2_method", "hybrid")):
        with pytest.raises(InputError) as err:
            calculate_dict(_doc([heat], **{option: value}))
        assert [str(p.location) for p in err.value.problems] == [
            f"$.options.{option}",
            "$.facilities[0].lines[0].parameters.emission_factor",
        ]


def test_guidance_page_embeds_the_packaged_example_and_its_total() -> None:
    """The guidance page shows the packaged example and the total worked above."""
    page = GUIDES / "ghg-protocol-corporate@1.md"
    text = page.read_text(encoding="utf-8")
    (block,) = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    assert json.loads(block, parse_float=Decimal) == _example()
    assert re.findall(r"<!-- expected-total: (\S+) -->", text) == ["12115.93"]
