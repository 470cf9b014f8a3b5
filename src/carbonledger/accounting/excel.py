"""Excel template and workbook reader for activity-data submissions.

:func:`write_template` writes a fillable ``.xlsx`` for one methodology, generated from
``get_methodology(ref).describe()``; :func:`read_workbook` (a path) and
:func:`parse_workbook` (bytes) read a filled template back into the same
:class:`~carbonledger.accounting.submission.Submission` the equivalent JSON document gives,
so :func:`~carbonledger.accounting.engine.calculate` yields identical input and result
digests.

Layout
------
* ``Submission``: one field a row — column A the field key (``enterprise.name``,
  ``period.year``, ``options.grid_region``...), B its label, C the value, D notes.
* One sheet per source type, named by the source (``fuel_combustion``, ``clinker``...).
  Row 1 is a title, row 2 the column keys the reader matches (``facility_id``, ``fuel``,
  ``quantity``, ``quantity_unit``, ``ncv``, ``ncv_unit``...), row 3 the labels, row 4 each
  column's unit and whether it is required or has a default; data start at row 5. A row is
  one activity line; fully blank rows are skipped (pre-filled unit cells alone do not make
  a row).
* ``Guide`` explains every column in Chinese and English; a hidden ``Lists`` sheet holds the
  drop-down choices. Both are ignored when reading.

Order
-----
The JSON document's facility and line order is part of the input digest. Lines are read
in sheet order then row order, facilities in order of first appearance; the optional
``seq`` column (序号) overrides that order so any JSON document can be reproduced exactly.

Numbers
-------
A cell typed as a number arrives from the file as a binary float. It is converted through
``repr`` — the shortest decimal string that reads back as the same float — so ``21.5``
becomes ``Decimal('21.5')``, never ``Decimal(21.5)``'s binary expansion. Excel keeps at
most 15 significant digits, and every such decimal survives that round trip, so the value
the user typed is recovered exactly. Integer cells stay exact integers; numbers typed as
text are parsed with :func:`~carbonledger.accounting.numbers.to_decimal`. A cell formatted
as a percentage holds the fraction (65.5 % is stored as 0.655): it is accepted when the
unit column says ``%`` (the value is multiplied by 100) or ``fraction``.

Errors
------
Every problem names the sheet, row and column letter. Lines carry
``RawLine.part_locations`` so the source types' own checks (unknown fuel, unit, missing
required parameter) point at the right cell when the submission is calculated.
``RawLine.location`` stays the line's JSON path in the normalised input, because warnings
quote it and warnings are part of the result digest, which must not depend on whether the
data came from JSON or a workbook.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from carbonledger.accounting.context import Context
from carbonledger.accounting.errors import (
    ROOT,
    Collector,
    InputError,
    Location,
    Problem,
    UnknownMethodologyError,
)
from carbonledger.accounting.methodology import GWP_SETS, Methodology, get_methodology, table_for
from carbonledger.accounting.numbers import CONTEXT, NotADecimalError, to_decimal
from carbonledger.accounting.sources import CO2Recovered, Production, SourceType, TransmissionLoss
from carbonledger.accounting.submission import Submission, parse_submission_dict
from carbonledger.accounting.units import UnitError, parse_unit

__all__ = ["parse_workbook", "read_workbook", "write_template"]

SUBMISSION_SHEET = "Submission"
GUIDE_SHEET = "Guide"
LISTS_SHEET = "Lists"
TITLE_ROW = 1
KEY_ROW = 2
LABEL_ROW = 3
STATUS_ROW = 4
FIRST_DATA_ROW = 5
#: Submission sheet: header in row 2, fields from row 3; key in A, value in C
FIRST_FIELD_ROW = 3
KEY_COLUMN = 1
VALUE_COLUMN = 3
#: rows of each source sheet with the default units pre-filled
PREFILLED_ROWS = 20
#: rows of each source sheet covered by the drop-down validations
VALIDATED_ROWS = 1000
LANGS = ("zh", "en")

_KEY_FONT = Font(color="808080", size=9)
_LABEL_FONT = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=13)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_WRAP = Alignment(wrap_text=True, vertical="top")

#: unit symbols offered in the drop-downs; any unit :func:`parse_unit` knows is accepted
_COMMON_UNITS = (
    "t",
    "kg",
    "kt",
    "万t",
    "Nm3",
    "10^4Nm3",
    "10^8Nm3",
    "GJ",
    "MJ",
    "TJ",
    "MWh",
    "kWh",
    "GWh",
    "10^4kWh",
    "tce",
    "tC",
    "tCO2",
    "kgCO2",
    "tCH4",
    "kgCH4",
    "tN2O",
    "kgN2O",
    "tSF6",
    "kgSF6",
    "kgCF4",
    "kgC2F6",
    "fraction",
    "%",
)


# -- the columns of a source sheet (shared by writer and reader) -----------------------------
@dataclass(frozen=True)
class Column:
    key: str
    label_zh: str
    label_en: str
    #: unit, required/default status — row 4 and the Guide
    status_zh: str
    status_en: str
    #: "seq", "id", "text", "material", "number", "unit"
    kind: str
    required: bool = False
    #: a unit column's pre-filled default
    default_unit: str | None = None
    choices: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class SheetSpec:
    sheet: str
    source: SourceType
    description: dict[str, Any]
    columns: tuple[Column, ...]
    #: material -> (label_zh, label_en) for the Guide
    material_labels: dict[str, tuple[str, str]] = field(default_factory=dict)


def _sheet_name(source_name: str) -> str:
    # Excel limits sheet names to 31 characters; source names are identifiers well below.
    return source_name[:31]


def _context(methodology: Methodology) -> Context:
    refs = methodology.factor_refs({}, Collector())
    return Context(table_for(refs), methodology.valid_from.year, {})


def _known_materials(source: SourceType, ctx: Context) -> list[str]:
    found = source.materials(ctx)
    if found:
        return found
    if isinstance(source, Production):
        return list(source.products)
    if source.material_key == "gas":
        gases = sorted(k.removeprefix("gwp.") for k in ctx.factors.keys_with_prefix("gwp."))
        return ["CO2", *(g for g in gases if g != "CO2")]
    return []


def _material_labels(
    source: SourceType, materials: Iterable[str], ctx: Context
) -> dict[str, tuple[str, str]]:
    labels: dict[str, tuple[str, str]] = {}
    for material in materials:
        if isinstance(source, Production):
            unit = source.products[material]
            labels[material] = (f"单位 {unit}", f"in {unit}")
        elif source.material_template:
            row = ctx.factors.get(source.material_template.format(material=material))
            if row is not None:
                labels[material] = (row.label_zh, row.label_en)
    return labels


def _quantity_units(source: SourceType) -> tuple[str | None, str]:
    """The unit to pre-fill (None when it depends on the line) and the usual units."""
    if source.quantity_unit is not None:
        return source.quantity_unit, source.quantity_unit
    if isinstance(source, CO2Recovered):
        return "tCO2", "tCO2, 10^4Nm3"
    if isinstance(source, Production):
        return None, "; ".join(f"{k}: {u}" for k, u in source.products.items())
    if source.material_key == "gas":
        return "t", "t, kg"
    return "t", "t, 10^4Nm3, GJ"


def _unit_choices(unit: str | None, *, any_activity: bool = False) -> tuple[str, ...]:
    if any_activity or unit is None:
        dims: set[tuple[tuple[str, int], ...]] = {
            (("mass", 1),),
            (("volume", 1),),
            (("energy", 1),),
        }
        if unit is not None:
            dims.add(parse_unit(unit).dimension)
        return tuple(u for u in _COMMON_UNITS if parse_unit(u).dimension in dims)
    target = parse_unit(unit).dimension
    if "/" in unit:
        candidates = [f"{a}/{b}" for a in _COMMON_UNITS for b in _COMMON_UNITS if a != b]
    else:
        candidates = list(_COMMON_UNITS)
    out = [unit]
    for candidate in candidates:
        if candidate != unit and parse_unit(candidate).dimension == target:
            out.append(candidate)
    return tuple(out)


def _parameter_status(p: dict[str, Any]) -> tuple[str, str]:
    unit = p["unit"]
    default = p["default"]
    if p["required"]:
        return f"必填; 单位 {unit}", f"required; in {unit}"
    if default is None:
        return f"选填; 单位 {unit}", f"optional; in {unit}"
    if "." in default and not _is_number(default):
        return (
            f"选填; 单位 {unit}; 缺省值见因子表 {default}",
            f"optional; in {unit}; default from factor table {default}",
        )
    return f"选填; 单位 {unit}; 缺省值 {default}", f"optional; in {unit}; default {default}"


def _is_number(text: str) -> bool:
    try:
        to_decimal(text)
    except NotADecimalError:
        return False
    return True


_MATERIAL_LABELS = {
    "fuel": ("燃料品种", "fuel"),
    "material": ("物料", "material"),
    "technology": ("生产工艺", "technology"),
    "gas": ("气体", "gas"),
    "product": ("产品", "product"),
}


def sheet_specs(methodology: Methodology) -> list[SheetSpec]:
    """The source sheets of ``methodology``'s template, in the order of its sources."""
    ctx = _context(methodology)
    described = methodology.describe()
    specs = []
    for sd in cast(list[dict[str, Any]], described["sources"]):
        source = methodology.sources[sd["source"]]
        cols = [
            Column(
                "seq",
                "序号",
                "No.",
                "选填; 行的排列顺序(全部填写或全部留空)",
                "optional; order of the lines (fill in every row or in none)",
                "seq",
            ),
            Column(
                "facility_id",
                "设施编号",
                "facility id",
                "必填; 字母、数字、-、_、.",
                "required; letters, digits, '-', '_', '.'",
                "id",
                required=True,
            ),
            Column(
                "facility_name",
                "设施名称",
                "facility name",
                "选填; 同一设施各行一致",
                "optional; the same in every row of a facility",
                "text",
            ),
            Column(
                "line_id",
                "行编号",
                "line id",
                "必填; 同一设施内唯一",
                "required; unique within the facility",
                "id",
                required=True,
            ),
        ]
        materials: list[str] = []
        key = sd["material_key"]
        if key:
            materials = _known_materials(source, ctx)
            zh, en = _MATERIAL_LABELS.get(key, (key, key))
            hint_zh = "必填; 从下拉列表选择(见说明页)" if materials else "必填"
            hint_en = "required; choose from the list (see the Guide)" if materials else "required"
            cols.append(
                Column(key, zh, en, hint_zh, hint_en, "material", True, choices=tuple(materials))
            )
        if not isinstance(source, TransmissionLoss):
            unit, usual = _quantity_units(source)
            if source.quantity_unit is not None:
                status = f"必填; 单位 {unit}", f"required; in {unit}"
            else:
                status = f"必填; 常用单位: {usual}", f"required; usual units: {usual}"
            cols.append(
                Column(
                    "quantity",
                    sd["quantity_label_zh"],
                    sd["quantity_label_en"],
                    *status,
                    "number",
                    True,
                )
            )
            cols.append(
                Column(
                    "quantity_unit",
                    f"{sd['quantity_label_zh']} 单位",
                    f"{sd['quantity_label_en']} unit",
                    "必填; 可换算的单位",
                    "required; any convertible unit",
                    "unit",
                    True,
                    default_unit=unit,
                    choices=_unit_choices(unit, any_activity=source.quantity_unit is None),
                )
            )
        for p in sd["parameters"]:
            status_zh, status_en = _parameter_status(p)
            name = p["name"]
            cols.append(
                Column(
                    name,
                    f"{p['label_zh']} {p['symbol']}",
                    f"{p['label_en']} {p['symbol']}",
                    status_zh,
                    status_en,
                    "number",
                    bool(p["required"]),
                )
            )
            cols.append(
                Column(
                    f"{name}_unit",
                    f"{p['label_zh']} 单位",
                    f"{p['label_en']} unit",
                    f"单位, 缺省 {p['unit']}",
                    f"unit, default {p['unit']}",
                    "unit",
                    default_unit=p["unit"],
                    choices=_unit_choices(p["unit"]),
                )
            )
        cols.append(Column("note", "备注", "note", "选填", "optional", "text"))
        specs.append(
            SheetSpec(
                _sheet_name(sd["source"]),
                source,
                sd,
                tuple(cols),
                _material_labels(source, materials, ctx),
            )
        )
    names = [s.sheet for s in specs]
    assert len(set(names)) == len(names), "source sheet names must be unique"
    return specs


# -- the Submission sheet ----------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    key: str
    label_zh: str
    label_en: str
    note_zh: str
    note_en: str
    required: bool = False
    choices: tuple[str, ...] = ()
    prefilled: str | None = None


def submission_fields(methodology: Methodology) -> list[Field]:
    d = methodology.describe()
    fields = [
        Field(
            "methodology",
            "核算方法",
            "methodology",
            f"已预填: {d['name_zh']}",
            f"pre-filled: {d['name_en']}",
            True,
            prefilled=str(d["id"]),
        ),
        Field("enterprise.name", "企业名称", "enterprise name", "必填", "required", True),
        Field(
            "enterprise.credit_code",
            "统一社会信用代码",
            "unified social credit code",
            "选填",
            "optional",
        ),
        Field("enterprise.region", "所属区域", "region", "选填, 如 华东", "optional, e.g. 华东"),
        Field("enterprise.province", "省份", "province", "选填, 如 江苏", "optional, e.g. 江苏"),
        Field(
            "period.year",
            "核算年度",
            "reporting year",
            "填年度, 或填起止日期",
            "give the year, or the start and end dates",
        ),
        Field(
            "period.start",
            "核算起始日期",
            "period start",
            "日期 YYYY-MM-DD, 与截止日期同一年",
            "a date YYYY-MM-DD in the same year as the end",
        ),
        Field("period.end", "核算截止日期", "period end", "日期 YYYY-MM-DD", "a date YYYY-MM-DD"),
    ]
    alternatives = cast(list[str], d["alternative_factor_sets"])
    if alternatives:
        default_sets = ", ".join(cast(list[str], d["factor_sets"]))
        fields.append(
            Field(
                "options.factor_set",
                "因子集(可选替代)",
                "factor set (alternative)",
                f"留空使用 {default_sets}; 可选: {', '.join(alternatives)}",
                f"blank uses {default_sets}; alternatives: {', '.join(alternatives)}",
                choices=tuple(alternatives),
            )
        )
    if d["gwp_choice"]:
        fields.append(
            Field(
                "options.gwp",
                "全球变暖潜势(GWP)取值",
                "GWP set",
                f"留空为 {d['gwp']}; 可选 {', '.join(GWP_SETS)}",
                f"blank means {d['gwp']}; one of {', '.join(GWP_SETS)}",
                choices=tuple(GWP_SETS),
            )
        )
    for name, doc in cast(dict[str, str], d["options"]).items():
        fields.append(
            Field(
                f"options.{name}",
                f"选项 {name}",
                f"option {name}",
                f"选填: {doc}",
                f"optional: {doc}",
            )
        )
    return fields


# -- writing -----------------------------------------------------------------------------------
def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def write_template(methodology_ref: str, path: Path, *, lang: str = "zh") -> None:
    """Write a fillable ``.xlsx`` template for one methodology.

    ``lang`` (``zh`` or ``en``) chooses the language of the column labels; titles, the
    Guide and header comments are bilingual. The content depends only on the methodology
    and ``lang``, so regenerating gives the same cells, validations and comments.

    Raises :class:`~carbonledger.accounting.errors.UnknownMethodologyError` for an unknown
    ``methodology_ref`` and :class:`ValueError` for an unknown ``lang``.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    methodology = get_methodology(methodology_ref)
    wb = build_template(methodology, lang)
    wb.save(str(path))


def build_template(methodology: Methodology, lang: str = "zh") -> Any:
    """The template as an openpyxl Workbook (see :func:`write_template`)."""
    specs = sheet_specs(methodology)
    fields = submission_fields(methodology)
    wb = Workbook()
    ws = wb.active
    ws.title = SUBMISSION_SHEET
    lists = _ListSheet(wb.create_sheet(LISTS_SHEET))
    _write_submission_sheet(ws, methodology, fields, lang, lists)
    for spec in specs:
        _write_source_sheet(wb.create_sheet(spec.sheet), spec, lang, lists)
    _write_guide(wb.create_sheet(GUIDE_SHEET), methodology, fields, specs)
    # Keep the hidden list sheet last so the visible sheets read in order.
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
    lists.ws.sheet_state = "hidden"
    return wb


class _ListSheet:
    """Drop-down choices live here: an inline list is limited to 255 characters."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.columns: dict[tuple[str, ...], str] = {}

    def range_for(self, name: str, values: Sequence[str]) -> str:
        key = tuple(values)
        if key not in self.columns:
            col = get_column_letter(len(self.columns) + 1)
            self.ws[f"{col}1"] = name
            for i, value in enumerate(values, start=2):
                self.ws[f"{col}{i}"] = value
            last = len(values) + 1
            self.columns[key] = f"{quote_sheetname(LISTS_SHEET)}!${col}$2:${col}${last}"
        return self.columns[key]


def _validation(formula: str, *, strict: bool, title: str, message: str) -> Any:
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle=title,
        error=message,
    )


def _write_submission_sheet(
    ws: Any, methodology: Methodology, fields: list[Field], lang: str, lists: _ListSheet
) -> None:
    d = methodology.describe()
    ws.cell(TITLE_ROW, 1, f"活动数据报送 Activity data submission — {d['id']}").font = _TITLE_FONT
    headers = (
        "key 字段",
        "项目 field" if lang == "zh" else "field 项目",
        "填写 value",
        "说明 notes",
    )
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(2, col, text)
        cell.font = _LABEL_FONT
        cell.fill = _HEADER_FILL
    for row, f in enumerate(fields, start=FIRST_FIELD_ROW):
        ws.cell(row, KEY_COLUMN, f.key).font = _KEY_FONT
        label = ws.cell(row, 2, f.label_zh if lang == "zh" else f.label_en)
        if f.required:
            label.fill = _REQUIRED_FILL
        if f.prefilled is not None:
            ws.cell(row, VALUE_COLUMN, f.prefilled)
        note = f"{f.note_zh} / {f.note_en}" if lang == "zh" else f"{f.note_en} / {f.note_zh}"
        ws.cell(row, 4, note).alignment = _WRAP
        if f.choices:
            dv = _validation(
                lists.range_for(f.key, f.choices),
                strict=True,
                title=f.key,
                message=f"{f.note_zh}\n{f.note_en}",
            )
            ws.add_data_validation(dv)
            dv.add(ws.cell(row, VALUE_COLUMN).coordinate)
    ws.freeze_panes = ws.cell(FIRST_FIELD_ROW, 1).coordinate
    for letter, width in zip("ABCD", (24, 26, 36, 90), strict=True):
        ws.column_dimensions[letter].width = width


def _write_source_sheet(ws: Any, spec: SheetSpec, lang: str, lists: _ListSheet) -> None:
    d = spec.description
    title = f"{d['label_zh']} / {d['label_en']}"
    if d["formula"]:
        title += f" — {d['formula']}"
    ws.cell(TITLE_ROW, 1, title).font = _TITLE_FONT
    for col, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(col)
        key_cell = ws.cell(KEY_ROW, col, column.key)
        key_cell.font = _KEY_FONT
        label_cell = ws.cell(LABEL_ROW, col, column.label(lang))
        label_cell.font = _LABEL_FONT
        label_cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        label_cell.alignment = _WRAP
        other = column.label_en if lang == "zh" else column.label_zh
        label_cell.comment = Comment(
            f"{other}\n{column.status_zh}\n{column.status_en}\nkey: {column.key}", "carbonledger"
        )
        status = column.status_zh if lang == "zh" else column.status_en
        ws.cell(STATUS_ROW, col, status).alignment = _WRAP
        longest_choice = max(
            (_width(c) for c in column.choices if column.kind == "material"), default=0
        )
        width = max(_width(column.key), _width(column.label(lang)), longest_choice, 12)
        ws.column_dimensions[letter].width = min(width + 2, 36)
        if column.default_unit is not None:
            for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + PREFILLED_ROWS):
                ws.cell(row, col, column.default_unit)
        if column.choices:
            strict = False  # other units and measured-only materials are legitimate
            message = "不在列表中: 请确认 / not in the list: please check (see the Guide sheet)"
            dv = _validation(
                lists.range_for(f"{spec.sheet}.{column.key}", column.choices),
                strict=strict,
                title=column.key,
                message=message,
            )
            ws.add_data_validation(dv)
            last = FIRST_DATA_ROW + VALIDATED_ROWS - 1
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
    ws.row_dimensions[STATUS_ROW].height = 64
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 5).coordinate


def _write_guide(
    ws: Any, methodology: Methodology, fields: list[Field], specs: list[SheetSpec]
) -> None:
    d = methodology.describe()
    rows: list[tuple[str, ...]] = [
        (f"填写说明 Guide — {d['id']}",),
        (f"{d['name_zh']}",),
        (f"{d['name_en']}",),
        (f"依据 Document: {d['document']}",),
        ("",),
        ("1. 在 Submission 页填写企业、核算期和选项; 每个排放源一页, 每行一条活动数据。",),
        (
            "   Fill enterprise, period and options on the Submission sheet; each emission "
            "source has its own sheet, one activity line a row.",
        ),
        ("2. 第2行是字段键(读取时按它识别列), 请勿修改或删除; 空行会被跳过。",),
        (
            "   Row 2 holds the column keys the reader matches: do not rename or delete "
            "them. Blank rows are skipped.",
        ),
        ("3. 数值直接填数字; 单位写在相邻的单位列; 百分比格式的单元格按其小数值读取。",),
        (
            "   Type numbers as numbers; each value's unit goes in the unit column next to "
            "it. A cell formatted as a percentage is read as its fraction.",
        ),
        ("4. 参数留空则使用方法学缺省值; 标为必填的参数须填写实测值。",),
        (
            "   A blank parameter takes the methodology's default; a parameter marked "
            "required must be measured and given.",
        ),
        ("5. 公式单元格须在 Excel 中保存过计算结果; 请勿增加其他工作表。",),
        (
            "   Formula cells must have been calculated and saved by Excel; do not add "
            "other sheets.",
        ),
        ("",),
        ("工作表 sheet", "列 column", "中文说明", "English", "要求 status"),
    ]
    header_row = len(rows)
    for f in fields:
        rows.append(
            (SUBMISSION_SHEET, f.key, f"{f.label_zh}: {f.note_zh}", f"{f.label_en}: {f.note_en}")
        )
    for spec in specs:
        sd = spec.description
        rows.append((spec.sheet, "", f"{sd['label_zh']} {sd['formula']}", f"{sd['label_en']}", ""))
        for column in spec.columns:
            rows.append(
                (
                    spec.sheet,
                    column.key,
                    f"{column.label_zh}: {column.status_zh}",
                    f"{column.label_en}: {column.status_en}",
                    "必填 required" if column.required else "选填 optional",
                )
            )
    materials_row = len(rows) + 2
    rows.append(("",))
    rows.append(("可选物料 known materials", "键 key", "中文", "English"))
    for spec in specs:
        for column in spec.columns:
            if column.kind == "material":
                for material in column.choices:
                    zh, en = spec.material_labels.get(material, ("", ""))
                    rows.append((spec.sheet, material, zh, en))
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            if r > header_row:
                cell.alignment = _WRAP
    ws.cell(1, 1).font = _TITLE_FONT
    for row in (header_row, materials_row):
        for c in range(1, 6):
            ws.cell(row, c).font = _LABEL_FONT
            ws.cell(row, c).fill = _HEADER_FILL
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (26, 24, 60, 60, 16), strict=True):
        ws.column_dimensions[letter].width = width


# -- reading -----------------------------------------------------------------------------------
class _Invalid:
    """A cell whose problem has been reported already."""


INVALID = _Invalid()


class _Sheet:
    """One worksheet's saved values, with formulas that were never calculated detected."""

    def __init__(self, name: str, values: Any, formulas: Any, errors: Collector) -> None:
        self.name = name
        self.values = values[name]
        self.formulas = None if formulas is None else formulas[name]
        self.errors = errors
        self.max_row: int = int(self.values.max_row)
        self.max_column: int = int(self.values.max_column)

    def at(self, row: int, col: int) -> Location:
        return Location(sheet=self.name, row=row, column=get_column_letter(col))

    def get(self, row: int, col: int) -> tuple[object, str]:
        """The cell's value (None when blank, INVALID when reported) and number format."""
        cell = self.values.cell(row, col)
        value = cell.value
        if cell.data_type == "e":
            self.errors.add(
                self.at(row, col), "excel-error-value", hint="fix-formula", value=str(value)
            )
            return INVALID, ""
        if value is None:
            if self.formulas is not None and self.formulas.cell(row, col).data_type == "f":
                self.errors.add(self.at(row, col), "formula-without-result", hint="save-in-excel")
                return INVALID, ""
            return None, ""
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None, ""
        return value, str(cell.number_format or "")


def _float_decimal(value: float) -> Decimal:
    # repr is the shortest decimal that reads back as the same float: what the user typed.
    return Decimal(repr(value))


def _number(value: object, loc: Location, errors: Collector) -> Decimal | None:
    if isinstance(value, bool):
        errors.add(loc, "not-a-number", value=str(value))
        return None
    if isinstance(value, datetime | date | time):
        errors.add(loc, "number-is-date", hint="format-as-number")
        return None
    if isinstance(value, float):
        number = _float_decimal(value)
        if not number.is_finite():
            errors.add(loc, "not-a-number", value=str(value))
            return None
        return number
    try:
        return to_decimal(value)
    except NotADecimalError as err:
        errors.add_error(loc, err, hint="plain-number")
        return None


def _text(value: object, loc: Location, errors: Collector, what: str) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | datetime | date | time):
        errors.add(loc, "not-text", field=what, value=repr(value))
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(_float_decimal(value))
    errors.add(loc, "not-text", field=what, value=type(value).__name__)
    return None


def _unit(text: str | None, loc: Location, errors: Collector) -> str | None:
    if text is None:
        errors.add(loc, "required", hint="choose-unit", field="unit")
        return None
    try:
        parse_unit(text)
    except UnitError as err:
        errors.add_error(loc, err, hint="choose-unit")
        return None
    return text


@dataclass
class _Row:
    sheet_index: int
    row: int
    location: Location
    seq: int | None
    seq_loc: Location
    facility_id: str
    facility_loc: Location
    facility_name: str | None
    name_loc: Location
    line: dict[str, object]
    #: JSON sub-path under the line -> cell
    cells: dict[tuple[str, ...], Location]
    parts: dict[str, Location]


_SUBMISSION_KEYS = frozenset(
    {
        "methodology",
        "enterprise.name",
        "enterprise.credit_code",
        "enterprise.region",
        "enterprise.province",
        "period.year",
        "period.start",
        "period.end",
    }
)
_REQUIRED_SUBMISSION_KEYS = ("methodology", "enterprise.name")


def read_workbook(path: Path) -> Submission:
    """Read a filled template (``.xlsx``) into a :class:`Submission`.

    Raises :class:`InputError` naming the sheet, row and column of every problem.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError.at(
            ROOT, "file-unreadable", path=str(path), error=str(err.strerror)
        ) from None
    return parse_workbook(data)


def parse_workbook(data: bytes) -> Submission:
    """Read a filled template from bytes; see :func:`read_workbook`."""
    values, formulas = _open(data)
    errors = Collector()
    names = list(values.sheetnames)
    if SUBMISSION_SHEET not in names:
        raise InputError.at(
            Location(sheet=SUBMISSION_SHEET),
            "sheet-missing",
            hint="use-template",
            sheet=repr(SUBMISSION_SHEET),
            sheets=", ".join(names),
        )
    head = _Sheet(SUBMISSION_SHEET, values, formulas, errors)
    doc, paths, methodology = _read_submission_sheet(head, errors)
    if methodology is None:
        errors.raise_if_any()
        raise AssertionError("unreachable: no methodology without a problem")
    specs = sheet_specs(methodology)
    expected = {s.sheet for s in specs}
    for name in names:
        if name not in expected and name not in (SUBMISSION_SHEET, GUIDE_SHEET, LISTS_SHEET):
            errors.add(
                Location(sheet=name),
                "unexpected-sheet",
                hint="template-sheets",
                sheet=repr(name),
                methodology=methodology.ref,
                sheets=", ".join(s.sheet for s in specs),
            )
    rows: list[_Row] = []
    before_sheets = len(errors.problems)
    for index, spec in enumerate(specs):
        if spec.sheet not in names:
            errors.add(
                Location(sheet=spec.sheet),
                "sheet-missing",
                hint="regenerate-template",
                sheet=repr(spec.sheet),
                label=spec.description["label_en"],
                label_zh=spec.description["label_zh"],
                methodology=methodology.ref,
            )
            continue
        sheet = _Sheet(spec.sheet, values, formulas, errors)
        rows.extend(_read_source_sheet(sheet, index, spec, errors))
    doc["facilities"] = _facilities(rows, paths, errors)
    if not rows:
        paths[("facilities",)] = Location(sheet=specs[0].sheet, row=FIRST_DATA_ROW)
        if len(errors.problems) == before_sheets:
            errors.add(paths[("facilities",)], "workbook-without-lines")
    reported = {(p.location.sheet, p.location.row, p.location.column) for p in errors.problems}
    try:
        submission = parse_submission_dict(doc)
    except InputError as err:
        _translate(err.problems, paths, reported, errors)
        errors.raise_if_any()
        raise
    # problems that did not stop reading are reported here, at their cells
    _translate(submission.problems, paths, reported, errors)
    submission.problems = []
    errors.raise_if_any()
    # Options are checked when calculating, with JSON paths; check them here so a problem
    # names the option's cell.
    check = Collector()
    methodology.check_options(submission.options, check)
    refs = methodology.factor_refs(submission.options, check)
    if not check.problems:
        methodology.prepare(submission, table_for(refs), check)
    _translate(check.problems, paths, reported, errors)
    errors.raise_if_any()
    _attach_locations(submission, rows)
    return submission


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet holds a formula (a ``<f>`` element), without parsing cells."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return any(
            _FORMULA.search(package.read(name))
            for name in package.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def _open(data: bytes) -> tuple[Any, Any]:
    """The workbook's saved values, and its formulas when it has any (else None)."""
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel extensions it does not read (slicers, styles).
            warnings.simplefilter("ignore")
            values = load_workbook(io.BytesIO(data), data_only=True)
            formulas = None
            if _has_formulas(data):
                formulas = load_workbook(io.BytesIO(data), data_only=False)
    except zipfile.BadZipFile:
        raise InputError.at(ROOT, "not-a-workbook", hint="save-as-xlsx") from None
    except Exception as err:  # a damaged package raises many kinds (KeyError, ValueError...)
        raise InputError.at(
            ROOT, "workbook-unreadable", hint="save-as-xlsx", error=f"{type(err).__name__}: {err}"
        ) from None
    return values, formulas


def _read_submission_sheet(
    sheet: _Sheet, errors: Collector
) -> tuple[dict[str, Any], dict[tuple[str | int, ...], Location], Methodology | None]:
    fields: dict[str, tuple[object, Location]] = {}
    for row in range(FIRST_FIELD_ROW, sheet.max_row + 1):
        raw_key, _ = sheet.get(row, KEY_COLUMN)
        if raw_key is None or raw_key is INVALID:
            continue
        key = str(raw_key)
        loc = sheet.at(row, VALUE_COLUMN)
        if key not in _SUBMISSION_KEYS and not key.startswith("options."):
            errors.add(
                sheet.at(row, KEY_COLUMN),
                "unknown-value",
                hint="field-keys",
                field="field",
                value=repr(key),
            )
            continue
        if key in fields:
            errors.add(sheet.at(row, KEY_COLUMN), "duplicate", field="field", value=repr(key))
            continue
        value, _ = sheet.get(row, VALUE_COLUMN)
        fields[key] = (value, loc)
    root = Location(sheet=sheet.name)
    paths: dict[tuple[str | int, ...], Location] = {
        (): root,
        ("enterprise",): root,
        ("options",): root,
        ("period",): root,
    }
    for key in _REQUIRED_SUBMISSION_KEYS:
        if key not in fields:
            errors.add(root, "field-row-missing", hint="field-keys-regenerate", key=repr(key))
    doc: dict[str, Any] = {"enterprise": {}, "options": {}}
    methodology: Methodology | None = None
    period: dict[str, object] = {}
    for key, (value, loc) in fields.items():
        group, _, name = key.partition(".")
        path: tuple[str, ...] = (group, name) if name else (group,)
        paths[path] = loc
        if value is None or value is INVALID:
            continue
        if key == "methodology":
            ref = _text(value, loc, errors, "methodology")
            if ref is not None:
                doc["methodology"] = ref
                try:
                    methodology = get_methodology(ref)
                except UnknownMethodologyError as err:
                    errors.add_error(loc, err)
        elif group == "enterprise":
            text = _text(value, loc, errors, name.replace("_", " "))
            if text is not None:
                doc["enterprise"][name] = text
        elif group == "period":
            period_value = _period_value(name, value, loc, errors)
            if period_value is not None:
                period[name] = period_value
        else:
            option = _option_value(value, loc, errors)
            if option is not None:
                doc["options"][name] = option
    if "period.year" in fields:
        paths[("period",)] = fields["period.year"][1]
    if "year" in period and ("start" in period or "end" in period):
        errors.add(fields["period.year"][1], "period-year-and-dates")
    elif period:
        doc["period"] = period
    elif all(fields.get(f"period.{k}", (None,))[0] is None for k in ("year", "start", "end")):
        errors.add(paths[("period",)], "required", hint="give-period", field="reporting period")
    if methodology is None and "methodology" not in doc and "methodology" in fields:
        errors.add(fields["methodology"][1], "required", field="methodology")
    return doc, paths, methodology


def _period_value(name: str, value: object, loc: Location, errors: Collector) -> object:
    if name == "year":
        number = _number(value, loc, errors)
        if number is None:
            return None
        if number != number.to_integral_value():
            errors.add(loc, "not-whole", field="year", value=str(number))
            return None
        return number
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            errors.add(
                loc, "not-a-date", hint="format-as-date", value=repr(value.isoformat(sep=" "))
            )
            return None
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            errors.add(loc, "not-a-date", value=repr(value))
            return None
    errors.add(loc, "not-a-date", hint="format-as-date", value=repr(value))
    return None


def _option_value(value: object, loc: Location, errors: Collector) -> object:
    if isinstance(value, str | bool):
        return value
    if isinstance(value, int | float):
        return _number(value, loc, errors)
    errors.add(loc, "option-not-text-or-number", value=repr(value))
    return None


def _read_source_sheet(sheet: _Sheet, index: int, spec: SheetSpec, errors: Collector) -> list[_Row]:
    before = len(errors.problems)
    columns: dict[str, int] = {}
    by_key = {c.key: c for c in spec.columns}
    for col in range(1, sheet.max_column + 1):
        raw, _ = sheet.get(KEY_ROW, col)
        if raw is None or raw is INVALID:
            continue
        key = str(raw)
        if key not in by_key:
            errors.add(
                sheet.at(KEY_ROW, col),
                "unknown-value",
                hint="column-keys",
                field="column key",
                value=repr(key),
                row=KEY_ROW,
                keys=", ".join(by_key),
            )
        elif key in columns:
            errors.add(sheet.at(KEY_ROW, col), "duplicate", field="column key", value=repr(key))
        else:
            columns[key] = col
    for column in spec.columns:
        if column.key not in columns:
            errors.add(
                Location(sheet=sheet.name, row=KEY_ROW),
                "column-missing",
                hint="column-keys-regenerate",
                key=repr(column.key),
                label=column.label_en,
                label_zh=column.label_zh,
                row=KEY_ROW,
            )
    if len(errors.problems) > before:
        return []
    keyed = set(columns.values())
    rows = []
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        cells = {key: sheet.get(row, col) for key, col in columns.items()}
        for col in range(1, sheet.max_column + 1):
            if col not in keyed and sheet.get(row, col)[0] is not None:
                errors.add(
                    sheet.at(row, col), "value-without-column-key", hint="move-value", row=KEY_ROW
                )
        if all(value is None for key, (value, _) in cells.items() if by_key[key].kind != "unit"):
            continue
        parsed = _read_row(
            sheet, index=index, row=row, spec=spec, columns=columns, cells=cells, errors=errors
        )
        if parsed is not None:
            rows.append(parsed)
    return rows


def _read_row(
    sheet: _Sheet,
    *,
    index: int,
    row: int,
    spec: SheetSpec,
    columns: dict[str, int],
    cells: dict[str, tuple[object, str]],
    errors: Collector,
) -> _Row | None:
    def at(key: str) -> Location:
        return sheet.at(row, columns[key])

    def value(key: str) -> object:
        return cells[key][0]

    def text(key: str, what: str) -> str | None:
        raw = value(key)
        if raw is None or raw is INVALID:
            return None
        return _text(raw, at(key), errors, what)

    row_loc = Location(sheet=sheet.name, row=row)
    source = spec.source
    seq: int | None = None
    raw_seq = value("seq")
    if raw_seq is not None and raw_seq is not INVALID:
        number = _number(raw_seq, at("seq"), errors)
        if number is not None:
            if number != number.to_integral_value():
                errors.add(at("seq"), "not-whole", field="seq", value=str(number))
            else:
                seq = int(number)
    facility_id = text("facility_id", "facility id")
    if facility_id is None and value("facility_id") is None:
        errors.add(at("facility_id"), "required", field="facility id")
    line: dict[str, object] = {"source": source.name}
    sub: dict[tuple[str, ...], Location] = {
        (): row_loc,
        ("source",): row_loc,
        ("id",): at("line_id"),
        ("note",): at("note"),
        ("parameters",): row_loc,
    }
    parts: dict[str, Location] = {"source": row_loc, "id": at("line_id"), "note": at("note")}
    line_id = text("line_id", "line id")
    if line_id is not None:
        line["id"] = line_id
    key = source.material_key
    if key is not None and key in columns:
        sub[(key,)] = parts[key] = at(key)
        material = text(key, key)
        if material is not None:
            line[key] = material
    if "quantity" in columns:
        sub[("quantity",)] = sub[("quantity", "value")] = parts["quantity"] = at("quantity")
        sub[("quantity", "unit")] = at("quantity_unit")
        quantity = _quantity(
            cells["quantity"],
            cells["quantity_unit"],
            value_loc=at("quantity"),
            unit_loc=at("quantity_unit"),
            expected_unit=source.quantity_unit,
            errors=errors,
        )
        if quantity is not None:
            line["quantity"] = quantity
    parameters: dict[str, object] = {}
    param_cells: list[tuple[str, Location]] = []
    for p in spec.description["parameters"]:
        name = p["name"]
        loc = at(name)
        param_cells.append((name, loc))
        sub[("parameters", name)] = sub[("parameters", name, "value")] = loc
        sub[("parameters", name, "unit")] = at(f"{name}_unit")
        q = _quantity(
            cells[name],
            cells[f"{name}_unit"],
            value_loc=loc,
            unit_loc=at(f"{name}_unit"),
            expected_unit=None,
            errors=errors,
        )
        if q is not None:
            parameters[name] = q
    if parameters:
        line["parameters"] = parameters
    parts["parameters"] = Location(sheet=sheet.name, row=row)
    for name, cell in param_cells:
        parts[f"parameters.{name}"] = cell
    note = text("note", "note")
    if note is not None:
        line["note"] = note
    if facility_id is None:
        return None
    return _Row(
        sheet_index=index,
        row=row,
        location=row_loc,
        seq=seq,
        seq_loc=at("seq"),
        facility_id=facility_id,
        facility_loc=at("facility_id"),
        facility_name=text("facility_name", "facility name"),
        name_loc=at("facility_name"),
        line=line,
        cells=sub,
        parts=parts,
    )


def _quantity(
    value_cell: tuple[object, str],
    unit_cell: tuple[object, str],
    *,
    value_loc: Location,
    unit_loc: Location,
    expected_unit: str | None,
    errors: Collector,
) -> dict[str, object] | None:
    """``{"value": Decimal, "unit": str}``, or None when the value is blank or invalid."""
    raw, number_format = value_cell
    if raw is None or raw is INVALID:
        return None
    number = _number(raw, value_loc, errors)
    raw_unit = unit_cell[0]
    unit_text = None
    if raw_unit is not INVALID:
        unit_text = None if raw_unit is None else _text(raw_unit, unit_loc, errors, "unit")
        unit = _unit(unit_text, unit_loc, errors)
    else:
        unit = None
    if number is None or unit is None:
        return None
    if expected_unit is not None and parse_unit(unit).dimension != (
        parse_unit(expected_unit).dimension
    ):
        errors.add(
            unit_loc,
            "unit-wrong-dimension",
            hint="use-unit",
            unit=repr(unit),
            expected=expected_unit,
        )
        return None
    if "%" in number_format and isinstance(raw, int | float):
        # A percentage-formatted cell stores the fraction: 65.5 % is 0.655.
        if unit == "%":
            number = CONTEXT.multiply(number, Decimal(100))
        elif parse_unit(unit).dimension != () or parse_unit(unit).scale != 1:
            errors.add(
                value_loc, "percentage-format-unit", hint="percentage-format", unit=repr(unit)
            )
            return None
    return {"value": number, "unit": unit}


def _facilities(
    rows: list[_Row], paths: dict[tuple[str | int, ...], Location], errors: Collector
) -> list[dict[str, Any]]:
    with_seq = [r for r in rows if r.seq is not None]
    if with_seq and len(with_seq) != len(rows):
        for r in rows:
            if r.seq is None:
                errors.add(r.seq_loc, "seq-partly-filled")
    seen: dict[int, Location] = {}
    for r in with_seq:
        assert r.seq is not None
        if r.seq in seen:
            errors.add(r.seq_loc, "seq-used-twice", seq=r.seq, other=str(seen[r.seq]))
        seen.setdefault(r.seq, r.seq_loc)
    if with_seq and len(with_seq) == len(rows):
        rows.sort(key=lambda r: (r.seq, r.sheet_index, r.row))
    grouped: dict[str, list[_Row]] = {}
    for r in rows:
        grouped.setdefault(r.facility_id, []).append(r)
    facilities: list[dict[str, Any]] = []
    paths[("facilities",)] = rows[0].location if rows else Location(sheet=SUBMISSION_SHEET)
    for i, (facility_id, members) in enumerate(grouped.items()):
        first = members[0]
        name: str | None = None
        name_loc = first.name_loc
        for r in members:
            if r.facility_name is None:
                continue
            if name is None:
                name, name_loc = r.facility_name, r.name_loc
            elif r.facility_name != name:
                errors.add(
                    r.name_loc,
                    "facility-named-twice",
                    hint="one-facility-name",
                    facility=repr(facility_id),
                    name=repr(name),
                    other=str(name_loc),
                    here=repr(r.facility_name),
                )
        fpath: tuple[str | int, ...] = ("facilities", i)
        paths[fpath] = first.location
        paths[(*fpath, "id")] = first.facility_loc
        paths[(*fpath, "name")] = name_loc
        paths[(*fpath, "lines")] = first.location
        facility: dict[str, Any] = {"id": facility_id}
        if name is not None:
            facility["name"] = name
        facility["lines"] = [r.line for r in members]
        for j, r in enumerate(members):
            for sub, loc in r.cells.items():
                paths[(*fpath, "lines", j, *sub)] = loc
        facilities.append(facility)
    return facilities


def _translate(
    found: Iterable[Problem],
    paths: dict[tuple[str | int, ...], Location],
    reported: set[tuple[str | None, int | None, str | None]],
    errors: Collector,
) -> None:
    """Add problems found with JSON paths at their cells, unless a cell has one already."""
    for problem in found:
        where = _cell_for(problem.location, paths)
        if (where.sheet, where.row, where.column) not in reported:
            # JSON syntax in a hint does not help someone filling cells.
            hint = "" if "{" in problem.hint else problem.hint_code
            errors.problems.append(replace(problem, location=where, hint_code=hint))


def _cell_for(location: Location, paths: dict[tuple[str | int, ...], Location]) -> Location:
    if location.sheet is not None:
        return location
    path = location.path
    for end in range(len(path), -1, -1):
        found = paths.get(path[:end])
        if found is not None:
            return found
    return location


def _attach_locations(submission: Submission, rows: list[_Row]) -> None:
    by_facility: dict[str, list[_Row]] = {}
    for r in rows:
        by_facility.setdefault(r.facility_id, []).append(r)
    for facility in submission.facilities:
        for line, r in zip(facility.lines, by_facility[facility.id], strict=True):
            line.part_locations = dict(r.parts)
