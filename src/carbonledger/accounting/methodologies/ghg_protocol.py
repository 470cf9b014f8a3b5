"""GHG Protocol Corporate Standard, scopes 1 and 2, with IPCC 2006 defaults.

Scope 1: stationary combustion (IPCC 2006 Vol. 2 Tables 2.2/2.3 per TJ, CO2, CH4 and N2O),
process and fugitive emissions given as masses of each gas. Biogenic CO2 from biomass is
reported as a memo item outside the scopes.
Scope 2: purchased electricity both location-based (MEE/NBS average factor of the grid
region or province and year) and market-based (the contractual instrument's factor, or the
residual-mix-like factor that excludes market-traded non-fossil electricity); the total
uses ``options.scope2_method`` (default ``location``), the other is a memo item.
GWPs: ``options.gwp`` of SAR, AR4, AR5 or AR6 (default AR5).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from carbonledger.accounting.context import Context
from carbonledger.accounting.errors import ROOT, Collector
from carbonledger.accounting.factors import PLANS_MAX, FactorRow, FactorTable
from carbonledger.accounting.methodology import Methodology, register
from carbonledger.accounting.model import MEMO_CATEGORIES, ResultLine, Term
from carbonledger.accounting.numbers import CONTEXT, ONE, ZERO
from carbonledger.accounting.report import Report
from carbonledger.accounting.sources import (
    FuelCombustion,
    Heat,
    Param,
    SourceType,
    _is_energy,
)
from carbonledger.accounting.submission import RawLine, Submission
from carbonledger.accounting.units import UnitError, conversion_factor, convert, parse_unit

_MUL = CONTEXT.multiply
_new_tuple = tuple.__new__
#: activity unit, NCV term, per gas (gas, EF term, category, scope, formula, GWP, GWP
#: origin), and the rows of uncertain provenance noted per line
_IpccPlan = tuple[
    str,
    Term,
    tuple[tuple[str, Term, str, str, str, Decimal, str], ...],
    tuple[FactorRow, ...],
]
PER_TJ = Term("10^-3", Decimal("0.001"), "TJ/GJ", "constant")
KG = Decimal("0.001")
KG_TO_T = Term("10^-3", KG, "t/kg", "constant")


class IpccCombustion(FuelCombustion):
    """E_gas = FC × NCV × EF_gas; NCV [GJ per activity unit], EF [kg gas/TJ] → t gas."""

    name = "stationary_combustion"
    material_template: str | None = "fuel.{material}.ef_co2"
    formula = "E_gas = FC × NCV × EF_gas"
    params: tuple[Param, ...] = (
        Param(
            "ncv", "NCV", "GJ/t", "net calorific value", "低位发热量", default="fuel.{material}.ncv"
        ),
        Param(
            "ef_co2",
            "EF_CO2",
            "kgCO2/TJ",
            "CO2 emission factor",
            "CO2排放因子",
            default="fuel.{material}.ef_co2",
        ),
        Param("ef_ch4", "EF_CH4", "kgCH4/TJ", "CH4 emission factor", "CH4排放因子"),
        Param("ef_n2o", "EF_N2O", "kgN2O/TJ", "N2O emission factor", "N2O排放因子"),
    )

    def accepts_unknown_material(self, line: RawLine) -> bool:
        return {"ef_co2", "ef_ch4", "ef_n2o"} <= set(line.parameters)

    def unknown_material_parameters(self) -> str:
        return "ncv, ef_co2, ef_ch4, ef_n2o"

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        assert material is not None
        sector = str(ctx.options.get("combustion_sector", "manufacturing"))
        q = line.quantity
        if q is not None and not line.parameters:
            # every factor defaulted: through a plan cached per factor table (the general
            # path below gives exactly the same lines, and handles everything else)
            key = (self, material, q.unit, sector)
            plans = ctx.factors.plans
            try:
                plan = plans[key]
            except KeyError:
                plan = self._ipcc_plan(material, q.unit, sector, ctx)
                if len(plans) < PLANS_MAX:
                    plans[key] = plan
            if plan is not None:
                done = self._run_plan(line, material, plan, ctx)
                if done is not None:
                    return done
        return self._calculate_ipcc(line, material, sector, ctx, errors)

    def compute(self, line: RawLine, ctx: Context, errors: Collector) -> list[ResultLine]:
        # a line with no parameters whose plan exists (built by calculate() after its fuel
        # passed check_material() on this table) needs none of the general checks
        q = line.quantity
        if q is not None and not line.parameters:
            sector = str(ctx.options.get("combustion_sector", "manufacturing"))
            plan = ctx.factors.plans.get((self, line.material, q.unit, sector))
            if plan is not None:
                assert line.material is not None
                done = self._run_plan(line, line.material, plan, ctx)
                if done is not None:
                    return done
        return super().compute(line, ctx, errors)

    def _run_plan(
        self, line: RawLine, material: str, plan: _IpccPlan, ctx: Context
    ) -> list[ResultLine] | None:
        """The result lines of a line with no parameters; None for a negative quantity."""
        q = line.quantity
        assert q is not None
        fc_unit, ncv, gases, uncertain = plan
        value = q.value if q.unit == fc_unit else convert(q.value, q.unit, fc_unit)
        if value >= 0:
            for row in uncertain:
                ctx.note_status(row, line.location)
            fc = _new_tuple(Term, (self.quantity_symbol, value, fc_unit, "input"))
            energy = _MUL(value, ncv.value)
            per_tj = _MUL(energy, PER_TJ.value)
            out = []
            for gas, ef, category, scope, formula, gwp, gwp_origin in gases:
                emission = _MUL(_MUL(per_tj, ef.value), KG)
                out.append(
                    _new_tuple(
                        ResultLine,
                        (
                            line.facility_id,
                            line.id,
                            self.name,
                            category,
                            gas,
                            material,
                            formula,
                            (fc, ncv, PER_TJ, ef, KG_TO_T),
                            emission,
                            gwp,
                            gwp_origin,
                            emission if gwp_origin == "constant" else _MUL(emission, gwp),
                            scope,
                        ),
                    )
                )
            return out
        return None

    def _ipcc_plan(self, material: str, unit: str, sector: str, ctx: Context) -> _IpccPlan | None:
        """The default terms, GWPs and result fields of a line with no parameters; None when
        the general path is needed (an energy quantity, a missing default, a conversion
        the units do not allow, a sign or gas this plan does not cover)."""
        if _is_energy(unit) or self.sign < 0:
            return None
        fc_unit = self.activity_unit_of(material, ctx)
        try:
            conversion_factor(unit, fc_unit)
        except UnitError:
            return None
        found = []
        ncv_spec = self._params["ncv"]
        co2_spec = self._params["ef_co2"]
        if ncv_spec.default is None or co2_spec.default is None:
            return None
        found.append(
            ctx.default_row_term(ncv_spec.symbol, ncv_spec.default, material, f"GJ/{fc_unit}")
        )
        found.append(
            ctx.default_row_term(co2_spec.symbol, co2_spec.default, material, co2_spec.unit)
        )
        for gas in ("ch4", "n2o"):
            spec = self._params[f"ef_{gas}"]
            if spec.default is not None or spec.constant is not None:
                return None
            found.append(
                ctx.default_row_term(
                    f"EF_{gas.upper()}",
                    f"fuel.{material}.ef_{gas}.{sector}",
                    None,
                    f"kg{gas.upper()}/TJ",
                )
            )
        terms: list[Term] = []
        uncertain: list[FactorRow] = []
        for item in found:
            if item is None:
                return None
            terms.append(item[0])
            if item[1].status == "uncertain":
                uncertain.append(item[1])
        biogenic = f"fuel.{material}.biogenic" in ctx.factors
        gases = []
        for gas, ef in zip(("CO2", "CH4", "N2O"), terms[1:], strict=True):
            category = "biogenic" if biogenic and gas == "CO2" else "fuel_combustion"
            if gas == "CO2":
                gwp, gwp_origin = ONE, "constant"
            else:
                found_gwp = ctx.factor(f"gwp.{gas}", "tCO2e/t")
                if found_gwp is None:
                    return None
                gwp, gwp_origin = found_gwp[0], found_gwp[1].ref
            scope = "" if category == "biogenic" else "1"
            gases.append(
                (gas, ef, category, scope, f"E_{gas} = FC × NCV × EF_{gas}", gwp, gwp_origin)
            )
        return fc_unit, terms[0], tuple(gases), tuple(uncertain)

    def _calculate_ipcc(
        self, line: RawLine, material: str, sector: str, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        energy_input = line.quantity is not None and _is_energy(line.quantity.unit)
        if energy_input:
            fc = self.quantity(line, errors, unit="GJ")
            ncv = None
        else:
            act = self.activity_unit(line, material, ctx)
            fc = self.quantity(line, errors, unit=act)
            ncv = self.param(line, "ncv", material, ctx, errors, unit=f"GJ/{act}")
        efs = {"CO2": self.param(line, "ef_co2", material, ctx, errors)}
        for gas in ("ch4", "n2o"):
            measured = self.param(line, f"ef_{gas}", material, ctx, errors, required=False)
            efs[gas.upper()] = measured or ctx.factor_term(
                f"EF_{gas.upper()}",
                f"fuel.{material}.ef_{gas}.{sector}",
                f"kg{gas.upper()}/TJ",
                line.location,
            )
            if efs[gas.upper()] is None:
                errors.add(
                    line.where_param(f"ef_{gas}"),
                    "no-default-factor",
                    hint="give-parameter-in",
                    gas=gas.upper(),
                    material=material,
                    sector=sector,
                    parameter=f"ef_{gas}",
                    unit=f"kg{gas.upper()}/TJ",
                )
        if fc is None or (ncv is None and not energy_input) or any(v is None for v in efs.values()):
            return []
        energy = fc.value if ncv is None else _MUL(fc.value, ncv.value)
        base = (fc,) if ncv is None else (fc, ncv)
        biogenic = f"fuel.{material}.biogenic" in ctx.factors
        out = []
        for gas, ef in efs.items():
            assert ef is not None
            terms = (*base, PER_TJ, ef, KG_TO_T)
            emission = _MUL(_MUL(_MUL(energy, PER_TJ.value), ef.value), KG)
            category = "biogenic" if biogenic and gas == "CO2" else "fuel_combustion"
            out.append(
                self.result(
                    line,
                    ctx,
                    terms,
                    emission,
                    gas=gas,
                    material=material,
                    category=category,
                    scope="" if category == "biogenic" else "1",
                    formula=f"E_{gas} = FC × NCV × EF_{gas}",
                )
            )
        return out


class DirectGas(SourceType):
    """A mass of a greenhouse gas released (process or fugitive): E = m; CO2e = m × GWP."""

    name = "process_emissions"
    category = "process"
    label_en = "process emissions (mass of gas)"
    label_zh = "工业过程排放(气体质量)"
    material_key: str | None = "gas"
    quantity_unit: str | None = None
    quantity_symbol = "m"
    quantity_label_en = "mass of gas released"
    quantity_label_zh = "排放量"
    formula = "E = m"

    def check_material(self, line: RawLine, ctx: Context, errors: Collector) -> str | None:
        gas = line.material
        if not gas:
            errors.add(line.where("gas"), "required", field="gas")
            return None
        if gas != "CO2" and f"gwp.{gas}" not in ctx.factors:
            known = sorted(k.removeprefix("gwp.") for k in ctx.factors.keys_with_prefix("gwp."))
            errors.add(
                line.where("gas"),
                "unknown-value",
                hint="one-of",
                field="gas",
                value=repr(gas),
                choices=", ".join(known),
            )
            return None
        return gas

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        assert material is not None
        unit = line.quantity.unit if line.quantity else "t"
        try:
            plain = parse_unit(unit).dimension == (("mass", 1),)
        except UnitError:
            plain = False
        target = "t" if plain else f"t{material}"
        m = self.quantity(line, errors, unit=target)
        if m is None:
            return []
        return [self.result(line, ctx, (m,), m.value, gas=material, material=material, scope="1")]


class GhgElectricity(SourceType):
    """Purchased electricity, scope 2, both methods: E = AD × EF (location), AD × EF_c (market)."""

    name = "purchased_electricity"
    category = "purchased_electricity"
    label_en = "purchased electricity"
    label_zh = "外购电力"
    quantity_unit: str | None = "MWh"
    quantity_label_en = "electricity purchased"
    quantity_label_zh = "外购电量"
    formula = "E = AD × EF"
    params: tuple[Param, ...] = (
        Param(
            "contractual_factor",
            "EF_market",
            "tCO2/MWh",
            "factor of the contractual instrument (green certificate = 0, supplier factor)",
            "合同工具排放因子",
            required=False,
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        ad = self.quantity(line, errors)
        market = self.param(line, "contractual_factor", None, ctx, errors) or ctx.electricity_market
        location = ctx.electricity
        if location is None or market is None:
            errors.add(line.location, "no-grid-factor", hint="electricity-options")
        if ad is None or location is None or market is None:
            return []
        chosen = str(ctx.options.get("scope2_method", "location"))
        out = []
        for method, ef in (("location", location), ("market", market)):
            category = "purchased_electricity" if method == chosen else "scope2_alternative"
            out.append(
                self.result(
                    line,
                    ctx,
                    (ad, ef),
                    _MUL(ad.value, ef.value),
                    category=category,
                    scope=f"2-{method}",
                )
            )
        return out


ELECTRICITY_YEARS = (2021, 2022, 2023)


class GhgProtocolCorporate(Methodology):
    id = "ghg-protocol-corporate"
    version = 1
    industry = "any"
    name_zh = "温室气体核算体系 企业核算与报告标准(范围一、二)"
    name_en = "GHG Protocol Corporate Standard, scopes 1 and 2"
    document = "WRI/WBCSD GHG Protocol Corporate Standard (2004) and Scope 2 Guidance (2015)"
    valid_from = date(2004, 3, 1)
    factor_sets: ClassVar[tuple[str, ...]] = ("ipcc-2006@1", "cn-electricity-mee-nbs@1")
    gwp = "AR5"
    gwp_choice = True
    options_doc: ClassVar[dict[str, str]] = {
        "grid_region": "grid region or province of the electricity factor (e.g. 华东, 江苏, 全国)",
        "electricity_factor_year": "year of the MEE/NBS electricity factor (2021-2023); "
        "defaults to the reporting year",
        "scope2_method": "location (default) or market: which scope 2 total counts",
        "combustion_sector": "manufacturing (IPCC Table 2.3, default) or energy (Table 2.2) "
        "CH4/N2O factors",
    }

    def build_sources(self) -> list[SourceType]:
        return [
            IpccCombustion(),
            DirectGas(),
            DirectGas(
                name="fugitive_emissions",
                category="other_gases",
                label_en="fugitive emissions (mass of gas)",
                label_zh="逸散排放(气体质量)",
            ),
            GhgElectricity(),
            Heat(
                scope="2",
                params=(
                    Param(
                        "emission_factor",
                        "EF_heat",
                        "tCO2/GJ",
                        "emission factor of the heat supplier",
                        "供热排放因子",
                    ),
                ),
            ),
        ]

    def prepare(self, submission: Submission, table: FactorTable, errors: Collector) -> Context:
        ctx = super().prepare(submission, table, errors)
        opts = ROOT.child("options")
        method = submission.options.get("scope2_method", "location")
        if method not in ("location", "market"):
            errors.add(
                opts.child("scope2_method"),
                "unknown-value",
                hint="one-of",
                field="scope 2 method",
                value=repr(method),
                choices="location, market",
            )
        sector = submission.options.get("combustion_sector", "manufacturing")
        if sector not in ("manufacturing", "energy"):
            errors.add(
                opts.child("combustion_sector"),
                "unknown-value",
                hint="one-of",
                field="sector",
                value=repr(sector),
                choices="manufacturing, energy",
            )
        region = submission.options.get("grid_region")
        if region is None:
            return ctx
        raw_year = submission.options.get("electricity_factor_year", submission.period.year)
        try:
            year = int(str(raw_year))
        except ValueError:
            errors.add(opts.child("electricity_factor_year"), "year-not-whole")
            return ctx
        key = f"electricity.average.{region}.{year}"
        ctx.electricity = ctx.factor_term("EF_location", key, "tCO2/MWh", opts)
        if ctx.electricity is None:
            years = [
                y for y in ELECTRICITY_YEARS if f"electricity.average.{region}.{y}" in ctx.factors
            ]
            if years:
                errors.add(
                    opts.child("grid_region"),
                    "no-electricity-factor-for",
                    hint="electricity-years",
                    region=str(region),
                    year=year,
                    years=", ".join(str(y) for y in years),
                )
            else:
                errors.add(
                    opts.child("grid_region"),
                    "no-electricity-factor-for",
                    hint="electricity-regions",
                    region=str(region),
                    year=year,
                )
        residual = f"electricity.excl_market_nonfossil.全国.{year}"
        ctx.electricity_market = ctx.factor_term("EF_residual", residual, "tCO2/MWh", opts)
        if ctx.electricity_market is None:
            ctx.electricity_market = ctx.electricity
            if ctx.electricity is not None:
                ctx.warn(
                    opts,
                    "no-residual-mix",
                    f"no residual-mix factor for {year}: market-based scope 2 without "
                    "contractual instruments uses the location-based factor",
                )
        return ctx

    def finish(self, submission: Submission, ctx: Context, report: Report) -> None:
        scopes: dict[str, Decimal] = {"1": ZERO, "2-location": ZERO, "2-market": ZERO}
        for ln in report.lines:
            if ln.scope in scopes:
                scopes[ln.scope] += ln.co2e
            elif ln.scope == "2":
                # heat and steam: one factor serves both scope 2 methods
                scopes["2-location"] += ln.co2e
                scopes["2-market"] += ln.co2e
        biogenic = sum(
            (
                ln.emission
                for ln in report.lines
                if ln.category in MEMO_CATEGORIES and ln.category == "biogenic"
            ),
            ZERO,
        )
        report.summary["scope1"] = scopes["1"]
        report.summary["scope2_location"] = scopes["2-location"]
        report.summary["scope2_market"] = scopes["2-market"]
        report.summary["scope2_method"] = str(ctx.options.get("scope2_method", "location"))
        report.summary["biogenic_co2"] = biogenic


register(GhgProtocolCorporate)
