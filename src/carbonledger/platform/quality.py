"""Data-quality checks on an activity-data submission before anything goes on chain.

:func:`check_submission` takes the accounting engine's JSON document
(``carbonledger/activity-data@1``, see :mod:`carbonledger.accounting.submission`) as a
dict, cleans what can be cleaned without guessing, and returns every finding together
with the cleaned document:

========  ============================================================================
severity  meaning
========  ============================================================================
error     blocks submission (the data is wrong or cannot be computed)
warning   shown to the enterprise; submission may go ahead
info      an automatic cleaning step, with the original and the cleaned value
========  ============================================================================

Checks, by finding code:

* cleaning (info): ``number-cleaned`` (thousands separators, full-width digits, spaces
  and Unicode minus signs removed from numbers written as text), ``float-as-decimal`` (a
  binary float from a JSON parser that was not told to keep decimals, replaced by its
  shortest decimal spelling), ``unit-alias`` (``吨`` -> ``t``, spelling from
  :func:`carbonledger.accounting.units.canonical_unit`), ``text-trimmed``;
* units (error): ``unknown-unit``, ``incompatible-unit``;
* ranges: ``not-a-number`` and ``ambiguous-number`` (error), ``negative-quantity``
  (error), ``zero-quantity`` (warning), ``out-of-range`` (error: a fraction outside
  [0, 1], an oxidation rate outside (0, 1], a negative parameter), ``far-from-default``
  (warning: a measured parameter more than 3 times above or below the factor set's
  default for that material), ``period-outside-methodology`` (error);
* duplicates (warning): ``duplicate-line`` — the same facility, source and material (and
  month, when lines carry one) twice;
* gaps (warning): ``missing-months`` when lines carry monthly periods (``"period":
  "2024-03"``) and a month of the reporting period has none, ``bad-line-period`` and
  ``line-period-outside`` (error) for such periods that are malformed or outside the
  reporting period, ``facility-without-activity`` when a facility has no lines or only
  zero quantities;
* everything else the accounting engine refuses (unknown source, missing parameter...):
  ``invalid`` (error), with the engine's message.

Per-line months: ``carbonledger/activity-data@1`` has no ``period`` on a line and the
engine refuses the key. Monthly data (meter readings, IoT, monthly Excel sheets) may carry
one; these checks read it, and hand the engine the document without it. Until the schema
gains the field, the caller strips it (or sums the months) before calculating.

Paths are JSON pointers (RFC 6901) into the document, e.g.
``/facilities/0/lines/2/quantity/value``. The checks are idempotent: checking the cleaned
document again gives no cleaning findings. Nothing here does I/O.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from carbonledger.accounting.errors import (
    Collector,
    InputError,
    Location,
    UnknownMethodologyError,
)
from carbonledger.accounting.factors import FactorRow, FactorTable
from carbonledger.accounting.methodology import Methodology, get_methodology, table_for
from carbonledger.accounting.sources import Param, SourceType
from carbonledger.accounting.submission import MATERIAL_KEYS, Submission, parse_submission_dict
from carbonledger.accounting.units import (
    UnitError,
    canonical_unit,
    conversion_factor,
    parse_unit,
    same_dimension,
)

__all__ = ["Finding", "QualityResult", "Severity", "check_submission"]

Severity = Literal["error", "warning", "info"]

#: a measured parameter this many times above or below its default is suspicious
FAR_FROM_DEFAULT = Decimal(3)
#: parameters that must be strictly positive (a zero oxidation rate means nothing burnt)
_POSITIVE = frozenset({"oxidation_rate"})
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_TEXT_FIELDS = ("name", "credit_code", "region", "province")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the checks found, where, in Chinese and English."""

    code: str
    severity: Severity
    #: JSON pointer to the field ("" is the whole document)
    path: str
    message_zh: str
    message_en: str
    #: for automatic cleaning: the value before and after
    original: object = None
    cleaned: object = None
    #: other places the finding is about (the first of two duplicate lines)
    related: tuple[str, ...] = ()

    @property
    def auto_cleaned(self) -> bool:
        return self.severity == "info"

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "message": {"zh-CN": self.message_zh, "en-US": self.message_en},
        }
        if self.auto_cleaned:
            out["original"] = _jsonable(self.original)
            out["cleaned"] = _jsonable(self.cleaned)
        if self.related:
            out["related"] = list(self.related)
        return out


@dataclass(slots=True)
class QualityResult:
    """The findings and the cleaned document (a deep copy; the input is not changed)."""

    findings: list[Finding]
    document: dict[str, Any]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def cleaning(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "info"]

    @property
    def blocking(self) -> bool:
        """True when an error forbids submitting the document."""
        return any(f.severity == "error" for f in self.findings)

    def as_dict(self) -> dict[str, object]:
        return {
            "blocking": self.blocking,
            "counts": {
                "error": len(self.errors),
                "warning": len(self.warnings),
                "info": len(self.cleaning),
            },
            "findings": [f.as_dict() for f in self.findings],
        }


def _jsonable(value: object) -> object:
    return str(value) if isinstance(value, Decimal | float) else value


def pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _location_pointer(location: Location) -> str:
    return pointer(*location.path)


@dataclass(slots=True)
class _Checker:
    findings: list[Finding] = field(default_factory=list)

    def add(
        self,
        code: str,
        severity: Severity,
        path: str,
        zh: str,
        en: str,
        *,
        original: object = None,
        cleaned: object = None,
        related: tuple[str, ...] = (),
    ) -> None:
        self.findings.append(Finding(code, severity, path, zh, en, original, cleaned, related))

    # -- cleaning -----------------------------------------------------------------------------
    def text(self, holder: dict[str, Any], key: str, path: str) -> None:
        value = holder.get(key)
        if isinstance(value, str) and value != value.strip():
            holder[key] = value.strip()
            self.add(
                "text-trimmed",
                "info",
                path,
                "已去除首尾空白",
                "leading/trailing whitespace removed",
                original=value,
                cleaned=holder[key],
            )

    def number(self, holder: dict[str, Any], key: str, path: str) -> Decimal | None:
        """Clean the number ``holder[key]`` in place; its value, or None if it is not one."""
        value = holder.get(key)
        if isinstance(value, bool) or value is None:
            return None  # the engine says what is wrong with it
        if isinstance(value, Decimal):
            return value if value.is_finite() else None
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, float):
            cleaned = repr(value)
            holder[key] = cleaned
            self.add(
                "float-as-decimal",
                "info",
                path,
                f"二进制浮点数 {value!r} 按其最短十进制写法 {cleaned} 读取",
                f"binary float {value!r} read as its shortest decimal spelling {cleaned}; "
                "send numbers as strings or parse JSON numbers as decimals",
                original=value,
                cleaned=cleaned,
            )
            return _decimal(cleaned)
        if not isinstance(value, str):
            return None
        text = unicodedata.normalize("NFKC", value).replace("\u2212", "-")
        text = "".join(text.split())
        if "," in text:
            if not _THOUSANDS.match(text):
                self.add(
                    "ambiguous-number",
                    "error",
                    path,
                    f"数字 {value!r} 中的逗号不是千位分隔符; 小数点请用 '.'",
                    f"the commas in {value!r} are not thousands separators; "
                    "write the decimal point as '.'",
                )
                return None
            text = text.replace(",", "")
        number = _decimal(text)
        if number is None:
            self.add(
                "not-a-number",
                "error",
                path,
                f"{value!r} 不是数字",
                f"{value!r} is not a number",
            )
            return None
        if text != value:
            holder[key] = text
            self.add(
                "number-cleaned",
                "info",
                path,
                f"数字 {value!r} 已规范为 {text}",
                f"number {value!r} normalised to {text}",
                original=value,
                cleaned=text,
            )
        return number

    def unit(self, holder: dict[str, Any], key: str, path: str) -> str | None:
        """Clean the unit ``holder[key]`` in place; the canonical unit, or None if unknown."""
        value = holder.get(key)
        if not isinstance(value, str) or not value.strip():
            return None  # missing units are the engine's structural error
        try:
            canonical = canonical_unit(value)
        except UnitError as err:
            self.text(holder, key, path)
            self.add(
                "unknown-unit",
                "error",
                path,
                f"未知单位 {value.strip()!r}",
                f"{err}",
            )
            return None
        if canonical != value:
            holder[key] = canonical
            if canonical == value.strip():
                self.add(
                    "text-trimmed",
                    "info",
                    path,
                    "已去除首尾空白",
                    "leading/trailing whitespace removed",
                    original=value,
                    cleaned=canonical,
                )
            else:
                self.add(
                    "unit-alias",
                    "info",
                    path,
                    f"单位 {value!r} 写作标准形式 {canonical}",
                    f"unit {value!r} written in its standard form {canonical}",
                    original=value,
                    cleaned=canonical,
                )
        return canonical

    def quantity(
        self, holder: dict[str, Any], key: str, path: str, default_unit: str | None
    ) -> tuple[Decimal | None, str | None, str]:
        """Clean a quantity (``{"value", "unit"}`` or a bare number with a default unit).

        Returns the value, the unit and the pointer to the value.
        """
        raw = holder.get(key)
        if isinstance(raw, dict):
            value_path = path + "/value"
            return (
                self.number(raw, "value", value_path),
                self.unit(raw, "unit", path + "/unit"),
                value_path,
            )
        return self.number(holder, key, path), default_unit, path


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass(slots=True)
class _Line:
    """What the later checks need of one cleaned line."""

    path: str
    facility: str
    source: str
    material: str | None
    period: str | None
    quantity: Decimal | None
    quantity_unit: str | None
    quantity_path: str
    #: name -> (value, unit, pointer to the value)
    parameters: dict[str, tuple[Decimal, str, str]]


def _lines(checker: _Checker, doc: dict[str, Any]) -> Iterator[tuple[int, _Line]]:
    """Clean every line in place and yield it with its facility's index."""
    facilities = doc.get("facilities")
    if not isinstance(facilities, list):
        return
    for i, facility in enumerate(facilities):
        if not isinstance(facility, dict):
            continue
        fpath = pointer("facilities", i)
        for key in ("id", "name"):
            checker.text(facility, key, f"{fpath}/{key}")
        lines = facility.get("lines")
        if not isinstance(lines, list):
            continue
        for j, line in enumerate(lines):
            if not isinstance(line, dict):
                continue
            lpath = f"{fpath}/lines/{j}"
            for key in ("id", "source", "note", "period", *MATERIAL_KEYS):
                checker.text(line, key, f"{lpath}/{key}")
            value, unit, value_path = checker.quantity(line, "quantity", f"{lpath}/quantity", None)
            parameters: dict[str, tuple[Decimal, str, str]] = {}
            params = line.get("parameters")
            if isinstance(params, dict):
                for name in params:
                    pvalue, punit, ppath = checker.quantity(
                        params, name, f"{lpath}/parameters{pointer(str(name))}", "fraction"
                    )
                    if pvalue is not None and punit is not None:
                        parameters[str(name)] = (pvalue, punit, ppath)
            material = next((line[k] for k in MATERIAL_KEYS if isinstance(line.get(k), str)), None)
            period = line.get("period")
            yield (
                i,
                _Line(
                    lpath,
                    str(facility.get("id", i)),
                    str(line.get("source", "")),
                    material,
                    period if isinstance(period, str) else None,
                    value,
                    unit,
                    value_path,
                    parameters,
                ),
            )


def check_submission(
    document: Mapping[str, Any], methodology: Methodology | None = None
) -> QualityResult:
    """Clean ``document`` and check it; ``methodology`` defaults to the one it names.

    The input is not modified; :attr:`QualityResult.document` is the cleaned copy.
    """
    doc: dict[str, Any] = copy.deepcopy(dict(document))
    checker = _Checker()
    enterprise = doc.get("enterprise")
    if isinstance(enterprise, dict):
        for key in _TEXT_FIELDS:
            checker.text(enterprise, key, pointer("enterprise", key))
    checker.text(doc, "methodology", pointer("methodology"))

    lines: list[_Line] = []
    facility_lines: dict[int, list[_Line]] = {}
    for index, line in _lines(checker, doc):
        lines.append(line)
        facility_lines.setdefault(index, []).append(line)

    submission, methodology = _engine(checker, doc, methodology)
    table: FactorTable | None = None
    if methodology is not None and submission is not None:
        table = table_for(methodology.factor_refs(submission.options, Collector()))
        _check_validity(checker, methodology, submission)
    for line in lines:
        _check_quantity(checker, line)
        source = methodology.sources.get(line.source) if methodology is not None else None
        if source is not None:
            _check_units(checker, line, source)
            _check_parameters(checker, line, source, table)
        else:
            for name, (value, unit, path) in line.parameters.items():
                _check_parameter_range(checker, name, value, unit, path, None)
    _check_duplicates(checker, lines)
    if submission is not None:
        _check_months(checker, lines, submission)
    _check_facilities(checker, doc, facility_lines)
    if submission is not None and methodology is not None:
        _engine_calculation(checker, methodology, submission)
    return QualityResult(checker.findings, doc)


# -- the accounting engine's own checks ------------------------------------------------------
def _without_line_periods(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as the engine reads it: activity-data@1 has no per-line period."""
    out = dict(doc)
    facilities = doc.get("facilities")
    if isinstance(facilities, list):
        out["facilities"] = [
            {
                **f,
                "lines": [
                    {k: v for k, v in line.items() if k != "period"}
                    if isinstance(line, dict)
                    else line
                    for line in f["lines"]
                ],
            }
            if isinstance(f, dict) and isinstance(f.get("lines"), list)
            else f
            for f in facilities
        ]
    return out


def _engine_problems(checker: _Checker, err: InputError) -> None:
    """The engine's problems as errors, except where a more specific error already is."""
    taken = [f.path for f in checker.findings if f.severity == "error"]
    for problem in err.problems:
        path = _location_pointer(problem.location)
        if any(t == path or t.startswith(path + "/") or path.startswith(t + "/") for t in taken):
            continue
        checker.add("invalid", "error", path, problem.render("zh"), problem.render("en"))


def _engine(
    checker: _Checker, doc: dict[str, Any], methodology: Methodology | None
) -> tuple[Submission | None, Methodology | None]:
    try:
        submission = parse_submission_dict(_without_line_periods(doc))
    except InputError as err:
        _engine_problems(checker, err)
        return None, methodology
    if methodology is None:
        try:
            methodology = get_methodology(submission.methodology)
        except UnknownMethodologyError as err:
            checker.add(
                "invalid",
                "error",
                pointer("methodology"),
                f"未知的核算方法 {submission.methodology!r}",
                str(err),
            )
            if submission.problems:
                _engine_problems(checker, InputError(submission.problems))
            return submission, None
    return submission, methodology


def _engine_calculation(checker: _Checker, methodology: Methodology, sub: Submission) -> None:
    from carbonledger.accounting.engine import calculate_with

    try:
        calculate_with(methodology, sub)
    except InputError as err:
        _engine_problems(checker, err)


# -- ranges, units ----------------------------------------------------------------------------
def _check_validity(checker: _Checker, methodology: Methodology, sub: Submission) -> None:
    start, end = sub.period.start, sub.period.end
    valid_to = methodology.valid_to
    if start < methodology.valid_from or (valid_to is not None and end > valid_to):
        span_en = f"{methodology.valid_from.isoformat()} to {valid_to or 'today'}"
        span_zh = f"{methodology.valid_from.isoformat()} 至 {valid_to or '今'}"
        checker.add(
            "period-outside-methodology",
            "error",
            pointer("period"),
            f"报告期 {start.isoformat()} 至 {end.isoformat()} 不在 {methodology.ref} 的"
            f"适用期 ({span_zh}) 内",
            f"reporting period {start.isoformat()} to {end.isoformat()} is outside the "
            f"validity of {methodology.ref} ({span_en}); choose the methodology in force then",
        )


def _check_quantity(checker: _Checker, line: _Line) -> None:
    if line.quantity is None:
        return
    if line.quantity < 0:
        checker.add(
            "negative-quantity",
            "error",
            line.quantity_path,
            f"活动数据不能为负数: {line.quantity}; 扣减项有专门的排放源(如输出电力、CO2回收)",
            f"a quantity must not be negative, got {line.quantity}; deductions have their "
            "own sources (exported electricity, CO2 recovered...)",
        )
    elif line.quantity == 0:
        checker.add(
            "zero-quantity",
            "warning",
            line.quantity_path,
            "活动数据为零: 请确认该排放源在报告期内确实未发生",
            "the quantity is zero: confirm the source really had no activity in the period",
        )


def _expected_param_unit(
    source: SourceType, spec: Param, line: _Line, table: FactorTable | None
) -> str | None:
    """The unit a measured parameter must convert to, or None when the engine decides.

    A per-activity-unit parameter of a source whose activity unit depends on the material
    (a fuel's NCV is per tonne or per 10^4 Nm3, following the measured unit) is left to
    the engine.
    """
    if source.quantity_unit is None and ("mass", -1) in parse_unit(spec.unit).dimension:
        return None
    row = _default_row(spec, line, table)
    return row.unit if row is not None else spec.unit


def _default_row(spec: Param, line: _Line, table: FactorTable | None) -> FactorRow | None:
    if table is None or spec.default is None:
        return None
    if "{material}" in spec.default:
        if line.material is None:
            return None
        return table.get(spec.default.format(material=line.material))
    return table.get(spec.default)


def _incompatible(
    checker: _Checker, path: str, unit: str, expected: str, zh_what: str, en_what: str
) -> bool:
    try:
        ok = same_dimension(unit, expected)
    except UnitError:
        return True  # reported as unknown-unit while cleaning
    if not ok:
        checker.add(
            "incompatible-unit",
            "error",
            path,
            f"{zh_what}的单位 {unit} 无法换算为 {expected}",
            f"the unit {unit} of the {en_what} cannot be converted to {expected} "
            f"({parse_unit(unit).dimension_name} vs {parse_unit(expected).dimension_name})",
        )
    return not ok


def _check_units(checker: _Checker, line: _Line, source: SourceType) -> None:
    if line.quantity_unit is not None and source.quantity_unit is not None:
        _incompatible(
            checker,
            line.quantity_path.removesuffix("/value") + "/unit",
            line.quantity_unit,
            source.quantity_unit,
            f"{source.quantity_label_zh}",
            source.quantity_label_en,
        )


def _unit_path(value_path: str) -> str:
    if value_path.endswith("/value"):
        return value_path.removesuffix("/value") + "/unit"
    return value_path


def _check_parameters(
    checker: _Checker, line: _Line, source: SourceType, table: FactorTable | None
) -> None:
    specs = {p.name: p for p in source.params}
    for name, (value, unit, path) in line.parameters.items():
        spec = specs.get(name)
        if spec is None:
            continue  # the engine names the allowed parameters
        expected = _expected_param_unit(source, spec, line, table)
        if expected is not None and _incompatible(
            checker, _unit_path(path), unit, expected, spec.label_zh, spec.label_en
        ):
            continue
        _check_parameter_range(checker, name, value, unit, path, spec)
        row = _default_row(spec, line, table)
        if row is None:
            continue
        try:
            measured = value * conversion_factor(unit, row.unit)
        except UnitError:
            continue
        if row.value <= 0 or measured <= 0:
            continue
        ratio = measured / row.value
        if ratio > FAR_FROM_DEFAULT or ratio < 1 / FAR_FROM_DEFAULT:
            shown = f"{measured.normalize():f} {row.unit}"
            default = f"{row.value} {row.unit}"
            checker.add(
                "far-from-default",
                "warning",
                path,
                f"实测{spec.label_zh} {shown} 与缺省值 {default} ({row.ref}) 相差三倍以上, "
                "请检查单位和数值",
                f"measured {spec.label_en} {shown} is more than 3 times away from the "
                f"default {default} ({row.ref}); check the value and its unit",
            )


def _check_parameter_range(
    checker: _Checker, name: str, value: Decimal, unit: str, path: str, spec: Param | None
) -> None:
    is_fraction = spec is not None and spec.unit == "fraction" and spec.hi is not None
    en = spec.label_en if spec is not None else name
    zh = spec.label_zh if spec is not None else name
    if is_fraction:
        try:
            fraction = value * conversion_factor(unit, "fraction")
        except UnitError:
            return
        low_ok = fraction > 0 if name in _POSITIVE else fraction >= 0
        if not low_ok or fraction > 1:
            interval = "(0, 1]" if name in _POSITIVE else "[0, 1]"
            checker.add(
                "out-of-range",
                "error",
                path,
                f"{zh} 应在 {interval} 之间 (即 0-100%), 实为 {value} {unit}",
                f"{en} must lie in {interval} (0-100 %), got {value} {unit}",
            )
    elif value < 0 and (spec is None or spec.lo is not None):
        checker.add(
            "out-of-range",
            "error",
            path,
            f"{zh} 不能为负数, 实为 {value} {unit}",
            f"{en} must not be negative, got {value} {unit}",
        )


# -- duplicates and gaps -------------------------------------------------------------------
def _check_duplicates(checker: _Checker, lines: list[_Line]) -> None:
    seen: dict[tuple[str, str, str | None, str | None], _Line] = {}
    for line in lines:
        key = (line.facility, line.source, line.material, line.period)
        first = seen.get(key)
        if first is None:
            seen[key] = line
            continue
        what_en = f"facility {line.facility}, source {line.source}"
        what_zh = f"设施 {line.facility}、排放源 {line.source}"
        if line.material:
            what_en += f", {line.material}"
            what_zh += f"、{line.material}"
        if line.period:
            what_en += f", {line.period}"
            what_zh += f"、{line.period}"
        checker.add(
            "duplicate-line",
            "warning",
            line.path,
            f"{line.path} 与 {first.path} 重复 ({what_zh}): 请确认没有重复计入",
            f"{line.path} repeats {first.path} ({what_en}): make sure nothing is counted twice",
            related=(first.path,),
        )


def _months(start: date, end: date) -> list[str]:
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _check_months(checker: _Checker, lines: list[_Line], sub: Submission) -> None:
    expected = _months(sub.period.start, sub.period.end)
    groups: dict[tuple[str, str, str | None], tuple[_Line, set[str]]] = {}
    for line in lines:
        if line.period is None:
            continue
        path = line.path + "/period"
        if not _MONTH.match(line.period):
            checker.add(
                "bad-line-period",
                "error",
                path,
                f"行的期间 {line.period!r} 应写作 YYYY-MM (如 2024-03)",
                f"a line's period {line.period!r} must be a month YYYY-MM (e.g. 2024-03)",
            )
            continue
        if line.period not in expected:
            checker.add(
                "line-period-outside",
                "error",
                path,
                f"{line.period} 不在报告期 {expected[0]} 至 {expected[-1]} 内",
                f"{line.period} is outside the reporting period {expected[0]} to {expected[-1]}",
            )
            continue
        key = (line.facility, line.source, line.material)
        first, months = groups.setdefault(key, (line, set()))
        months.add(line.period)
    for (facility, source, material), (first, months) in groups.items():
        missing = [m for m in expected if m not in months]
        if not missing:
            continue
        what = f"{facility} / {source}" + (f" / {material}" if material else "")
        checker.add(
            "missing-months",
            "warning",
            first.path,
            f"{what} 缺少月份: {', '.join(missing)}",
            f"{what} has no data for {', '.join(missing)}",
        )


def _check_facilities(
    checker: _Checker, doc: dict[str, Any], facility_lines: dict[int, list[_Line]]
) -> None:
    facilities = doc.get("facilities")
    if not isinstance(facilities, list):
        return
    for i, facility in enumerate(facilities):
        if not isinstance(facility, dict):
            continue
        lines = facility_lines.get(i, [])
        quantities = [line.quantity for line in lines if line.quantity is not None]
        if lines and (not quantities or any(q != 0 for q in quantities)):
            continue
        name = facility.get("name") or facility.get("id") or str(i)
        checker.add(
            "facility-without-activity",
            "warning",
            pointer("facilities", i),
            f"设施 {name} 没有活动数据 (无数据行或数量全为零): 请补充数据, 或说明停产",
            f"facility {name} has no activity (no lines, or only zero quantities): add its "
            "data, or state that it did not operate",
        )
