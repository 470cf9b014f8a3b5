"""Errors a user can hit, each saying what was wrong, where, and what to do.

A problem names a registered code (:mod:`carbonledger.accounting.messages`) and the values
its sentence states (``params``); its English and Chinese texts are made from the code's
templates, so the text and the code cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from carbonledger.accounting import messages

#: a problem's params: the values its sentence states, by placeholder name
Params = Mapping[str, str | int]
_NO_PARAMS: Params = {}


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
    """One problem: where, which (``code``, see :mod:`~carbonledger.accounting.messages`),
    the values its sentence states (``params``) and the hint (a hint code) if any."""

    location: Location
    code: str
    params: Params = field(default_factory=lambda: _NO_PARAMS)
    hint_code: str = ""

    @property
    def message(self) -> str:
        """The English sentence."""
        return messages.message(self.code, self.params, "en")

    @property
    def message_zh(self) -> str:
        """The Chinese (zh-CN) sentence."""
        return messages.message(self.code, self.params, "zh")

    @property
    def hint(self) -> str:
        return messages.hint(self.hint_code, self.params, "en") if self.hint_code else ""

    @property
    def hint_zh(self) -> str:
        return messages.hint(self.hint_code, self.params, "zh") if self.hint_code else ""

    def render(self, locale: str) -> str:
        """Message and hint in ``locale`` (``en`` or ``zh``), as one text."""
        zh = locale.startswith("zh")
        text = self.message_zh if zh else self.message
        hint = self.hint_zh if zh else self.hint
        if not hint:
            return text
        return f"{text}（{hint}）" if zh else f"{text} ({hint})"

    def __str__(self) -> str:
        return f"{self.location}: {self.render('en')}"

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "location": str(self.location),
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
        }
        if self.params:
            out["params"] = dict(self.params)
        if self.hint_code:
            out["hint"] = self.hint
            out["hint_zh"] = self.hint_zh
        return out


class AccountingError(Exception):
    """Base class of the accounting engine's errors."""


class CodedError(AccountingError, ValueError):
    """An error that is a problem without a location yet: a registered code and its params.

    The caller that knows where the value came from makes it a problem
    (:meth:`Collector.add_error`); ``str()`` is the English sentence.
    """

    def __init__(self, code: str, /, hint: str = "", **params: str | int) -> None:
        self.code = code
        self.hint_code = hint
        self.params: dict[str, str | int] = params
        super().__init__(Problem(ROOT, code, params, hint).render("en"))


class InputError(AccountingError):
    """The submission is invalid; :attr:`problems` lists every problem found, in order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(
        cls, location: Location, code: str, /, hint: str = "", **params: str | int
    ) -> InputError:
        return cls([Problem(location, code, params, hint)])

    @classmethod
    def from_error(cls, location: Location, error: CodedError) -> InputError:
        return cls([Problem(location, error.code, error.params, error.hint_code)])


class Collector:
    """Collects problems so a user sees all of them at once, not one per attempt."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, location: Location, code: str, /, hint: str = "", **params: str | int) -> None:
        """A problem with the registered ``code``; ``params`` fill its (and the hint's)
        placeholders; ``hint`` is a registered hint code."""
        self.problems.append(Problem(location, code, params, hint))

    def add_error(
        self, location: Location, error: CodedError, /, hint: str = "", **params: str | int
    ) -> None:
        """A :class:`CodedError` as a problem at ``location``; ``hint`` (with ``params``, the
        values it states) replaces the error's own hint."""
        params = {**error.params, **params} if params else error.params
        self.problems.append(Problem(location, error.code, params, hint or error.hint_code))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)


class UnknownMethodologyError(CodedError):
    pass


class FactorError(AccountingError):
    """A packaged factor file is malformed or a factor is missing from a set."""
