"""Carbon accounting engine: methodologies, factor sets and allocation.

Pure library: no network, no database; it reads only its packaged data.

The modules a calculation runs through may be compiled with mypyc (``make install`` runs
``tools/compile_accounting.py``): the extension modules in ``_native/`` are used only when
the hashes in its ``MANIFEST`` match the ``.py`` files here, so an edited source is never
shadowed by a stale build. :data:`compiled` says which is running; set
``CARBONLEDGER_PURE_PYTHON=1`` to run the pure-Python modules regardless.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

#: the first line of a MANIFEST this version can use (tools/compile_accounting.py writes it)
_MANIFEST_HEADER = "carbonledger-accounting-native 1"


def _native_dir(here: Path) -> str | None:
    """The directory of compiled modules matching the sources in ``here``, or None."""
    if os.environ.get("CARBONLEDGER_PURE_PYTHON", "") not in ("", "0"):
        return None
    native = here / "_native"
    try:
        lines = (native / "MANIFEST").read_text(encoding="utf-8").splitlines()
        if lines[:2] != [_MANIFEST_HEADER, f"cache_tag {sys.implementation.cache_tag}"]:
            return None
        for entry in lines[2:]:
            if entry.startswith("built-by "):
                continue
            digest, module = entry.split("  ", 1)
            if hashlib.sha256((here / module).read_bytes()).hexdigest() != digest:
                return None
    except (OSError, ValueError):
        return None
    return str(native)


_NATIVE = _native_dir(Path(__file__).parent)
#: True when the calculation modules run compiled (mypyc), False when pure Python
compiled = _NATIVE is not None
if _NATIVE is not None:
    __path__.insert(0, _NATIVE)
