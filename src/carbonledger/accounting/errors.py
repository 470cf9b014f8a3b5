"""Errors a user can hit, each saying what was wrong, where, and what to do."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple


class Location(NamedTuple):
    """Where a problem is: a JSON path, or a sheet/row/column in a workbook.

    A named tuple because every line carries one and building it must cost almost nothing.
    """

    path: tuple[str | int, ...] = ()
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def child(self, key: str | int) -> Location:
        return Location((*self.path, key), self.sheet, self.row, self.column)

    def __str__(self) -> str:
        if self.sheet is not None:
            cell = f"sheet '{self.sheet}'"
            if self.row is not None:
                cell += f", row {self.row}"
            if self.column is not None:
                cell += f", column '{self.column}'"
            return cell
        text = "$"
        for key in self.path:
            text += f"[{key}]" if isinstance(key, int) else f".{key}"
        return text


ROOT = Location()


@dataclass(frozen=True, slots=True)
class Problem:
    location: Location
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict[str, str]:
        out = {"location": str(self.location), "message": self.message}
        if self.hint:
            out["hint"] = self.hint
        return out


class AccountingError(Exception):
    """Base class of the accounting engine's errors."""


class InputError(AccountingError):
    """The submission is invalid; :attr:`problems` lists every problem found, in order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, location: Location, message: str, hint: str = "") -> InputError:
        return cls([Problem(location, message, hint)])


class Collector:
    """Collects problems so a user sees all of them at once, not one per attempt."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, location: Location, message: str, hint: str = "") -> None:
        self.problems.append(Problem(location, message, hint))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)


class UnknownMethodologyError(AccountingError):
    pass


class FactorError(AccountingError):
    """A packaged factor file is malformed or a factor is missing from a set."""
