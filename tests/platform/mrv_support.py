"""Helpers of the MRV tests: the bundled example documents, a filled Excel template, and
the people of the workflow."""

from __future__ import annotations

import copy
import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from openpyxl import load_workbook
from platform_testing import Actor, Api

BASE = "/api/v1/mrv"


def example(name: str) -> dict[str, Any]:
    text = resources.files("carbonledger.accounting").joinpath(f"data/examples/{name}.json")
    return dict(json.loads(text.read_text(encoding="utf-8")))


def fill_workbook(template: bytes, doc: dict[str, Any]) -> bytes:
    """Type a JSON document into the methodology's Excel template, as a user would."""
    wb = load_workbook(io.BytesIO(template))
    head = wb["Submission"]
    rows = {head.cell(r, 1).value: r for r in range(3, head.max_row + 1)}
    for key, value in doc["enterprise"].items():
        head.cell(rows[f"enterprise.{key}"], 3, value)
    head.cell(rows["period.year"], 3, int(doc["period"]["year"]))
    next_row: dict[str, int] = {}
    number = 0
    for facility in doc["facilities"]:
        for line in facility["lines"]:
            ws = wb[line["source"]]
            header = {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
            row = next_row.get(ws.title, 5)
            next_row[ws.title] = row + 1
            number += 1
            ws.cell(row, header["seq"], number)  # keeps the document's line order
            ws.cell(row, header["facility_id"], facility["id"])
            ws.cell(row, header["line_id"], line["id"])
            if "name" in facility:
                ws.cell(row, header["facility_name"], facility["name"])
            if "note" in line:
                ws.cell(row, header["note"], line["note"])
            for key in ("fuel", "material", "technology", "gas", "product"):
                if key in line:
                    ws.cell(row, header[key], line[key])
            if "quantity" in line:
                ws.cell(row, header["quantity"], str(line["quantity"]["value"]))
                ws.cell(row, header["quantity_unit"], line["quantity"]["unit"])
            for name, q in line.get("parameters", {}).items():
                ws.cell(row, header[name], str(q["value"]))
                ws.cell(row, header[f"{name}_unit"], q["unit"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def edited(doc: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    holder: Any = out
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return out


@dataclass
class People:
    api: Api
    enterprise: Actor
    regulator: Actor
    _verifier: Actor | None = None

    @property
    def verifier(self) -> Actor:
        """Made on first use: each organisation costs a second of sign-ups and chain work."""
        if self._verifier is None:
            self._verifier = self.api.organisation("verifier", "中环认证 CEC Verification")
        return self._verifier

    def create(self, doc: dict[str, Any], who: Actor | None = None) -> dict[str, Any]:
        body: dict[str, Any] = (who or self.enterprise).ok(
            "POST", f"{BASE}/submissions", 201, json={"document": doc}
        )
        return body

    def upload(
        self, sub_id: int, name: str, data: bytes, who: Actor | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = (who or self.enterprise).ok(
            "POST",
            f"{BASE}/submissions/{sub_id}/evidence",
            201,
            files={"file": (name, data, "application/pdf")},
        )
        return body

    def submit(self, sub_id: int, who: Actor | None = None, key: str = "") -> dict[str, Any]:
        headers = {"Idempotency-Key": key} if key else {}
        body: dict[str, Any] = (who or self.enterprise).ok(
            "POST", f"{BASE}/submissions/{sub_id}/submit", headers=headers
        )
        return body

    def assign(self, sub_id: int, verifier: Actor | None = None) -> dict[str, Any]:
        body: dict[str, Any] = self.regulator.ok(
            "POST",
            f"{BASE}/submissions/{sub_id}/assign",
            json={"verifier_id": (verifier or self.verifier).org_id},
        )
        return body

    def download(self, who: Actor, sub_id: int, evidence_id: int) -> bytes:
        r = who.get(f"{BASE}/submissions/{sub_id}/evidence/{evidence_id}/content")
        assert r.status_code == 200, r.text
        return r.content


def people(api: Api, industry: str = "cement") -> People:
    enterprise = api.organisation("enterprise", "江南水泥 Jiangnan Cement", industry=industry)
    return People(api, enterprise, api.regulator)
