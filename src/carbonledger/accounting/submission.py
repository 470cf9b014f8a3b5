"""The activity-data document (a submission) and its validation.

JSON shape (``schema: carbonledger/activity-data@1``)::

    {
      "schema": "carbonledger/activity-data@1",
      "enterprise": {"name": "...", "credit_code": "9132...", "region": "华东", "province": "江苏"},
      "period": {"year": 2024},          # or {"start": "2024-01-01", "end": "2024-12-31"}
      "methodology": "cn-2013-cement@1",
      "options": {"grid_region": "华东"},  # methodology-specific, see its guide
      "facilities": [
        {"id": "kiln-1", "name": "1号窑",
         "lines": [
           {"id": "coal", "source": "fuel_combustion", "fuel": "bituminous_coal",
            "quantity": {"value": "120000", "unit": "t"},
            "parameters": {"ncv": {"value": "21.5", "unit": "GJ/t"}}}
         ]}
      ]
    }

A line names its emission ``source`` (what the methodology calls it), the material it is
about when the source needs one (``fuel``, ``material``, ``technology``...), a ``quantity``
and optional measured ``parameters`` that override the methodology's defaults. Numbers
may be JSON numbers (parsed as decimals, never floats) or strings. Units are always explicit.

Validation is structural here; each source type checks its own fields
(:mod:`carbonledger.accounting.sources`). All problems are reported together with their
JSON path, or with sheet/row/column for a workbook.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final, NamedTuple

from carbonledger.accounting.errors import ROOT, Collector, InputError, Location, Problem
from carbonledger.accounting.numbers import NotADecimalError, to_decimal

SCHEMA: Final = "carbonledger/activity-data@1"
_ID_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class Quantity(NamedTuple):
    value: Decimal
    unit: str

    def as_dict(self) -> dict[str, object]:
        return {"value": self.value, "unit": self.unit}


#: The dataclasses below write their own ``__init__`` (``init=False``), the one the dataclass
#: would generate: under mypyc a generated one stays interpreted, and one is run per line.


@dataclass(slots=True, init=False)
class RawLine:
    """A line as submitted, after structural checks; its source type parses the rest."""

    id: str
    source: str
    facility_id: str
    material: str | None
    quantity: Quantity | None
    parameters: dict[str, Quantity]
    note: str
    location: Location
    #: where each part came from (for workbook cells), by part name
    part_locations: dict[str, Location] | None
    #: False when reading already found a problem in this line (it is then not computed,
    #: so the user is not told twice about one mistake)
    valid: bool

    def __init__(
        self,
        id: str,
        source: str,
        facility_id: str,
        material: str | None,
        quantity: Quantity | None,
        parameters: dict[str, Quantity],
        note: str,
        location: Location,
        part_locations: dict[str, Location] | None = None,
        valid: bool = True,
    ) -> None:
        self.id = id
        self.source = source
        self.facility_id = facility_id
        self.material = material
        self.quantity = quantity
        self.parameters = parameters
        self.note = note
        self.location = location
        self.part_locations = part_locations
        self.valid = valid

    def where_param(self, name: str) -> Location:
        """Where parameter ``name`` of this line is: its own cell in a workbook."""
        key = f"parameters.{name}"
        if self.part_locations is not None and key in self.part_locations:
            return self.part_locations[key]
        return self.where("parameters").child(name)

    def where(self, part: str) -> Location:
        if self.part_locations is not None and part in self.part_locations:
            return self.part_locations[part]
        return self.location.child(part)

    def as_dict(self, material_key: str | None) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id, "source": self.source}
        if self.material is not None and material_key:
            out[material_key] = self.material
        if self.quantity is not None:
            out["quantity"] = self.quantity.as_dict()
        if self.parameters:
            out["parameters"] = {k: v.as_dict() for k, v in sorted(self.parameters.items())}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(slots=True, init=False)
class Facility:
    id: str
    name: str
    lines: list[RawLine]

    def __init__(self, id: str, name: str, lines: list[RawLine]) -> None:
        self.id = id
        self.name = name
        self.lines = lines


@dataclass(slots=True, init=False)
class Enterprise:
    name: str
    credit_code: str
    region: str
    province: str

    def __init__(
        self, name: str, credit_code: str = "", region: str = "", province: str = ""
    ) -> None:
        self.name = name
        self.credit_code = credit_code
        self.region = region
        self.province = province

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name}
        for key in ("credit_code", "region", "province"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out


@dataclass(slots=True, init=False)
class Period:
    start: date
    end: date

    def __init__(self, start: date, end: date) -> None:
        self.start = start
        self.end = end

    @property
    def year(self) -> int:
        return self.start.year

    def as_dict(self) -> dict[str, object]:
        if self.start == date(self.start.year, 1, 1) and self.end == date(self.start.year, 12, 31):
            return {"year": self.start.year}
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(slots=True, init=False)
class Submission:
    enterprise: Enterprise
    period: Period
    methodology: str
    options: dict[str, object]
    facilities: list[Facility]
    #: problems found while reading that did not stop reading (a missing enterprise name,
    #: one bad line); :func:`carbonledger.accounting.engine.calculate` reports them together
    #: with the problems found in each line, so the user sees everything at once
    problems: list[Problem]

    def __init__(
        self,
        enterprise: Enterprise,
        period: Period,
        methodology: str,
        options: dict[str, object],
        facilities: list[Facility],
        problems: list[Problem] | None = None,
    ) -> None:
        self.enterprise = enterprise
        self.period = period
        self.methodology = methodology
        self.options = options
        self.facilities = facilities
        self.problems = [] if problems is None else problems

    def lines(self) -> list[RawLine]:
        return [line for facility in self.facilities for line in facility.lines]


#: Keys a line may have besides its material key; the material key depends on the source.
LINE_KEYS: Final = frozenset({"id", "source", "quantity", "parameters", "note"})
MATERIAL_KEYS: Final = ("fuel", "material", "technology", "gas", "product")


def parse_json_text(text: str | bytes) -> Any:
    """Parse JSON with every number as a Decimal (never a binary float)."""
    try:
        return json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as err:
        raise InputError.at(
            ROOT, "invalid-json", error=err.msg, line=err.lineno, column=err.colno
        ) from None


def _text(value: object, loc: Location, errors: Collector, what: str, required: bool) -> str:
    if value is None:
        if required:
            errors.add(loc, "required", field=what)
        return ""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        errors.add(loc, "not-text", field=what, value=type(value).__name__)
        return ""
    text = value.strip()
    if required and not text:
        errors.add(loc, "empty", field=what)
    return text


def _identifier(value: object, loc: Location, errors: Collector, what: str) -> str:
    text = _text(value, loc, errors, what, required=True)
    if text and not set(text) <= _ID_CHARS:
        errors.add(loc, "bad-identifier", field=what, value=repr(text))
    return text


def parse_quantity(
    value: object, loc: Location, errors: Collector, *, default_unit: str | None = None
) -> Quantity | None:
    """``{"value": .., "unit": ..}``, or a bare number when ``default_unit`` allows it."""
    if isinstance(value, Mapping):
        unknown = set(value) - {"value", "unit"}
        if unknown:
            errors.add(loc, "unexpected-keys", hint="quantity-keys", keys=str(sorted(unknown)))
        unit = value.get("unit", default_unit)
        raw = value.get("value")
    else:
        unit = default_unit
        raw = value
    if raw is None:
        errors.add(
            loc.child("value") if isinstance(value, Mapping) else loc, "required", field="value"
        )
        return None
    try:
        number = to_decimal(raw)
    except NotADecimalError as err:
        errors.add_error(loc.child("value") if isinstance(value, Mapping) else loc, err)
        return None
    if unit is None or (isinstance(unit, str) and not unit.strip()):
        errors.add(loc, "required", hint="write-quantity", field="unit", unit="t")
        return None
    if not isinstance(unit, str):
        errors.add(loc.child("unit"), "not-text", field="unit", value=type(unit).__name__)
        return None
    return Quantity(number, unit.strip())


def _parse_period(raw: object, loc: Location, errors: Collector) -> Period | None:
    if not isinstance(raw, Mapping):
        errors.add(loc, "required", hint="write-period", field="period")
        return None
    if "year" in raw:
        try:
            number = to_decimal(raw["year"])
        except NotADecimalError:
            number = Decimal("NaN")
        # int() would silently truncate 2024.5 to 2024
        if not number.is_finite() or number != number.to_integral_value():
            errors.add(loc.child("year"), "year-not-whole")
            return None
        year = int(number)
        if not 1990 <= year <= 2100:
            errors.add(loc.child("year"), "year-out-of-range", year=year)
            return None
        return Period(date(year, 1, 1), date(year, 12, 31))
    try:
        start = date.fromisoformat(str(raw.get("start")))
        end = date.fromisoformat(str(raw.get("end")))
    except ValueError:
        errors.add(loc, "period-dates-invalid")
        return None
    if end < start:
        errors.add(loc.child("end"), "end-before-start")
        return None
    if start.year != end.year:
        errors.add(loc, "period-spans-years")
        return None
    return Period(start, end)


_LINE_FIELDS: Final = LINE_KEYS | frozenset(MATERIAL_KEYS)
#: builds a named tuple from its fields without the Python-level ``__new__`` the class
#: generates (a frame per object); used where one is built for every line
_new_tuple: Final = tuple.__new__


def _fast_quantity(value: object, default_unit: str | None) -> Quantity | None:
    """A well-formed quantity without building error locations; None means "check slowly"."""
    # locals typed object and narrowed by exact type checks (mypyc then uses the str and
    # dict operations directly)
    raw: object
    unit: object
    if type(value) is dict and len(value) <= 2:
        raw = value.get("value")
        unit = value.get("unit", default_unit)
    else:
        raw, unit = value, default_unit
    if type(unit) is not str or not unit:
        return None
    number: Decimal
    if type(raw) is str:
        # the common case, inlined from to_decimal (no call, no error handling): plain
        # decimal text; anything else (separators, junk, NaN) takes the checked path
        if "," in raw:
            return None
        try:
            number = Decimal(raw)
        except InvalidOperation:
            return None
    elif type(raw) is int:
        number = Decimal(raw)
    elif type(raw) is Decimal:
        number = raw
    else:
        return None
    if not number.is_finite():
        return None
    return _new_tuple(Quantity, (number, unit.strip()))


#: a line's keys in document order -> its material key ("" for none), or None when the
#: keys are not a well-formed line's (an unknown key, two material keys); filled as seen
_SHAPES: dict[tuple[str, ...], str | None] = {}
_SHAPES_MAX: Final = 4096


def _shape(keys: tuple[str, ...]) -> str | None:
    if not _LINE_FIELDS.issuperset(keys):
        return None
    materials = [k for k in MATERIAL_KEYS if k in keys]
    if len(materials) > 1:
        return None
    return materials[0] if materials else ""


def _fast_line(raw: object, facility_id: str, loc: Location) -> RawLine | None:
    """Parse a well-formed line quickly; anything unusual returns None for the slow checks."""
    if type(raw) is not dict:
        return None
    keys = tuple(raw)
    material_key = _SHAPES.get(keys, False)
    if material_key is False:
        material_key = _shape(keys)
        if len(_SHAPES) < _SHAPES_MAX:
            _SHAPES[keys] = material_key
    if material_key is None:
        return None
    # locals typed object and narrowed by exact type checks (mypyc then uses the str and
    # dict operations directly)
    line_id: object = raw.get("id")
    source: object = raw.get("source")
    if (
        type(line_id) is not str
        or type(source) is not str
        or not line_id
        or not source
        or not _ID_CHARS.issuperset(line_id)
    ):
        return None
    material = None
    if material_key:
        named: object = raw[material_key]
        if type(named) is not str or not named.strip():
            return None
        material = named.strip()
    quantity = None
    value: object = raw.get("quantity")
    if value is not None:
        # _fast_quantity(value, None) inlined for the common {"value": "..", "unit": ".."}
        number: object = value.get("value") if type(value) is dict and len(value) == 2 else None
        if type(number) is str and type(value) is dict:
            unit: object = value.get("unit")
            if type(unit) is not str or not unit or "," in number:
                return None
            try:
                decimal = Decimal(number)
            except InvalidOperation:
                return None
            if not decimal.is_finite():
                return None
            quantity = _new_tuple(Quantity, (decimal, unit.strip()))
        else:
            quantity = _fast_quantity(value, None)
            if quantity is None:
                return None
    elif "quantity" in raw:
        return None
    parameters: dict[str, Quantity] = {}
    params: object = raw.get("parameters")
    if params is not None:
        if type(params) is not dict:
            return None
        for name, param in params.items():
            q = _fast_quantity(param, "fraction")
            if q is None:
                return None
            parameters[name] = q
    note: object = raw.get("note", "")
    if type(note) is not str:
        return None
    return RawLine(
        line_id, source.strip(), facility_id, material, quantity, parameters, note.strip(), loc
    )


def parse_line(raw: object, facility_id: str, loc: Location, errors: Collector) -> RawLine | None:
    fast = _fast_line(raw, facility_id, loc)
    if fast is not None:
        return fast
    return _checked_line(raw, facility_id, loc, errors)


def _checked_line(
    raw: object, facility_id: str, loc: Location, errors: Collector
) -> RawLine | None:
    """The general path: every check, every problem reported with its location.

    :func:`_fast_line` must agree with it on well-formed lines (tests compare the two).
    """
    if not isinstance(raw, Mapping):
        errors.add(loc, "not-an-object", field="line")
        return None
    before = len(errors.problems)
    line_id = _identifier(raw.get("id"), loc.child("id"), errors, "line id")
    source = _text(raw.get("source"), loc.child("source"), errors, "source", required=True)
    materials = [k for k in MATERIAL_KEYS if k in raw]
    unknown = set(raw) - LINE_KEYS - set(MATERIAL_KEYS)
    if unknown:
        errors.add(
            loc,
            "unexpected-keys",
            hint="line-keys",
            keys=str(sorted(unknown)),
            line_keys=", ".join(sorted(LINE_KEYS)),
            material_keys=", ".join(MATERIAL_KEYS),
        )
    if len(materials) > 1:
        errors.add(loc, "several-materials", keys=str(materials))
    material = None
    if materials:
        key = materials[0]
        material = _text(raw[key], loc.child(key), errors, key, required=True) or None
    quantity = None
    if "quantity" in raw:
        quantity = parse_quantity(raw["quantity"], loc.child("quantity"), errors)
    parameters: dict[str, Quantity] = {}
    params = raw.get("parameters", {})
    if not isinstance(params, Mapping):
        errors.add(loc.child("parameters"), "not-an-object", field="parameters")
    else:
        for name, value in params.items():
            q = parse_quantity(
                value, loc.child("parameters").child(str(name)), errors, default_unit="fraction"
            )
            if q is not None:
                parameters[str(name)] = q
    note = _text(raw.get("note"), loc.child("note"), errors, "note", required=False)
    line = RawLine(line_id, source, facility_id, material, quantity, parameters, note, loc)
    line.valid = len(errors.problems) == before
    return line


def parse_submission_dict(raw: object) -> Submission:
    """Check the document's structure and build a :class:`Submission`.

    Source-specific fields are checked when the methodology parses each line
    (:func:`carbonledger.accounting.engine.prepare`).
    """
    errors = Collector()
    if not isinstance(raw, Mapping):
        raise InputError.at(ROOT, "not-an-object", field="submission")
    schema = raw.get("schema", SCHEMA)
    if schema != SCHEMA:
        errors.add(
            ROOT.child("schema"),
            "unknown-value",
            hint="expected",
            field="schema",
            value=repr(schema),
            expected=SCHEMA,
        )
    # "guide" is the documentation a generated template carries; it is not input data
    known = {"schema", "guide", "enterprise", "period", "methodology", "options", "facilities"}
    unknown = set(raw) - known
    if unknown:
        errors.add(
            ROOT,
            "unexpected-keys",
            hint="allowed",
            keys=str(sorted(unknown)),
            allowed=str(sorted(known)),
        )
    ent_raw = raw.get("enterprise")
    loc = ROOT.child("enterprise")
    enterprise = Enterprise(name="")
    if not isinstance(ent_raw, Mapping):
        errors.add(loc, "required", hint="write-enterprise", field="enterprise")
    else:
        enterprise = Enterprise(
            name=_text(ent_raw.get("name"), loc.child("name"), errors, "name", required=True),
            credit_code=_text(
                ent_raw.get("credit_code"), loc.child("credit_code"), errors, "credit_code", False
            ),
            region=_text(ent_raw.get("region"), loc.child("region"), errors, "region", False),
            province=_text(
                ent_raw.get("province"), loc.child("province"), errors, "province", False
            ),
        )
    period = _parse_period(raw.get("period"), ROOT.child("period"), errors)
    methodology = _text(
        raw.get("methodology"), ROOT.child("methodology"), errors, "methodology", required=True
    )
    options_raw = raw.get("options", {})
    options: dict[str, object] = {}
    if not isinstance(options_raw, Mapping):
        errors.add(ROOT.child("options"), "not-an-object", field="options")
    else:
        options = {str(k): v for k, v in options_raw.items()}
    facilities: list[Facility] = []
    fac_raw = raw.get("facilities")
    floc = ROOT.child("facilities")
    if not isinstance(fac_raw, list) or not fac_raw:
        errors.add(floc, "none-given", field="facility with lines")
    else:
        seen_fac: set[str] = set()
        for i, fraw in enumerate(fac_raw):
            fl = floc.child(i)
            if not isinstance(fraw, Mapping):
                errors.add(fl, "not-an-object", field="facility")
                continue
            fid = _identifier(fraw.get("id"), fl.child("id"), errors, "facility id")
            if fid in seen_fac:
                errors.add(fl.child("id"), "duplicate", field="facility id", value=repr(fid))
            seen_fac.add(fid)
            name = _text(fraw.get("name"), fl.child("name"), errors, "name", required=False)
            lines_raw = fraw.get("lines")
            lines: list[RawLine] = []
            if not isinstance(lines_raw, list) or not lines_raw:
                errors.add(fl.child("lines"), "none-given", field="line")
            else:
                seen_lines: set[str] = set()
                # a document's paths carry no workbook cell, so each line's location is
                # built directly rather than through Location.child (once per line)
                lines_path = fl.child("lines").path
                for j, lraw in enumerate(lines_raw):
                    where = _new_tuple(Location, ((*lines_path, j), None, None, None))
                    line = _fast_line(lraw, fid, where) or _checked_line(lraw, fid, where, errors)
                    if line is None:
                        continue
                    if line.id in seen_lines:
                        errors.add(
                            line.location.child("id"),
                            "duplicate",
                            field="line id",
                            value=repr(line.id),
                        )
                    seen_lines.add(line.id)
                    lines.append(line)
            facilities.append(Facility(fid, name or fid, lines))
    if period is None or not methodology or not any(f.lines for f in facilities):
        errors.raise_if_any()
    assert period is not None
    return Submission(enterprise, period, methodology, options, facilities, errors.problems)


def read_submission_json(text: str | bytes) -> Submission:
    return parse_submission_dict(parse_json_text(text))
