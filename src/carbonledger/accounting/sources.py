"""Emission-source types: the calculators methodologies are assembled from.

Each source type validates its own line fields and turns one activity line into one or
more :class:`~carbonledger.accounting.model.ResultLine` (one per gas), recording every
term of its formula with the term's origin. Units in brackets are the units the formula
works in; input in any convertible unit is converted explicitly first.

Formulas follow the NDRC 2013 guidelines (发改办气候〔2013〕2526号), the MEE power
guideline (发电设施), and IPCC 2006 / GHG Protocol as cited on each class.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, reduce
from operator import itemgetter
from typing import Final

from carbonledger.accounting.context import Context
from carbonledger.accounting.errors import Collector
from carbonledger.accounting.factors import PLANS_MAX, FactorRow
from carbonledger.accounting.model import ResultLine, Term
from carbonledger.accounting.numbers import CO2_PER_C, CONTEXT, ONE, ZERO
from carbonledger.accounting.submission import Quantity, RawLine
from carbonledger.accounting.units import UnitError, conversion_factor, convert, parse_unit

_MUL: Final = CONTEXT.multiply
_VALUE: Final = itemgetter(Term._fields.index("value"))
#: builds a Term without the Python-level ``__new__`` a named tuple class generates (a
#: frame per object); used for the terms every line creates
_new_tuple: Final = tuple.__new__
C_TO_CO2: Final = Term("44/12", CO2_PER_C, "tCO2/tC", "constant")
KG_TO_T: Final = Decimal("0.001")
#: density of CO2 at normal conditions [t/10^4 Nm3] (1.977 kg/Nm3), used by the 化工
#: guideline to turn recovered CO2 volume into mass
CO2_DENSITY: Final = Term("ρCO2", Decimal("19.77"), "t/10^4Nm3", "constant")


def product(terms: tuple[Term, ...]) -> Decimal:
    """ONE × t1 × t2 × ... in :data:`CONTEXT`, left to right (a C-level loop: every line
    computes one)."""
    return reduce(_MUL, map(_VALUE, terms), ONE)


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter of a source: measured by the enterprise, or taken from a default.

    ``default`` is a factor key template (``{material}`` is replaced by the line's
    material); ``constant`` is a documented default of the source type itself (for example
    "no biomass blended" = 0). With neither, and ``required``, the parameter must be given.
    """

    name: str
    symbol: str
    unit: str
    label_en: str
    label_zh: str
    default: str | None = None
    constant: Decimal | None = None
    constant_note: str = ""
    required: bool = True
    lo: Decimal | None = ZERO
    hi: Decimal | None = None


def fraction(
    name: str,
    symbol: str,
    label_en: str,
    label_zh: str,
    *,
    default: str | None = None,
    constant: Decimal | None = None,
    constant_note: str = "",
    required: bool = True,
) -> Param:
    return Param(
        name,
        symbol,
        "fraction",
        label_en,
        label_zh,
        default=default,
        constant=constant,
        constant_note=constant_note,
        required=required,
        lo=ZERO,
        hi=ONE,
    )


class SourceType:
    """Base class: validation of material, quantity and parameters; subclasses calculate.

    The settings below are instance attributes with class-level defaults, which a subclass
    or a keyword argument overrides. A subclass declares an override with the base's type
    (``material_key: str | None = "fuel"``): mypyc, which may compile these classes, takes
    a bare assignment for a new attribute of a narrower type.
    """

    name: str = ""
    category: str = "process"
    label_en: str = ""
    label_zh: str = ""
    #: the line key naming the material (``fuel``, ``material``, ``technology``), if any
    material_key: str | None = None
    #: factor key template whose presence makes a material known, e.g. ``process.{material}.ef``
    material_template: str | None = None
    #: fixed list of materials, when not defined by factor keys
    material_choices: tuple[str, ...] = ()
    #: a parameter whose measured value lets a material outside the factor table be used
    material_override: str | None = None
    quantity_unit: str | None = "t"
    quantity_symbol: str = "AD"
    quantity_label_en: str = "activity data"
    quantity_label_zh: str = "活动数据"
    params: tuple[Param, ...] = ()
    formula: str = ""
    gas: str = "CO2"
    sign: int = 1
    #: GHG Protocol scope of the lines this source produces ("" where scopes do not apply)
    scope: str = ""

    def __init__(self, **overrides: object) -> None:
        for key, value in overrides.items():
            if not hasattr(type(self), key):
                raise TypeError(f"{type(self).__name__} has no setting {key!r}")
            setattr(self, key, value)
        self._params: dict[str, Param] = {p.name: p for p in self.params}
        # Terms are immutable, so a documented constant in its own unit is one shared Term
        self._constant_terms: dict[str, Term] = {
            p.name: Term(p.symbol, p.constant, p.unit, "default")
            for p in self.params
            if p.constant is not None
        }

    # -- description (used by templates and guidance) ------------------------------------
    def describe(self) -> dict[str, object]:
        return {
            "source": self.name,
            "category": self.category,
            "label_en": self.label_en,
            "label_zh": self.label_zh,
            "material_key": self.material_key,
            "quantity_unit": self.quantity_unit,
            "quantity_label_en": self.quantity_label_en,
            "quantity_label_zh": self.quantity_label_zh,
            "formula": self.formula,
            "parameters": [
                {
                    "name": p.name,
                    "symbol": p.symbol,
                    "unit": p.unit,
                    "label_en": p.label_en,
                    "label_zh": p.label_zh,
                    "default": p.default or (str(p.constant) if p.constant is not None else None),
                    "required": p.required and p.default is None and p.constant is None,
                }
                for p in self.params
            ],
        }

    def materials(self, ctx: Context) -> list[str]:
        if self.material_choices:
            return list(self.material_choices)
        if self.material_template:
            prefix, _, suffix = self.material_template.partition("{material}")
            keys = ctx.factors.keys_with_prefix(prefix)
            return sorted(
                {k[len(prefix) :].removesuffix(suffix) for k in keys if k.endswith(suffix)}
            )
        return []

    # -- validation helpers ---------------------------------------------------------------
    def check_material(self, line: RawLine, ctx: Context, errors: Collector) -> str | None:
        key = self.material_key
        if key is None:
            if line.material is not None:
                errors.add(
                    line.location, "source-takes-no", field="material", source=repr(self.name)
                )
            return None
        if not line.material:
            errors.add(line.where(key), "required", field=key)
            return None
        material = line.material
        if self.material_template or self.material_choices:
            known = self._known(material, ctx)
            if not known and not self.accepts_unknown_material(line):
                choices = self.materials(ctx)
                measured = self.unknown_material_parameters()
                if not measured:
                    errors.add(
                        line.where(key),
                        "unknown-value",
                        hint="one-of",
                        field=key,
                        value=repr(material),
                        choices=", ".join(choices),
                    )
                else:
                    errors.add(
                        line.where(key),
                        "unknown-value",
                        hint="one-of-or-measured",
                        field=key,
                        value=repr(material),
                        choices=", ".join(choices),
                        parameters=measured,
                    )
                return None
        return material

    def _known(self, material: str, ctx: Context) -> bool:
        if self.material_choices:
            return material in self.material_choices
        assert self.material_template is not None
        cache = ctx.factors.term_cache
        key = ("known", self.material_template, material, "")
        known = cache.get(key)
        if known is None:
            known = cache[key] = self.material_template.format(material=material) in ctx.factors
        return bool(known)

    def accepts_unknown_material(self, line: RawLine) -> bool:
        return self.material_override is not None and self.material_override in line.parameters

    def unknown_material_parameters(self) -> str:
        """The measured parameters that stand in for an unknown material ("" for none)."""
        if self.material_override is None:
            return ""
        return f"parameters.{self.material_override}"

    def check_parameters(self, line: RawLine, errors: Collector) -> bool:
        if line.parameters.keys() <= self._params.keys():
            return True
        ok = True
        for name in line.parameters:
            if name not in self._params:
                allowed = ", ".join(self._params) or "none"
                errors.add(
                    line.where_param(name),
                    "unknown-value",
                    hint="allowed",
                    field="parameter",
                    value=repr(name),
                    allowed=allowed,
                )
                ok = False
        return ok

    def quantity(self, line: RawLine, errors: Collector, unit: str | None = None) -> Term | None:
        unit = unit or self.quantity_unit
        if unit is None:
            if line.quantity is not None:
                errors.add(
                    line.where("quantity"),
                    "source-takes-no",
                    field="quantity",
                    source=repr(self.name),
                )
            return None
        q = line.quantity
        if q is None:
            errors.add(
                line.where("quantity"),
                "quantity-required",
                label=self.quantity_label_en,
                label_zh=self.quantity_label_zh,
                unit=unit,
            )
            return None
        try:
            # convert() returns the value itself for the same unit; skip the call then
            value = q.value if q.unit == unit else convert(q.value, q.unit, unit)
        except UnitError as err:
            errors.add_error(
                line.where("quantity"),
                err,
                hint="is-in-unit",
                label=self.quantity_label_en,
                label_zh=self.quantity_label_zh,
                expected=unit,
            )
            return None
        if value < 0:
            errors.add(
                line.where("quantity"),
                "negative",
                hint="deductions",
                field="quantity",
                value=str(q.value),
            )
            return None
        return _new_tuple(Term, (self.quantity_symbol, value, unit, "input"))

    def param(
        self,
        line: RawLine,
        name: str,
        material: str | None,
        ctx: Context,
        errors: Collector,
        *,
        unit: str | None = None,
        required: bool | None = None,
    ) -> Term | None:
        spec = self._params[name]
        unit = unit or spec.unit
        measured = line.parameters.get(name)
        if measured is not None:
            try:
                value = (
                    measured.value
                    if measured.unit == unit
                    else convert(measured.value, measured.unit, unit)
                )
            except UnitError as err:
                errors.add_error(
                    line.where_param(name),
                    err,
                    hint="is-in-unit",
                    label=spec.label_en,
                    label_zh=spec.label_zh,
                    expected=unit,
                )
                return None
            if spec.lo is not None and value < spec.lo:
                errors.add(
                    line.where_param(name),
                    "below-minimum",
                    label=spec.label_en,
                    label_zh=spec.label_zh,
                    limit=str(spec.lo),
                    unit=unit,
                    value=str(value),
                )
                return None
            if spec.hi is not None and value > spec.hi:
                errors.add(
                    line.where_param(name),
                    "above-maximum",
                    label=spec.label_en,
                    label_zh=spec.label_zh,
                    limit=str(spec.hi),
                    unit=unit,
                    value=str(value),
                )
                return None
            return _new_tuple(Term, (spec.symbol, value, unit, "measured"))
        if spec.default is not None:
            term = ctx.default_term(spec.symbol, spec.default, material, unit, line.location)
            if term is not None:
                return term
        if spec.constant is not None:
            if unit == spec.unit:
                return self._constant_terms[name]
            return Term(spec.symbol, spec.constant, unit, "default")
        if spec.required if required is None else required:
            errors.add(
                line.where_param(name),
                "parameter-required",
                hint="give-parameter",
                label=spec.label_en,
                label_zh=spec.label_zh,
                parameter=name,
                unit=unit,
            )
        return None

    # -- calculation -----------------------------------------------------------------------
    def compute(self, line: RawLine, ctx: Context, errors: Collector) -> list[ResultLine]:
        before = len(errors.problems)
        # the common case (only known parameters) without a call
        if not line.parameters.keys() <= self._params.keys():
            self.check_parameters(line, errors)
        material = self.check_material(line, ctx, errors)
        if len(errors.problems) > before:
            return []
        results = self.calculate(line, material, ctx, errors)
        if len(errors.problems) > before:
            return []
        return results

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        raise NotImplementedError

    def result(
        self,
        line: RawLine,
        ctx: Context,
        terms: tuple[Term, ...],
        emission: Decimal,
        *,
        gas: str | None = None,
        material: str | None = None,
        category: str | None = None,
        formula: str | None = None,
        sign: int | None = None,
        scope: str | None = None,
    ) -> ResultLine:
        gas = gas or self.gas
        if (self.sign if sign is None else sign) < 0:
            emission = -emission
        if gas == "CO2":
            # CO2 is its own CO2e (Context.gwp gives 1, "constant"): skip the look-up and
            # the multiplication for the commonest gas
            gwp, gwp_origin, co2e = ONE, "constant", emission
        else:
            gwp, gwp_origin = ctx.gwp(gas, line.location)
            co2e = _MUL(emission, gwp)
        # built as a tuple (no Python-level __new__): this runs once per gas of every line
        return _new_tuple(
            ResultLine,
            (
                line.facility_id,
                line.id,
                self.name,
                category or self.category,
                gas,
                material or "",
                formula or self.formula,
                terms,
                emission,
                gwp,
                gwp_origin,
                co2e,
                self.scope if scope is None else scope,
            ),
        )


class FactorTimesQuantity(SourceType):
    """E = AD × EF — a per-material emission factor [tCO2/t] times the quantity [t].

    Used for steel fluxes, electrodes and carbon-containing raw materials (钢铁 2013),
    limestone calcination in aluminium smelting (电解铝 2013), and products that carry
    carbon out of a steel works (固碳产品, sign −1).
    """

    material_key: str | None = "material"
    material_template: str | None = "process.{material}.ef"
    material_override: str | None = "emission_factor"
    formula = "E = AD × EF"
    params: tuple[Param, ...] = (
        Param(
            "emission_factor",
            "EF",
            "tCO2/t",
            "emission factor",
            "排放因子",
            default="process.{material}.ef",
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        ad = self.quantity(line, errors)
        ef = self.param(line, "emission_factor", material, ctx, errors)
        if ad is None or ef is None:
            return []
        terms = (ad, ef)
        return [self.result(line, ctx, terms, _MUL(ad.value, ef.value), material=material)]


class FuelCombustion(SourceType):
    """Fossil fuel combustion, NDRC 2013 form.

    E = FC × NCV × CC × OF × 44/12, with AD = FC × NCV [GJ] and CC in [tC/GJ].
    FC is in the fuel's activity unit (t, or 10^4 Nm3 for gases); a quantity given in an
    energy unit is taken as AD directly. A biomass fraction BF of a blended fuel is
    excluded: AD = FC × NCV × (1 − BF) (民航 2013, biofuel blends).
    Fuels outside the factor table may be used when NCV, CC and OF are all measured.
    """

    name = "fuel_combustion"
    category = "fuel_combustion"
    label_en = "fossil fuel combustion"
    label_zh = "化石燃料燃烧"
    material_key: str | None = "fuel"
    material_template: str | None = "fuel.{material}.ncv"
    quantity_unit: str | None = None  # depends on the fuel
    quantity_symbol = "FC"
    quantity_label_en = "fuel consumed"
    quantity_label_zh = "燃料消耗量"
    formula = "E = FC × NCV × CC × OF × 44/12"
    params: tuple[Param, ...] = (
        Param(
            "ncv", "NCV", "GJ/t", "net calorific value", "低位发热量", default="fuel.{material}.ncv"
        ),
        Param(
            "carbon_content",
            "CC",
            "tC/GJ",
            "carbon content per unit heat",
            "单位热值含碳量",
            default="fuel.{material}.carbon_content",
        ),
        fraction(
            "oxidation_rate",
            "OF",
            "carbon oxidation rate",
            "碳氧化率",
            default="fuel.{material}.oxidation_rate",
        ),
        fraction(
            "biomass_fraction",
            "BF",
            "biomass fraction of a blended fuel",
            "生物质燃料掺混比例",
            constant=ZERO,
            constant_note="no biomass blended unless declared",
        ),
    )
    #: parameters that must be measured (not defaulted) for these fuels
    measured_required: Mapping[str, tuple[str, ...]] = {}

    def accepts_unknown_material(self, line: RawLine) -> bool:
        return {"ncv", "carbon_content", "oxidation_rate"} <= set(line.parameters) or (
            line.quantity is not None
            and _is_energy(line.quantity.unit)
            and {"carbon_content", "oxidation_rate"} <= set(line.parameters)
        )

    def unknown_material_parameters(self) -> str:
        return "ncv, carbon_content, oxidation_rate"

    def activity_unit(self, line: RawLine, material: str, ctx: Context) -> str:
        """t for solid and liquid fuels, 10^4 Nm3 for gases: the denominator of the NCV."""
        measured = line.parameters.get("ncv")
        if measured is not None:
            return _activity_unit_of(measured.unit)
        # the default NCV's unit depends only on the table and the fuel: cache it there
        cache = ctx.factors.term_cache
        key = ("activity-unit", "fuel.{material}.ncv", material, "")
        unit: str | None = cache.get(key)
        if unit is None:
            row = ctx.factors.get(f"fuel.{material}.ncv")
            unit = cache[key] = _activity_unit_of(row.unit if row is not None else "GJ/t")
        return unit

    def check_required_measurements(
        self, line: RawLine, material: str, ctx: Context, errors: Collector
    ) -> None:
        if not self.measured_required:
            return
        for name in self.measured_required.get(material, ()):
            if name not in line.parameters:
                spec = self._params[name]
                errors.add(
                    line.where_param(name),
                    "measurement-required",
                    hint="give-parameter",
                    label=spec.label_en,
                    label_zh=spec.label_zh,
                    material=material,
                    parameter=name,
                    unit=spec.unit,
                )

    def compute(self, line: RawLine, ctx: Context, errors: Collector) -> list[ResultLine]:
        # A line with no parameters whose plan exists (built by calculate() below, so its
        # material passed check_material() on this table before) needs none of the checks:
        # its result line is built here directly, as result() would build it.
        q = line.quantity
        params = line.parameters
        if q is not None and (not params or (len(params) == 1 and "ncv" in params)):
            measured = params["ncv"] if params else None
            plan = ctx.factors.plans.get(
                (self, line.material, q.unit, None if measured is None else measured.unit)
            )
            if plan is not None:
                fc_unit, tail, uncertain = plan
                value = q.value if q.unit == fc_unit else convert(q.value, q.unit, fc_unit)
                ncv = None if measured is None else self._measured_ncv(measured, fc_unit)
                if value >= 0 and (measured is None or ncv is not None):
                    fc = _new_tuple(Term, (self.quantity_symbol, value, fc_unit, "input"))
                    terms = (fc, *tail) if ncv is None else (fc, ncv, *tail)
                    for row in uncertain:
                        ctx.note_status(row, line.location)
                    emission = product(terms)
                    return [
                        _new_tuple(
                            ResultLine,
                            (
                                line.facility_id,
                                line.id,
                                self.name,
                                self.category,
                                "CO2",
                                line.material,
                                self.formula,
                                terms,
                                emission,
                                ONE,
                                "constant",
                                emission,
                                self.scope,
                            ),
                        )
                    ]
        return super().compute(line, ctx, errors)

    def _measured_ncv(self, measured: Quantity, fc_unit: str) -> Term | None:
        """The Term param() gives a measured NCV, or None where param() would report a
        problem (the general path then reports it)."""
        spec = self._params["ncv"]
        unit = f"GJ/{fc_unit}"
        if measured.unit == unit:
            value = measured.value
        else:
            try:
                value = convert(measured.value, measured.unit, unit)
            except UnitError:
                return None
        if (spec.lo is not None and value < spec.lo) or (spec.hi is not None and value > spec.hi):
            return None
        return _new_tuple(Term, (spec.symbol, value, unit, "measured"))

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        assert material is not None
        q = line.quantity
        params = line.parameters
        # the common shapes (every parameter defaulted, or only the NCV measured) through a
        # plan cached per factor table; anything else, and any line with a problem, takes
        # the general path below
        if q is not None and (not params or (len(params) == 1 and "ncv" in params)):
            ncv_unit = params["ncv"].unit if params else None
            key = (self, material, q.unit, ncv_unit)
            plans = ctx.factors.plans
            try:
                plan = plans[key]
            except KeyError:
                plan = self._plan(material, q.unit, ncv_unit, ctx)
                if len(plans) < PLANS_MAX:
                    plans[key] = plan
            if plan is not None:
                fc_unit, tail, uncertain = plan
                value = q.value if q.unit == fc_unit else convert(q.value, q.unit, fc_unit)
                if value >= 0:
                    fc = _new_tuple(Term, (self.quantity_symbol, value, fc_unit, "input"))
                    if ncv_unit is None:
                        terms = (fc, *tail)
                    else:
                        ncv = self.param(line, "ncv", material, ctx, errors, unit=f"GJ/{fc_unit}")
                        if ncv is None:
                            return []
                        terms = (fc, ncv, *tail)
                    for row in uncertain:
                        ctx.note_status(row, line.location)
                    return [self.result(line, ctx, terms, product(terms), material=material)]
        return self._calculate(line, material, ctx, errors)

    def _plan(
        self, material: str, unit: str, ncv_unit: str | None, ctx: Context
    ) -> tuple[str, tuple[Term, ...], tuple[FactorRow, ...]] | None:
        """What :meth:`_calculate` would use for a line of ``material`` in ``unit`` besides
        the line's own numbers: the activity unit, the default terms after FC (or after a
        measured NCV), and the rows of uncertain provenance it notes, in its order. None
        when the general path is needed (a required measurement, an unknown conversion, a
        missing default)."""
        if self.measured_required.get(material) or self.gas != "CO2" or self.sign < 0:
            return None
        if _is_energy(unit):
            if ncv_unit is not None:
                return None
            fc_unit = "GJ"
            names: tuple[str, ...] = ("carbon_content", "oxidation_rate")
        else:
            fc_unit = (
                _activity_unit_of(ncv_unit) if ncv_unit else self.activity_unit_of(material, ctx)
            )
            names = ("carbon_content", "oxidation_rate")
            if ncv_unit is None:
                names = ("ncv", *names)
        try:
            conversion_factor(unit, fc_unit)
        except UnitError:
            return None
        tail: list[Term] = []
        uncertain: list[FactorRow] = []
        for name in names:
            spec = self._params[name]
            if spec.default is None:
                return None
            target = f"GJ/{fc_unit}" if name == "ncv" else spec.unit
            found = ctx.default_row_term(spec.symbol, spec.default, material, target)
            if found is None:
                return None
            term, row = found
            tail.append(term)
            if row.status == "uncertain":
                uncertain.append(row)
        bf = self._params.get("biomass_fraction")
        if bf is None or bf.constant is None or bf.constant:
            return None
        tail.append(C_TO_CO2)
        return fc_unit, tuple(tail), tuple(uncertain)

    def activity_unit_of(self, material: str, ctx: Context) -> str:
        row = ctx.factors.get(f"fuel.{material}.ncv")
        return _activity_unit_of(row.unit if row is not None else "GJ/t")

    def _calculate(
        self, line: RawLine, material: str, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        if self.measured_required:
            self.check_required_measurements(line, material, ctx, errors)
        energy_input = line.quantity is not None and _is_energy(line.quantity.unit)
        if energy_input:
            fc = self.quantity(line, errors, unit="GJ")
            ncv = None
        else:
            act = self.activity_unit(line, material, ctx)
            fc = self.quantity(line, errors, unit=act)
            ncv = self.param(line, "ncv", material, ctx, errors, unit=f"GJ/{act}")
        cc = self.param(line, "carbon_content", material, ctx, errors)
        of = self.param(line, "oxidation_rate", material, ctx, errors)
        bf = self.param(line, "biomass_fraction", material, ctx, errors)
        if (
            fc is None
            or cc is None
            or of is None
            or bf is None
            or (ncv is None and not energy_input)
        ):
            return []
        terms: tuple[Term, ...] = (fc,) if ncv is None else (fc, ncv)
        if bf.value:
            terms += (Term("(1−BF)", ONE - bf.value, "fraction", bf.origin),)
        terms += (cc, of, C_TO_CO2)
        return [self.result(line, ctx, terms, product(terms), material=material)]


#: FuelCombustion's parameters, for subclasses that add their own (under mypyc an instance
#: attribute cannot be read from the class)
FUEL_COMBUSTION_PARAMS = FuelCombustion().params


@lru_cache(maxsize=256)
def _activity_unit_of(ncv_unit: str) -> str:
    denominators = [d for d, p in parse_unit(ncv_unit).dimension if p < 0]
    return "10^4Nm3" if denominators == ["volume"] else "t"


@lru_cache(maxsize=256)
def _is_energy(unit: str) -> bool:
    try:
        return parse_unit(unit).dimension == (("energy", 1),)
    except UnitError:
        return False


class Electricity(SourceType):
    """Net purchased (or exported, sign −1) electricity: E = AD × EF_grid.

    AD [MWh]; EF_grid [tCO2/MWh] is the factor the methodology selects for the submission
    (region and year), unless a measured/declared ``emission_factor`` is given.
    """

    name = "purchased_electricity"
    category = "purchased_electricity"
    label_en = "purchased electricity"
    label_zh = "净购入使用的电力"
    quantity_unit: str | None = "MWh"
    quantity_label_en = "electricity purchased"
    quantity_label_zh = "购入电量"
    formula = "E = AD × EF_grid"
    params: tuple[Param, ...] = (
        Param(
            "emission_factor",
            "EF_grid",
            "tCO2/MWh",
            "grid emission factor",
            "电网排放因子",
            required=False,
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        ad = self.quantity(line, errors)
        ef = self.param(line, "emission_factor", None, ctx, errors) or ctx.electricity
        if ef is None:
            errors.add(
                line.where_param("emission_factor"), "no-grid-factor", hint="grid-factor-guide"
            )
        if ad is None or ef is None:
            return []
        terms = (ad, ef)
        return [self.result(line, ctx, terms, _MUL(ad.value, ef.value))]


class Heat(SourceType):
    """Net purchased (or exported, sign −1) heat: E = AD × EF_heat; AD [GJ], EF [tCO2/GJ]."""

    name = "purchased_heat"
    category = "purchased_heat"
    label_en = "purchased heat"
    label_zh = "净购入使用的热力"
    quantity_unit: str | None = "GJ"
    quantity_label_en = "heat purchased"
    quantity_label_zh = "购入热量"
    formula = "E = AD × EF_heat"
    params: tuple[Param, ...] = (
        Param(
            "emission_factor",
            "EF_heat",
            "tCO2/GJ",
            "heat emission factor",
            "热力排放因子",
            default="heat.ef",
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        ad = self.quantity(line, errors)
        ef = self.param(line, "emission_factor", None, ctx, errors)
        if ad is None or ef is None:
            return []
        terms = (ad, ef)
        return [self.result(line, ctx, terms, _MUL(ad.value, ef.value))]


class CarbonateUse(SourceType):
    """Carbonate decomposition: E = AD × P × EF × F.

    AD [t] raw material; P [fraction] carbonate content (purity) of the raw material;
    EF [tCO2/t carbonate]; F [fraction] calcination fraction. Used for 发电 desulfurization
    (P defaults to 90%), 化工/平板玻璃/镁冶炼 carbonate use.
    """

    name = "carbonate_use"
    label_en = "carbonate decomposition"
    label_zh = "碳酸盐分解"
    material_key: str | None = "material"
    material_template: str | None = "carbonate.{material}.ef"
    quantity_label_en = "raw material consumed"
    quantity_label_zh = "原料消耗量"
    formula = "E = AD × P × EF × F"
    params: tuple[Param, ...] = (
        fraction("purity", "P", "carbonate content of the raw material", "碳酸盐含量"),
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
            constant_note="complete calcination unless measured",
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        ad = self.quantity(line, errors)
        p = self.param(line, "purity", material, ctx, errors)
        ef = self.param(line, "emission_factor", material, ctx, errors)
        f = self.param(line, "calcination_fraction", material, ctx, errors)
        if ad is None or p is None or ef is None or f is None:
            return []
        terms = (ad, p, ef, f)
        return [self.result(line, ctx, terms, product(terms), material=material)]


class CarbonMass(SourceType):
    """Carbon mass balance term (化工 2013): ±AD × C × 44/12.

    Inputs (raw materials carrying carbon in) add; outputs (products and wastes carrying
    carbon out) subtract (sign −1). C [tC/t] from the table of product carbon contents or
    measured.
    """

    name = "carbon_input"
    label_en = "carbon-containing raw material (mass balance input)"
    label_zh = "含碳原料投入(碳平衡)"
    material_key: str | None = "material"
    material_template: str | None = "carbon_content.{material}"
    material_override: str | None = "carbon_content"
    formula = "E = AD × C × 44/12"
    params: tuple[Param, ...] = (
        Param(
            "carbon_content",
            "C",
            "tC/t",
            "carbon content",
            "含碳量",
            default="carbon_content.{material}",
            hi=ONE,
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        ad = self.quantity(line, errors)
        c = self.param(line, "carbon_content", material, ctx, errors)
        if ad is None or c is None:
            return []
        terms = (ad, c, C_TO_CO2)
        return [self.result(line, ctx, terms, product(terms), material=material)]


class AnodeConsumption(SourceType):
    """Carbon anode consumption (电解铝 2013): E = P × NC × (1 − S − A) × 44/12.

    P [t Al] aluminium produced; NC [tC/t Al] net anode consumption; S and A the anodes'
    sulfur and ash contents [fraction].
    """

    name = "anode_consumption"
    label_en = "carbon anode consumption"
    label_zh = "炭阳极消耗"
    quantity_symbol = "P"
    quantity_label_en = "primary aluminium produced"
    quantity_label_zh = "原铝产量"
    formula = "E = P × NC × (1 − S − A) × 44/12"
    params: tuple[Param, ...] = (
        Param(
            "net_consumption",
            "NC",
            "tC/t",
            "net anode consumption per t Al",
            "吨铝炭阳极净耗",
            default="aluminium.anode_net_consumption",
        ),
        fraction(
            "sulfur",
            "S",
            "anode sulfur content",
            "炭阳极平均含硫量",
            default="aluminium.anode_sulfur",
        ),
        fraction("ash", "A", "anode ash content", "炭阳极平均灰分", default="aluminium.anode_ash"),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        p = self.quantity(line, errors)
        nc = self.param(line, "net_consumption", None, ctx, errors)
        s = self.param(line, "sulfur", None, ctx, errors)
        a = self.param(line, "ash", None, ctx, errors)
        if p is None or nc is None or s is None or a is None:
            return []
        if s.value + a.value >= 1:
            errors.add(
                line.where("parameters"),
                "not-below-one",
                field="sulfur + ash content",
                value=str(s.value + a.value),
            )
            return []
        pure = Term("(1−S−A)", ONE - s.value - a.value, "fraction", f"{s.origin}; {a.origin}")
        terms = (p, nc, pure, C_TO_CO2)
        return [self.result(line, ctx, terms, product(terms))]


class AnodeEffectPFC(SourceType):
    """Anode-effect PFCs (电解铝 2013): E_CF4 = P × EF_CF4 × 10^-3, E_C2F6 = P × EF_C2F6 × 10^-3.

    P [t Al]; EF [kg gas / t Al]; results in t of gas, weighted by the methodology's GWP set.
    """

    name = "anode_effect_pfc"
    category = "other_gases"
    label_en = "anode-effect PFC emissions"
    label_zh = "阳极效应全氟化碳排放"
    quantity_symbol = "P"
    quantity_label_en = "primary aluminium produced"
    quantity_label_zh = "原铝产量"
    formula = "E_gas = P × EF_gas × 10^-3"
    params: tuple[Param, ...] = (
        Param(
            "ef_cf4",
            "EF_CF4",
            "kgCF4/t",
            "CF4 emission factor",
            "CF4 排放因子",
            default="aluminium.ef_cf4",
        ),
        Param(
            "ef_c2f6",
            "EF_C2F6",
            "kgC2F6/t",
            "C2F6 emission factor",
            "C2F6 排放因子",
            default="aluminium.ef_c2f6",
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        p = self.quantity(line, errors)
        cf4 = self.param(line, "ef_cf4", None, ctx, errors)
        c2f6 = self.param(line, "ef_c2f6", None, ctx, errors)
        if p is None or cf4 is None or c2f6 is None:
            return []
        kg = Term("10^-3", KG_TO_T, "t/kg", "constant")
        out = []
        for gas, ef in (("CF4", cf4), ("C2F6", c2f6)):
            terms = (p, ef, kg)
            out.append(
                self.result(
                    line,
                    ctx,
                    terms,
                    product(terms),
                    gas=gas,
                    formula=f"E_{gas} = P × EF_{gas} × 10^-3",
                )
            )
        return out


class SF6Equipment(SourceType):
    """SF6 from retiring or repairing equipment (电网 2013): E = (REC_cap − REC_rec) × 10^-3.

    Quantities in kg SF6: the nameplate capacity of the equipment and what was recovered;
    the result [t SF6] is weighted with the methodology's GWP set (SAR: 23,900).
    """

    name = "sf6_equipment"
    category = "other_gases"
    gas = "SF6"
    label_en = "SF6 from retired or repaired equipment"
    label_zh = "六氟化硫设备修理与退役排放"
    quantity_unit: str | None = "kgSF6"
    quantity_symbol = "REC_cap"
    quantity_label_en = "SF6 capacity of the equipment"
    quantity_label_zh = "设备六氟化硫容量"
    formula = "E_SF6 = (REC_cap − REC_rec) × 10^-3"
    params: tuple[Param, ...] = (
        Param("recovered", "REC_rec", "kgSF6", "SF6 recovered", "六氟化硫回收量"),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        cap = self.quantity(line, errors)
        rec = self.param(line, "recovered", None, ctx, errors)
        if cap is None or rec is None:
            return []
        if rec.value > cap.value:
            errors.add(
                line.where_param("recovered"),
                "recovered-exceeds-capacity",
                recovered=str(rec.value),
                capacity=str(cap.value),
            )
            return []
        lost = Term("(REC_cap−REC_rec)", cap.value - rec.value, "kgSF6", "input")
        terms = (lost, Term("10^-3", KG_TO_T, "t/kg", "constant"))
        return [self.result(line, ctx, (cap, rec, *terms), product(terms))]


class TransmissionLoss(SourceType):
    """Transmission and distribution losses (电网 2013).

    E = (EL_上网 + EL_输入 − EL_输出 − EL_售电) × EF_grid; electricity in [MWh].
    """

    name = "transmission_loss"
    category = "transmission_loss"
    label_en = "transmission and distribution losses"
    label_zh = "输配电损失"
    quantity_unit: str | None = None
    formula = "E = (EL_supplied + EL_imported − EL_exported − EL_sold) × EF_grid"
    params: tuple[Param, ...] = (
        Param("supplied", "EL_supplied", "MWh", "electricity supplied to the grid", "上网电量"),
        Param("imported", "EL_imported", "MWh", "electricity imported", "输入电量"),
        Param("exported", "EL_exported", "MWh", "electricity exported", "输出电量"),
        Param("sold", "EL_sold", "MWh", "electricity sold to end users", "售电量"),
        Param(
            "emission_factor",
            "EF_grid",
            "tCO2/MWh",
            "grid emission factor",
            "电网排放因子",
            required=False,
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        self.quantity(line, errors)
        parts = [
            self.param(line, n, None, ctx, errors)
            for n in ("supplied", "imported", "exported", "sold")
        ]
        ef = self.param(line, "emission_factor", None, ctx, errors) or ctx.electricity
        if ef is None:
            errors.add(
                line.where_param("emission_factor"), "no-grid-factor", hint="grid-region-or-factor"
            )
        if ef is None or any(p is None for p in parts):
            return []
        s, i, x, sold = (p for p in parts if p is not None)
        loss = s.value + i.value - x.value - sold.value
        if loss < 0:
            errors.add(
                line.where("parameters"),
                "transmission-loss-negative",
                hint="check-electricity",
                loss=str(loss),
            )
            return []
        return [self.result(line, ctx, (s, i, x, sold, ef), _MUL(loss, ef.value))]


class Clinker(SourceType):
    """Raw-material decomposition in clinker production (水泥 2013).

    E = (Q + D + BP) × [(CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × 44/40]
    Q clinker, D kiln-head dust, BP bypass dust [t]; oxide contents as mass fractions.
    """

    name = "clinker"
    label_en = "raw material decomposition (clinker)"
    label_zh = "原料碳酸盐分解(熟料)"
    quantity_symbol = "Q"
    quantity_label_en = "clinker produced"
    quantity_label_zh = "熟料产量"
    formula = "E = (Q + D + BP) × [(CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × 44/40]"
    params: tuple[Param, ...] = (
        Param(
            "kiln_dust",
            "D",
            "t",
            "kiln-head dust",
            "窑头粉尘",
            constant=ZERO,
            constant_note="no kiln-head dust leaves the system unless declared",
        ),
        Param(
            "bypass_dust",
            "BP",
            "t",
            "bypass dust",
            "旁路放风粉尘",
            constant=ZERO,
            constant_note="no bypass dust unless declared",
        ),
        fraction("cao", "CaO", "CaO content of clinker", "熟料中CaO含量"),
        fraction("cao_noncarbonate", "CaO_nc", "non-carbonate CaO content", "非碳酸盐CaO含量"),
        fraction("mgo", "MgO", "MgO content of clinker", "熟料中MgO含量"),
        fraction("mgo_noncarbonate", "MgO_nc", "non-carbonate MgO content", "非碳酸盐MgO含量"),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        q = self.quantity(line, errors)
        vals = {
            n: self.param(line, n, None, ctx, errors)
            for n in (
                "kiln_dust",
                "bypass_dust",
                "cao",
                "cao_noncarbonate",
                "mgo",
                "mgo_noncarbonate",
            )
        }
        if q is None or any(v is None for v in vals.values()):
            return []
        v = {k: t.value for k, t in vals.items() if t is not None}
        if v["cao_noncarbonate"] > v["cao"] or v["mgo_noncarbonate"] > v["mgo"]:
            errors.add(line.where("parameters"), "noncarbonate-exceeds-total")
            return []
        mass = q.value + v["kiln_dust"] + v["bypass_dust"]
        ef = CONTEXT.divide((v["cao"] - v["cao_noncarbonate"]) * 44, Decimal(56)) + CONTEXT.divide(
            (v["mgo"] - v["mgo_noncarbonate"]) * 44, Decimal(40)
        )
        terms = (
            q,
            *(t for t in vals.values() if t is not None),
            Term("EF_clinker", ef, "tCO2/t", "computed"),
        )
        return [self.result(line, ctx, terms, _MUL(mass, ef))]


class OrganicCarbon(SourceType):
    """Non-fuel (organic) carbon in raw meal (水泥 2013): E = Q_rm × FR0 × 44/12."""

    name = "raw_meal_organic_carbon"
    label_en = "organic carbon in raw meal"
    label_zh = "生料中非燃料碳煅烧"
    quantity_symbol = "Q_rm"
    quantity_label_en = "raw meal consumed"
    quantity_label_zh = "生料消耗量"
    formula = "E = Q_rm × FR0 × 44/12"
    params: tuple[Param, ...] = (
        fraction(
            "organic_carbon", "FR0", "non-fuel carbon content of raw meal", "生料中非燃料碳含量"
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        q = self.quantity(line, errors)
        fr = self.param(line, "organic_carbon", None, ctx, errors)
        if q is None or fr is None:
            return []
        terms = (q, fr, C_TO_CO2)
        return [self.result(line, ctx, terms, product(terms))]


class CeramicRawMaterial(SourceType):
    """Carbonates in ceramic raw materials (陶瓷 2013).

    E = AD × U × (w_CaCO3 × 0.44 + w_MgCO3 × 0.524); AD [t], U utilisation [fraction],
    w mass fractions of CaCO3 and MgCO3 in the raw material.
    """

    name = "ceramic_raw_material"
    label_en = "carbonates in ceramic raw materials"
    label_zh = "原料中碳酸盐分解"
    quantity_label_en = "raw material consumed"
    quantity_label_zh = "原料消耗量"
    formula = "E = AD × U × (w_CaCO3 × EF_CaCO3 + w_MgCO3 × EF_MgCO3)"
    params: tuple[Param, ...] = (
        fraction("utilization", "U", "raw material utilisation rate", "原料利用率"),
        fraction("caco3_content", "w_CaCO3", "CaCO3 content", "碳酸钙含量"),
        fraction("mgco3_content", "w_MgCO3", "MgCO3 content", "碳酸镁含量"),
        Param(
            "ef_caco3",
            "EF_CaCO3",
            "tCO2/t",
            "CaCO3 factor",
            "碳酸钙排放因子",
            default="ceramics.ef_caco3",
        ),
        Param(
            "ef_mgco3",
            "EF_MgCO3",
            "tCO2/t",
            "MgCO3 factor",
            "碳酸镁排放因子",
            default="ceramics.ef_mgco3",
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        ad = self.quantity(line, errors)
        names = ("utilization", "caco3_content", "mgco3_content", "ef_caco3", "ef_mgco3")
        t = {n: self.param(line, n, None, ctx, errors) for n in names}
        if ad is None or any(v is None for v in t.values()):
            return []
        u, w1, w2, e1, e2 = (t[n] for n in names)
        assert u and w1 and w2 and e1 and e2
        if w1.value + w2.value > 1:
            errors.add(
                line.where("parameters"),
                "above-one",
                field="CaCO3 + MgCO3 content",
                value=str(w1.value + w2.value),
            )
            return []
        ef = _MUL(w1.value, e1.value) + _MUL(w2.value, e2.value)
        terms = (ad, u, w1, e1, w2, e2)
        return [self.result(line, ctx, terms, _MUL(_MUL(ad.value, u.value), ef))]


class N2OProduction(SourceType):
    """N2O from nitric or adipic acid production (化工 2013).

    E_N2O = P × EF × (1 − η × μ); P [t acid], EF [tN2O/t acid] by production technology,
    η the abatement's N2O removal rate, μ the share of production with abatement running.
    Declaring μ without a measured η applies the guideline's NSCR default removal rate (85%).
    """

    name = "nitric_acid_n2o"
    category = "process"
    gas = "N2O"
    label_en = "N2O from nitric acid production"
    label_zh = "硝酸生产N2O排放"
    material_key: str | None = "technology"
    material_template: str | None = "nitric_acid.{material}.ef"
    material_override: str | None = "emission_factor"
    abatement_default: str | None = "nitric_acid.nscr.removal_rate"
    quantity_symbol = "P"
    quantity_label_en = "acid produced"
    quantity_label_zh = "产量"
    formula = "E_N2O = P × EF × (1 − η × μ)"
    params: tuple[Param, ...] = (
        Param(
            "emission_factor",
            "EF",
            "tN2O/t",
            "N2O generation factor",
            "N2O生成因子",
            default="nitric_acid.{material}.ef",
        ),
        fraction(
            "removal_rate",
            "η",
            "abatement N2O removal rate",
            "N2O去除率",
            constant=ZERO,
            constant_note="no abatement unless declared",
        ),
        fraction(
            "utilization",
            "μ",
            "share of production with abatement running",
            "尾气处理设备使用率",
            constant=ONE,
            constant_note="abatement ran for all production when a removal rate is given",
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        p = self.quantity(line, errors)
        ef = self.param(line, "emission_factor", material, ctx, errors)
        eta = self.param(line, "removal_rate", material, ctx, errors)
        mu = self.param(line, "utilization", material, ctx, errors)
        if (
            "utilization" in line.parameters
            and "removal_rate" not in line.parameters
            and self.abatement_default is not None
        ):
            # abatement declared by its running share but no measured removal rate: the
            # guideline's default for the abatement technology applies
            eta = ctx.default_term("η", self.abatement_default, None, "fraction", line.location)
        if p is None or ef is None or eta is None or mu is None:
            return []
        kept = Term(
            "(1−η×μ)", ONE - _MUL(eta.value, mu.value), "fraction", f"{eta.origin}; {mu.origin}"
        )
        terms = (p, ef, kept)
        return [self.result(line, ctx, (p, ef, eta, mu), product(terms), material=material)]


class CO2Recovered(SourceType):
    """CO2 recovered for use by others (化工 2013), deducted: E = −Q × PUR (× ρ for volumes).

    Q in t CO2, or in 10^4 Nm3 of gas with density ρ = 19.77 t/10^4 Nm3; PUR purity.
    """

    name = "co2_recovered"
    category = "co2_recovered"
    label_en = "CO2 recovered and supplied to others"
    label_zh = "CO2回收利用量"
    quantity_unit: str | None = None
    quantity_symbol = "Q"
    quantity_label_en = "CO2 recovered"
    quantity_label_zh = "CO2回收量"
    formula = "E = −Q × PUR"
    sign = -1
    params: tuple[Param, ...] = (
        fraction(
            "purity",
            "PUR",
            "CO2 purity of the recovered gas",
            "CO2纯度",
            constant=ONE,
            constant_note="quantity given as pure CO2",
        ),
    )

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        unit = line.quantity.unit if line.quantity else "tCO2"
        try:
            volume = parse_unit(unit).dimension == (("volume", 1),)
        except UnitError:
            volume = False
        q = self.quantity(line, errors, unit="10^4Nm3" if volume else "tCO2")
        pur = self.param(line, "purity", None, ctx, errors)
        if q is None or pur is None:
            return []
        terms: tuple[Term, ...] = (q, pur, CO2_DENSITY) if volume else (q, pur)
        formula = "E = −Q × PUR × ρCO2" if volume else self.formula
        return [self.result(line, ctx, terms, product(terms), formula=formula)]


class Production(SourceType):
    """Production data that carries no emission itself (power and heat supplied, output).

    Recorded for intensities and allocation; ``material`` names the product.
    """

    name = "production"
    category = "production"
    label_en = "production data"
    label_zh = "生产数据"
    material_key: str | None = "product"
    quantity_unit: str | None = None
    formula = ""
    #: product -> canonical unit
    products: Mapping[str, str] = {}

    def check_material(self, line: RawLine, ctx: Context, errors: Collector) -> str | None:
        if line.material not in self.products:
            errors.add(
                line.where("product"),
                "unknown-value",
                hint="one-of",
                field="product",
                value=repr(line.material),
                choices=", ".join(self.products),
            )
            return None
        return line.material

    def calculate(
        self, line: RawLine, material: str | None, ctx: Context, errors: Collector
    ) -> list[ResultLine]:
        assert material is not None
        unit = self.products[material]
        q = self.quantity(line, errors, unit=unit)
        if q is not None:
            prev = ctx.production.get(material, (ZERO, unit))[0]
            ctx.production[material] = (prev + q.value, unit)
        return []


SourceFactory = Callable[[], SourceType]
