"""Excel template and workbook reader.

The "user" step of the round trip fills a generated template with openpyxl from a JSON
example, typing numbers as numbers (as Excel stores them: binary floats, integers exact)
and dates as dates. Reading the workbook back must give the same submission, hence the
same input and result digests as the JSON path, for the bundled cement example and
examples of four more methodologies written here.
"""

from __future__ import annotations

import copy
import functools
import io
import tempfile
import zipfile
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from carbonledger.accounting import excel
from carbonledger.accounting.engine import calculate, read_submission
from carbonledger.accounting.errors import InputError, Location
from carbonledger.accounting.methodology import all_methodologies, get_methodology
from carbonledger.accounting.report import Report
from carbonledger.accounting.submission import parse_json_text, parse_submission_dict

CEMENT = parse_json_text(
    resources.files("carbonledger.accounting").joinpath("data/examples/cement.json").read_bytes()
)

#: Two facilities whose lines interleave across sheets, so the JSON order can only be kept
#: with the seq column; options of every kind (text, number, GWP choice).
GHG = parse_json_text(
    """{
  "enterprise": {"name": "Example Manufacturing Co.", "region": "华东", "province": "江苏"},
  "period": {"year": 2023},
  "methodology": "ghg-protocol-corporate@1",
  "options": {"gwp": "AR6", "grid_region": "江苏", "electricity_factor_year": 2022,
              "scope2_method": "market"},
  "facilities": [
    {"id": "plant-b", "name": "Plant B", "lines": [
      {"id": "boiler-gas", "source": "stationary_combustion", "fuel": "natural_gas",
       "quantity": {"value": "95.5", "unit": "TJ"}},
      {"id": "chiller", "source": "fugitive_emissions", "gas": "HFC134a",
       "quantity": {"value": 120, "unit": "kg"}}
    ]},
    {"id": "plant-a", "lines": [
      {"id": "diesel", "source": "stationary_combustion", "fuel": "gas_diesel_oil",
       "quantity": {"value": 35, "unit": "t"},
       "parameters": {"ncv": {"value": "43.0", "unit": "GJ/t"}}},
      {"id": "grid", "source": "purchased_electricity",
       "quantity": {"value": 12000, "unit": "MWh"},
       "parameters": {"contractual_factor": {"value": "0.5", "unit": "tCO2/MWh"}}},
      {"id": "steam", "source": "purchased_heat", "quantity": {"value": 5000, "unit": "GJ"},
       "parameters": {"emission_factor": {"value": "0.11", "unit": "tCO2/GJ"}}},
      {"id": "process-co2", "source": "process_emissions", "gas": "CO2",
       "quantity": {"value": "12.75", "unit": "t"}, "note": "lime kiln, stoichiometric"}
    ]}
  ]
}"""
)

#: A half-year period given by dates; percentages; a gas quantity by volume.
CHEMICALS = parse_json_text(
    """{
  "enterprise": {"name": "华北化工有限公司", "credit_code": "91130000MA0CHEM001",
                 "region": "华北"},
  "period": {"start": "2024-01-01", "end": "2024-06-30"},
  "methodology": "cn-2013-chemicals@1",
  "facilities": [
    {"id": "site", "name": "合成氨厂", "lines": [
      {"id": "coal", "source": "fuel_combustion", "fuel": "anthracite",
       "quantity": {"value": 52000, "unit": "t"},
       "parameters": {"ncv": {"value": "24.5", "unit": "GJ/t"},
                      "oxidation_rate": {"value": "94", "unit": "%"}}},
      {"id": "ethane-in", "source": "carbon_input", "material": "ethane",
       "quantity": {"value": 1000, "unit": "t"}},
      {"id": "urea-out", "source": "carbon_output", "material": "urea",
       "quantity": {"value": 800, "unit": "t"}},
      {"id": "soda", "source": "carbonate_use", "material": "Na2CO3",
       "quantity": {"value": "300", "unit": "t"},
       "parameters": {"purity": {"value": "98.5", "unit": "%"}}},
      {"id": "nitric", "source": "nitric_acid_n2o", "technology": "medium_pressure",
       "quantity": {"value": 20000, "unit": "t"},
       "parameters": {"removal_rate": {"value": "0.8", "unit": "fraction"}}},
      {"id": "recovered", "source": "co2_recovered",
       "quantity": {"value": "50", "unit": "10^4Nm3"},
       "parameters": {"purity": {"value": "0.995", "unit": "fraction"}}},
      {"id": "grid", "source": "purchased_electricity",
       "quantity": {"value": "45000.75", "unit": "MWh"}},
      {"id": "steam-out", "source": "exported_heat", "quantity": {"value": 12000, "unit": "GJ"}}
    ]}
  ]
}"""
)

#: Measured coal analysis (air-dried basis converted to as received), production data.
MEE_POWER = parse_json_text(
    """{
  "enterprise": {"name": "东方发电有限公司", "province": "山东"},
  "period": {"year": 2023},
  "methodology": "cn-mee-power@1",
  "facilities": [
    {"id": "unit-1", "name": "1号机组", "lines": [
      {"id": "coal", "source": "fuel_combustion", "fuel": "bituminous_coal",
       "quantity": {"value": 1200000, "unit": "t"},
       "parameters": {"carbon_content_ad": {"value": "58.37", "unit": "%"},
                      "moisture_ar": {"value": "12.3", "unit": "%"},
                      "moisture_ad": {"value": "3.1", "unit": "%"}}},
      {"id": "oil", "source": "fuel_combustion", "fuel": "diesel",
       "quantity": {"value": "85.2", "unit": "t"}},
      {"id": "grid", "source": "purchased_electricity",
       "quantity": {"value": 3100, "unit": "MWh"}},
      {"id": "generated", "source": "production", "product": "power_generated",
       "quantity": {"value": 2400000, "unit": "MWh"}},
      {"id": "supplied", "source": "production", "product": "power_supplied",
       "quantity": {"value": "2256000.5", "unit": "MWh"}}
    ]}
  ]
}"""
)

#: Lines without a material and a source without a quantity (transmission loss).
GRID = parse_json_text(
    """{
  "enterprise": {"name": "华东电网公司"},
  "period": {"year": 2024},
  "methodology": "cn-2013-grid@1",
  "options": {"grid_region": "华东"},
  "facilities": [
    {"id": "substation-7", "lines": [
      {"id": "breaker-retired", "source": "sf6_equipment",
       "quantity": {"value": "350.5", "unit": "kgSF6"},
       "parameters": {"recovered": {"value": 300, "unit": "kgSF6"}}}
    ]},
    {"id": "network", "name": "输配电网", "lines": [
      {"id": "losses", "source": "transmission_loss",
       "parameters": {"supplied": {"value": 5000000, "unit": "MWh"},
                      "imported": {"value": 800000, "unit": "MWh"},
                      "exported": {"value": 300000, "unit": "MWh"},
                      "sold": {"value": "5150000.25", "unit": "MWh"}}}
    ]}
  ]
}"""
)

EXAMPLES = {
    "cement": CEMENT,
    "ghg-protocol": GHG,
    "chemicals": CHEMICALS,
    "mee-power": MEE_POWER,
    "grid": GRID,
}


# -- the "user" filling a template ------------------------------------------------------------
def _typed(value: Any) -> Any:
    """How a user types a JSON number into a cell: as a number (Excel stores a float)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _number(value: Any, *, text_numbers: bool) -> Any:
    """A quantity's value, which JSON may give as a number or a string."""
    return str(value) if text_numbers else _typed(Decimal(value))


def fill(
    template: Path,
    doc: dict[str, Any],
    out: Path,
    *,
    seq: bool = False,
    text_numbers: bool = False,
) -> None:
    wb = load_workbook(template)
    head = wb["Submission"]
    rows = {head.cell(r, 1).value: r for r in range(3, head.max_row + 1)}

    def put(key: str, value: Any) -> None:
        head.cell(rows[key], 3, value)

    for key, value in doc["enterprise"].items():
        put(f"enterprise.{key}", value)
    period = doc["period"]
    if "year" in period:
        put("period.year", int(period["year"]))
    else:
        put("period.start", date.fromisoformat(period["start"]))
        put("period.end", date.fromisoformat(period["end"]))
    for key, value in doc.get("options", {}).items():
        put(f"options.{key}", _typed(value))
    next_row: dict[str, int] = {}
    number = 0
    for facility in doc["facilities"]:
        for line in facility["lines"]:
            number += 1
            ws = wb[line["source"]]
            header = {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
            row = next_row.get(ws.title, 5)
            next_row[ws.title] = row + 1

            def cell(key: str, value: Any, ws: Any = ws, header: Any = header, row: int = row):
                ws.cell(row, header[key], value)

            if seq:
                cell("seq", number)
            cell("facility_id", facility["id"])
            if "name" in facility:
                cell("facility_name", facility["name"])
            cell("line_id", line["id"])
            for key in ("fuel", "material", "technology", "gas", "product"):
                if key in line:
                    cell(key, line[key])
            if "quantity" in line:
                cell("quantity", _number(line["quantity"]["value"], text_numbers=text_numbers))
                cell("quantity_unit", line["quantity"]["unit"])
            for name, q in line.get("parameters", {}).items():
                cell(name, _number(q["value"], text_numbers=text_numbers))
                cell(f"{name}_unit", q["unit"])
            if "note" in line:
                cell("note", line["note"])
    wb.save(out)


def template(tmp_path: Path, ref: str, lang: str = "zh") -> Path:
    path = tmp_path / f"template-{lang}.xlsx"
    excel.write_template(ref, path, lang=lang)
    return path


@functools.cache
def _filled_bytes(name: str, seq: bool, text_numbers: bool) -> bytes:
    # Filling takes a few tenths of a second; the error tests each start from a copy.
    doc = EXAMPLES[name]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "filled.xlsx"
        fill(template(Path(tmp), doc["methodology"]), doc, out, seq=seq, text_numbers=text_numbers)
        return out.read_bytes()


def filled(tmp_path: Path, name: str, *, seq: bool = False, text_numbers: bool = False) -> Path:
    out = tmp_path / "filled.xlsx"
    out.write_bytes(_filled_bytes(name, seq, text_numbers))
    return out


def problems(err: pytest.ExceptionInfo[InputError]) -> list[tuple[Location, str]]:
    return [(p.location, p.message) for p in err.value.problems]


def at(err: pytest.ExceptionInfo[InputError], sheet: str, row: int, column: str) -> str:
    """The message of the one problem at the given cell."""
    found = [
        p.message
        for p in err.value.problems
        if (p.location.sheet, p.location.row, p.location.column) == (sheet, row, column)
    ]
    assert found, f"no problem at {sheet}!{column}{row}; got {problems(err)}"
    return found[0]


# -- templates ----------------------------------------------------------------------------------
@pytest.mark.parametrize("ref", [m.ref for m in all_methodologies()])
def test_every_methodology_has_a_template_that_reopens(tmp_path: Path, ref: str) -> None:
    methodology = get_methodology(ref)
    path = template(tmp_path, ref, lang="en")
    wb = load_workbook(path)
    sources = [s["source"] for s in methodology.describe()["sources"]]  # type: ignore[attr-defined]
    assert wb.sheetnames == ["Submission", *sources, "Guide", "Lists"]
    assert wb["Lists"].sheet_state == "hidden"
    head = wb["Submission"]
    keys = {head.cell(r, 1).value: head.cell(r, 3).value for r in range(3, head.max_row + 1)}
    assert keys["methodology"] == ref
    assert "enterprise.name" in keys
    for option in methodology.options_doc:
        assert f"options.{option}" in keys
    for source in methodology.describe()["sources"]:  # type: ignore[attr-defined]
        ws = wb[source["source"]]
        header = [ws.cell(2, c).value for c in range(1, ws.max_column + 1)]
        for p in source["parameters"]:
            assert p["name"] in header and f"{p['name']}_unit" in header
            unit_col = header.index(f"{p['name']}_unit") + 1
            assert ws.cell(5, unit_col).value == p["unit"]
        assert ws.freeze_panes == "E5"
    # An empty template is read as an incomplete submission, not as a crash.
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert sorted(problems(err), key=str) == sorted(
        [
            (Location(sheet="Submission", row=4, column="C"), "name is required"),
            (
                Location(sheet="Submission", row=8, column="C"),
                "reporting period is required",
            ),
            (
                Location(sheet=sources[0], row=5),
                "no activity lines: fill at least one row on a source sheet",
            ),
        ],
        key=str,
    )


def test_template_content(tmp_path: Path) -> None:
    path = template(tmp_path, "cn-2013-cement@1", lang="zh")
    wb = load_workbook(path)
    ws = wb["fuel_combustion"]
    header = [ws.cell(2, c).value for c in range(1, ws.max_column + 1)]
    assert header[:7] == [
        "seq",
        "facility_id",
        "facility_name",
        "line_id",
        "fuel",
        "quantity",
        "quantity_unit",
    ]
    ncv = header.index("ncv") + 1
    assert ws.cell(3, ncv).value == "低位发热量 NCV"
    assert "net calorific value" in ws.cell(3, ncv).comment.text
    assert "fuel.{material}.ncv" in ws.cell(4, ncv).value
    # the fuel drop-down lists the factor table's fuels
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    fuel_list = validations["E5:E1004"].formula1
    lists = wb["Lists"]
    column = fuel_list.split("!")[1].split(":")[0].replace("$", "")[0]
    fuels = [lists[f"{column}{r}"].value for r in range(2, lists.max_row + 1)]
    assert "bituminous_coal" in fuels and "diesel" in fuels
    # a required parameter is marked as such
    clinker = wb["clinker"]
    cheader = [clinker.cell(2, c).value for c in range(1, clinker.max_column + 1)]
    assert clinker.cell(4, cheader.index("cao") + 1).value.startswith("必填")
    assert clinker.cell(4, cheader.index("kiln_dust") + 1).value.startswith("选填")
    guide = wb["Guide"]
    text = "\n".join(
        str(guide.cell(r, c).value) for r in range(1, guide.max_row + 1) for c in range(1, 5)
    )
    assert "低位发热量" in text and "net calorific value" in text
    assert "烟煤 低位发热量" in text


def _dump(path: Path) -> list[object]:
    wb = load_workbook(path)
    out: list[object] = [wb.sheetnames]
    for ws in wb.worksheets:
        out.append(ws.freeze_panes)
        out.append(sorted((k, v.width) for k, v in ws.column_dimensions.items()))
        out.append(sorted((str(d.sqref), d.formula1) for d in ws.data_validations.dataValidation))
        for row in ws.iter_rows():
            for c in row:
                out.append((c.coordinate, c.value, c.comment.text if c.comment else None))
    return out


def test_template_is_regenerated_identically(tmp_path: Path) -> None:
    first = tmp_path / "a.xlsx"
    second = tmp_path / "b.xlsx"
    excel.write_template("ghg-protocol-corporate@1", first, lang="en")
    excel.write_template("ghg-protocol-corporate@1", second, lang="en")
    assert _dump(first) == _dump(second)
    other = tmp_path / "c.xlsx"
    excel.write_template("ghg-protocol-corporate@1", other, lang="zh")
    assert _dump(first) != _dump(other)


def test_template_refuses_an_unknown_language(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="lang"):
        excel.write_template("cn-2013-cement@1", tmp_path / "t.xlsx", lang="fr")


# -- round trip ---------------------------------------------------------------------------------
def _json_report(doc: dict[str, Any]) -> Report:
    return calculate(parse_submission_dict(copy.deepcopy(doc)))


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_round_trip_gives_the_json_digests(tmp_path: Path, name: str) -> None:
    doc = EXAMPLES[name]
    expected = _json_report(doc)
    path = filled(tmp_path, name, seq=True)
    report = calculate(excel.read_workbook(path))
    assert report.input_digest == expected.input_digest
    assert report.result_digest == expected.result_digest
    assert report.to_json() == expected.to_json()


def test_round_trip_without_seq_keeps_sheet_order(tmp_path: Path) -> None:
    # cement.json lists its lines in the template's sheet order, so no seq is needed.
    expected = _json_report(CEMENT)
    report = calculate(read_submission(filled(tmp_path, "cement")))
    assert report.result_digest == expected.result_digest
    # 150000 t bituminous coal × 21.5 GJ/t × 26.18 tC/TJ × 0.93 × 44/12, checked in the
    # engine's own tests; here only that the workbook carried 21.5 exactly.
    coal = next(ln for ln in report.lines if ln.line == "coal")
    assert [t.value for t in coal.terms if t.symbol == "NCV"] == [Decimal("21.5")]


def test_grid_workbook_computed_by_hand(tmp_path: Path) -> None:
    """The workbook's numbers reach the formulas of the 电网 2013 guideline unchanged.

    SF6: (REC_cap − REC_rec) × 10^-3 × GWP_SAR = (350.5 − 300) kg × 10^-3 × 23900
         = 0.0505 t × 23900 = 1206.95 tCO2e.
    Losses: (5,000,000 + 800,000 − 300,000 − 5,150,000.25) MWh × 0.7035 tCO2/MWh (华东 2012)
         = 349,999.75 × 0.7035 = 246,224.824125 tCO2.
    """
    report = calculate(excel.read_workbook(filled(tmp_path, "grid")))
    by_line = {ln.line: ln.co2e for ln in report.lines}
    tolerance = Decimal("1e-9")
    assert abs(by_line["breaker-retired"] - Decimal("1206.95")) < tolerance
    assert abs(by_line["losses"] - Decimal("246224.824125")) < tolerance
    assert abs(report.total - Decimal("247431.774125")) < tolerance


def test_round_trip_with_numbers_typed_as_text(tmp_path: Path) -> None:
    expected = _json_report(CHEMICALS)
    path = filled(tmp_path, "chemicals", text_numbers=True)
    assert calculate(excel.read_workbook(path)).result_digest == expected.result_digest


def test_without_seq_lines_follow_sheet_order(tmp_path: Path) -> None:
    # The GHG example interleaves facilities across sheets: without seq the workbook's
    # order (sheet, then row; facilities by first appearance) is used.
    submission = excel.read_workbook(filled(tmp_path, "ghg-protocol"))
    assert [f.id for f in submission.facilities] == ["plant-b", "plant-a"]
    assert [ln.id for ln in submission.facilities[1].lines] == [
        "diesel",
        "process-co2",
        "grid",
        "steam",
    ]


def test_float_cells_are_read_through_their_shortest_repr(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    wb = load_workbook(path)
    ws = wb["clinker"]
    header = {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(5, header["cao"], 0.655)  # a binary float: Decimal(0.655) is 0.65500000000000002665
    ws.cell(5, header["cao_unit"], "fraction")
    ws.cell(5, header["mgo"], 0.021)
    ws.cell(5, header["mgo"]).number_format = "0.0%"  # shown as 2.1 %
    ws.cell(5, header["mgo_unit"], "%")
    wb.save(path)
    line = excel.read_workbook(path).facilities[0].lines[2]
    assert line.parameters["cao"].value == Decimal("0.655")
    # 0.021 formatted as a percentage with unit % means 2.1 %
    assert line.parameters["mgo"].value == Decimal("2.1")
    assert line.parameters["mgo"].unit == "%"


def test_formula_with_cached_value_is_read(tmp_path: Path) -> None:
    # openpyxl cannot calculate, so write the cached value into the sheet XML by hand the
    # way Excel saves it: <f>...</f><v>...</v>.
    path = filled(tmp_path, "cement", seq=True)
    data = _with_formula(
        path.read_bytes(), "xl/worksheets/sheet3.xml", "E5", "1000001", "1000000+1"
    )
    clinker = excel.parse_workbook(data).facilities[0].lines[2]
    assert clinker.quantity is not None
    assert clinker.quantity.value == 1000001


def _with_formula(data: bytes, member: str, cell: str, cached: str | None, formula: str) -> bytes:
    value = f"<v>{cached}</v>" if cached is not None else ""
    return _replace_cell(data, member, cell, f"<f>{formula}</f>{value}")


def _replace_cell(data: bytes, member: str, cell: str, inner: str, kind: str = "") -> bytes:
    """Rewrite one cell's XML, as Excel would save a formula or an error value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                text = content.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start) + len("</c>")
                kind_attr = f' t="{kind}"' if kind else ""
                text = text[:start] + f'<c r="{cell}"{kind_attr}>{inner}</c>' + text[end:]
                content = text.encode()
            target.writestr(info, content)
    return out.getvalue()


# -- errors -------------------------------------------------------------------------------------
def _edit(path: Path, *edits: tuple[str, int, str, Any]) -> None:
    """Set cells by (sheet, row, column key, value); row is ignored on the Submission sheet."""
    wb = load_workbook(path)
    for sheet, row, key, value in edits:
        ws = wb[sheet]
        if sheet == "Submission":
            rows = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1)}
            ws.cell(rows[key], 3).value = value
        else:
            header = {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
            ws.cell(row, header[key]).value = value
    wb.save(path)


def test_unknown_fuel_points_at_its_cell(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    _edit(path, ("fuel_combustion", 6, "fuel", "unobtainium"))
    submission = excel.read_workbook(path)
    with pytest.raises(InputError) as err:
        calculate(submission)
    message = at(err, "fuel_combustion", 6, "E")
    assert "unknown fuel 'unobtainium'" in message
    assert "sheet 'fuel_combustion', row 6, column 'E'" in str(err.value)


def test_wrong_unit_points_at_the_unit_cell(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    _edit(path, ("purchased_electricity", 5, "quantity_unit", "t"))
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert "unit 't' cannot measure this quantity, which is in MWh" in at(
        err, "purchased_electricity", 5, "F"
    )


def test_unknown_unit_points_at_the_unit_cell(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    _edit(path, ("fuel_combustion", 5, "ncv_unit", "GJ per tonne"))
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert "unknown unit 'GJ per tonne'" in at(err, "fuel_combustion", 5, "I")


def test_incompatible_parameter_unit_points_at_the_parameter(tmp_path: Path) -> None:
    # kg is a valid unit but not a heat value: the source type finds that when calculating.
    path = filled(tmp_path, "cement")
    _edit(path, ("fuel_combustion", 5, "ncv_unit", "kg"))
    with pytest.raises(InputError) as err:
        calculate(excel.read_workbook(path))
    assert "cannot convert 'kg'" in at(err, "fuel_combustion", 5, "H")


def test_negative_quantity_points_at_its_cell(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    _edit(path, ("clinker", 5, "quantity", -5))
    with pytest.raises(InputError) as err:
        calculate(excel.read_workbook(path))
    assert "quantity must not be negative, got -5" in at(err, "clinker", 5, "E")


def test_missing_required_parameter_points_at_its_cell(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    _edit(path, ("clinker", 5, "cao", None))
    with pytest.raises(InputError) as err:
        calculate(excel.read_workbook(path))
    # clinker columns: seq A, facility B, name C, line D, quantity E, unit F, kiln_dust G/H,
    # bypass_dust I/J, cao K
    assert "CaO content of clinker" in at(err, "clinker", 5, "K")
    assert "required" in at(err, "clinker", 5, "K")


def test_missing_enterprise_name(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    _edit(path, ("Submission", 0, "enterprise.name", None))
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert at(err, "Submission", 4, "C") == "name is required"


def test_text_in_a_numeric_cell(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    _edit(
        path,
        ("fuel_combustion", 5, "quantity", "about 150 kt"),
        ("fuel_combustion", 6, "quantity", date(2024, 3, 1)),
        ("Submission", 0, "period.year", "twenty"),
    )
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert at(err, "fuel_combustion", 5, "F") == "expected a number, got 'about 150 kt'"
    assert at(err, "fuel_combustion", 6, "F") == "expected a number, got a date or time"
    assert "expected a number" in at(err, "Submission", 8, "C")


def test_missing_line_id_and_duplicate_line_id(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    _edit(path, ("fuel_combustion", 5, "line_id", None), ("clinker", 5, "line_id", "diesel"))
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert at(err, "fuel_combustion", 5, "D") == "line id is required"
    assert at(err, "clinker", 5, "D") == "duplicate line id 'diesel'"


def test_blank_rows_in_the_middle_are_skipped(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    wb = load_workbook(path)
    ws = wb["fuel_combustion"]
    ws.move_range("A6:P6", rows=3)  # diesel now in row 9, rows 6-8 blank but for units
    wb.save(path)
    submission = excel.read_workbook(path)
    assert [ln.id for ln in submission.facilities[0].lines][:2] == ["coal", "diesel"]
    assert calculate(submission).result_digest == _json_report(CEMENT).result_digest


def test_a_formula_without_a_saved_result(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    data = _with_formula(path.read_bytes(), "xl/worksheets/sheet3.xml", "E5", None, "2*500000")
    with pytest.raises(InputError) as err:
        excel.parse_workbook(data)
    assert "formula without a saved result" in at(err, "clinker", 5, "E")


def test_a_cell_showing_an_excel_error(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    data = _replace_cell(path.read_bytes(), "xl/worksheets/sheet3.xml", "E5", "<v>#DIV/0!</v>", "e")
    with pytest.raises(InputError) as err:
        excel.parse_workbook(data)
    assert at(err, "clinker", 5, "E") == "the cell shows the Excel error #DIV/0!"


def test_period_given_twice_and_bad_dates(tmp_path: Path) -> None:
    path = filled(tmp_path, "chemicals")
    _edit(path, ("Submission", 0, "period.year", 2024))
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert "not both" in at(err, "Submission", 8, "C")
    _edit(
        path, ("Submission", 0, "period.year", None), ("Submission", 0, "period.end", "30.06.2024")
    )
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert "expected a date YYYY-MM-DD, got '30.06.2024'" in at(err, "Submission", 10, "C")


def test_corrupt_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not an \.xlsx workbook"):
        excel.parse_workbook(b"name,quantity\ncoal,12\n")
    good = filled(tmp_path, "cement").read_bytes()
    with pytest.raises(InputError, match=r"not an \.xlsx workbook"):
        excel.parse_workbook(good[: len(good) // 2])
    # a zip that is not a workbook
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="cannot be read"):
        excel.parse_workbook(out.getvalue())


def test_missing_sheet(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    wb = load_workbook(path)
    del wb["clinker"]
    wb.save(path)
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    [(location, message)] = problems(err)
    assert location == Location(sheet="clinker")
    assert "the workbook has no sheet 'clinker'" in message
    wb = load_workbook(path)
    del wb["Submission"]
    wb.save(path)
    with pytest.raises(InputError, match="no sheet 'Submission'"):
        excel.read_workbook(path)


def test_renamed_and_missing_header_columns(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    wb = load_workbook(path)
    ws = wb["fuel_combustion"]
    ws["H2"] = "NCV"
    wb.save(path)
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert "unknown column key 'NCV'" in at(err, "fuel_combustion", 2, "H")
    missing = [m for loc, m in problems(err) if loc == Location(sheet="fuel_combustion", row=2)]
    assert missing == ["column 'ncv' (net calorific value NCV) is missing"]


def test_unexpected_sheet_and_stray_values(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    wb = load_workbook(path)
    wb.create_sheet("fuel_combustion (2)")
    wb["clinker"]["Z5"] = 42
    wb.save(path)
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert "unexpected sheet" in dict(problems(err))[Location(sheet="fuel_combustion (2)")]
    assert "without a key" in at(err, "clinker", 5, "Z")


def test_unknown_option_and_methodology(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    _edit(path, ("Submission", 0, "options.grid_region", "火星"))
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    # Submission rows: methodology 3, enterprise 4-7, period 8-10, options.factor_set 11,
    # options.grid_region 12
    assert at(err, "Submission", 12, "C") == "unknown grid region '火星'"
    _edit(
        path,
        ("Submission", 0, "options.grid_region", None),
        ("Submission", 0, "options.factor_set", "cn-ndrc-1999@1"),
    )
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert "factor set 'cn-ndrc-1999@1' cannot be used" in at(err, "Submission", 11, "C")
    _edit(path, ("Submission", 0, "methodology", "cn-2013-cheese@1"))
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert "unknown methodology 'cn-2013-cheese@1'" in at(err, "Submission", 3, "C")


def test_facility_named_differently_in_two_rows(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    _edit(path, ("clinker", 5, "facility_name", "2号线"))
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert "facility 'kiln-1' is named '1号熟料生产线'" in at(err, "clinker", 5, "C")


def test_seq_in_some_rows_only(tmp_path: Path) -> None:
    path = filled(tmp_path, "cement")
    _edit(path, ("clinker", 5, "seq", 1))
    with pytest.raises(InputError) as err:
        excel.read_workbook(path)
    assert "fill it in every row or in none" in at(err, "fuel_combustion", 5, "A")
