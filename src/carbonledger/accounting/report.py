"""The calculation report: totals, breakdowns, every line's formula, provenance, digests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from carbonledger.accounting import canonical
from carbonledger.accounting.context import Warning
from carbonledger.accounting.factors import FactorTable
from carbonledger.accounting.model import CATEGORIES, MEMO_CATEGORIES, ResultLine
from carbonledger.accounting.numbers import ZERO, exact, present, whole_tonnes
from carbonledger.accounting.numbers import short as _fmt
from carbonledger.accounting.submission import Submission

ENGINE = "carbonledger-accounting/1"


def normalised_input(
    submission: Submission, methodology_ref: str, material_keys: dict[str, str | None]
) -> dict[str, Any]:
    """The submission as data, independent of how it arrived (JSON, workbook, form)."""
    return {
        "schema": "carbonledger/activity-data@1",
        "enterprise": submission.enterprise.as_dict(),
        "period": submission.period.as_dict(),
        "methodology": methodology_ref,
        "options": dict(sorted(submission.options.items())),
        "facilities": [
            {
                "id": f.id,
                "name": f.name,
                "lines": [ln.as_dict(material_keys.get(ln.source)) for ln in f.lines],
            }
            for f in submission.facilities
        ],
    }


@dataclass
class Report:
    methodology: str
    submission: Submission
    material_keys: dict[str, str | None]
    table: FactorTable
    lines: list[ResultLine]
    warnings: list[Warning]
    summary: dict[str, Any] = field(default_factory=dict)

    # -- totals ---------------------------------------------------------------------------
    @cached_property
    @exact
    def total(self) -> Decimal:
        """Total emissions [tCO2e], full precision; memo items (biogenic CO2) excluded."""
        total = ZERO
        for line in self.lines:
            if line.category not in MEMO_CATEGORIES:
                total += line.co2e
        return total

    @property
    def obligation_tonnes(self) -> int:
        """Whole tonnes, as surrendered for compliance."""
        return whole_tonnes(self.total)

    def _sum_by(self, attr: str, lines: Iterable[ResultLine] | None = None) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for line in self.lines if lines is None else lines:
            key = getattr(line, attr)
            out[key] = out.get(key, ZERO) + line.co2e
        return out

    @cached_property
    @exact
    def by_category(self) -> dict[str, Decimal]:
        return self._sum_by("category")

    @cached_property
    @exact
    def by_facility(self) -> dict[str, Decimal]:
        return self._sum_by(
            "facility", (ln for ln in self.lines if ln.category not in MEMO_CATEGORIES)
        )

    @cached_property
    @exact
    def by_gas(self) -> dict[str, dict[str, Decimal]]:
        out: dict[str, dict[str, Decimal]] = {}
        for line in self.lines:
            if line.category in MEMO_CATEGORIES:
                continue
            entry = out.setdefault(line.gas, {"emission": ZERO, "co2e": ZERO})
            entry["emission"] += line.emission
            entry["co2e"] += line.co2e
        return out

    def factors_used(self) -> list[dict[str, object]]:
        refs: set[str] = set()
        for line in self.lines:
            for term in line.terms:
                if ":" in term.origin:
                    refs.update(o.strip() for o in term.origin.split(";") if ":" in o)
            if ":" in line.gwp_origin:
                refs.add(line.gwp_origin)
        rows = []
        for ref in sorted(refs):
            key = ref.split(":", 1)[1]
            row = self.table[key]
            rows.append({"value": row.value, "unit": row.unit, **row.provenance()})
        return rows

    # -- canonical form and digests --------------------------------------------------------
    @cached_property
    def input_doc(self) -> dict[str, Any]:
        """The normalised input; its digest identifies what was calculated."""
        return normalised_input(self.submission, self.methodology, self.material_keys)

    @cached_property
    def input_digest(self) -> str:
        return canonical.digest(self.input_doc)

    def _body(self) -> dict[str, Any]:
        return {
            "engine": ENGINE,
            "methodology": self.methodology,
            "enterprise": self.submission.enterprise.as_dict(),
            "period": self.submission.period.as_dict(),
            "factor_table": {"sets": list(self.table.lineage), "digest": self.table.digest},
            "totals": {
                "co2e": self.total,
                "by_category": dict(sorted(self.by_category.items())),
                "by_gas": dict(sorted(self.by_gas.items())),
                "by_facility": dict(sorted(self.by_facility.items())),
            },
            "summary": self.summary,
            "lines": [
                {
                    "facility": ln.facility,
                    "line": ln.line,
                    "source": ln.source,
                    "category": ln.category,
                    "gas": ln.gas,
                    "material": ln.material,
                    "scope": ln.scope,
                    "formula": ln.formula,
                    "terms": [
                        {"symbol": t.symbol, "value": t.value, "unit": t.unit, "origin": t.origin}
                        for t in ln.terms
                    ],
                    "emission": ln.emission,
                    "gwp": ln.gwp,
                    "gwp_origin": ln.gwp_origin,
                    "co2e": ln.co2e,
                }
                for ln in self.lines
            ],
            "factors_used": self.factors_used(),
            "warnings": [w.as_dict() for w in self.warnings],
            "input_digest": self.input_digest,
        }

    @cached_property
    def result_digest(self) -> str:
        return canonical.digest(self._body())

    def to_dict(self) -> dict[str, Any]:
        body = self._body()
        body["digests"] = {
            "input": self.input_digest,
            "factors": self.table.digest,
            "result": self.result_digest,
        }
        return body

    def to_json(self) -> bytes:
        """The canonical JSON form (what is hashed and anchored)."""
        return canonical.dumps(self.to_dict())

    # -- presentation ----------------------------------------------------------------------
    def render_text(self, lang: str = "en") -> str:
        zh = lang.startswith("zh")
        sub = self.submission
        out = []
        title = "温室气体排放核算报告" if zh else "Greenhouse gas emissions report"
        out.append(f"{title}: {sub.enterprise.name}  ({self.methodology})")
        period = sub.period
        out.append(f"{'核算期' if zh else 'Period'}: {period.start} – {period.end}")
        out.append(f"{'因子' if zh else 'Factors'}: {', '.join(self.table.lineage)}")
        out.append("")
        header = ("facility", "line", "source", "gas", "tCO2e")
        rows = [
            (ln.facility, ln.line, ln.source, ln.gas, str(present(ln.co2e))) for ln in self.lines
        ]
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        out.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        out.append("  ".join("-" * w for w in widths))
        for ln, r in zip(self.lines, rows, strict=True):
            cells = [c.ljust(w) for c, w in zip(r[:-1], widths[:-1], strict=True)]
            out.append("  ".join([*cells, r[-1].rjust(widths[-1])]))
            out.append(f"    {ln.formula}")
            terms = "; ".join(f"{t.symbol} = {_fmt(t.value)} {t.unit}" for t in ln.terms)
            out.append(f"    {terms}")
            if ln.gas != "CO2":
                out.append(f"    {_fmt(ln.emission)} t{ln.gas} × GWP {_fmt(ln.gwp)}")
        out.append("")
        out.append("按类别 / by category:" if zh else "By category:")
        for cat, value in sorted(self.by_category.items()):
            name = CATEGORIES.get(cat, (cat, cat))[0 if zh else 1]
            out.append(f"  {name:<40} {present(value):>16} tCO2e")
        out.append(f"{'排放总量' if zh else 'Total'}: {present(self.total)} tCO2e")
        for key, value in self.summary.items():
            out.append(f"  {key}: {_summary_text(value)}")
        if self.warnings:
            out.append("")
            out.append("警告:" if zh else "Warnings:")
            for w in self.warnings:
                out.append(f"  [{w.code}] {w.location}: {w.message}")
        out.append("")
        out.append(f"input  {self.input_digest}")
        out.append(f"factors {self.table.digest}")
        out.append(f"result {self.result_digest}")
        return "\n".join(out)


def _summary_text(value: object) -> str:
    if isinstance(value, Decimal):
        return _fmt(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_summary_text(v)}" for k, v in value.items())
    return str(value)
