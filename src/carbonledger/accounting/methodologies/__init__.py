"""The packaged methodologies. Importing a module registers its methodologies."""

from __future__ import annotations

import os

from carbonledger.accounting import _NATIVE

if _NATIVE is not None:
    # their compiled modules, when the package runs compiled (see carbonledger.accounting)
    __path__.insert(0, os.path.join(_NATIVE, "methodologies"))


def load_all() -> None:
    from carbonledger.accounting.methodologies import cn2013, ghg_protocol, mee_power

    del cn2013, ghg_protocol, mee_power
