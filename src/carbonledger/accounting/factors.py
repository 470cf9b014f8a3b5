"""Versioned factor sets with provenance per row.

A factor set is a CSV file ``data/factor_sets/<id>@<edition>.csv``; ``data/factor_sets.json``
lists the sets and which sets each extends. Every row carries its provenance: the document
and table it comes from, the transcription sources (ids in ``data/sources.csv``), a status
(``official``, ``corrected``, ``derived``, ``secondary`` or ``uncertain``) and a note. A
published edition is never edited; a changed value is a new edition.

Loader verbs: ``read_*`` takes a path, ``parse_*`` takes text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from carbonledger.accounting import canonical
from carbonledger.accounting.errors import FactorError
from carbonledger.accounting.numbers import NotADecimalError, to_decimal
from carbonledger.accounting.units import UnitError, parse_unit

COLUMNS = (
    "key",
    "value",
    "unit",
    "label_zh",
    "label_en",
    "document",
    "table",
    "source_ids",
    "status",
    "note",
)
#: at most this many plans are kept per table; beyond it lines still compute, unplanned
PLANS_MAX: Final = 4096
STATUSES = frozenset({"official", "corrected", "derived", "secondary", "uncertain"})


@dataclass(frozen=True, slots=True)
class FactorRow:
    """One factor with where it comes from."""

    set_ref: str
    key: str
    value: Decimal
    unit: str
    label_zh: str
    label_en: str
    document: str
    table: str
    source_ids: tuple[str, ...]
    status: str
    note: str

    @property
    def ref(self) -> str:
        """A stable reference to this row: ``<set>@<edition>:<key>``."""
        return f"{self.set_ref}:{self.key}"

    def provenance(self) -> dict[str, object]:
        return {
            "ref": self.ref,
            "document": self.document,
            "table": self.table,
            "sources": list(self.source_ids),
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True)
class FactorSet:
    id: str
    edition: int
    title_zh: str
    title_en: str
    description: str
    extends: tuple[str, ...]
    rows: Mapping[str, FactorRow]
    digest: str = field(default="")

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.edition}"


def _parse_rows(set_ref: str, text: str, origin: str) -> dict[str, FactorRow]:
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise FactorError(f"{origin}: header must be {','.join(COLUMNS)}")
    rows: dict[str, FactorRow] = {}
    for line_no, raw in enumerate(reader, start=2):
        where = f"{origin}, line {line_no}"
        key = raw["key"].strip()
        if not key:
            raise FactorError(f"{where}: empty key")
        if key in rows:
            raise FactorError(f"{where}: duplicate key {key!r}")
        try:
            value = to_decimal(raw["value"])
        except NotADecimalError as err:
            raise FactorError(f"{where}: value of {key}: {err}") from None
        try:
            parse_unit(raw["unit"])
        except UnitError as unit_err:  # its own name: mypyc types a name once per function
            raise FactorError(f"{where}: unit of {key}: {unit_err}") from None
        sources = tuple(s.strip() for s in raw["source_ids"].split(";") if s.strip())
        if not sources or not raw["document"].strip():
            raise FactorError(f"{where}: {key} has no provenance (document and source_ids)")
        status = raw["status"].strip()
        if status not in STATUSES:
            raise FactorError(f"{where}: status {status!r} is not one of {sorted(STATUSES)}")
        rows[key] = FactorRow(
            set_ref=set_ref,
            key=key,
            value=value,
            unit=raw["unit"].strip(),
            label_zh=raw["label_zh"].strip(),
            label_en=raw["label_en"].strip(),
            document=raw["document"].strip(),
            table=raw["table"].strip(),
            source_ids=sources,
            status=status,
            note=raw["note"].strip(),
        )
    return rows


def _rows_digest(rows: Iterable[FactorRow]) -> str:
    return canonical.digest(
        [
            [r.key, r.value, r.unit, r.document, r.table, list(r.source_ids), r.status]
            for r in sorted(rows, key=lambda r: r.key)
        ]
    )


def parse_factor_set(
    text: str,
    *,
    id: str,
    edition: int,
    extends: Iterable[str] = (),
    title_zh: str = "",
    title_en: str = "",
    description: str = "",
    origin: str = "<text>",
) -> FactorSet:
    set_ref = f"{id}@{edition}"
    rows = _parse_rows(set_ref, text, origin)
    return FactorSet(
        id=id,
        edition=edition,
        title_zh=title_zh,
        title_en=title_en,
        description=description,
        extends=tuple(extends),
        rows=rows,
        digest=_rows_digest(rows.values()),
    )


def read_factor_set(path: Path, **meta: object) -> FactorSet:
    """Read one factor-set CSV; ``id`` and ``edition`` default to the file name."""
    name = path.stem
    set_id, _, edition = name.partition("@")
    return parse_factor_set(
        path.read_text(encoding="utf-8"),
        id=str(meta.pop("id", set_id)),
        edition=int(str(meta.pop("edition", edition or 1))),
        origin=str(path.name),
        **meta,  # type: ignore[arg-type]
    )


def _data() -> resources.abc.Traversable:
    return resources.files("carbonledger.accounting") / "data"


@cache
def packaged_sets() -> dict[str, FactorSet]:
    """Every packaged factor set by ``id@edition``."""
    manifest = json.loads((_data() / "factor_sets.json").read_text(encoding="utf-8"))
    out: dict[str, FactorSet] = {}
    for meta in manifest["sets"]:
        ref = f"{meta['id']}@{meta['edition']}"
        path = _data() / "factor_sets" / f"{ref}.csv"
        out[ref] = parse_factor_set(
            path.read_text(encoding="utf-8"),
            id=meta["id"],
            edition=int(meta["edition"]),
            extends=meta["extends"],
            title_zh=meta["title_zh"],
            title_en=meta["title_en"],
            description=meta["description"],
            origin=f"{ref}.csv",
        )
    for ref, fs in out.items():
        for parent in fs.extends:
            if parent not in out:
                raise FactorError(f"factor set {ref} extends unknown set {parent}")
    return out


@cache
def packaged_sources() -> dict[str, dict[str, str]]:
    text = (_data() / "sources.csv").read_text(encoding="utf-8")
    return {row["source_id"]: row for row in csv.DictReader(io.StringIO(text))}


def get_set(ref: str) -> FactorSet:
    sets = packaged_sets()
    if ref not in sets:
        raise FactorError(f"unknown factor set {ref!r}; known: {', '.join(sorted(sets))}")
    return sets[ref]


def _lineage(ref: str, sets: Mapping[str, FactorSet]) -> Iterator[FactorSet]:
    """The set and its ancestors, nearest first (depth-first, each once)."""
    seen: set[str] = set()
    stack = [ref]
    while stack:
        current = stack.pop(0)
        if current in seen:
            continue
        seen.add(current)
        fs = sets[current]
        yield fs
        stack.extend(fs.extends)


class FactorTable:
    """The factors a calculation may use: several sets searched in order.

    ``FactorTable(["cn-ndrc-2013-power@1", "gwp-sar@1"])`` looks a key up in the power set,
    then in what it extends, then in the GWP set. The table's :attr:`digest` identifies
    exactly the rows it can return.
    """

    def __init__(self, refs: Iterable[str], sets: Mapping[str, FactorSet] | None = None) -> None:
        sets = packaged_sets() if sets is None else sets
        self.refs: tuple[str, ...] = tuple(refs)
        merged: dict[str, FactorRow] = {}
        lineage: list[str] = []
        for ref in self.refs:
            if ref not in sets:
                raise FactorError(f"unknown factor set {ref!r}")
            for fs in _lineage(ref, sets):
                if fs.ref in lineage:
                    continue
                lineage.append(fs.ref)
                for key, row in fs.rows.items():
                    merged.setdefault(key, row)
        self.lineage: tuple[str, ...] = tuple(lineage)
        self._rows = merged
        #: per-table cache of default terms, filled by Context.default_term
        self.term_cache: dict[tuple[str, str, str | None, str], Any] = {}
        #: per-table cache of source types' calculation plans (what a line's result needs
        #: besides its own numbers), keyed by source type and line shape; see sources.py
        #: (bounded: the keys hold units and names as submitted)
        self.plans: dict[tuple[object, ...], Any] = {}
        self.digest = canonical.digest([[ref, sets[ref].digest] for ref in self.lineage])

    def get(self, key: str) -> FactorRow | None:
        return self._rows.get(key)

    def __getitem__(self, key: str) -> FactorRow:
        row = self._rows.get(key)
        if row is None:
            raise FactorError(f"factor {key!r} is not in {', '.join(self.refs)}")
        return row

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def keys_with_prefix(self, prefix: str) -> list[str]:
        return sorted(k for k in self._rows if k.startswith(prefix))


@cache
def factor_table(*refs: str) -> FactorTable:
    """A cached :class:`FactorTable` over packaged sets."""
    return FactorTable(refs)
