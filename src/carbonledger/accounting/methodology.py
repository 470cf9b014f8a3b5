"""Methodologies: a set of source types, default factor sets, and the options they accept.

A methodology has an id such as ``cn-2013-cement``, an integer version, and validity
dates; ``cn-2013-cement@1`` names one version. A published version is never edited: a new
version subclasses the old one and overrides only what changed (as py-evm declares forks),
so a report made years ago can be recomputed bit for bit from its methodology reference,
factor-table digest and input digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import ClassVar

from carbonledger.accounting.context import Context
from carbonledger.accounting.errors import ROOT, Collector, UnknownMethodologyError
from carbonledger.accounting.factors import FactorTable, factor_table
from carbonledger.accounting.report import Report
from carbonledger.accounting.sources import SourceType
from carbonledger.accounting.submission import Submission

GWP_SETS = {"SAR": "gwp-sar@1", "AR4": "gwp-ar4@1", "AR5": "gwp-ar5@1", "AR6": "gwp-ar6@1"}


class Methodology:
    id: ClassVar[str] = ""
    version: ClassVar[int] = 1
    industry: ClassVar[str] = ""
    name_zh: ClassVar[str] = ""
    name_en: ClassVar[str] = ""
    document: ClassVar[str] = ""
    valid_from: ClassVar[date] = date(2013, 1, 1)
    valid_to: ClassVar[date | None] = None
    #: factor sets searched in order (each with what it extends)
    factor_sets: ClassVar[tuple[str, ...]] = ()
    #: the GWP set used unless the methodology lets the user choose (option ``gwp``)
    gwp: ClassVar[str] = "SAR"
    gwp_choice: ClassVar[bool] = False
    #: factor sets a user may select with option ``factor_set`` instead of the first default
    alternative_factor_sets: ClassVar[tuple[str, ...]] = ()
    #: option name -> description
    options_doc: ClassVar[Mapping[str, str]] = {}

    def __init__(self) -> None:
        self.sources: dict[str, SourceType] = {s.name: s for s in self.build_sources()}
        #: the line key naming each source's material (what a report's input form uses)
        self.material_keys: dict[str, str | None] = {
            k: s.material_key for k, s in self.sources.items()
        }
        self._allowed_options = frozenset({"factor_set", "gwp", *self.options_doc})

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def build_sources(self) -> list[SourceType]:
        raise NotImplementedError

    # -- options ---------------------------------------------------------------------------
    def factor_refs(self, options: Mapping[str, object], errors: Collector) -> tuple[str, ...]:
        sets = list(self.factor_sets)
        chosen = options.get("factor_set")
        if chosen is not None:
            if chosen in self.alternative_factor_sets:
                sets = [str(chosen), *sets]
            else:
                allowed = ", ".join(self.alternative_factor_sets) or "none"
                errors.add(
                    ROOT.child("options").child("factor_set"),
                    "factor-set-not-allowed",
                    hint="alternatives",
                    factor_set=repr(chosen),
                    methodology=self.ref,
                    alternatives=allowed,
                )
        gwp = options.get("gwp", self.gwp)
        if gwp != self.gwp and not self.gwp_choice:
            errors.add(
                ROOT.child("options").child("gwp"),
                "gwp-fixed",
                methodology=self.ref,
                gwp=self.gwp,
            )
            gwp = self.gwp
        elif gwp not in GWP_SETS:
            errors.add(
                ROOT.child("options").child("gwp"),
                "unknown-value",
                hint="one-of",
                field="GWP set",
                value=repr(gwp),
                choices=", ".join(GWP_SETS),
            )
            gwp = self.gwp
        sets.append(GWP_SETS[str(gwp)])
        return tuple(sets)

    def check_options(self, options: Mapping[str, object], errors: Collector) -> None:
        allowed = self._allowed_options
        if allowed.issuperset(options):
            return
        for key in options:
            if key not in allowed:
                errors.add(
                    ROOT.child("options").child(key),
                    "unknown-value",
                    hint="allowed",
                    field="option",
                    value=repr(key),
                    allowed=", ".join(sorted(allowed)),
                )

    def prepare(self, submission: Submission, table: FactorTable, errors: Collector) -> Context:
        """Build the calculation context; subclasses select grid factors here."""
        return Context(table, submission.period.year, dict(submission.options))

    def finish(self, submission: Submission, ctx: Context, report: Report) -> None:
        """Add methodology-specific figures (intensities, scopes) to ``report.summary``."""

    def describe(self) -> dict[str, object]:
        return {
            "id": self.ref,
            "industry": self.industry,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "document": self.document,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "factor_sets": list(self.factor_sets),
            "alternative_factor_sets": list(self.alternative_factor_sets),
            "gwp": self.gwp,
            "gwp_choice": self.gwp_choice,
            "options": dict(self.options_doc),
            "sources": [s.describe() for s in self.sources.values()],
        }


_REGISTRY: dict[str, Methodology] = {}
_LATEST: dict[str, str] = {}


def register(cls: type[Methodology]) -> type[Methodology]:
    """Add a methodology to the registry; called after each class, not as a decorator
    (mypyc compiles a decorated class as a plain Python class, which cannot subclass the
    compiled :class:`Methodology`)."""
    instance = cls()
    if instance.ref in _REGISTRY:
        raise ValueError(f"methodology {instance.ref} registered twice")
    _REGISTRY[instance.ref] = instance
    current = _LATEST.get(cls.id)
    if current is None or _REGISTRY[current].version < cls.version:
        _LATEST[cls.id] = instance.ref
    return cls


def _load() -> None:
    if not _REGISTRY:
        from carbonledger.accounting.methodologies import load_all

        load_all()


def get_methodology(ref: str) -> Methodology:
    """Look up ``id@version``; a bare id means its latest version."""
    _load()
    full = _LATEST.get(ref, ref)
    try:
        return _REGISTRY[full]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise UnknownMethodologyError(
            "unknown-value", hint="one-of", field="methodology", value=repr(ref), choices=known
        ) from None


def all_methodologies() -> list[Methodology]:
    _load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def table_for(refs: tuple[str, ...]) -> FactorTable:
    return factor_table(*refs)
