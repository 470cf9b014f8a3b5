"""Allowance allocation: the national ETS power-sector benchmark method, the
historical-intensity method and grandfathering.

Layers, as elsewhere in the engine: pure functions on Decimals first
(:func:`benchmark_allocation`, :func:`pre_allocation`, :func:`true_up`,
:func:`coal_max_shortfall`, :func:`settlement_obligation`, :func:`historical_intensity`,
:func:`historical_intensity_allocation`, :func:`grandfathering_allocation`), then small
objects (unit categories, allocation periods, benchmark sets with per-row provenance, the
request and the result), then one orchestrator, :func:`allocate`.

Rounding policy
---------------
Allowances are whole tonnes (1 allowance = 1 tCO2). Every formula runs at full precision in
:data:`carbonledger.accounting.numbers.CONTEXT`; each unit's final allocation and
pre-allocation is then rounded once with :func:`~carbonledger.accounting.numbers.whole_tonnes`
(half-up). The true-up is the difference of the two rounded figures; the settlement
obligation is rounded half-up from its full-precision value. Enterprise totals are the sums
of the rounded unit figures, so a total always equals the sum of the lines shown.

Sources (ids in ``data/sources.csv``)
-------------------------------------
* S16 (ICAP): 2019-2020 benchmark table, 70% pre-allocation, gas units have no obligation
  beyond their free allocation.
* S21: pre-allocation = 70% × base-year supply × benchmark × cooling factor × heat-supply
  factor + 70% × base-year heat × heat benchmark (no load factor).
* S18: 2021-2022 keeps the 20% exemption cap. S19: 2023-2024 allocates on generation
  (发电量) and drops the heat-supply correction factor; its benchmark values were not read.
* The correction-factor values (cooling, heat-supply, load) were NOT read: the user enters
  each factor as computed from the MEE plan. Nothing here supplies a default for them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from carbonledger.accounting import canonical
from carbonledger.accounting.context import Warning
from carbonledger.accounting.errors import ROOT, Collector, FactorError, InputError, Location
from carbonledger.accounting.model import Term
from carbonledger.accounting.numbers import (
    CONTEXT,
    ONE,
    ZERO,
    NotADecimalError,
    to_decimal,
    whole_tonnes,
)
from carbonledger.accounting.numbers import canonical as canonical_decimal
from carbonledger.accounting.numbers import short as _fmt
from carbonledger.accounting.submission import (
    Enterprise,
    Quantity,
    parse_json_text,
    parse_quantity,
)
from carbonledger.accounting.units import UnitError, convert, parse_unit

REQUEST_SCHEMA = "carbonledger/allocation-request@1"
RESULT_SCHEMA = "carbonledger/allocation-result@1"
ENGINE = "carbonledger-allocation/1"

BENCHMARK = "cn-ets-power-benchmark"
HISTORICAL_INTENSITY = "historical-intensity"
GRANDFATHERING = "grandfathering"
METHODS = (BENCHMARK, HISTORICAL_INTENSITY, GRANDFATHERING)

ROUNDING_ZH = (
    "配额按整吨发放，每台机组的核定配额和预分配量各四舍五入一次；"
    "核定调整量为两者取整后之差；合计为各机组之和"
)
ROUNDING = (
    "allowances in whole tonnes, half-up (numbers.whole_tonnes), once per unit figure; "
    "true-up = rounded final - rounded pre-allocation; totals are sums of unit figures"
)


# =========================================================================================
# Pure functions
# =========================================================================================


def benchmark_allocation(
    power_output: Decimal,
    power_benchmark: Decimal,
    corrections: Sequence[Decimal],
    heat_supplied: Decimal,
    heat_benchmark: Decimal,
) -> Decimal:
    """A unit's allowance allocation by the national ETS power-sector benchmark method.

    .. math:: A = B_s × Q_s × \\prod_k F_k + B_h × Q_h

    Parameters
    ----------
    power_output : Decimal
        Net power supplied Q_s (供电量) [MWh] — power generated (发电量) from 2023.
    power_benchmark : Decimal
        Supply benchmark B_s of the unit's category [tCO2/MWh].
    corrections : sequence of Decimal
        The correction factors F_k [1] the period's plan applies (2019-2020: cooling,
        heat-supply and load factors), as given by the user.
    heat_supplied : Decimal
        Heat supplied Q_h (供热量) [GJ].
    heat_benchmark : Decimal
        Heat benchmark B_h of the unit's category [tCO2/GJ].

    Returns
    -------
    Decimal
        Allowances [tCO2], full precision; round with ``whole_tonnes`` (half-up) to issue.

    Source: MEE 2019-2020 allocation plan (power sector) as summarised by ICAP (S16) and the
    2019 trial (S21); the same form for 2021-2022 (reference ``ets_compliance_rules.csv``).
    """
    factor = ONE
    for f in corrections:
        factor = CONTEXT.multiply(factor, f)
    power = CONTEXT.multiply(CONTEXT.multiply(power_benchmark, power_output), factor)
    return CONTEXT.add(power, CONTEXT.multiply(heat_benchmark, heat_supplied))


def pre_allocation(
    base_power_output: Decimal,
    power_benchmark: Decimal,
    corrections: Sequence[Decimal],
    base_heat_supplied: Decimal,
    heat_benchmark: Decimal,
    *,
    share: Decimal,
) -> Decimal:
    """Pre-allocation: a share of the base year's output times the benchmarks.

    .. math:: A_{pre} = s × (B_s × Q_{s,base} × F_l × F_r + B_h × Q_{h,base})

    Parameters
    ----------
    base_power_output : Decimal
        Base-year net power supplied [MWh] (2019-2020: the 2018 figure).
    power_benchmark, heat_benchmark : Decimal
        The period's benchmarks [tCO2/MWh], [tCO2/GJ].
    corrections : sequence of Decimal
        Base-year correction factors [1]; for 2019-2020 the cooling and heat-supply factors
        only — S21's formula has no load factor in the pre-allocation.
    base_heat_supplied : Decimal
        Base-year heat supplied [GJ].
    share : Decimal
        Pre-allocated share [1]; 0.7 for 2019-2020 (S16, S21).

    Returns
    -------
    Decimal
        Allowances [tCO2], full precision (issued rounded half-up to whole tonnes).
    """
    full = benchmark_allocation(
        base_power_output, power_benchmark, corrections, base_heat_supplied, heat_benchmark
    )
    return CONTEXT.multiply(share, full)


def true_up(final_allowances: int, pre_allocated: int) -> int:
    """Allowances still to issue once output is verified: final − pre-allocated [t].

    Negative when the pre-allocation exceeded the final allocation; the regulator then
    takes back the difference.
    """
    return final_allowances - pre_allocated


def coal_max_shortfall(allocation: int | Decimal, cap_share: Decimal) -> Decimal:
    """The most a coal unit must surrender beyond its free allocation [t].

    .. math:: S_{max} = c × A

    with c = 0.2 for 2019-2020 (S16) and 2021-2022 (S18): "settlement obligation capped at
    free allocation + 20% (shortfall beyond 20% of allocation exempt)". That is the reading
    of our sources; if the plan text states the cap as a share of *verified emissions*
    instead, pass ``cap_share × E`` to :func:`settlement_obligation` directly.
    """
    return CONTEXT.multiply(cap_share, Decimal(allocation))


@dataclass(frozen=True, slots=True)
class Settlement:
    """What a unit must surrender, with the shortfall and the exempt part.

    ``verified_emissions``, ``shortfall`` and ``exempt`` are full-precision tCO2;
    ``obligation`` is whole tonnes (half-up).
    """

    verified_emissions: Decimal
    allocation: int
    #: E − A; negative is a surplus
    shortfall: Decimal
    #: the most to surrender beyond the allocation; None when there is no cap
    max_shortfall: Decimal | None
    #: shortfall not to be surrendered (beyond the cap)
    exempt: Decimal
    obligation: int
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "verified_emissions": self.verified_emissions,
            "allocation": self.allocation,
            "shortfall": self.shortfall,
            "max_shortfall": self.max_shortfall,
            "exempt": self.exempt,
            "obligation": self.obligation,
            "rule": self.rule,
        }


def settlement_obligation(
    verified_emissions: Decimal,
    allocation: int,
    max_shortfall: Decimal | None,
    rule: str = "",
) -> Settlement:
    """Allowances to surrender given verified emissions and the free allocation.

    .. math:: O = \\min(E, A + S_{max})

    Parameters
    ----------
    verified_emissions : Decimal
        Verified emissions E [tCO2].
    allocation : int
        The unit's final free allocation A [t].
    max_shortfall : Decimal or None
        S_max [t]: for coal units in 2019-2022 :func:`coal_max_shortfall` (20% of A); for
        gas units 0 — "no obligation beyond free allocation" (S16); ``None`` for no cap
        (the obligation is then E).

    Returns
    -------
    Settlement
        ``obligation`` = O rounded half-up to whole tonnes; ``exempt`` = max(0, E − A − S_max).
    """
    shortfall = CONTEXT.subtract(verified_emissions, Decimal(allocation))
    if max_shortfall is None:
        owed = verified_emissions
    else:
        owed = min(verified_emissions, CONTEXT.add(Decimal(allocation), max_shortfall))
    exempt = CONTEXT.subtract(verified_emissions, owed)
    return Settlement(
        verified_emissions=verified_emissions,
        allocation=allocation,
        shortfall=shortfall,
        max_shortfall=max_shortfall,
        exempt=exempt,
        obligation=whole_tonnes(owed),
        rule=rule,
    )


IntensityBasis = Literal["ratio_of_sums", "mean_of_ratios"]
INTENSITY_BASES: tuple[IntensityBasis, ...] = ("ratio_of_sums", "mean_of_ratios")


def historical_intensity(
    emissions: Sequence[Decimal],
    outputs: Sequence[Decimal],
    basis: IntensityBasis = "ratio_of_sums",
) -> Decimal:
    """Historical emission intensity over the base years [tCO2e per unit of output].

    .. math:: I = \\frac{\\sum_y E_y}{\\sum_y P_y}  \\quad (ratio\\_of\\_sums)
              \\qquad I = \\frac{1}{n}\\sum_y \\frac{E_y}{P_y}  \\quad (mean\\_of\\_ratios)

    Parameters
    ----------
    emissions : sequence of Decimal
        Base-year emissions E_y [tCO2e].
    outputs : sequence of Decimal
        Base-year output P_y [unit of output], same unit for every year, each > 0.
    basis : str
        ``ratio_of_sums`` (output-weighted; the default) or ``mean_of_ratios`` (simple mean
        of the yearly intensities). The request states which one it used.
    """
    if len(emissions) != len(outputs) or not emissions:
        raise ValueError("one output per base-year emission figure is required")
    if basis == "ratio_of_sums":
        return CONTEXT.divide(sum(emissions, ZERO), sum(outputs, ZERO))
    ratios = [CONTEXT.divide(e, p) for e, p in zip(emissions, outputs, strict=True)]
    return CONTEXT.divide(sum(ratios, ZERO), Decimal(len(ratios)))


def historical_intensity_allocation(
    intensity: Decimal, output: Decimal, reduction_factor: Decimal
) -> Decimal:
    """Allocation by historical intensity.

    .. math:: A = I × P × r

    Parameters
    ----------
    intensity : Decimal
        Historical intensity I [tCO2e per unit of output] (:func:`historical_intensity`).
    output : Decimal
        Current-year output P [unit of output].
    reduction_factor : Decimal
        r [1], given by the regulator (e.g. 0.98).

    Returns
    -------
    Decimal
        Allowances [t], full precision (issued rounded half-up to whole tonnes).
    """
    return CONTEXT.multiply(CONTEXT.multiply(intensity, output), reduction_factor)


def grandfathering_allocation(emissions: Sequence[Decimal], reduction_factor: Decimal) -> Decimal:
    """Allocation by grandfathering: mean base-year emissions times a reduction factor.

    .. math:: A = \\frac{1}{n}\\sum_y E_y × r

    Parameters
    ----------
    emissions : sequence of Decimal
        Base-year emissions E_y [tCO2e], at least one year.
    reduction_factor : Decimal
        r [1], given by the regulator.

    Returns
    -------
    Decimal
        Allowances [t], full precision (issued rounded half-up to whole tonnes).
    """
    if not emissions:
        raise ValueError("at least one base year is required")
    mean = CONTEXT.divide(sum(emissions, ZERO), Decimal(len(emissions)))
    return CONTEXT.multiply(mean, reduction_factor)


# =========================================================================================
# Unit categories, periods, correction factors
# =========================================================================================


@dataclass(frozen=True, slots=True)
class UnitCategory:
    key: str
    fuel: Literal["coal", "gas"]
    label_zh: str
    label_en: str


UNIT_CATEGORIES: dict[str, UnitCategory] = {
    c.key: c
    for c in (
        UnitCategory(
            "coal_conventional_above_300mw",
            "coal",
            "300MW等级以上常规燃煤机组",
            "conventional coal units above the 300 MW class",
        ),
        UnitCategory(
            "coal_conventional_300mw_and_below",
            "coal",
            "300MW等级及以下常规燃煤机组",
            "conventional coal units of the 300 MW class and below",
        ),
        UnitCategory(
            "coal_unconventional",
            "coal",
            "燃煤矸石、煤泥、水煤浆等非常规燃煤机组(含循环流化床)",
            "unconventional coal units (coal gangue, slime, coal-water slurry; incl. CFB)",
        ),
        UnitCategory("natural_gas", "gas", "燃气机组", "natural gas units"),
    )
}

#: correction factor name -> (symbol, label zh, label en)
CORRECTION_FACTORS: dict[str, tuple[str, str, str]] = {
    "cooling": ("F_l", "冷却方式修正系数", "cooling-type correction factor"),
    "heat_supply": ("F_r", "供热量修正系数", "heat-supply correction factor"),
    "load": ("F_f", "负荷(出力)系数修正系数", "load-factor correction factor"),
}


@dataclass(frozen=True, slots=True)
class AllocationPeriod:
    """One national ETS allocation period and the rules our sources give for it.

    ``None`` means the rule was not read: the user must supply the value, or the step is
    refused with an error saying so.
    """

    id: str
    years: tuple[int, ...]
    #: the output the supply benchmark multiplies: power supplied, or (2023-) generated
    output_field: Literal["power_supplied", "power_generated"]
    corrections: tuple[str, ...]
    pre_allocation_corrections: tuple[str, ...]
    pre_allocation_share: Decimal | None
    base_year: int | None
    #: coal units' most to surrender beyond allocation, as a share of allocation
    coal_cap_share: Decimal | None
    sources: tuple[str, ...]
    #: where the settlement rules (cap, gas units) come from
    compliance_sources: tuple[str, ...]
    note: str
    #: what about this period's rules was not read; shown as a warning on every result
    caveat: str = ""


_CAVEAT_2021_2022 = (
    "the 2021-2022 plan was not read: its benchmarks and pre-allocation share must be "
    "supplied, and the sources say 'correction factor(s)' without naming them, so the three "
    "2019-2020 factors are asked for (enter 1 where the plan applies none)"
)

PERIODS: tuple[AllocationPeriod, ...] = (
    AllocationPeriod(
        id="2019-2020",
        years=(2019, 2020),
        output_field="power_supplied",
        corrections=("cooling", "heat_supply", "load"),
        pre_allocation_corrections=("cooling", "heat_supply"),
        pre_allocation_share=Decimal("0.7"),
        base_year=2018,
        coal_cap_share=Decimal("0.2"),
        sources=("S16", "S21"),
        compliance_sources=("S16",),
        note="70% of 2018 output pre-allocated; coal shortfall capped at 20% of allocation; "
        "gas units owe nothing beyond their free allocation",
    ),
    AllocationPeriod(
        id="2021",
        years=(2021,),
        output_field="power_supplied",
        corrections=("cooling", "heat_supply", "load"),
        pre_allocation_corrections=("cooling", "heat_supply"),
        pre_allocation_share=None,
        base_year=None,
        coal_cap_share=Decimal("0.2"),
        sources=("S17", "S18"),
        compliance_sources=("S18",),
        note="benchmarks and pre-allocation rule not read; 20% cap kept (S18)",
        caveat=_CAVEAT_2021_2022,
    ),
    AllocationPeriod(
        id="2022",
        years=(2022,),
        output_field="power_supplied",
        corrections=("cooling", "heat_supply", "load"),
        pre_allocation_corrections=("cooling", "heat_supply"),
        pre_allocation_share=None,
        base_year=None,
        coal_cap_share=Decimal("0.2"),
        sources=("S17", "S18"),
        compliance_sources=("S18",),
        note="as 2021",
        caveat=_CAVEAT_2021_2022,
    ),
    AllocationPeriod(
        id="2023-2024",
        years=(2023, 2024),
        output_field="power_generated",
        corrections=("cooling", "load"),
        pre_allocation_corrections=("cooling",),
        pre_allocation_share=None,
        base_year=None,
        coal_cap_share=None,
        sources=("S19",),
        compliance_sources=(),
        note="generation-based; heat-supply correction removed (S19)",
        caveat="the 2023-2024 plan was read only in summary (S19): benchmarks, the "
        "pre-allocation share and the compliance cap were not read, and keeping the cooling "
        "and load factors is our reading of 'heat-supply factor removed'",
    ),
)


def period_for_year(year: int) -> AllocationPeriod | None:
    """The allocation period that covers ``year``, or None."""
    for period in PERIODS:
        if year in period.years:
            return period
    return None


# =========================================================================================
# Benchmark sets (data files with provenance per row)
# =========================================================================================

BENCHMARK_COLUMNS = (
    "key",
    "period",
    "category",
    "kind",
    "value",
    "unit",
    "label_zh",
    "label_en",
    "document",
    "table",
    "source_ids",
    "status",
    "note",
)
#: the factor-set statuses plus ``superseded`` (a draft replaced by a later document)
BENCHMARK_STATUSES = frozenset(
    {"official", "corrected", "derived", "secondary", "uncertain", "superseded"}
)
BENCHMARK_UNITS = {"power": "tCO2/MWh", "heat": "tCO2/GJ"}


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One benchmark value with where it comes from."""

    set_ref: str
    key: str
    period: str
    category: str
    kind: Literal["power", "heat"]
    value: Decimal
    unit: str
    label_zh: str
    label_en: str
    document: str
    table: str
    source_ids: tuple[str, ...]
    status: str
    note: str

    @property
    def ref(self) -> str:
        return f"{self.set_ref}:{self.key}"

    def provenance(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "value": self.value,
            "unit": self.unit,
            "document": self.document,
            "table": self.table,
            "sources": list(self.source_ids),
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True)
class BenchmarkSet:
    id: str
    edition: int
    periods: tuple[str, ...]
    default_for: tuple[str, ...]
    title_zh: str
    title_en: str
    description: str
    rows: Mapping[str, Benchmark]
    digest: str

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.edition}"

    def get(self, period: str, category: str, kind: str) -> Benchmark | None:
        return self.rows.get(f"{period}.{category}.{kind}")


def parse_benchmark_set(
    text: str,
    *,
    id: str,
    edition: int,
    periods: Iterable[str] = (),
    default_for: Iterable[str] = (),
    title_zh: str = "",
    title_en: str = "",
    description: str = "",
    origin: str = "<text>",
) -> BenchmarkSet:
    """Parse a benchmark-set CSV; every row is checked and must carry its provenance.

    A row without source ids is allowed only with status ``uncertain`` (a value recalled,
    not read), and its note must say so.
    """
    set_ref = f"{id}@{edition}"
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != BENCHMARK_COLUMNS:
        raise FactorError(f"{origin}: header must be {','.join(BENCHMARK_COLUMNS)}")
    rows: dict[str, Benchmark] = {}
    period_ids = tuple(periods)
    for line_no, raw in enumerate(reader, start=2):
        where = f"{origin}, line {line_no}"
        key = raw["key"].strip()
        period, category, kind = raw["period"].strip(), raw["category"].strip(), raw["kind"]
        if key != f"{period}.{category}.{kind}":
            raise FactorError(f"{where}: key must be <period>.<category>.<kind>, got {key!r}")
        if key in rows:
            raise FactorError(f"{where}: duplicate key {key!r}")
        if period_ids and period not in period_ids:
            raise FactorError(f"{where}: period {period!r} is not one of {period_ids}")
        if category not in UNIT_CATEGORIES:
            raise FactorError(f"{where}: unknown unit category {category!r}")
        if kind not in BENCHMARK_UNITS:
            raise FactorError(f"{where}: kind must be power or heat, got {kind!r}")
        unit = raw["unit"].strip()
        if unit != BENCHMARK_UNITS[kind]:
            raise FactorError(f"{where}: a {kind} benchmark is in {BENCHMARK_UNITS[kind]}")
        try:
            value = to_decimal(raw["value"])
        except NotADecimalError as err:
            raise FactorError(f"{where}: value of {key}: {err}") from None
        if value <= 0:
            raise FactorError(f"{where}: benchmark {key} must be positive")
        status = raw["status"].strip()
        if status not in BENCHMARK_STATUSES:
            raise FactorError(f"{where}: status {status!r} not in {sorted(BENCHMARK_STATUSES)}")
        sources = tuple(s.strip() for s in raw["source_ids"].split(";") if s.strip())
        note = raw["note"].strip()
        if not raw["document"].strip():
            raise FactorError(f"{where}: {key} has no document")
        if not sources and not (status == "uncertain" and "NOT READ" in note):
            raise FactorError(
                f"{where}: {key} has no source ids; only an 'uncertain' row whose note says "
                "NOT READ may lack them"
            )
        rows[key] = Benchmark(
            set_ref=set_ref,
            key=key,
            period=period,
            category=category,
            kind="power" if kind == "power" else "heat",
            value=value,
            unit=unit,
            label_zh=raw["label_zh"].strip(),
            label_en=raw["label_en"].strip(),
            document=raw["document"].strip(),
            table=raw["table"].strip(),
            source_ids=sources,
            status=status,
            note=note,
        )
    digest = canonical.digest(
        [
            [r.key, r.value, r.unit, r.document, r.table, list(r.source_ids), r.status]
            for r in sorted(rows.values(), key=lambda r: r.key)
        ]
    )
    return BenchmarkSet(
        id=id,
        edition=edition,
        periods=period_ids,
        default_for=tuple(default_for),
        title_zh=title_zh,
        title_en=title_en,
        description=description,
        rows=rows,
        digest=digest,
    )


def _data() -> resources.abc.Traversable:
    return resources.files("carbonledger.accounting") / "data" / "allocation"


@cache
def packaged_benchmark_sets() -> dict[str, BenchmarkSet]:
    """Every packaged benchmark set by ``id@edition``."""
    manifest = json.loads((_data() / "benchmark_sets.json").read_text(encoding="utf-8"))
    out: dict[str, BenchmarkSet] = {}
    for meta in manifest["sets"]:
        ref = f"{meta['id']}@{meta['edition']}"
        out[ref] = parse_benchmark_set(
            (_data() / "benchmark_sets" / f"{ref}.csv").read_text(encoding="utf-8"),
            id=meta["id"],
            edition=int(meta["edition"]),
            periods=meta["periods"],
            default_for=meta["default_for"],
            title_zh=meta["title_zh"],
            title_en=meta["title_en"],
            description=meta["description"],
            origin=f"{ref}.csv",
        )
    for fs in out.values():
        if any(r.status in ("uncertain", "superseded") for r in fs.rows.values()) and (
            fs.default_for
        ):
            raise FactorError(f"{fs.ref} has unverified or superseded rows and is a default")
    return out


def default_benchmark_set(period_id: str) -> BenchmarkSet | None:
    """The set used when a request names none; None when no verified set exists."""
    for fs in packaged_benchmark_sets().values():
        if period_id in fs.default_for:
            return fs
    return None


# =========================================================================================
# The request
# =========================================================================================


@dataclass(frozen=True, slots=True)
class UserBenchmark:
    """A benchmark the user supplies, with the document it was read from."""

    category: str
    kind: Literal["power", "heat"]
    value: Decimal
    unit: str
    source: str
    location: Location

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "kind": self.kind,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class BaseYear:
    """Base-year data for the pre-allocation of one unit."""

    year: int
    power_output: Quantity
    heat_supplied: Quantity | None
    corrections: dict[str, Decimal]
    share: Decimal | None
    location: Location

    def as_dict(self, output_field: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "year": self.year,
            output_field: self.power_output.as_dict(),
            "correction_factors": dict(sorted(self.corrections.items())),
        }
        if self.heat_supplied is not None:
            out["heat_supplied"] = self.heat_supplied.as_dict()
        if self.share is not None:
            out["pre_allocation_share"] = self.share
        return out


@dataclass(frozen=True, slots=True)
class HistoryYear:
    year: int
    emissions: Quantity
    output: Quantity | None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"year": self.year, "emissions": self.emissions.as_dict()}
        if self.output is not None:
            out["output"] = self.output.as_dict()
        return out


@dataclass(frozen=True, slots=True)
class AllocationUnit:
    """One unit (机组) or installation of the request; which fields apply depends on the
    method: benchmark units have ``category``, outputs and correction factors; intensity
    units have ``output``, ``history`` and ``reduction_factor``; grandfathered units have
    ``history`` and ``reduction_factor``."""

    id: str
    name: str
    location: Location
    category: str = ""
    power_output: Quantity | None = None
    heat_supplied: Quantity | None = None
    corrections: dict[str, Decimal] = field(default_factory=dict)
    base_year: BaseYear | None = None
    output: Quantity | None = None
    history: tuple[HistoryYear, ...] = ()
    reduction_factor: Decimal | None = None
    intensity_basis: IntensityBasis = "ratio_of_sums"
    verified_emissions: Quantity | None = None

    def as_dict(self, method: str, output_field: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if method == BENCHMARK:
            out["category"] = self.category
            if self.power_output is not None:
                out[output_field] = self.power_output.as_dict()
            if self.heat_supplied is not None:
                out["heat_supplied"] = self.heat_supplied.as_dict()
            out["correction_factors"] = dict(sorted(self.corrections.items()))
            if self.base_year is not None:
                out["base_year"] = self.base_year.as_dict(output_field)
        else:
            out["history"] = [h.as_dict() for h in self.history]
            out["reduction_factor"] = self.reduction_factor
            if method == HISTORICAL_INTENSITY:
                out["intensity_basis"] = self.intensity_basis
                if self.output is not None:
                    out["output"] = self.output.as_dict()
        if self.verified_emissions is not None:
            out["verified_emissions"] = self.verified_emissions.as_dict()
        return out


@dataclass(frozen=True, slots=True)
class AllocationRequest:
    """An allocation request document (``schema: carbonledger/allocation-request@1``)."""

    enterprise: Enterprise
    year: int
    method: str
    units: tuple[AllocationUnit, ...]
    benchmark_set: str | None = None
    benchmarks: tuple[UserBenchmark, ...] = ()
    period: AllocationPeriod | None = None

    def as_dict(self) -> dict[str, Any]:
        """The request as data, independent of its JSON spelling (the digested form)."""
        output_field = self.period.output_field if self.period else "power_supplied"
        out: dict[str, Any] = {
            "schema": REQUEST_SCHEMA,
            "enterprise": self.enterprise.as_dict(),
            "year": self.year,
            "method": self.method,
            "units": [u.as_dict(self.method, output_field) for u in self.units],
        }
        if self.benchmark_set is not None:
            out["benchmark_set"] = self.benchmark_set
        if self.benchmarks:
            out["benchmarks"] = [b.as_dict() for b in self.benchmarks]
        return out


_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
_REQUEST_KEYS = frozenset(
    {"schema", "enterprise", "year", "method", "units", "benchmark_set", "benchmarks"}
)
_UNIT_KEYS = {
    BENCHMARK: frozenset(
        {
            "id",
            "name",
            "category",
            "power_supplied",
            "power_generated",
            "heat_supplied",
            "correction_factors",
            "base_year",
            "verified_emissions",
        }
    ),
    HISTORICAL_INTENSITY: frozenset(
        {
            "id",
            "name",
            "output",
            "history",
            "reduction_factor",
            "intensity_basis",
            "verified_emissions",
        }
    ),
    GRANDFATHERING: frozenset({"id", "name", "history", "reduction_factor", "verified_emissions"}),
}


def _text(raw: object, loc: Location, errors: Collector, what: str, *, required: bool) -> str:
    if raw is None:
        if required:
            errors.add(loc, "required", field=what)
        return ""
    if not isinstance(raw, str):
        errors.add(loc, "not-text", field=what, value=type(raw).__name__)
        return ""
    text = raw.strip()
    if required and not text:
        errors.add(loc, "empty", field=what)
    return text


def _year(raw: object, loc: Location, errors: Collector) -> int | None:
    try:
        value = to_decimal(raw)
    except NotADecimalError:
        if raw is None:
            errors.add(loc, "required", field="year")
        else:
            errors.add(loc, "year-not-whole")
        return None
    if value != value.to_integral_value():
        errors.add(loc, "year-not-whole")
        return None
    if not 1990 <= value <= 2100:
        errors.add(loc, "year-out-of-range", year=int(value))
        return None
    return int(value)


def _number(
    raw: object, loc: Location, errors: Collector, what: str, *, positive: bool = False
) -> Decimal | None:
    if isinstance(raw, Mapping):
        # a dimensionless quantity written {"value": .., "unit": "1"} is fine too
        q = parse_quantity(raw, loc, errors)
        if q is None:
            return None
        try:
            value = convert(q.value, q.unit, "1")
        except UnitError as err:
            errors.add_error(loc.child("unit"), err, hint="dimensionless", field=what)
            return None
    else:
        try:
            value = to_decimal(raw)
        except NotADecimalError as err:
            errors.add_error(loc, err)
            return None
    if value < 0 or (positive and value == 0):
        if positive:
            errors.add(loc, "not-positive", field=what)
        else:
            errors.add(loc, "negative", field=what, value=canonical_decimal(value))
        return None
    return value


def _amount(
    raw: object, loc: Location, errors: Collector, what: str, dimension_of: str
) -> Quantity | None:
    """A non-negative quantity whose unit converts to ``dimension_of``; kept as given."""
    if raw is None:
        errors.add(loc, "required", hint="write-quantity", field=what, unit=dimension_of)
        return None
    q = parse_quantity(raw, loc, errors)
    if q is None:
        return None
    value_loc = loc.child("value") if isinstance(raw, Mapping) else loc
    try:
        convert(ONE, q.unit, dimension_of)
    except UnitError as err:
        errors.add_error(
            loc.child("unit") if isinstance(raw, Mapping) else loc,
            err,
            hint="field-in-unit",
            field=what,
            expected=dimension_of,
        )
        return None
    if q.value < 0:
        errors.add(value_loc, "negative", field=what, value=canonical_decimal(q.value))
        return None
    return q


def _emissions(raw: object, loc: Location, errors: Collector, what: str) -> Quantity | None:
    """Emissions in tCO2 or tCO2e (or kg/g of either)."""
    if raw is None:
        errors.add(loc, "required", hint="write-quantity", field=what, unit="tCO2e")
        return None
    q = parse_quantity(raw, loc, errors)
    if q is None:
        return None
    try:
        dim = parse_unit(q.unit).dimension
    except UnitError as err:
        errors.add_error(loc.child("unit"), err)
        return None
    if dim not in (parse_unit("tCO2").dimension, parse_unit("tCO2e").dimension):
        errors.add(
            loc.child("unit"),
            "unit-wrong-dimension",
            hint="use-unit",
            unit=repr(q.unit),
            expected="tCO2e",
        )
        return None
    if q.value < 0:
        errors.add(loc.child("value"), "negative", field=what, value=canonical_decimal(q.value))
        return None
    return q


def tonnes_co2(q: Quantity) -> Decimal:
    """Emissions as tonnes (tCO2 and tCO2e count the same for allowances)."""
    target = "tCO2" if parse_unit(q.unit).dimension == parse_unit("tCO2").dimension else "tCO2e"
    return convert(q.value, q.unit, target)


def _corrections(
    raw: object,
    names: Sequence[str],
    loc: Location,
    errors: Collector,
    plan: str,
    plan_zh: str,
) -> dict[str, Decimal]:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        errors.add(loc, "not-an-object", hint="write-corrections", field="correction_factors")
        return {}
    out: dict[str, Decimal] = {}
    for name, value in raw.items():
        if name not in names:
            known = ", ".join(names)
            errors.add(
                loc.child(str(name)),
                "unknown-correction-factor",
                hint="expected",
                name=repr(name),
                plan=plan,
                plan_zh=plan_zh,
                expected=known,
            )
            continue
        number = _number(value, loc.child(str(name)), errors, f"{name} factor", positive=True)
        if number is not None:
            out[str(name)] = number
    for name in names:
        if name not in raw:
            symbol, zh, en = CORRECTION_FACTORS[name]
            errors.add(
                loc.child(name),
                "correction-factor-required",
                hint="correction-factor-not-read",
                label=en,
                label_zh=zh,
                symbol=symbol,
                plan=plan,
                plan_zh=plan_zh,
            )
    return out


def _history(
    raw: object, loc: Location, errors: Collector, year: int, *, with_output: bool
) -> tuple[HistoryYear, ...]:
    if not isinstance(raw, list) or not raw:
        errors.add(loc, "none-given", hint="write-history", field="base year")
        return ()
    out: list[HistoryYear] = []
    seen: set[int] = set()
    for i, item in enumerate(raw):
        il = loc.child(i)
        if not isinstance(item, Mapping):
            errors.add(il, "not-an-object", field="base year")
            continue
        allowed = {"year", "emissions", "output"} if with_output else {"year", "emissions"}
        unknown = set(item) - allowed
        if unknown:
            errors.add(
                il,
                "unexpected-keys",
                hint="allowed",
                keys=str(sorted(unknown)),
                allowed=str(sorted(allowed)),
            )
        y = _year(item.get("year"), il.child("year"), errors)
        if y is not None:
            if y in seen:
                errors.add(il.child("year"), "duplicate", field="base year", value=y)
            elif y >= year:
                errors.add(il.child("year"), "base-year-not-before", base_year=y, year=year)
            seen.add(y)
        e = _emissions(item.get("emissions"), il.child("emissions"), errors, "emissions")
        o = None
        if with_output:
            o = _output_amount(item.get("output"), il.child("output"), errors, "output")
        if y is not None and e is not None:
            out.append(HistoryYear(y, e, o))
    return tuple(out)


def _output_amount(raw: object, loc: Location, errors: Collector, what: str) -> Quantity | None:
    """Any non-negative output quantity with a known unit (t product, MWh, ...)."""
    if raw is None:
        errors.add(loc, "required", hint="write-quantity", field=what, unit="t")
        return None
    q = parse_quantity(raw, loc, errors)
    if q is None:
        return None
    try:
        parse_unit(q.unit)
    except UnitError as err:
        errors.add_error(loc.child("unit") if isinstance(raw, Mapping) else loc, err)
        return None
    if q.value < 0:
        value_loc = loc.child("value") if isinstance(raw, Mapping) else loc
        errors.add(value_loc, "negative", field=what, value=canonical_decimal(q.value))
        return None
    return q


def _parse_unit(
    raw: object,
    loc: Location,
    errors: Collector,
    method: str,
    year: int,
    *,
    period: AllocationPeriod | None,
) -> AllocationUnit | None:
    if not isinstance(raw, Mapping):
        errors.add(loc, "not-an-object", field="unit")
        return None
    unknown = set(raw) - _UNIT_KEYS[method]
    if unknown:
        errors.add(
            loc,
            "unexpected-keys",
            hint="allowed-for-method",
            keys=str(sorted(unknown)),
            method=method,
            allowed=", ".join(sorted(_UNIT_KEYS[method])),
        )
    unit_id = _text(raw.get("id"), loc.child("id"), errors, "unit id", required=True)
    if unit_id and not set(unit_id) <= _ID_CHARS:
        errors.add(loc.child("id"), "bad-identifier", field="unit id", value=repr(unit_id))
    name = _text(raw.get("name"), loc.child("name"), errors, "name", required=False) or unit_id
    verified = None
    if "verified_emissions" in raw:
        verified = _emissions(
            raw["verified_emissions"], loc.child("verified_emissions"), errors, "verified emissions"
        )
    if method == GRANDFATHERING:
        return AllocationUnit(
            id=unit_id,
            name=name,
            location=loc,
            history=_history(
                raw.get("history"), loc.child("history"), errors, year, with_output=False
            ),
            reduction_factor=_reduction(raw, loc, errors),
            verified_emissions=verified,
        )
    if method == HISTORICAL_INTENSITY:
        basis_raw = raw.get("intensity_basis", "ratio_of_sums")
        basis: IntensityBasis = "ratio_of_sums"
        if basis_raw == "mean_of_ratios":
            basis = "mean_of_ratios"
        elif basis_raw != "ratio_of_sums":
            errors.add(
                loc.child("intensity_basis"),
                "unknown-value",
                hint="one-of",
                field="intensity basis",
                value=repr(basis_raw),
                choices=", ".join(INTENSITY_BASES),
            )
        history = _history(raw.get("history"), loc.child("history"), errors, year, with_output=True)
        output = _output_amount(raw.get("output"), loc.child("output"), errors, "output")
        if output is not None:
            for i, h in enumerate(history):
                if h.output is None:
                    continue
                hl = loc.child("history").child(i).child("output")
                try:
                    value = convert(h.output.value, h.output.unit, output.unit)
                except UnitError as err:
                    errors.add_error(hl.child("unit"), err)
                    continue
                if value == 0 and basis == "mean_of_ratios":
                    errors.add(hl.child("value"), "not-positive", field="base-year output")
            total = sum(
                (
                    convert(h.output.value, h.output.unit, output.unit)
                    for h in history
                    if h.output is not None and _convertible(h.output.unit, output.unit)
                ),
                ZERO,
            )
            if history and total == 0:
                errors.add(loc.child("history"), "not-positive", field="base years' total output")
        return AllocationUnit(
            id=unit_id,
            name=name,
            location=loc,
            output=output,
            history=history,
            reduction_factor=_reduction(raw, loc, errors),
            intensity_basis=basis,
            verified_emissions=verified,
        )
    # benchmark method
    category = _text(raw.get("category"), loc.child("category"), errors, "category", required=True)
    if category and category not in UNIT_CATEGORIES:
        errors.add(
            loc.child("category"),
            "unknown-value",
            hint="one-of",
            field="unit category",
            value=repr(category),
            choices=", ".join(UNIT_CATEGORIES),
        )
    if period is None:
        return None
    field_name = period.output_field
    other = "power_generated" if field_name == "power_supplied" else "power_supplied"
    if other in raw:
        errors.add(
            loc.child(other),
            "wrong-output-field",
            hint="give-field",
            period=period.id,
            field=field_name.replace("_", " "),
            instead=other.replace("_", " "),
            key=field_name,
        )
    power = _amount(raw.get(field_name), loc.child(field_name), errors, field_name, "MWh")
    heat = None
    if "heat_supplied" in raw:
        heat = _amount(raw["heat_supplied"], loc.child("heat_supplied"), errors, "heat", "GJ")
    corrections = _corrections(
        raw.get("correction_factors"),
        period.corrections,
        loc.child("correction_factors"),
        errors,
        period.id,
        f"{period.id} 年度",
    )
    base = None
    if "base_year" in raw:
        base = _parse_base_year(raw["base_year"], loc.child("base_year"), errors, period)
    return AllocationUnit(
        id=unit_id,
        name=name,
        location=loc,
        category=category,
        power_output=power,
        heat_supplied=heat,
        corrections=corrections,
        base_year=base,
        verified_emissions=verified,
    )


def _convertible(a: str, b: str) -> bool:
    try:
        convert(ONE, a, b)
    except UnitError:
        return False
    return True


def _reduction(raw: Mapping[str, Any], loc: Location, errors: Collector) -> Decimal | None:
    rl = loc.child("reduction_factor")
    if "reduction_factor" not in raw:
        errors.add(rl, "required", hint="reduction-factor", field="reduction_factor")
        return None
    value = _number(raw["reduction_factor"], rl, errors, "reduction factor")
    if value is not None and value > 1:
        errors.add(rl, "above-one", field="reduction factor", value=canonical_decimal(value))
        return None
    return value


def _parse_base_year(
    raw: object, loc: Location, errors: Collector, period: AllocationPeriod
) -> BaseYear | None:
    if not isinstance(raw, Mapping):
        errors.add(loc, "not-an-object", field="base_year")
        return None
    allowed = {
        "year",
        period.output_field,
        "heat_supplied",
        "correction_factors",
        "pre_allocation_share",
    }
    unknown = set(raw) - allowed
    if unknown:
        errors.add(
            loc,
            "unexpected-keys",
            hint="allowed",
            keys=str(sorted(unknown)),
            allowed=str(sorted(allowed)),
        )
    year = _year(raw.get("year"), loc.child("year"), errors)
    if year is not None and period.base_year is not None and year != period.base_year:
        errors.add(
            loc.child("year"),
            "wrong-base-year",
            period=period.id,
            base_year=period.base_year,
            year=year,
        )
    power = _amount(
        raw.get(period.output_field), loc.child(period.output_field), errors, "output", "MWh"
    )
    heat = None
    if "heat_supplied" in raw:
        heat = _amount(raw["heat_supplied"], loc.child("heat_supplied"), errors, "heat", "GJ")
    corrections = _corrections(
        raw.get("correction_factors"),
        period.pre_allocation_corrections,
        loc.child("correction_factors"),
        errors,
        f"{period.id} pre-allocation",
        f"{period.id} 年度预分配",
    )
    share = None
    sl = loc.child("pre_allocation_share")
    if "pre_allocation_share" in raw:
        share = _number(raw["pre_allocation_share"], sl, errors, "pre-allocation share")
        if share is not None and share > 1:
            errors.add(
                sl, "above-one", field="pre-allocation share", value=canonical_decimal(share)
            )
    elif period.pre_allocation_share is None:
        errors.add(
            sl,
            "rule-not-read",
            hint="enter-share",
            field="pre-allocation share",
            period=period.id,
        )
    if year is None or power is None:
        return None
    return BaseYear(year, power, heat, corrections, share, loc)


def _parse_benchmarks(raw: object, loc: Location, errors: Collector) -> tuple[UserBenchmark, ...]:
    if not isinstance(raw, list):
        errors.add(loc, "benchmarks-not-a-list")
        return ()
    out: list[UserBenchmark] = []
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(raw):
        il = loc.child(i)
        if not isinstance(item, Mapping):
            errors.add(il, "not-an-object", field="benchmark")
            continue
        allowed = {"category", "kind", "value", "unit", "source"}
        unknown = set(item) - allowed
        if unknown:
            errors.add(
                il,
                "unexpected-keys",
                hint="allowed",
                keys=str(sorted(unknown)),
                allowed=str(sorted(allowed)),
            )
        category = _text(
            item.get("category"), il.child("category"), errors, "category", required=True
        )
        if category and category not in UNIT_CATEGORIES:
            errors.add(
                il.child("category"),
                "unknown-value",
                hint="one-of",
                field="unit category",
                value=repr(category),
                choices=", ".join(UNIT_CATEGORIES),
            )
        kind = _text(item.get("kind"), il.child("kind"), errors, "kind", required=True)
        if kind and kind not in BENCHMARK_UNITS:
            errors.add(
                il.child("kind"),
                "unknown-value",
                hint="one-of",
                field="kind",
                value=repr(kind),
                choices="power, heat",
            )
        source = _text(item.get("source"), il.child("source"), errors, "source", required=True)
        value = _number(item.get("value"), il.child("value"), errors, "benchmark", positive=True)
        unit = _text(item.get("unit"), il.child("unit"), errors, "unit", required=True)
        if kind in BENCHMARK_UNITS and unit and not _convertible(unit, BENCHMARK_UNITS[kind]):
            errors.add(
                il.child("unit"),
                "unit-wrong-dimension",
                hint="use-unit",
                unit=repr(unit),
                expected=BENCHMARK_UNITS[kind],
            )
            continue
        if (category, kind) in seen:
            errors.add(il, "duplicate", field="benchmark", value=f"{category} {kind}")
        seen.add((category, kind))
        if (
            category in UNIT_CATEGORIES
            and kind in BENCHMARK_UNITS
            and value is not None
            and unit
            and source
        ):
            out.append(
                UserBenchmark(
                    category,
                    "power" if kind == "power" else "heat",
                    convert(value, unit, BENCHMARK_UNITS[kind]),
                    BENCHMARK_UNITS[kind],
                    source,
                    il,
                )
            )
    return tuple(out)


def parse_allocation_request(raw: object) -> AllocationRequest:
    """Check an allocation request document and build an :class:`AllocationRequest`.

    Raises :class:`~carbonledger.accounting.errors.InputError` listing every problem with
    its JSON path (``$.units[0].correction_factors.load``) and what is expected.
    """
    if not isinstance(raw, Mapping):
        raise InputError.at(ROOT, "not-an-object", field="allocation request")
    errors = Collector()
    schema = raw.get("schema", REQUEST_SCHEMA)
    if schema != REQUEST_SCHEMA:
        errors.add(
            ROOT.child("schema"),
            "unknown-value",
            hint="expected",
            field="schema",
            value=repr(schema),
            expected=REQUEST_SCHEMA,
        )
    unknown = set(raw) - _REQUEST_KEYS
    if unknown:
        errors.add(
            ROOT,
            "unexpected-keys",
            hint="allowed",
            keys=str(sorted(unknown)),
            allowed=str(sorted(_REQUEST_KEYS)),
        )
    ent_raw = raw.get("enterprise")
    eloc = ROOT.child("enterprise")
    enterprise = Enterprise(name="")
    if not isinstance(ent_raw, Mapping):
        errors.add(eloc, "required", hint="write-enterprise", field="enterprise")
    else:
        enterprise = Enterprise(
            name=_text(ent_raw.get("name"), eloc.child("name"), errors, "name", required=True),
            credit_code=_text(
                ent_raw.get("credit_code"), eloc.child("credit_code"), errors, "", required=False
            ),
            region=_text(ent_raw.get("region"), eloc.child("region"), errors, "", required=False),
            province=_text(
                ent_raw.get("province"), eloc.child("province"), errors, "", required=False
            ),
        )
    year = _year(raw.get("year"), ROOT.child("year"), errors)
    method = _text(raw.get("method"), ROOT.child("method"), errors, "method", required=True)
    if method and method not in METHODS:
        errors.add(
            ROOT.child("method"),
            "unknown-value",
            hint="one-of",
            field="method",
            value=repr(method),
            choices=", ".join(METHODS),
        )
    period = None
    benchmark_set = None
    benchmarks: tuple[UserBenchmark, ...] = ()
    if method == BENCHMARK:
        if year is not None:
            period = period_for_year(year)
            if period is None:
                known = ", ".join(p.id for p in PERIODS)
                errors.add(
                    ROOT.child("year"),
                    "no-allocation-period",
                    hint="known-periods",
                    year=year,
                    periods=known,
                )
        if "benchmark_set" in raw:
            bl = ROOT.child("benchmark_set")
            benchmark_set = _text(raw["benchmark_set"], bl, errors, "benchmark_set", required=True)
            sets = packaged_benchmark_sets()
            if benchmark_set and benchmark_set not in sets:
                errors.add(
                    bl,
                    "unknown-value",
                    hint="one-of",
                    field="benchmark set",
                    value=repr(benchmark_set),
                    choices=", ".join(sets),
                )
            elif benchmark_set and period and period.id not in sets[benchmark_set].periods:
                errors.add(
                    bl,
                    "benchmark-set-without-period",
                    benchmark_set=benchmark_set,
                    period=period.id,
                )
        if "benchmarks" in raw:
            benchmarks = _parse_benchmarks(raw["benchmarks"], ROOT.child("benchmarks"), errors)
    else:
        for key in ("benchmark_set", "benchmarks"):
            if key in raw:
                errors.add(ROOT.child(key), "only-for-method", field=key, method=BENCHMARK)
    units: list[AllocationUnit] = []
    uloc = ROOT.child("units")
    units_raw = raw.get("units")
    if not isinstance(units_raw, list) or not units_raw:
        errors.add(uloc, "none-given", field="unit")
    elif method in METHODS and year is not None:
        seen: set[str] = set()
        for i, item in enumerate(units_raw):
            unit = _parse_unit(item, uloc.child(i), errors, method, year, period=period)
            if unit is None:
                continue
            if unit.id in seen:
                errors.add(
                    uloc.child(i).child("id"), "duplicate", field="unit id", value=repr(unit.id)
                )
            seen.add(unit.id)
            units.append(unit)
    sets = packaged_benchmark_sets()
    if period is not None and (
        benchmark_set is None
        or (benchmark_set in sets and period.id in sets[benchmark_set].periods)
    ):
        # Missing benchmarks are reported with the other problems, all at once.
        probe = AllocationRequest(
            enterprise,
            year or period.years[0],
            method,
            tuple(units),
            benchmark_set,
            benchmarks,
            period,
        )
        bench = _Benchmarks(probe, errors)
        for unit in units:
            if unit.category in UNIT_CATEGORIES:
                _unit_benchmarks(unit, bench)
    errors.raise_if_any()
    assert year is not None
    return AllocationRequest(
        enterprise=enterprise,
        year=year,
        method=method,
        units=tuple(units),
        benchmark_set=benchmark_set,
        benchmarks=benchmarks,
        period=period,
    )


def read_allocation_request(path: Path) -> AllocationRequest:
    """Read an allocation request from a JSON file (numbers parsed as decimals)."""
    return parse_allocation_request(parse_json_text(path.read_bytes()))


# =========================================================================================
# The result
# =========================================================================================


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """One computed figure: formula, every term with its origin, the value and whole tonnes."""

    item: str
    formula: str
    terms: tuple[Term, ...]
    value: Decimal
    #: whole tonnes issued; None for an intermediate figure (an intensity)
    allowances: int | None
    unit: str = "t"

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "formula": self.formula,
            "unit": self.unit,
            "terms": [
                {"symbol": t.symbol, "value": t.value, "unit": t.unit, "origin": t.origin}
                for t in self.terms
            ],
            "value": self.value,
            "allowances": self.allowances,
        }


@dataclass(frozen=True, slots=True)
class UnitAllocation:
    unit: str
    name: str
    kind: str
    lines: tuple[AllocationLine, ...]
    allowances: int
    pre_allocation: int | None = None
    true_up: int | None = None
    settlement: Settlement | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "kind": self.kind,
            "lines": [ln.as_dict() for ln in self.lines],
            "allowances": self.allowances,
            "pre_allocation": self.pre_allocation,
            "true_up": self.true_up,
            "settlement": None if self.settlement is None else self.settlement.as_dict(),
        }


@dataclass
class AllocationResult:
    request: AllocationRequest
    units: list[UnitAllocation]
    provenance: list[dict[str, Any]]
    warnings: list[Warning]
    benchmark_set: BenchmarkSet | None = None

    @property
    def total(self) -> int:
        """Total free allocation [t]: the sum of the units' whole-tonne allocations."""
        return sum(u.allowances for u in self.units)

    def _sum(self, attr: str) -> int | None:
        values = [getattr(u, attr) for u in self.units]
        present = [v for v in values if v is not None]
        return sum(present) if present else None

    @property
    def total_pre_allocation(self) -> int | None:
        return self._sum("pre_allocation")

    @property
    def total_true_up(self) -> int | None:
        return self._sum("true_up")

    @property
    def total_obligation(self) -> int | None:
        values = [u.settlement.obligation for u in self.units if u.settlement is not None]
        return sum(values) if values else None

    @cached_property
    def input_digest(self) -> str:
        return canonical.digest(self.request.as_dict())

    def _body(self) -> dict[str, Any]:
        req = self.request
        return {
            "schema": RESULT_SCHEMA,
            "engine": ENGINE,
            "method": req.method,
            "year": req.year,
            "period": None if req.period is None else req.period.id,
            "enterprise": req.enterprise.as_dict(),
            "benchmark_set": None
            if self.benchmark_set is None
            else {"ref": self.benchmark_set.ref, "digest": self.benchmark_set.digest},
            "rounding": ROUNDING,
            "units": [u.as_dict() for u in self.units],
            "totals": {
                "allowances": self.total,
                "pre_allocation": self.total_pre_allocation,
                "true_up": self.total_true_up,
                "obligation": self.total_obligation,
            },
            "provenance": self.provenance,
            "warnings": [w.as_dict() for w in self.warnings],
            "input_digest": self.input_digest,
        }

    @cached_property
    def result_digest(self) -> str:
        return canonical.digest(self._body())

    def to_dict(self) -> dict[str, Any]:
        """The result as data (Decimals kept); :meth:`to_json` is its canonical form."""
        body = self._body()
        body["digests"] = {
            "input": self.input_digest,
            "benchmarks": None if self.benchmark_set is None else self.benchmark_set.digest,
            "result": self.result_digest,
        }
        return body

    def to_json(self) -> bytes:
        return canonical.dumps(self.to_dict())

    def render_text(self, lang: str = "en") -> str:
        """A readable table: per unit the allocation, its formula and terms, then totals."""
        zh = lang.startswith("zh")
        req = self.request
        out: list[str] = []
        title = "配额分配结果" if zh else "Allowance allocation"
        out.append(f"{title}: {req.enterprise.name}  ({req.method}, {req.year})")
        if req.period is not None:
            out.append(f"{'分配期' if zh else 'Period'}: {req.period.id}")
        if self.benchmark_set is not None:
            out.append(f"{'基准值' if zh else 'Benchmarks'}: {self.benchmark_set.ref}")
        out.append("")
        header = (
            ("机组", "类别/方法", "配额 t", "预分配 t", "核定调整 t", "应清缴 t")
            if zh
            else ("unit", "kind", "allowances t", "pre-alloc t", "true-up t", "obligation t")
        )

        def cell(value: int | None) -> str:
            return "-" if value is None else f"{value:,}"

        rows = [
            (
                u.unit,
                u.kind,
                cell(u.allowances),
                cell(u.pre_allocation),
                cell(u.true_up),
                cell(None if u.settlement is None else u.settlement.obligation),
            )
            for u in self.units
        ]
        totals = (
            "合计" if zh else "total",
            "",
            cell(self.total),
            cell(self.total_pre_allocation),
            cell(self.total_true_up),
            cell(self.total_obligation),
        )
        widths = [max(len(h), *(len(r[i]) for r in [*rows, totals])) for i, h in enumerate(header)]

        def fmt(row: Sequence[str]) -> str:
            left = [c.ljust(w) for c, w in zip(row[:2], widths[:2], strict=True)]
            right = [c.rjust(w) for c, w in zip(row[2:], widths[2:], strict=True)]
            return "  ".join(left + right)

        out.append(fmt(header))
        out.append("  ".join("-" * w for w in widths))
        for u, row in zip(self.units, rows, strict=True):
            out.append(fmt(row))
            for line in u.lines:
                out.append(f"    [{line.item}] {line.formula} = {_fmt(line.value)} {line.unit}")
                terms = "; ".join(
                    f"{t.symbol} = {_fmt(t.value)}{'' if t.unit == '1' else ' ' + t.unit}"
                    f" ({t.origin})"
                    for t in line.terms
                )
                out.append(f"      {terms}")
            if u.settlement is not None:
                s = u.settlement
                cap = "no cap" if s.max_shortfall is None else f"{_fmt(s.max_shortfall)} t"
                out.append(
                    f"    [settlement] E = {_fmt(s.verified_emissions)} t; A = {s.allocation} t; "
                    f"S_max = {cap}; exempt = {_fmt(s.exempt)} t; O = {s.obligation} t"
                    f" ({s.rule})"
                )
        out.append("  ".join("-" * w for w in widths))
        out.append(fmt(totals))
        out.append("")
        out.append("取整: " + ROUNDING_ZH if zh else "Rounding: " + ROUNDING)
        if self.provenance:
            out.append("")
            out.append("数据来源:" if zh else "Provenance:")
            for p in self.provenance:
                sources = ", ".join(p["sources"]) or "-"
                status = p["status"] + (" - UNVERIFIED" if p["status"] == "uncertain" else "")
                out.append(
                    f"  {p['ref']} = {_fmt(p['value'])} {p['unit']} [{status}] "
                    f"{p['document']}; sources {sources}"
                )
        if self.warnings:
            out.append("")
            out.append("警告:" if zh else "Warnings:")
            for w in self.warnings:
                out.append(f"  [{w.code}] {w.location}: {w.message}")
        out.append("")
        out.append(f"input  {self.input_digest}")
        out.append(f"result {self.result_digest}")
        return "\n".join(out)


# =========================================================================================
# The orchestrator
# =========================================================================================


class _Benchmarks:
    """Benchmark look-up for one request: user-supplied values first, then the set."""

    def __init__(self, request: AllocationRequest, errors: Collector) -> None:
        assert request.period is not None
        self.period = request.period
        self.errors = errors
        self.user = {(b.category, b.kind): b for b in request.benchmarks}
        self.set: BenchmarkSet | None = None
        if request.benchmark_set is not None:
            self.set = packaged_benchmark_sets()[request.benchmark_set]
        else:
            self.set = default_benchmark_set(self.period.id)
        self.used: dict[str, dict[str, Any]] = {}
        self.warnings: list[Warning] = []
        self._warned: set[str] = set()

    def _warn(self, location: str, code: str, message: str) -> None:
        if code + location not in self._warned:
            self._warned.add(code + location)
            self.warnings.append(Warning(location, code, message))

    def term(
        self,
        category: str,
        kind: Literal["power", "heat"],
        loc: Location,
        *,
        required: bool = True,
    ) -> Term | None:
        """The benchmark as a Term; None (and, when ``required``, an error) if unknown."""
        symbol = "B_s" if kind == "power" else "B_h"
        user = self.user.get((category, kind))
        row = self.set.get(self.period.id, category, kind) if self.set else None
        if user is not None:
            ref = f"input:{user.location}"
            self.used[ref] = {
                "ref": ref,
                "value": user.value,
                "unit": user.unit,
                "document": user.source,
                "table": "",
                "sources": [],
                "status": "user-supplied",
                "note": "benchmark entered by the user",
            }
            if row is not None:
                self._warn(
                    str(user.location),
                    "benchmark-overridden",
                    f"the user's {kind} benchmark for {category} replaces {row.ref} "
                    f"({canonical_decimal(row.value)} {row.unit})",
                )
            return Term(symbol, user.value, user.unit, ref)
        if row is None:
            if not required:
                return None
            unverified = [
                fs.ref
                for fs in packaged_benchmark_sets().values()
                if fs.get(self.period.id, category, kind) is not None
            ]
            if unverified:
                self.errors.add(
                    loc,
                    "no-verified-benchmark",
                    hint="enter-benchmark-or-set",
                    kind=kind,
                    category=category,
                    period=self.period.id,
                    unit=BENCHMARK_UNITS[kind],
                    sets=" or ".join(unverified),
                )
            else:
                self.errors.add(
                    loc,
                    "no-verified-benchmark",
                    hint="enter-benchmark",
                    kind=kind,
                    category=category,
                    period=self.period.id,
                    unit=BENCHMARK_UNITS[kind],
                )
            return None
        self.used[row.ref] = row.provenance()
        if row.status == "uncertain":
            self._warn(
                "$.benchmark_set",
                "benchmark-unverified",
                f"{row.set_ref} holds values NOT read from the MEE document (UNVERIFIED); "
                "do not use the result for a binding allocation before checking them",
            )
        elif row.status == "superseded":
            self._warn(
                "$.benchmark_set",
                "benchmark-superseded",
                f"{row.set_ref} is a superseded draft; the final plan's values differ",
            )
        elif row.status == "secondary":
            self._warn(
                "$.benchmark_set",
                "benchmark-secondary",
                f"{row.set_ref} values were read from a secondary source (ICAP's table of "
                "the Nov-2020 draft); check them against the MEE plan before a binding "
                "allocation",
            )
        return Term(symbol, row.value, row.unit, row.ref)


def _benchmark_unit(
    unit: AllocationUnit, period: AllocationPeriod, bench: _Benchmarks, errors: Collector
) -> UnitAllocation | None:
    category = UNIT_CATEGORIES[unit.category]
    base = unit.base_year
    found = _unit_benchmarks(unit, bench)
    if found is None or unit.power_output is None:
        return None
    b_s, b_h = found
    q_symbol = "Q_s" if period.output_field == "power_supplied" else "Q_g"
    q_s = Term(
        q_symbol, convert(unit.power_output.value, unit.power_output.unit, "MWh"), "MWh", "input"
    )
    q_h = _heat_term(unit.heat_supplied)
    factors = [
        Term(CORRECTION_FACTORS[n][0], unit.corrections[n], "1", "input")
        for n in period.corrections
    ]
    value = benchmark_allocation(
        q_s.value,
        b_s.value,
        [f.value for f in factors],
        q_h.value,
        ZERO if b_h is None else b_h.value,
    )
    f_text = "".join(f" × {f.symbol}" for f in factors)
    allowances = whole_tonnes(value)
    heat_text = "" if b_h is None else " + B_h × Q_h"
    heat_terms = () if b_h is None else (b_h, q_h)
    final = AllocationLine(
        item="allocation",
        formula=f"A = B_s × {q_symbol}{f_text}{heat_text}",
        terms=(b_s, q_s, *factors, *heat_terms),
        value=value,
        allowances=allowances,
    )
    lines = [final]
    pre: int | None = None
    up: int | None = None
    if base is not None:
        share = base.share if base.share is not None else period.pre_allocation_share
        assert share is not None
        share_origin = (
            "input" if base.share is not None else f"rule {period.id} ({'; '.join(period.sources)})"
        )
        bq_s = Term(
            f"{q_symbol},{base.year}",
            convert(base.power_output.value, base.power_output.unit, "MWh"),
            "MWh",
            "input",
        )
        bq_h = _heat_term(base.heat_supplied, f"Q_h,{base.year}")
        bfactors = [
            Term(f"{CORRECTION_FACTORS[n][0]},{base.year}", base.corrections[n], "1", "input")
            for n in period.pre_allocation_corrections
        ]
        pre_value = pre_allocation(
            bq_s.value,
            b_s.value,
            [f.value for f in bfactors],
            bq_h.value,
            ZERO if b_h is None else b_h.value,
            share=share,
        )
        bf_text = "".join(f" × {f.symbol}" for f in bfactors)
        base_heat_text = "" if b_h is None else f" + B_h × {bq_h.symbol}"
        base_heat_terms = () if b_h is None else (b_h, bq_h)
        pre_line = AllocationLine(
            item="pre_allocation",
            formula=f"A_pre = s × (B_s × {bq_s.symbol}{bf_text}{base_heat_text})",
            terms=(Term("s", share, "1", share_origin), b_s, bq_s, *bfactors, *base_heat_terms),
            value=pre_value,
            allowances=whole_tonnes(pre_value),
        )
        lines.append(pre_line)
        pre = whole_tonnes(pre_value)
        up = true_up(allowances, pre)
    settlement = None
    if unit.verified_emissions is not None:
        emissions = tonnes_co2(unit.verified_emissions)
        if category.fuel == "gas":
            settlement = settlement_obligation(
                emissions,
                allowances,
                ZERO,
                f"gas unit: no obligation beyond free allocation "
                f"({'; '.join(period.compliance_sources)})",
            )
        elif period.coal_cap_share is not None:
            cap = coal_max_shortfall(allowances, period.coal_cap_share)
            settlement = settlement_obligation(
                emissions,
                allowances,
                cap,
                f"coal unit: shortfall capped at {canonical_decimal(period.coal_cap_share * 100)}%"
                f" of allocation ({'; '.join(period.compliance_sources)})",
            )
        else:
            errors.add(
                unit.location.child("verified_emissions"),
                "rule-not-read",
                field="compliance rules (shortfall cap)",
                hint="omit-verified-emissions",
                period=period.id,
            )
    return UnitAllocation(
        unit=unit.id,
        name=unit.name,
        kind=unit.category,
        lines=tuple(lines),
        allowances=allowances,
        pre_allocation=pre,
        true_up=up,
        settlement=settlement,
    )


def _unit_benchmarks(unit: AllocationUnit, bench: _Benchmarks) -> tuple[Term, Term | None] | None:
    """The unit's supply and heat benchmarks; None (with errors added) when one is missing.

    A unit that supplies no heat needs no heat benchmark (B_h × 0 = 0 whatever B_h is), so a
    missing heat benchmark is an error only when heat was supplied.
    """
    base = unit.base_year
    heats = [unit.heat_supplied, base.heat_supplied if base else None]
    needs_heat = any(q is not None and q.value > 0 for q in heats)
    where = unit.location.child("category")
    b_s = bench.term(unit.category, "power", where)
    b_h = bench.term(unit.category, "heat", where, required=needs_heat)
    if b_s is None or (needs_heat and b_h is None):
        return None
    return b_s, b_h


def _heat_term(q: Quantity | None, symbol: str = "Q_h") -> Term:
    if q is None:
        return Term(symbol, ZERO, "GJ", "default (no heat supplied given)")
    return Term(symbol, convert(q.value, q.unit, "GJ"), "GJ", "input")


def _uncapped_settlement(unit: AllocationUnit, allowances: int) -> Settlement | None:
    if unit.verified_emissions is None:
        return None
    return settlement_obligation(
        tonnes_co2(unit.verified_emissions), allowances, None, "no cap: obligation = emissions"
    )


def _intensity_unit(unit: AllocationUnit) -> UnitAllocation:
    assert unit.output is not None and unit.reduction_factor is not None
    out_unit = unit.output.unit
    years = [h.year for h in unit.history]
    emissions = [tonnes_co2(h.emissions) for h in unit.history]
    outputs = [convert(h.output.value, h.output.unit, out_unit) for h in unit.history if h.output]
    intensity = historical_intensity(emissions, outputs, unit.intensity_basis)
    i_unit = f"tCO2e/{out_unit}"
    i_formula = (
        "I = Σ E_y / Σ P_y" if unit.intensity_basis == "ratio_of_sums" else "I = mean(E_y / P_y)"
    )
    terms: list[Term] = []
    for y, e, p in zip(years, emissions, outputs, strict=True):
        terms.append(Term(f"E_{y}", e, "tCO2e", "input"))
        terms.append(Term(f"P_{y}", p, out_unit, "input"))
    intensity_line = AllocationLine(
        item="intensity",
        formula=f"{i_formula} (over {', '.join(str(y) for y in years)})",
        terms=tuple(terms),
        value=intensity,
        allowances=None,
        unit=i_unit,
    )
    output = unit.output.value
    value = historical_intensity_allocation(intensity, output, unit.reduction_factor)
    allowances = whole_tonnes(value)
    final = AllocationLine(
        item="allocation",
        formula="A = I × P × r",
        terms=(
            Term("I", intensity, i_unit, "computed (intensity line)"),
            Term("P", output, out_unit, "input"),
            Term("r", unit.reduction_factor, "1", "input"),
        ),
        value=value,
        allowances=allowances,
    )
    return UnitAllocation(
        unit=unit.id,
        name=unit.name,
        kind=HISTORICAL_INTENSITY,
        lines=(intensity_line, final),
        allowances=allowances,
        settlement=_uncapped_settlement(unit, allowances),
    )


def _grandfathering_unit(unit: AllocationUnit) -> UnitAllocation:
    assert unit.reduction_factor is not None
    emissions = [tonnes_co2(h.emissions) for h in unit.history]
    value = grandfathering_allocation(emissions, unit.reduction_factor)
    allowances = whole_tonnes(value)
    n = len(emissions)
    terms = [
        Term(f"E_{h.year}", e, "tCO2e", "input")
        for h, e in zip(unit.history, emissions, strict=True)
    ]
    final = AllocationLine(
        item="allocation",
        formula=f"A = (Σ E_y / {n}) × r",
        terms=(*terms, Term("r", unit.reduction_factor, "1", "input")),
        value=value,
        allowances=allowances,
    )
    return UnitAllocation(
        unit=unit.id,
        name=unit.name,
        kind=GRANDFATHERING,
        lines=(final,),
        allowances=allowances,
        settlement=_uncapped_settlement(unit, allowances),
    )


def allocate(request: AllocationRequest) -> AllocationResult:
    """Compute the allocation a request asks for.

    Raises :class:`~carbonledger.accounting.errors.InputError` when a value the method needs
    is missing — a benchmark that was not read into carbonledger, or a settlement rule for a
    period whose rules were not read — naming the JSON path and what to supply.
    """
    errors = Collector()
    units: list[UnitAllocation] = []
    warnings: list[Warning] = []
    provenance: list[dict[str, Any]] = []
    benchmark_set = None
    if request.method == BENCHMARK:
        assert request.period is not None
        bench = _Benchmarks(request, errors)
        if request.period.caveat:
            warnings.append(Warning("$.year", "period-rules-unread", request.period.caveat))
        for unit in request.units:
            result = _benchmark_unit(unit, request.period, bench, errors)
            if result is not None:
                units.append(result)
        warnings.extend(bench.warnings)
        provenance = [bench.used[k] for k in sorted(bench.used)]
        used_rows = [p for p in provenance if not str(p["ref"]).startswith("input:")]
        benchmark_set = bench.set if used_rows else None
    elif request.method == HISTORICAL_INTENSITY:
        units = [_intensity_unit(u) for u in request.units]
    else:
        units = [_grandfathering_unit(u) for u in request.units]
    errors.raise_if_any()
    return AllocationResult(
        request=request,
        units=units,
        provenance=provenance,
        warnings=warnings,
        benchmark_set=benchmark_set,
    )


def allocate_dict(document: Mapping[str, Any]) -> AllocationResult:
    """Parse and compute a request given as a dict (numbers as Decimal, int or str)."""
    return allocate(parse_allocation_request(document))


def example_paths() -> list[str]:
    """Names of the packaged example requests (``data/examples/allocation-*.json``)."""
    folder = resources.files("carbonledger.accounting") / "data" / "examples"
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name.startswith("allocation-") and p.name.endswith(".json")
    )
