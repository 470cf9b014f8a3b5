from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonledger.cli import app

runner = CliRunner()
EXAMPLES = resources.files("carbonledger.accounting") / "data" / "examples"


def commands(group: object = app, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of the CLI, e.g. ('calc',), ('bench', 'accounting')."""
    import typer.main

    click_group = typer.main.get_command(app)
    out: list[tuple[str, ...]] = []

    def walk(cmd: object, path: tuple[str, ...]) -> None:
        sub = getattr(cmd, "commands", None)
        out.append(path)
        if sub:
            for name, child in sub.items():
                walk(child, (*path, name))

    walk(click_group, ())
    return out


@pytest.mark.parametrize("path", commands(), ids=lambda p: " ".join(p) or "carbonledger")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_calc_prints_a_report() -> None:
    path = Path(str(EXAMPLES / "cement.json"))
    result = runner.invoke(app, ["calc", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Total: 885178.20 tCO2e" in result.output
    assert "input  sha256:" in result.output


def test_calc_json_is_canonical() -> None:
    path = Path(str(EXAMPLES / "cement.json"))
    result = runner.invoke(app, ["calc", str(path), "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    # full precision in the canonical form; only the text report rounds
    assert doc["totals"]["co2e"] == "885178.2046326704761904761904761905"
    assert doc["digests"]["result"].startswith("sha256:")


def test_calc_invalid_input_exits_2_with_locations(tmp_path: Path) -> None:
    bad = json.loads((EXAMPLES / "cement.json").read_text(encoding="utf-8"))
    bad["facilities"][0]["lines"][0]["fuel"] = "unobtainium"
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(bad), encoding="utf-8")
    result = runner.invoke(app, ["calc", str(file)])
    assert result.exit_code == 2
    assert "$.facilities[0].lines[0].fuel: unknown fuel 'unobtainium'" in result.stderr


def test_calc_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["calc", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_json_template_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    result = runner.invoke(app, ["calc", "--template", "cn-2013-cement", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["methodology"] == "cn-2013-cement@1"
    assert "clinker" in doc["guide"]["sources"]
    # an unfilled template names every field still to fill
    unfilled = runner.invoke(app, ["calc", str(out)])
    assert unfilled.exit_code == 2
    assert "$.enterprise.name: name is required" in unfilled.stderr
    doc["enterprise"] = {"name": "测试水泥", "region": "华北"}
    doc["period"] = {"year": 2024}
    doc["facilities"][0]["lines"] = [
        line for line in doc["facilities"][0]["lines"] if line["source"] == "clinker"
    ]
    clinker = doc["facilities"][0]["lines"][0]
    clinker["quantity"]["value"] = 1000
    for name, value in {
        "cao": 0.65,
        "cao_noncarbonate": 0,
        "mgo": 0.02,
        "mgo_noncarbonate": 0,
    }.items():
        clinker["parameters"][name]["value"] = str(value)
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    filled = runner.invoke(app, ["calc", str(out), "--lang", "en"])
    assert filled.exit_code == 0, filled.output
    # 1000 t × (0.65 × 44/56 + 0.02 × 44/40) = 1000 × (0.510714... + 0.022) = 532.71 t
    assert "Total: 532.71 tCO2e" in filled.output


def test_unknown_template_methodology() -> None:
    result = runner.invoke(app, ["calc", "--template", "cn-1999-nothing"])
    assert result.exit_code == 2
    assert "unknown methodology" in result.stderr


def test_methods_lists_all_methodologies_and_sets() -> None:
    result = runner.invoke(app, ["methods", "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    refs = {m["id"] for m in doc["methodologies"]}
    assert {"cn-2013-power@1", "cn-mee-power@1", "ghg-protocol-corporate@1"} <= refs
    assert len(refs) == 12
    assert any(fs["ref"] == "cn-ndrc-2013@1" for fs in doc["factor_sets"])


def test_demo_computes_every_example() -> None:
    result = runner.invoke(app, ["demo", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "example submissions computed" in result.output
    assert "排放总量" in result.output


def test_allocate_prints_units_and_totals() -> None:
    path = Path(str(EXAMPLES / "allocation-coal-two-units.json"))
    result = runner.invoke(app, ["allocate", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    # unit-1: 0.877 × 3,000,000 MWh × 0.99 + 0.126 × 500,000 GJ = 2,667,690 t
    assert "2,667,690" in result.output
    as_json = runner.invoke(app, ["allocate", str(path), "--json"])
    doc = json.loads(as_json.stdout)
    assert doc["digests"]["result"].startswith("sha256:")


def test_allocate_invalid_request_exits_2(tmp_path: Path) -> None:
    file = tmp_path / "bad.json"
    file.write_text('{"method": "benchmark"}', encoding="utf-8")
    result = runner.invoke(app, ["allocate", str(file)])
    assert result.exit_code == 2
    assert "$." in result.stderr


def test_xlsx_template_filled_and_computed(tmp_path: Path) -> None:
    """Template → filled → calc: the workbook gives the JSON's result."""
    import openpyxl

    out = tmp_path / "cement.xlsx"
    result = runner.invoke(app, ["calc", "--template", "cn-2013-cement", "--xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert {"Submission", "clinker", "Guide"} <= set(wb.sheetnames)
    empty = runner.invoke(app, ["calc", str(out)])
    assert empty.exit_code == 2
    assert "sheet 'Submission'" in empty.stderr
