"""Units and explicit conversion.

Every quantity entering a calculation carries a unit; :func:`convert` changes it to the
unit a formula needs, or raises :class:`UnitError` when the dimensions differ (tonnes can
become kilograms, never cubic metres). Compound units are written ``numerator/denominator``
(``GJ/t``, ``tC/TJ``, ``kgCO2/kWh``).

Dimensions and their base units:

=================  =========  ============================================================
dimension          base       accepted units
=================  =========  ============================================================
mass               t          t, kg, g, kt, Mt, 万t (10^4 t)
gas volume         Nm3        Nm3, 10^4 Nm3 (万Nm3), 10^8 Nm3 (亿Nm3) — normal conditions
energy             GJ         GJ, MJ, kJ, TJ, PJ, MWh, kWh, GWh, 万kWh, tce (29.3076 GJ)
carbon             tC         tC, kgC
gas <X> mass       t<X>       t<X>, kg<X>, g<X> for CO2, CO2e, CH4, N2O, SF6, CF4, C2F6, ...
fraction           1          fraction, 1, %
=================  =========  ============================================================

A carbon content in tC/t is a mass fraction: it converts to and from ``%`` and ``fraction``.

1 tce (tonne of coal equivalent) = 29.3076 GJ, the Chinese statistical convention (GB/T 2589).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from carbonledger.accounting.errors import CodedError
from carbonledger.accounting.numbers import CONTEXT


class UnitError(CodedError):
    """An unknown unit, or a conversion between different dimensions."""


@dataclass(frozen=True, slots=True)
class Unit:
    symbol: str
    #: A tuple of (dimension, power) pairs, sorted; a simple unit has one pair with power 1.
    dimension: tuple[tuple[str, int], ...]
    #: Multiply a value in this unit by ``scale`` to express it in the dimension's base units.
    scale: Decimal

    @property
    def dimension_name(self) -> str:
        parts = []
        for name, power in self.dimension:
            parts.append(name if power == 1 else f"{name}^{power}")
        return " ".join(parts) or "dimensionless"

    @property
    def dimension_name_zh(self) -> str:
        parts = []
        for name, power in self.dimension:
            word = _DIMENSIONS_ZH.get(name) or (
                f"{name.removeprefix('mass ')} 质量" if name.startswith("mass ") else name
            )
            parts.append(word if power == 1 else f"{word}^{power}")
        return "·".join(parts) or "无量纲"


_DIMENSIONS_ZH = {"mass": "质量", "energy": "能量", "volume": "体积", "carbon": "碳"}


_D = Decimal
#: the one Decimal 1 returned for same-scale conversions, so convert() can test identity
_ONE = Decimal(1)

_SIMPLE: dict[str, tuple[str, Decimal]] = {
    # mass
    "t": ("mass", _D(1)),
    "kg": ("mass", _D("0.001")),
    "g": ("mass", _D("0.000001")),
    "kt": ("mass", _D(1000)),
    "Mt": ("mass", _D(1000000)),
    "万t": ("mass", _D(10000)),
    "10^4t": ("mass", _D(10000)),
    # gas volume at normal conditions
    "Nm3": ("volume", _D(1)),
    "10^4Nm3": ("volume", _D(10000)),
    "万Nm3": ("volume", _D(10000)),
    "10^8Nm3": ("volume", _D(100000000)),
    "亿Nm3": ("volume", _D(100000000)),
    # energy
    "GJ": ("energy", _D(1)),
    "MJ": ("energy", _D("0.001")),
    "kJ": ("energy", _D("0.000001")),
    "TJ": ("energy", _D(1000)),
    "PJ": ("energy", _D(1000000)),
    "MWh": ("energy", _D("3.6")),
    "kWh": ("energy", _D("0.0036")),
    "GWh": ("energy", _D(3600)),
    "万kWh": ("energy", _D(36)),
    "10^4kWh": ("energy", _D(36)),
    "tce": ("energy", _D("29.3076")),
    # carbon
    "tC": ("carbon", _D(1)),
    "kgC": ("carbon", _D("0.001")),
    # dimensionless
    "fraction": ("", _D(1)),
    "1": ("", _D(1)),
    "%": ("", _D("0.01")),
}

#: Gases whose mass is its own dimension, so tCO2 never silently becomes tonnes of fuel.
GASES = ("CO2", "CO2e", "CH4", "N2O", "SF6", "CF4", "C2F6", "NF3", "HFC")

for _gas in GASES:
    _SIMPLE[f"t{_gas}"] = (f"mass {_gas}", _D(1))
    _SIMPLE[f"kg{_gas}"] = (f"mass {_gas}", _D("0.001"))
    _SIMPLE[f"g{_gas}"] = (f"mass {_gas}", _D("0.000001"))

_ALIASES = {
    "³": "3",
    "⁴": "^4",
    "⁸": "^8",
    "×": "",
    " ": "",
    # longest spelling first: replacing "tonne" first would leave "ts" of "tonnes"
    "tonnes": "t",
    "tonne": "t",
    "吨": "t",
    "千克": "kg",
    "公斤": "kg",
    "万标立方米": "万Nm3",
    "万立方米": "万Nm3",
    "标立方米": "Nm3",
    "千瓦时": "kWh",
    "兆瓦时": "MWh",
    "吉焦": "GJ",
    "10^4kWh": "10^4kWh",
}


def _normalise(symbol: str) -> str:
    text = symbol.strip()
    for old, new in _ALIASES.items():
        text = text.replace(old, new)
    text = text.replace("104Nm3", "10^4Nm3").replace("108Nm3", "10^8Nm3")
    return text


def _simple(symbol: str, original: str) -> tuple[str, Decimal]:
    try:
        return _SIMPLE[symbol]
    except KeyError:
        pass
    # Gas-specific masses for any gas name, e.g. kgHFC134a
    for prefix, scale in (("kg", _D("0.001")), ("g", _D("0.000001")), ("t", _D(1))):
        rest = symbol[len(prefix) :]
        if symbol.startswith(prefix) and rest[:1].isupper() and rest.isalnum():
            return (f"mass {rest}", scale)
    raise UnitError("unknown-value", field="unit", value=repr(original))


def canonical_unit(symbol: str) -> str:
    """The spelling of ``symbol`` this module uses (``吨`` -> ``t``, ``10⁴ Nm³`` -> ``10^4Nm3``).

    Raises :class:`UnitError` for a unit it does not know. Canonical spellings map to
    themselves, so cleaning a document twice changes nothing the second time.
    """
    parse_unit(symbol)
    return _normalise(symbol)


@lru_cache(maxsize=1024)
def parse_unit(symbol: str) -> Unit:
    """Parse a unit symbol such as ``t``, ``10^4 Nm3``, ``GJ/t`` or ``tCO2/MWh``."""
    if not isinstance(symbol, str) or not symbol.strip():
        raise UnitError("required", field="unit")
    text = _normalise(symbol)
    parts = text.split("/")
    if len(parts) > 2 or not all(parts):
        raise UnitError("unknown-value", hint="compound-unit", field="unit", value=repr(symbol))
    powers: dict[str, int] = {}
    scale = _D(1)
    for index, part in enumerate(parts):
        dim, part_scale = _simple(part, symbol)
        sign = 1 if index == 0 else -1
        if dim:
            powers[dim] = powers.get(dim, 0) + sign
        scale = scale * part_scale if sign == 1 else CONTEXT.divide(scale, part_scale)
    dimension = tuple(sorted((k, v) for k, v in powers.items() if v != 0))
    return Unit(symbol.strip(), dimension, scale)


#: Dimensions treated as the same quantity: a carbon content in tC/t is a mass fraction, so
#: laboratories' "56.3 %" and the guidelines' "0.563 tC/t" convert into each other.
_Dimension = tuple[tuple[str, int], ...]
_EQUIVALENT: dict[_Dimension, _Dimension] = {(("carbon", 1), ("mass", -1)): ()}


def _canonical_dimension(dimension: _Dimension) -> _Dimension:
    return _EQUIVALENT.get(dimension, dimension)


@lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> Decimal:
    """The number to multiply a value in ``from_unit`` by to express it in ``to_unit``."""
    src = parse_unit(from_unit)
    dst = parse_unit(to_unit)
    if _canonical_dimension(src.dimension) != _canonical_dimension(dst.dimension):
        raise UnitError(
            "unit-incompatible",
            unit=repr(from_unit),
            dimension=src.dimension_name,
            to_unit=repr(to_unit),
            to_dimension=dst.dimension_name,
            dimension_zh=src.dimension_name_zh,
            to_dimension_zh=dst.dimension_name_zh,
        )
    if src.scale == dst.scale:
        return _ONE
    return CONTEXT.divide(src.scale, dst.scale)


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    if from_unit == to_unit:
        return value
    factor = conversion_factor(from_unit, to_unit)
    return value if factor is _ONE else CONTEXT.multiply(value, factor)


def same_dimension(a: str, b: str) -> bool:
    return _canonical_dimension(parse_unit(a).dimension) == _canonical_dimension(
        parse_unit(b).dimension
    )
