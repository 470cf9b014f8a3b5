"""MEE guideline for power-generation facilities (企业温室气体排放核算方法与报告指南 发电设施),
the accounting basis of the national ETS.

Differences from the 2013 power guideline:

* coal's carbon content must come from element analysis. With element carbon measured as
  received, E = FC × C_ar × OF × 44/12; C_ar may be given directly or derived from the
  air-dried basis, C_ar = C_ad × (1 − M_ar)/(1 − M_ad) (moisture as fractions).
  When carbon is not measured, the conservative default carbon content per unit heat
  applies (E = FC × NCV × CC_default × OF × 44/12) and the report carries a warning.
* purchased electricity uses the national grid factor of the MEE notice for the reporting
  year (0.6101 up to 2020, 0.5810 for 2021-2022, 0.5703 for 2023-2025).
* no desulfurization term.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from carbonledger.accounting.context import Context
from carbonledger.accounting.errors import ROOT, Collector
from carbonledger.accounting.factors import PLANS_MAX, FactorRow, FactorTable
from carbonledger.accounting.methodology import Methodology, register
from carbonledger.accounting.model import ResultLine, Term
from carbonledger.accounting.numbers import CONTEXT, ONE, ZERO
from carbonledger.accounting.report import Report
from carbonledger.accounting.sources import (
    C_TO_CO2,
    FUEL_COMBUSTION_PARAMS,
    Electricity,
    FuelCombustion,
    Param,
    Production,
    SourceType,
    fraction,
    product,
)
from carbonledger.accounting.submission import RawLine, Submission
from carbonledger.accounting.units import UnitError, conversion_factor, convert

_new_tuple = tuple.__new__

COAL_FUELS = frozenset(
    {
        "coal",
        "anthracite",
        "bituminous_coal",
        "lignite",
        "cleaned_coal",
        "other_washed_coal",
        "other_coal_products",
    }
)

#: reporting year -> national grid factor key (MEE notices)
GRID_BY_YEAR = (
    (2013, 2020, "grid.national_ets.2015"),
    (2021, 2022, "grid.national_ets.2021-2022"),
    (2023, 2025, "grid.national_ets.2022"),
)


class MeeFuelCombustion(FuelCombustion):
    params: tuple[Param, ...] = (
        *FUEL_COMBUSTION_PARAMS,
        fraction(
            "carbon_content_ar",
            "C_ar",
            "element carbon content, as received",
            "收到基元素碳含量",
            required=False,
        ),
        fraction(
            "carbon_content_ad",
            "C_ad",
            "element carbon content, air-dried basis",
            "空气干燥基元素碳含量",
            required=False,
        ),
        fraction(
            "moisture_ar", "M_ar", "total moisture, as received", "收到基水分", required=False
        ),
        fraction(
            "moisture_ad", "M_ad", "moisture, air-dried basis", "空气干燥基水分", required=False
        ),
    )

    def _known(self, material: str, ctx: Context) -> bool:
        return material in COAL_FUELS or super()._known(material, ctx)

    def compute(self, line: RawLine, ctx: Context, errors: Collector) -> list[ResultLine]:
        # Coal with a measured as-received carbon content (and perhaps the NCV, which this
        # formula does not use), the guideline's usual case: its default oxidation rate is
        # resolved once per factor table; the result is what calculate() gives. Any other
        # shape, and any value calculate() would object to, takes the general path.
        material = line.material
        q = line.quantity
        params = line.parameters
        car = params.get("carbon_content_ar")
        if (
            car is not None
            and q is not None
            and material in COAL_FUELS
            and (len(params) == 1 or (len(params) == 2 and "ncv" in params))
            and self.gas == "CO2"
            and self.sign >= 0
        ):
            key = (self, "coal C_ar", q.unit, car.unit)
            plans = ctx.factors.plans
            try:
                plan = plans[key]
            except KeyError:
                plan = self._coal_plan(q.unit, car.unit, ctx)
                if len(plans) < PLANS_MAX:
                    plans[key] = plan
            if plan is not None:
                of, uncertain = plan
                value = q.value if q.unit == "t" else convert(q.value, q.unit, "t")
                spec = self._params["carbon_content_ar"]
                c = (
                    car.value
                    if car.unit == "fraction"
                    else convert(car.value, car.unit, "fraction")
                )
                if (
                    value >= 0
                    and (spec.lo is None or c >= spec.lo)
                    and (spec.hi is None or c <= spec.hi)
                ):
                    if uncertain is not None:
                        ctx.note_status(uncertain, line.location)
                    terms = (
                        _new_tuple(Term, (self.quantity_symbol, value, "t", "input")),
                        _new_tuple(Term, (spec.symbol, c, "fraction", "measured")),
                        of,
                        C_TO_CO2,
                    )
                    return [
                        self.result(
                            line,
                            ctx,
                            terms,
                            product(terms),
                            material=material,
                            formula="E = FC × C_ar × OF × 44/12",
                        )
                    ]
        return super().compute(line, ctx, errors)

    def _coal_plan(
        self, unit: str, car_unit: str, ctx: Context
    ) -> tuple[Term, FactorRow | None] | None:
        """The default oxidation rate for coal (and its row, if of uncertain provenance);
        None when the units do not convert or there is no default (the general path then
        reports it)."""
        try:
            conversion_factor(unit, "t")
            conversion_factor(car_unit, "fraction")
        except UnitError:
            return None
        found = ctx.default_row_term("OF", "coal.default_oxidation_rate", None, "fraction")
        if found is None:
            return None
        term, row = found
        return term, row if row.status == "uncertain" else None

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        assert material is not None
        if material not in COAL_FUELS:
            for name in ("carbon_content_ar", "carbon_content_ad", "moisture_ar", "moisture_ad"):
                if name in line.parameters:
                    errors.add(line.where_param(name), "coal-only", parameter=name)
            return super().calculate(line, material, ctx, errors)
        fc = self.quantity(line, errors, unit="t")
        # The guideline has one default oxidation rate for coal; the 2013 table's per-coal-type
        # rates (0.90-0.96) must not reach it through the fuel.<coal>.oxidation_rate defaults.
        if "oxidation_rate" in line.parameters:
            of = self.param(line, "oxidation_rate", material, ctx, errors)
        else:
            of = ctx.factor_term("OF", "coal.default_oxidation_rate", "fraction", line.location)
        car = self._carbon_as_received(line, material, ctx, errors)
        # An element analysis was given but is incomplete or invalid: its own errors say what
        # to fix; falling through to the unmeasured-carbon path would add a misleading one.
        analysed = {"carbon_content_ar", "carbon_content_ad"} & set(line.parameters)
        if fc is None or of is None or (car is None and analysed):
            return []
        if car is not None:
            terms: tuple[Term, ...] = (fc, car, of, C_TO_CO2)
            return [
                self.result(
                    line,
                    ctx,
                    terms,
                    product(terms),
                    material=material,
                    formula="E = FC × C_ar × OF × 44/12",
                )
            ]
        ncv = self.param(line, "ncv", material, ctx, errors, unit="GJ/t", required=False)
        if ncv is None or ncv.origin != "measured":
            errors.add(
                line.where_param("ncv"),
                "measurement-required",
                hint="give-parameter",
                label="net calorific value",
                label_zh="低位发热量",
                material="coal",
                parameter="ncv",
                unit="GJ/t",
            )
            return []
        cc = self.param(line, "carbon_content", material, ctx, errors, required=False)
        if cc is None or cc.origin != "measured":
            cc = ctx.factor_term("CC", "coal.default_carbon_content", "tC/GJ", line.location)
            ctx.warn(
                line.location,
                "unmeasured-carbon-content",
                "coal element carbon was not measured: the guideline's conservative "
                "default carbon content per unit heat is applied",
            )
        if cc is None:
            return []
        terms = (fc, ncv, cc, of, C_TO_CO2)
        return [self.result(line, ctx, terms, product(terms), material=material)]

    def _carbon_as_received(
        self, line: RawLine, material: str, ctx: Context, errors: Collector
    ) -> Term | None:
        car = self.param(line, "carbon_content_ar", material, ctx, errors)
        if car is not None:
            return car
        if "carbon_content_ad" not in line.parameters:
            return None
        cad = self.param(line, "carbon_content_ad", material, ctx, errors)
        mar = self.param(line, "moisture_ar", material, ctx, errors, required=True)
        mad = self.param(line, "moisture_ad", material, ctx, errors, required=True)
        if cad is None or mar is None or mad is None:
            return None
        if mad.value >= ONE:
            errors.add(
                line.where_param("moisture_ad"),
                "not-below-one",
                field="moisture_ad",
                value=str(mad.value),
            )
            return None
        value = CONTEXT.divide(cad.value * (ONE - mar.value), ONE - mad.value)
        return Term("C_ar", value, "fraction", "measured (C_ad × (1−M_ar)/(1−M_ad))")


class MeePower(Methodology):
    id = "cn-mee-power"
    version = 1
    industry = "power"
    name_zh = "企业温室气体排放核算方法与报告指南 发电设施"
    name_en = "MEE GHG accounting guideline for power generation facilities (national ETS)"
    document = "生态环境部 发电设施指南 (2021, revised 2022)"
    valid_from = date(2021, 1, 1)
    factor_sets: ClassVar[tuple[str, ...]] = ("cn-mee-power@1",)
    gwp = "SAR"

    def build_sources(self) -> list[SourceType]:
        return [
            MeeFuelCombustion(),
            Electricity(
                params=(
                    Param(
                        "emission_factor",
                        "EF_grid",
                        "tCO2/MWh",
                        "grid emission factor",
                        "电网排放因子",
                        required=False,
                    ),
                )
            ),
            Production(
                products={"power_generated": "MWh", "power_supplied": "MWh", "heat_supplied": "GJ"}
            ),
        ]

    def prepare(self, submission: Submission, table: FactorTable, errors: Collector) -> Context:
        ctx = super().prepare(submission, table, errors)
        year = submission.period.year
        for first, last, key in GRID_BY_YEAR:
            if first <= year <= last:
                ctx.electricity = ctx.factor_term("EF_grid", key, "tCO2/MWh", ROOT)
        return ctx

    def finish(self, submission: Submission, ctx: Context, report: Report) -> None:
        supplied = ctx.production.get("power_supplied")
        heat = ctx.production.get("heat_supplied")
        if supplied and supplied[0] > ZERO and not (heat and heat[0] > ZERO):
            report.summary["power_supply_intensity_tco2_per_mwh"] = CONTEXT.divide(
                report.total, supplied[0]
            )


register(MeePower)
