"""Pieces shared by several methodologies."""

from __future__ import annotations

from carbonledger.accounting.context import Context
from carbonledger.accounting.errors import ROOT, Collector
from carbonledger.accounting.sources import Electricity, Heat, SourceType

#: The six regional grids of the 2012 NDRC factors used by the 2013 guidelines.
GRID_REGIONS_2012 = ("东北", "华北", "华东", "华中", "西北", "南方")


def energy_sources() -> list[SourceType]:
    """Net purchased and exported electricity and heat, as every 2013 guideline counts them."""
    return [
        Electricity(),
        Electricity(
            name="exported_electricity",
            category="exported_electricity",
            label_en="exported electricity",
            label_zh="输出的电力",
            quantity_label_en="electricity exported",
            quantity_label_zh="输出电量",
            sign=-1,
        ),
        Heat(),
        Heat(
            name="exported_heat",
            category="exported_heat",
            label_en="exported heat",
            label_zh="输出的热力",
            quantity_label_en="heat exported",
            quantity_label_zh="输出热量",
            sign=-1,
        ),
    ]


def select_regional_grid(ctx: Context, region: str | None, errors: Collector) -> None:
    """Use the 2012 regional grid factor named by ``options.grid_region``.

    Without the option, the enterprise's declared ``region`` is used when it names one of
    the six grids; the choice is recorded in the report summary.
    """
    if region is None:
        return
    if region not in GRID_REGIONS_2012:
        errors.add(
            ROOT.child("options").child("grid_region"),
            "unknown-value",
            hint="one-of",
            field="grid region",
            value=repr(region),
            choices=", ".join(GRID_REGIONS_2012),
        )
        return
    ctx.electricity = ctx.factor_term(
        "EF_grid", f"grid.{region}.2012", "tCO2/MWh", ROOT.child("options").child("grid_region")
    )
