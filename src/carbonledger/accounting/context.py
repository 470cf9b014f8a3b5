"""The state one calculation carries: factors, options, warnings, production data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from carbonledger.accounting.errors import Location
from carbonledger.accounting.factors import FactorRow, FactorTable
from carbonledger.accounting.model import Term
from carbonledger.accounting.units import convert


@dataclass(frozen=True, slots=True)
class Warning:
    location: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"location": self.location, "code": self.code, "message": self.message}


class Context:
    """Per-calculation state. Factor look-ups are converted once and cached."""

    def __init__(self, factors: FactorTable, year: int, options: dict[str, object]) -> None:
        self.factors = factors
        self.year = year
        self.options = options
        self.warnings: list[Warning] = []
        self.production: dict[str, tuple[Decimal, str]] = {}
        #: the electricity factor the methodology selected for this submission, if any
        self.electricity: Term | None = None
        self.electricity_market: Term | None = None
        self._cache: dict[tuple[str, str], tuple[Decimal, FactorRow] | None] = {}
        self._warned: set[str] = set()

    def warn(self, location: Location | str, code: str, message: str) -> None:
        self.warnings.append(Warning(str(location), code, message))

    def factor(self, key: str, unit: str) -> tuple[Decimal, FactorRow] | None:
        """A factor converted to ``unit``, or None if the table has no such key."""
        cache_key = (key, unit)
        try:
            return self._cache[cache_key]
        except KeyError:
            pass
        row = self.factors.get(key)
        result = None if row is None else (convert(row.value, row.unit, unit), row)
        self._cache[cache_key] = result
        return result

    def factor_term(self, symbol: str, key: str, unit: str, location: Location) -> Term | None:
        """The factor ``key`` in ``unit`` as a Term, or None if the table has no such key."""
        if "{material}" not in key:
            # the shared per-table Term of default_term (a template with no placeholder is
            # the key itself); it notes an uncertain row's status just as below
            return self.default_term(symbol, key, None, unit, location)
        found = self.factor(key, unit)
        if found is None:
            return None
        value, row = found
        self.note_status(row, location)
        return Term(symbol, value, unit, row.ref)

    def default_term(
        self, symbol: str, template: str, material: str | None, unit: str, location: Location
    ) -> Term | None:
        """The default for a parameter: factor ``template`` with ``{material}`` filled in.

        Terms are immutable, so one Term per (symbol, key, unit) is shared by every line and
        every calculation on the same factor table.
        """
        cache = self.factors.term_cache
        cache_key = (symbol, template, material, unit)
        try:
            found = cache[cache_key]
        except KeyError:
            if "{material}" in template:
                if material is None:
                    found = None
                else:
                    found = self._build_term(symbol, template.format(material=material), unit)
            else:
                found = self._build_term(symbol, template, unit)
            cache[cache_key] = found
        if found is None:
            return None
        term: Term = found[0]
        row: FactorRow = found[1]
        if row.status == "uncertain":
            self.note_status(row, location)
        return term

    def default_row_term(
        self, symbol: str, template: str, material: str | None, unit: str
    ) -> tuple[Term, FactorRow] | None:
        """:meth:`default_term` with its row, noting nothing (for plans that note later)."""
        cache = self.factors.term_cache
        cache_key = (symbol, template, material, unit)
        try:
            found: tuple[Term, FactorRow] | None = cache[cache_key]
        except KeyError:
            if "{material}" in template:
                if material is None:
                    found = None
                else:
                    found = self._build_term(symbol, template.format(material=material), unit)
            else:
                found = self._build_term(symbol, template, unit)
            cache[cache_key] = found
        return found

    def _build_term(self, symbol: str, key: str, unit: str) -> tuple[Term, FactorRow] | None:
        found = self.factor(key, unit)
        if found is None:
            return None
        value, row = found
        return Term(symbol, value, unit, row.ref), row

    def note_status(self, row: FactorRow, location: Location) -> None:
        """Warn once per report when a default of uncertain provenance is used."""
        if row.status == "uncertain" and row.ref not in self._warned:
            self._warned.add(row.ref)
            self.warn(
                location,
                "uncertain-default",
                f"default {row.ref} = {row.value} {row.unit} has uncertain provenance "
                f"({row.note}); supply a measured value where you can",
            )

    def gwp(self, gas: str, location: Location) -> tuple[Decimal, str]:
        if gas == "CO2":
            return Decimal(1), "constant"
        found = self.factor(f"gwp.{gas}", "tCO2e/t")
        if found is None:
            raise KeyError(gas)
        value, row = found
        return value, row.ref
