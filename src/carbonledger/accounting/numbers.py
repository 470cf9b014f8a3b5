"""Decimal arithmetic and the rounding policy, written down once.

Rounding policy
---------------
* Every quantity is a :class:`decimal.Decimal`; binary floats are refused at the input
  boundary (:func:`to_decimal`) because they cannot represent most decimal inputs exactly.
* Calculations run in :data:`CONTEXT` (entry points are wrapped with :func:`exact`):
  34 significant digits (IEEE 754 decimal128) with
  round-half-even. That is far beyond the precision of any measured input, so intermediate
  rounding never changes a reported figure, and the same inputs give the same digits on
  every machine (libmpdec is deterministic).
* Nothing is rounded inside a calculation. Results keep full precision in the canonical
  JSON form (the form that is hashed and anchored on chain).
* Presentation only: tCO2e are shown with 2 decimals (:func:`present`), half-up, as in the
  guidelines' reporting tables. Compliance obligations are whole tonnes
  (:func:`whole_tonnes`), half-up.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    InvalidOperation,
    localcontext,
)
from typing import Final, ParamSpec, TypeVar, cast

from carbonledger.accounting.errors import CodedError

CONTEXT: Final = Context(prec=34, rounding=ROUND_HALF_EVEN)
ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
#: Molecular-weight ratio used by the guidelines' formulas, at the policy's precision.
CO2_PER_C: Final = CONTEXT.divide(Decimal(44), Decimal(12))

_P = ParamSpec("_P")
_R = TypeVar("_R")


def exact(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``fn`` with :data:`CONTEXT` as the decimal context.

    Decimal operators (``+``, ``-``, ``sum``) use the thread's current context, whose
    default precision is 28 digits; every entry point of the engine that does arithmetic
    is wrapped so the written policy holds whatever context the caller set.
    """

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(CONTEXT):
            return fn(*args, **kwargs)

    return wrapper


_CENTI: Final = Decimal("0.01")


class NotADecimalError(CodedError):
    """A value that should be a decimal number is not one."""


def to_decimal(value: object) -> Decimal:
    """Convert user input to Decimal exactly; refuse floats, booleans and non-numbers.

    Strings may use a thousands separator (``"12,000.5"``) and surrounding spaces.
    """
    # exact type checks first: this runs for every number of every submission
    kind = type(value)
    result: Decimal
    if kind is Decimal:
        result = cast(Decimal, value)
    elif kind is str:
        text = cast(str, value)
        if "," in text:
            text = text.replace(",", "")
        try:
            # Decimal() itself ignores surrounding whitespace
            result = Decimal(text)
        except InvalidOperation:
            if not text.strip():
                raise NotADecimalError("empty", field="number") from None
            raise NotADecimalError("not-a-number", value=repr(value)) from None
    elif kind is int:
        result = Decimal(cast(int, value))
    elif isinstance(value, bool):
        raise NotADecimalError("not-a-number", value=repr(value))
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        raise NotADecimalError("binary-float", value=repr(value))
    else:
        raise NotADecimalError("not-a-number", value=type(value).__name__)
    if not result.is_finite():
        raise NotADecimalError("not-a-number", value=repr(value))
    return result


def canonical(value: Decimal) -> str:
    """The one string form of a Decimal used in canonical JSON: no exponent, no trailing zeros."""
    if value == 0:
        return "0"
    text = format(value.normalize(CONTEXT), "f")
    return text


def short(value: Decimal) -> str:
    """A value for a formula line in a text report: canonical, cut to 6 decimals if longer."""
    text = canonical(value)
    if "." in text and len(text.split(".")[1]) > 6:
        return f"{value:.6f}".rstrip("0")
    return text


def present(value: Decimal) -> Decimal:
    """tCO2e for display: 2 decimals, half-up."""
    return value.quantize(_CENTI, rounding=ROUND_HALF_UP)


def whole_tonnes(value: Decimal) -> int:
    """Compliance obligations and allowances are whole tonnes, half-up."""
    return int(value.quantize(ONE, rounding=ROUND_HALF_UP))
