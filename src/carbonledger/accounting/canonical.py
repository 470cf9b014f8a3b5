"""Canonical JSON: one byte string per value, the same on every machine and run.

Rules (a subset of RFC 8785's spirit, with decimals kept exact): UTF-8; object keys sorted
by code point; no insignificant whitespace; Decimals written as JSON strings in their
canonical form (:func:`carbonledger.accounting.numbers.canonical`) so no reader turns them
into binary floats; integers as JSON integers; no floats accepted at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from carbonledger.accounting.numbers import canonical as canonical_decimal


def _prepare(value: Any) -> Any:
    # exact-type dispatch first: a report has thousands of values, and isinstance against
    # the abstract Mapping/Sequence classes costs several times more
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool:
        return value
    if kind is Decimal:
        return canonical_decimal(value)
    if kind is dict:
        return {k if type(k) is str else str(k): _prepare(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_prepare(v) for v in value]
    if isinstance(value, Decimal):
        return canonical_decimal(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        raise TypeError("floats have no canonical form; use Decimal")
    if isinstance(value, Mapping):
        return {str(k): _prepare(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [_prepare(v) for v in value]
    raise TypeError(f"cannot encode {type(value).__name__} canonically")


def dumps(value: Any) -> bytes:
    """Encode ``value`` canonically."""
    return json.dumps(
        _prepare(value), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")


def digest(value: Any) -> str:
    """``sha256:<hex>`` of the canonical encoding."""
    return "sha256:" + hashlib.sha256(dumps(value)).hexdigest()
