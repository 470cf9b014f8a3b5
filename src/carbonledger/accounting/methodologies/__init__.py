"""The packaged methodologies. Importing a module registers its methodologies."""

from __future__ import annotations


def load_all() -> None:
    from carbonledger.accounting.methodologies import cn2013, ghg_protocol, mee_power

    del cn2013, ghg_protocol, mee_power
