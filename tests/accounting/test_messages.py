"""Every problem the engine reports names a registered code, and reads well in Chinese.

The engine's source is read with ``ast`` (as tests/platform/test_problem_codes.py does for
the platform's codes): each call that makes a problem must name its code (and its hint) as
a string literal registered in :mod:`carbonledger.accounting.messages`, with exactly the
params the code's and the hint's templates declare. Then a batch of bad documents and
workbooks checks the texts that come out.
"""

from __future__ import annotations

import ast
import copy
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

import carbonledger.accounting
from carbonledger.accounting import excel
from carbonledger.accounting.allocation import allocate, parse_allocation_request
from carbonledger.accounting.engine import calculate, calculate_dict
from carbonledger.accounting.errors import InputError, Problem
from carbonledger.accounting.messages import HINTS, MESSAGES, NAMED, NAMES, placeholders
from carbonledger.accounting.submission import parse_json_text

SRC = Path(carbonledger.accounting.__file__).parent
EXAMPLES = resources.files("carbonledger.accounting") / "data" / "examples"

#: the errors that carry a code until a caller knows where they happened
CODED_ERRORS = {"CodedError", "NotADecimalError", "UnitError", "UnknownMethodologyError"}
#: where a Problem is built from a code given to it (the makers themselves)
MAKERS_MODULE = "errors.py"


@dataclass(frozen=True)
class Site:
    where: str
    kind: str  # add, at, error (a coded error), add_error (passes one on)
    code: str | None  # None: not a literal
    hint: str | None  # "" for none, None: not a literal
    params: frozenset[str]
    spread: bool  # passes **params
    named: tuple[tuple[str, str | None], ...]  # (param, literal value) of NAMED params


def _literal(node: ast.expr | None) -> str | None:
    if node is None:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _site(rel: str, call: ast.Call) -> Site | None:
    f = call.func
    if isinstance(f, ast.Attribute) and f.attr in ("add", "add_error"):
        if not ast.unparse(f.value).endswith("errors"):  # a Collector is always `errors`
            return None
        kind, code_arg = f.attr, call.args[1] if len(call.args) > 1 else None
    elif isinstance(f, ast.Attribute) and f.attr == "at" and ast.unparse(f.value) == "InputError":
        kind, code_arg = "at", call.args[1] if len(call.args) > 1 else None
    elif isinstance(f, ast.Name) and f.id in CODED_ERRORS:
        kind, code_arg = "error", call.args[0] if call.args else None
    elif isinstance(f, ast.Name) and f.id == "Problem":
        kind, code_arg = "Problem", call.args[1] if len(call.args) > 1 else None
    else:
        return None
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    hint = _literal(keywords.pop("hint", None))
    named = tuple((name, _literal(value)) for name, value in keywords.items() if name in NAMED)
    return Site(
        f"{rel}:{call.lineno}",
        kind,
        None if kind == "add_error" else _literal(code_arg),
        hint,
        frozenset(keywords),
        any(k.arg is None for k in call.keywords),
        named,
    )


def scan() -> list[Site]:
    sites = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                site = _site(rel, node)
                if site is not None and not (rel == MAKERS_MODULE and site.kind == "Problem"):
                    sites.append(site)
    return sites


SITES = scan()


def _declared(code: str | None, hint: str | None) -> set[str]:
    out = set(MESSAGES[code].params) if code in MESSAGES else set()
    if hint and hint in HINTS:
        out |= set(HINTS[hint].params)
    return out


def test_the_scan_finds_the_problems() -> None:
    assert len(SITES) > 150
    assert {s.where.split(":")[0] for s in SITES} >= {
        "submission.py",
        "excel.py",
        "engine.py",
        "sources.py",
        "methodology.py",
        "allocation.py",
        "units.py",
        "numbers.py",
        "methodologies/ghg_protocol.py",
        "methodologies/mee_power.py",
    }


def test_every_problem_names_a_registered_code() -> None:
    assert [s.where for s in SITES if s.kind == "Problem"] == [], "use Collector.add"
    wrong = {s.where: s.code for s in SITES if s.kind != "add_error" and s.code not in MESSAGES}
    assert wrong == {}


def test_every_hint_is_registered() -> None:
    wrong = {s.where: s.hint for s in SITES if s.hint != "" and s.hint not in HINTS}
    assert wrong == {}


def test_each_site_passes_the_params_its_texts_declare() -> None:
    wrong = {}
    for s in SITES:
        if s.spread:
            wrong[s.where] = "passes **params"
        elif s.kind == "add_error":
            # the coded error brings its own params; the call adds its hint's
            if not s.params <= _declared(None, s.hint):
                wrong[s.where] = sorted(s.params - _declared(None, s.hint))
        elif s.params != _declared(s.code, s.hint):
            wrong[s.where] = sorted(s.params ^ _declared(s.code, s.hint))
    assert wrong == {}


def test_every_registered_code_and_hint_is_used() -> None:
    assert set(MESSAGES) - {s.code for s in SITES} == set()
    assert set(HINTS) - {s.hint for s in SITES} == set()


def test_a_few_dozen_codes() -> None:
    # similar sentences share a code; a new one needs a sentence the others cannot say
    assert 40 <= len(MESSAGES) <= 80


def _zh_of(param: str, declared: tuple[str, ...]) -> str:
    return f"{param}_zh" if f"{param}_zh" in declared else param


@pytest.mark.parametrize(
    ("kind", "code", "text"),
    [("message", c, t) for c, t in MESSAGES.items()] + [("hint", c, t) for c, t in HINTS.items()],
)
def test_both_templates_state_the_declared_params(kind: str, code: str, text: Any) -> None:
    assert text.en.strip() and text.zh.strip(), code
    assert len(set(text.params)) == len(text.params)
    english = {p for p in text.params if not p.endswith("_zh")}
    # a {x_zh} param is the Chinese of {x}: English states x, Chinese states x_zh
    assert all(p.removesuffix("_zh") in english for p in text.params)
    assert placeholders(text.en) == english
    assert placeholders(text.zh) == {_zh_of(p, text.params) for p in english}
    assert re.search(r"[\u4e00-\u9fff]", text.zh), f"{kind} {code}: no Chinese"
    assert not re.search(
        r"[\u4e00-\u9fff]",
        text.en.replace("华北, 东北, 华东, 华中, 西北, 南方, 西南", "").replace("全国", ""),
    )
    text.en.format_map({p: "x" for p in text.params})
    text.zh.format_map({p: "x" for p in text.params})


def test_the_field_names_problems_state_have_chinese() -> None:
    literal = {value for s in SITES for _, value in s.named if value}
    assert literal - set(NAMES) == set()


# -- what comes out ----------------------------------------------------------------------


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


def _problems(fn: Any, *args: Any) -> list[Problem]:
    with pytest.raises(InputError) as info:
        fn(*args)
    return info.value.problems


def bad_documents() -> Iterator[tuple[str, list[Problem]]]:
    cement = example("cement.json")
    doc = copy.deepcopy(cement)
    doc["period"] = {"year": 2300}
    doc["enterprise"] = {"credit_code": True}
    doc["extra"] = 1
    lines = doc["facilities"][0]["lines"]
    lines[0]["quantity"] = {"value": "abc", "unit": "t"}
    lines[1]["quantity"]["unit"] = "barrels"
    lines[2]["parameters"]["cao"] = {"value": "0.6", "unit": "MWh"}
    lines[3]["id"] = "bad id!"
    lines[4]["fuel"] = "unobtainium"
    yield "structure", _problems(calculate_dict, doc)

    doc = copy.deepcopy(cement)
    lines = doc["facilities"][0]["lines"]
    lines[0]["fuel"] = "unobtainium"
    lines[1]["quantity"]["value"] = -5
    lines[4]["quantity"]["unit"] = "t"
    del lines[2]["parameters"]["cao"]
    lines.append(dict(lines[3]))
    doc["options"] = {"colour": "blue", "gwp": "AR9"}
    yield "lines", _problems(calculate_dict, doc)

    doc = copy.deepcopy(cement)
    doc["period"] = {"start": "2024-06-01", "end": "2024-01-01"}
    doc["methodology"] = "cn-2013-cheese@1"
    yield "period and methodology", _problems(calculate_dict, doc)

    yield "json", _problems(parse_json_text, "{")
    yield "not an object", _problems(calculate_dict, [])
    yield "empty", _problems(calculate_dict, {"enterprise": {}, "period": {"year": "x"}})

    request = example("allocation-coal-two-units.json")
    request["year"] = 1900
    request["units"][0]["correction_factors"] = {"colour": 1}
    request["units"][1]["id"] = "u 1"
    yield "allocation", _problems(lambda r: allocate(parse_allocation_request(r)), request)

    request = example("allocation-coal-two-units.json")
    request["units"][0]["correction_factors"] = {"colour": 1}
    request["units"][1]["id"] = "u 1"
    request["units"][1]["reduction_factor"] = 2
    yield "allocation units", _problems(lambda r: allocate(parse_allocation_request(r)), request)


def _workbook(tmp_path: Path) -> bytes:
    doc = example("cement.json")
    template = tmp_path / "template.xlsx"
    excel.write_template(doc["methodology"], template, lang="zh")
    wb = load_workbook(template)
    head = wb["Submission"]
    rows = {head.cell(r, 1).value: r for r in range(3, head.max_row + 1)}
    head.cell(rows["period.year"], 3, "twenty")
    ws = wb["fuel_combustion"]
    header = {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(5, header["facility_id"], "kiln-1")
    ws.cell(5, header["line_id"], "coal")
    ws.cell(5, header["fuel"], "bituminous_coal")
    ws.cell(5, header["quantity"], "about 150 kt")
    ws.cell(5, header["quantity_unit"], "t")
    ws.cell(6, header["line_id"], "diesel")
    ws.cell(6, header["quantity"], 10)
    ws.cell(6, header["quantity_unit"], "MWh")
    ws = wb["purchased_electricity"]
    header = {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(5, header["facility_id"], "kiln-1")
    ws.cell(5, header["line_id"], "grid")
    ws.cell(5, header["quantity"], 10)
    ws.cell(5, header["quantity_unit"], "t")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


CJK = re.compile(r"[\u4e00-\u9fff]")
UNFILLED = re.compile(r"(?<!\{)\{[a-z_]+\}(?!\})")


def _check(problem: Problem) -> None:
    text = MESSAGES[problem.code]
    missing = {p for p in text.params if p not in problem.params}
    assert missing == set(), (problem.code, missing)
    assert CJK.search(problem.message_zh), problem.message_zh
    for rendered in (problem.message, problem.message_zh, problem.hint, problem.hint_zh):
        assert not UNFILLED.search(rendered), rendered
    if problem.hint_code:
        assert CJK.search(problem.hint_zh), problem.hint_zh
    # a field's name is said in Chinese, not in the English words the English text uses
    for name in NAMED:
        value = problem.params.get(name)
        if isinstance(value, str):
            assert value in NAMES, (problem.code, value)
            assert NAMES[value] in problem.message_zh + problem.hint_zh
    assert str(problem.location) in str(problem)


def test_bad_documents_read_in_chinese() -> None:
    seen: set[str] = set()
    for name, found in bad_documents():
        assert found, name
        for problem in found:
            _check(problem)
            seen.add(problem.code)
    assert len(seen) >= 15, sorted(seen)


def test_a_bad_workbook_reads_in_chinese(tmp_path: Path) -> None:
    found = _problems(excel.parse_workbook, _workbook(tmp_path))
    for problem in found:
        _check(problem)
    by_cell = {(p.location.sheet, p.location.row, p.location.column): p for p in found}
    number = by_cell[("fuel_combustion", 5, "F")]
    assert number.code == "not-a-number"
    assert number.params == {"value": "'about 150 kt'"}
    assert number.message == "expected a number, got 'about 150 kt'"
    assert number.message_zh == "应为数值，实际为 'about 150 kt'"
    assert number.hint_zh == "请填写普通数字，例如 1234.5"
    [unit] = [p for p in found if p.location.sheet == "purchased_electricity"]
    assert unit.code == "unit-wrong-dimension"
    assert unit.message_zh == "单位 't' 不适用于此数据，此数据的单位应为 MWh"
    assert unit.hint_zh == "请使用 MWh 或可换算为它的单位"
    missing = by_cell[("fuel_combustion", 6, "B")]
    assert (missing.code, missing.message_zh) == ("required", "缺少设施编号")


def test_not_a_workbook_reads_in_chinese() -> None:
    [problem] = _problems(excel.parse_workbook, b"not a zip")
    _check(problem)
    assert problem.render("zh").startswith("该文件不是 .xlsx 工作簿")


def test_unit_errors_say_the_dimensions_in_chinese() -> None:
    doc = example("cement.json")
    doc["facilities"][0]["lines"][4]["quantity"]["unit"] = "t"
    [problem] = _problems(calculate_dict, doc)
    assert problem.code == "unit-incompatible"
    assert problem.message == "cannot convert 't' (mass) to 'MWh' (energy)"
    assert problem.message_zh == "单位 't'（质量）无法换算为 'MWh'（能量）"
    assert problem.as_dict()["code"] == "unit-incompatible"


def test_a_year_out_of_range() -> None:
    doc = example("cement.json")
    doc["period"] = {"year": 2300}
    [problem] = _problems(calculate_dict, doc)
    assert (problem.code, dict(problem.params)) == ("year-out-of-range", {"year": 2300})
    assert problem.message == "year 2300 is outside 1990-2100"
    assert problem.message_zh == "年份 2300 不在 1990–2100 之间"


def test_a_submission_read_from_a_workbook_keeps_its_codes(tmp_path: Path) -> None:
    doc = example("cement.json")
    template = tmp_path / "template.xlsx"
    excel.write_template(doc["methodology"], template, lang="zh")
    wb = load_workbook(template)
    head = wb["Submission"]
    rows = {head.cell(r, 1).value: r for r in range(3, head.max_row + 1)}
    head.cell(rows["enterprise.name"], 3, "某水泥公司")
    head.cell(rows["period.year"], 3, 2024)
    ws = wb["fuel_combustion"]
    header = {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
    for key, value in {
        "facility_id": "kiln-1",
        "line_id": "coal",
        "fuel": "unobtainium",
        "quantity": 10,
        "quantity_unit": "t",
    }.items():
        ws.cell(5, header[key], value)
    out = io.BytesIO()
    wb.save(out)
    submission = excel.parse_workbook(out.getvalue())
    found = _problems(calculate, submission)
    for problem in found:
        _check(problem)
    assert any(p.code == "unknown-value" and "燃料" in p.message_zh for p in found)
