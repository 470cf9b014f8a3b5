"""The orchestrator: submission in, report out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from carbonledger.accounting.errors import (
    ROOT,
    Collector,
    InputError,
    UnknownMethodologyError,
)
from carbonledger.accounting.methodology import Methodology, get_methodology, table_for
from carbonledger.accounting.model import ResultLine
from carbonledger.accounting.numbers import exact
from carbonledger.accounting.report import Report
from carbonledger.accounting.submission import (
    Submission,
    parse_json_text,
    parse_submission_dict,
)


def calculate(submission: Submission) -> Report:
    """Compute a submission with the methodology it names.

    Raises :class:`InputError` listing every problem (field path, or sheet/row/column).
    """
    errors = Collector()
    errors.extend(submission.problems)
    try:
        methodology = get_methodology(submission.methodology)
    except UnknownMethodologyError as err:
        raise InputError.from_error(ROOT.child("methodology"), err) from None
    return calculate_with(methodology, submission, errors)


@exact
def calculate_with(
    methodology: Methodology, submission: Submission, errors: Collector | None = None
) -> Report:
    if errors is None:
        errors = Collector()
        errors.extend(submission.problems)
    methodology.check_options(submission.options, errors)
    refs = methodology.factor_refs(submission.options, errors)
    table = table_for(refs)
    ctx = methodology.prepare(submission, table, errors)
    sources = methodology.sources
    lines: list[ResultLine] = []
    for facility in submission.facilities:
        for line in facility.lines:
            if not line.valid:
                continue
            source = sources.get(line.source)
            if source is None:
                errors.add(
                    line.where("source"),
                    "unknown-value",
                    hint="one-of",
                    field="source",
                    value=repr(line.source),
                    choices=", ".join(sources),
                )
                continue
            lines.extend(source.compute(line, ctx, errors))
    errors.raise_if_any()
    summary: dict[str, Any] = {}
    if ctx.production:
        summary["production"] = {
            k: {"value": v, "unit": u} for k, (v, u) in sorted(ctx.production.items())
        }
    report = Report(
        methodology=methodology.ref,
        submission=submission,
        material_keys=methodology.material_keys,
        table=table,
        lines=lines,
        warnings=ctx.warnings,
        summary=summary,
    )
    methodology.finish(submission, ctx, report)
    return report


def calculate_dict(document: Mapping[str, Any]) -> Report:
    return calculate(parse_submission_dict(document))


def calculate_json(text: str | bytes) -> Report:
    return calculate(parse_submission_dict(parse_json_text(text)))


def read_submission(path: Path) -> Submission:
    """Read a submission from a ``.json`` file or an ``.xlsx`` workbook."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from carbonledger.accounting.excel import read_workbook

        submission: Submission = read_workbook(path)
        return submission
    return parse_submission_dict(parse_json_text(path.read_bytes()))
