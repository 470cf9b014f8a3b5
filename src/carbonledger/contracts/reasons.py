"""The revert reasons the contracts can produce, read from their Vyper sources.

A refused transaction carries the contract's English reason (``"allowances: insufficient
balance"``); the platform passes it on as the ``reason`` of a ``chain-rejected`` problem
and the web UI shows its own text for it (``revert.<reason>`` in its dictionaries). The
list is published in the OpenAPI document (``components.schemas.ChainRevertReason``), so
a reason added to a contract fails the UI's check until it is translated.

Every reason names its contract first (``"<contract>: <what>"``); the list is each string
literal of that form in the sources' code (not in comments or docstrings).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SOURCES = Path(__file__).parent

_DOCSTRING = re.compile(r'"""(?:.|\n)*?"""')
_COMMENT = re.compile(r"#[^\n]*")
#: a reason: a string literal "<contract>: <what>"
REASON = re.compile(r'"([a-z_]+: [^"\\\n]+)"')


def reasons_in(source: str) -> set[str]:
    """The revert reasons in one contract's source."""
    code = _COMMENT.sub("", _DOCSTRING.sub("", source))
    return set(REASON.findall(code))


@cache
def revert_reasons() -> tuple[str, ...]:
    """Every revert reason of the contracts, sorted."""
    found: set[str] = set()
    for path in sorted(SOURCES.glob("*.vy")):
        found |= reasons_in(path.read_text(encoding="utf-8"))
    return tuple(sorted(found))
