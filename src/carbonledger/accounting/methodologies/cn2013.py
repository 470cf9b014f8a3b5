"""The ten first-batch NDRC industry guidelines (2013, 试行), 发改办气候〔2013〕2526号.

Each guideline counts fossil fuel combustion, its industry's process emissions, and net
purchased electricity and heat (exported electricity and heat deducted). The 2012 regional
grid factors and 0.11 tCO2/GJ for heat apply; GWPs are those of the IPCC SAR.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from carbonledger.accounting.context import Context
from carbonledger.accounting.errors import Collector
from carbonledger.accounting.factors import FactorTable
from carbonledger.accounting.methodologies.common import (
    GRID_REGIONS_2012,
    energy_sources,
    select_regional_grid,
)
from carbonledger.accounting.methodology import Methodology, register
from carbonledger.accounting.numbers import ONE
from carbonledger.accounting.report import Report
from carbonledger.accounting.sources import (
    AnodeConsumption,
    AnodeEffectPFC,
    CarbonateUse,
    CarbonMass,
    CeramicRawMaterial,
    Clinker,
    CO2Recovered,
    FactorTimesQuantity,
    FuelCombustion,
    N2OProduction,
    OrganicCarbon,
    Param,
    Production,
    SF6Equipment,
    SourceType,
    TransmissionLoss,
    fraction,
)
from carbonledger.accounting.submission import Submission

DOCUMENT = "发改办气候〔2013〕2526号"
COAL_FUELS = (
    "anthracite",
    "bituminous_coal",
    "lignite",
    "cleaned_coal",
    "other_washed_coal",
    "other_coal_products",
)


class Ndrc2013(Methodology):
    """Common ground of the 2013 guidelines."""

    version = 1
    valid_from = date(2013, 10, 15)
    factor_sets: ClassVar[tuple[str, ...]] = ("cn-ndrc-2013@1",)
    alternative_factor_sets: ClassVar[tuple[str, ...]] = ("cn-gbt32151-2024@1",)
    gwp = "SAR"
    options_doc: ClassVar[dict[str, str]] = {
        "grid_region": "regional grid of purchased electricity (2012 factors): "
        + ", ".join(GRID_REGIONS_2012)
        + "; defaults to enterprise.region when that names a grid",
    }

    def prepare(self, submission: Submission, table: FactorTable, errors: Collector) -> Context:
        ctx = super().prepare(submission, table, errors)
        region = submission.options.get("grid_region")
        if region is None and submission.enterprise.region in GRID_REGIONS_2012:
            region = submission.enterprise.region
        select_regional_grid(ctx, None if region is None else str(region), errors)
        ctx.options["grid_region"] = region
        return ctx

    def finish(self, submission: Submission, ctx: Context, report: Report) -> None:
        if ctx.electricity is not None:
            report.summary["grid_region"] = str(ctx.options.get("grid_region"))


class Power2013(Ndrc2013):
    id = "cn-2013-power"
    industry = "power"
    name_zh = "中国发电企业温室气体排放核算方法与报告指南（试行）"
    name_en = "China power generation enterprises GHG accounting guideline (trial, 2013)"
    document = DOCUMENT
    factor_sets = ("cn-ndrc-2013-power@1",)

    def build_sources(self) -> list[SourceType]:
        return [
            FuelCombustion(
                measured_required={
                    fuel: ("ncv", "carbon_content", "oxidation_rate") for fuel in COAL_FUELS
                }
            ),
            CarbonateUse(
                name="desulfurization",
                label_en="desulfurization (carbonate in sorbent)",
                label_zh="脱硫过程排放",
                quantity_label_en="desulfurizer consumed",
                quantity_label_zh="脱硫剂消耗量",
                params=(
                    fraction(
                        "purity",
                        "I",
                        "carbonate content of the desulfurizer",
                        "脱硫剂中碳酸盐含量",
                        default="desulfurization.carbonate_fraction",
                    ),
                    Param(
                        "emission_factor",
                        "EF",
                        "tCO2/t",
                        "carbonate emission factor",
                        "碳酸盐排放因子",
                        default="carbonate.{material}.ef",
                    ),
                    fraction(
                        "calcination_fraction",
                        "F",
                        "calcination fraction",
                        "煅烧比例",
                        constant=ONE,
                        constant_note="complete reaction",
                    ),
                ),
                formula="E = B × I × EF",
            ),
            *energy_sources()[:1],
            Production(
                products={"power_generated": "MWh", "power_supplied": "MWh", "heat_supplied": "GJ"}
            ),
        ]


register(Power2013)


class Grid2013(Ndrc2013):
    id = "cn-2013-grid"
    industry = "grid"
    name_zh = "中国电网企业温室气体排放核算方法与报告指南（试行）"
    name_en = "China power grid enterprises GHG accounting guideline (trial, 2013)"
    document = DOCUMENT

    def build_sources(self) -> list[SourceType]:
        return [SF6Equipment(), TransmissionLoss()]


register(Grid2013)


STEEL_MATERIALS = (
    "limestone_flux",
    "dolomite_flux",
    "electrode",
    "pig_iron",
    "dri",
    "ferronickel",
    "ferrochrome",
    "ferromolybdenum",
)


class Steel2013(Ndrc2013):
    id = "cn-2013-steel"
    industry = "steel"
    name_zh = "中国钢铁生产企业温室气体排放核算方法与报告指南（试行）"
    name_en = "China iron and steel enterprises GHG accounting guideline (trial, 2013)"
    document = DOCUMENT

    def build_sources(self) -> list[SourceType]:
        return [
            FuelCombustion(),
            FactorTimesQuantity(
                name="process_material",
                label_en="fluxes, electrodes and carbon-containing raw materials",
                label_zh="熔剂、电极和外购含碳原料",
                material_template=None,
                material_choices=STEEL_MATERIALS,
                quantity_label_en="material consumed",
                quantity_label_zh="消耗量",
            ),
            FactorTimesQuantity(
                name="carbon_sequestration",
                category="carbon_sequestration",
                label_en="carbon carried out in products",
                label_zh="固碳产品隐含的排放",
                material_template="sequestration.{material}.ef",
                quantity_label_en="product output",
                quantity_label_zh="产品产量",
                params=(
                    Param(
                        "emission_factor",
                        "EF",
                        "tCO2/t",
                        "carbon sequestration factor",
                        "固碳因子",
                        default="sequestration.{material}.ef",
                    ),
                ),
                sign=-1,
                formula="R = AD × EF (deducted)",
            ),
            *energy_sources(),
        ]


register(Steel2013)


class Chemicals2013(Ndrc2013):
    id = "cn-2013-chemicals"
    industry = "chemicals"
    name_zh = "中国化工生产企业温室气体排放核算方法与报告指南（试行）"
    name_en = "China chemical enterprises GHG accounting guideline (trial, 2013)"
    document = DOCUMENT

    def build_sources(self) -> list[SourceType]:
        return [
            FuelCombustion(),
            CarbonMass(),
            CarbonMass(
                name="carbon_output",
                label_en="carbon-containing product or waste (mass balance output)",
                label_zh="含碳产品和废物输出(碳平衡)",
                quantity_label_en="product or waste output",
                quantity_label_zh="产出量",
                sign=-1,
            ),
            CarbonateUse(),
            N2OProduction(),
            N2OProduction(
                name="adipic_acid_n2o",
                abatement_default=None,
                label_en="N2O from adipic acid production",
                label_zh="己二酸生产N2O排放",
                material_key=None,
                material_template=None,
                params=(
                    Param(
                        "emission_factor",
                        "EF",
                        "tN2O/t",
                        "N2O generation factor",
                        "N2O生成因子",
                        default="adipic_acid.ef",
                    ),
                    *N2OProduction().params[1:],
                ),
            ),
            CO2Recovered(),
            *energy_sources(),
        ]


register(Chemicals2013)


class Aluminium2013(Ndrc2013):
    id = "cn-2013-aluminium"
    industry = "aluminium"
    name_zh = "中国电解铝生产企业温室气体排放核算方法与报告指南（试行）"
    name_en = "China electrolytic aluminium enterprises GHG accounting guideline (trial, 2013)"
    document = DOCUMENT

    def build_sources(self) -> list[SourceType]:
        return [
            FuelCombustion(),
            AnodeConsumption(),
            AnodeEffectPFC(),
            FactorTimesQuantity(
                name="limestone_calcination",
                label_en="limestone calcination",
                label_zh="石灰石煅烧",
                material_key=None,
                material_template=None,
                quantity_label_en="limestone consumed",
                quantity_label_zh="石灰石消耗量",
                params=(
                    Param(
                        "emission_factor",
                        "EF",
                        "tCO2/t",
                        "limestone calcination factor",
                        "石灰石煅烧排放因子",
                        default="process.limestone_calcined.ef",
                    ),
                ),
            ),
            *energy_sources(),
        ]


register(Aluminium2013)


class Magnesium2013(Ndrc2013):
    id = "cn-2013-magnesium"
    industry = "magnesium"
    name_zh = "中国镁冶炼企业温室气体排放核算方法与报告指南（试行）"
    name_en = "China magnesium smelting enterprises GHG accounting guideline (trial, 2013)"
    document = DOCUMENT

    def build_sources(self) -> list[SourceType]:
        return [
            FuelCombustion(),
            CarbonMass(
                name="energy_as_raw_material",
                label_en="energy products used as reductant (ferrosilicon making)",
                label_zh="能源作为原材料用途(硅铁生产还原剂)",
                material_template=None,
                material_key="material",
                quantity_label_en="reductant consumed",
                quantity_label_zh="还原剂消耗量",
                params=(
                    Param(
                        "carbon_content",
                        "C",
                        "tC/t",
                        "carbon content of the reductant",
                        "还原剂含碳量",
                        hi=ONE,
                    ),
                ),
            ),
            CarbonateUse(
                name="dolomite_calcination",
                label_en="dolomite calcination",
                label_zh="白云石煅烧分解",
                material_template=None,
                material_choices=("CaMg(CO3)2",),
                quantity_label_en="dolomite consumed",
                quantity_label_zh="白云石消耗量",
            ),
            *energy_sources(),
        ]


register(Magnesium2013)


GLASS_CARBONATES = ("CaCO3", "CaMg(CO3)2", "Na2CO3", "MgCO3", "CaFe(CO3)2", "FeCO3", "MnCO3")


class Glass2013(Ndrc2013):
    id = "cn-2013-glass"
    industry = "glass"
    name_zh = "中国平板玻璃生产企业温室气体排放核算方法与报告指南（试行）"
    name_en = "China flat glass enterprises GHG accounting guideline (trial, 2013)"
    document = DOCUMENT

    def build_sources(self) -> list[SourceType]:
        return [
            FuelCombustion(),
            CarbonateUse(
                name="raw_material_decomposition",
                label_en="carbonate raw material decomposition",
                label_zh="原料碳酸盐分解",
                material_template=None,
                material_choices=GLASS_CARBONATES,
                formula="E = M × EF × F",
                params=(
                    fraction(
                        "purity",
                        "P",
                        "carbonate content of the mineral",
                        "碳酸盐含量",
                        constant=ONE,
                        constant_note="quantity given as pure carbonate",
                    ),
                    *CarbonateUse().params[1:],
                ),
            ),
            CarbonMass(
                name="carbon_powder",
                label_en="carbon powder oxidation",
                label_zh="碳粉氧化",
                material_key=None,
                material_template=None,
                quantity_label_en="carbon powder consumed",
                quantity_label_zh="碳粉消耗量",
                params=(
                    Param(
                        "carbon_content",
                        "C",
                        "tC/t",
                        "carbon content of the powder",
                        "碳粉含碳量",
                        hi=ONE,
                    ),
                ),
            ),
            *energy_sources(),
        ]


register(Glass2013)


class Cement2013(Ndrc2013):
    id = "cn-2013-cement"
    industry = "cement"
    name_zh = "中国水泥生产企业温室气体排放核算方法与报告指南（试行）"
    name_en = "China cement enterprises GHG accounting guideline (trial, 2013)"
    document = DOCUMENT

    def build_sources(self) -> list[SourceType]:
        return [FuelCombustion(), Clinker(), OrganicCarbon(), *energy_sources()]


register(Cement2013)


class Ceramics2013(Ndrc2013):
    id = "cn-2013-ceramics"
    industry = "ceramics"
    name_zh = "中国陶瓷生产企业温室气体排放核算方法与报告指南（试行）"
    name_en = "China ceramics enterprises GHG accounting guideline (trial, 2013)"
    document = DOCUMENT
    factor_sets = ("cn-ndrc-2013-ceramics@1",)

    def build_sources(self) -> list[SourceType]:
        return [FuelCombustion(), CeramicRawMaterial(), *energy_sources()]


register(Ceramics2013)


class Aviation2013(Ndrc2013):
    id = "cn-2013-aviation"
    industry = "aviation"
    name_zh = "中国民用航空企业温室气体排放核算方法与报告指南（试行）"
    name_en = "China civil aviation enterprises GHG accounting guideline (trial, 2013)"
    document = DOCUMENT
    factor_sets = ("cn-ndrc-2013-aviation@1",)

    def build_sources(self) -> list[SourceType]:
        return [FuelCombustion(), *energy_sources()]


register(Aviation2013)
