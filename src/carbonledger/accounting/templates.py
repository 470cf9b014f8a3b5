"""Fillable JSON templates for a methodology, generated from its description."""

from __future__ import annotations

from typing import Any

from carbonledger.accounting.methodology import get_methodology
from carbonledger.accounting.submission import SCHEMA


def json_template(methodology_ref: str) -> dict[str, Any]:
    """A submission skeleton with one example line per source type and a ``guide`` section.

    Values to fill are ``null``; parameters with defaults are listed in the guide but left
    out of the lines (a measured value overrides the default when added).
    """
    m = get_methodology(methodology_ref)
    lines: list[dict[str, Any]] = []
    guide: dict[str, Any] = {}
    for name, source in m.sources.items():
        described = source.describe()
        line: dict[str, Any] = {"id": f"{name}-1", "source": name}
        if source.material_key:
            line[source.material_key] = None
        if source.quantity_unit is not None or name in ("fuel_combustion", "stationary_combustion"):
            line["quantity"] = {"value": None, "unit": source.quantity_unit or "t"}
        required = {
            p["name"]: {"value": None, "unit": p["unit"]}
            for p in described["parameters"]  # type: ignore[attr-defined]
            if p["required"]
        }
        if required:
            line["parameters"] = required
        lines.append(line)
        guide[name] = {
            "label_zh": source.label_zh,
            "label_en": source.label_en,
            "formula": source.formula,
            "quantity": f"{source.quantity_label_en} / {source.quantity_label_zh}",
            "parameters": described["parameters"],
        }
    return {
        "schema": SCHEMA,
        "guide": {
            "methodology": m.describe() | {"sources": None},
            "sources": guide,
            "how_to": "Fill every null, delete lines you do not need, copy lines for more "
            "fuels or materials. Numbers may be written as strings to keep every digit. "
            "Remove this guide section or keep it: it is ignored by the calculation.",
        },
        "enterprise": {"name": None, "credit_code": None, "region": None, "province": None},
        "period": {"year": None},
        "methodology": m.ref,
        "options": {},
        "facilities": [{"id": "facility-1", "name": None, "lines": lines}],
    }
