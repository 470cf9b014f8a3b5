"""Write a new migration from the models: ``python -m carbonledger.platform.migrations.make``.

It upgrades an empty SQLite database to the newest revision and autogenerates the
difference to the models. ``--initial`` (before the first release only) replaces every
revision with one initial migration.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command

from carbonledger.platform.db import make_engine
from carbonledger.platform.migrations import HERE, config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-m", "--message", default="schema change")
    parser.add_argument("--initial", action="store_true")
    args = parser.parse_args()
    versions = HERE / "versions"
    if args.initial:
        for old in versions.glob("*.py"):
            old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'empty.db'}")
        cfg = config(engine)
        command.upgrade(cfg, "head")
        existing = len(list(versions.glob("*.py")))
        command.revision(
            cfg,
            message="initial" if args.initial else args.message,
            autogenerate=True,
            rev_id=f"{existing + 1:04d}",
        )
        engine.dispose()


if __name__ == "__main__":
    main()
