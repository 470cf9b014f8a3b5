from decimal import Decimal

import pytest

from carbonledger.accounting.units import (
    UnitError,
    canonical_unit,
    conversion_factor,
    convert,
    parse_unit,
)


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        ("21", "10^4 Nm3", "Nm3", "210000"),
        ("21", "万Nm3", "10^4Nm3", "21"),
        ("5", "kWh", "MWh", "0.005"),
        ("3", "万kWh", "MWh", "30"),
        ("41816", "kJ/kg", "GJ/t", "41.816"),
        ("20.1", "tC/TJ", "tC/GJ", "0.0201"),
        ("0.5306", "kgCO2/kWh", "tCO2/MWh", "0.5306"),
        ("93", "%", "fraction", "0.93"),
        ("1", "tce", "GJ", "29.3076"),
        ("2.5", "吨", "kg", "2500"),
        ("56.3", "%", "tC/t", "0.563"),
        ("0.2", "tC/t", "fraction", "0.2"),
    ],
)
def test_conversions(value: str, src: str, dst: str, expected: str) -> None:
    assert convert(Decimal(value), src, dst) == Decimal(expected)


@pytest.mark.parametrize(
    ("src", "dst"),
    [("t", "Nm3"), ("MWh", "t"), ("GJ/t", "GJ/10^4Nm3"), ("tCO2", "t"), ("kgCH4", "kgN2O")],
)
def test_incompatible_units_are_refused(src: str, dst: str) -> None:
    with pytest.raises(UnitError, match="cannot convert"):
        conversion_factor(src, dst)


@pytest.mark.parametrize("bad", ["", "furlong", "t/", "a/b/c", "m3"])
def test_unknown_units_are_refused(bad: str) -> None:
    with pytest.raises(UnitError):
        parse_unit(bad)


def test_gas_masses_are_their_own_dimension() -> None:
    assert parse_unit("kgHFC134a").dimension == (("mass HFC134a", 1),)
    assert convert(Decimal("1500"), "kgHFC134a", "tHFC134a") == Decimal("1.5")


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("吨", "t"),
        ("tonnes", "t"),
        ("tonne", "t"),
        (" kWh ", "kWh"),
        ("10⁴ Nm³", "10^4Nm3"),
        ("万立方米", "万Nm3"),
        ("GJ/吨", "GJ/t"),
        ("tC/TJ", "tC/TJ"),
    ],
)
def test_canonical_unit_spelling(spelling: str, canonical: str) -> None:
    assert canonical_unit(spelling) == canonical
    assert canonical_unit(canonical) == canonical
    assert convert(Decimal(7), spelling, canonical) == Decimal(7)


def test_canonical_unit_refuses_unknown_units() -> None:
    with pytest.raises(UnitError, match="unknown unit 'Gj'"):
        canonical_unit("Gj")
