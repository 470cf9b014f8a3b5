"""Result types shared by sources, methodologies and reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Final, NamedTuple

#: Breakdown categories. Deductions carry negative emissions; memo items are reported but
#: not added to the total (biogenic CO2, as the GHG Protocol requires).
CATEGORIES = {
    "fuel_combustion": ("化石燃料燃烧", "fuel combustion"),
    "process": ("工业生产过程", "industrial process"),
    "other_gases": ("其他温室气体", "other greenhouse gases"),
    "transmission_loss": ("输配电损失", "transmission and distribution loss"),
    "purchased_electricity": ("净购入电力", "purchased electricity"),
    "exported_electricity": ("输出电力", "exported electricity"),
    "purchased_heat": ("净购入热力", "purchased heat"),
    "exported_heat": ("输出热力", "exported heat"),
    "co2_recovered": ("CO2回收利用", "CO2 recovered"),
    "carbon_sequestration": ("固碳产品隐含排放", "carbon in products"),
    "biogenic": ("生物质CO2(不计入总量)", "biogenic CO2 (memo, not in total)"),
    "scope2_alternative": (
        "范围二另一种方法(不计入总量)",
        "scope 2 by the other method (memo, not in total)",
    ),
}
MEMO_CATEGORIES: Final = frozenset({"biogenic", "scope2_alternative"})


class Term(NamedTuple):
    """One factor of a formula: its symbol, value, unit and where the value came from.

    A named tuple: a calculation creates several per line, so creation must be cheap.
    ``origin`` is ``input`` (the activity quantity), ``measured`` (a parameter the
    enterprise supplied), ``constant`` (a physical or formula constant), ``default`` (a
    documented default of the source type), or a factor-row reference ``set@edition:key``.
    """

    symbol: str
    value: Decimal
    unit: str
    origin: str


class ResultLine(NamedTuple):
    """One gas of one computed activity line.

    A named tuple (immutable, built without a Python-level ``__init__``): every line of
    every calculation creates one or more.
    """

    facility: str
    line: str
    source: str
    category: str
    gas: str
    material: str
    formula: str
    terms: tuple[Term, ...]
    #: tonnes of ``gas``; negative for deductions
    emission: Decimal
    gwp: Decimal
    gwp_origin: str
    #: tCO2e
    co2e: Decimal
    scope: str = ""
