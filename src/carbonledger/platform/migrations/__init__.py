"""Alembic migrations of the platform's database (platform tables and the ledger
projection). ``upgrade(engine)`` brings any supported database to the newest schema.

A new migration: change the models, then ``make migration m="what changed"``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData

HERE = Path(__file__).parent


def config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("path_separator", "os")
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(config(engine), revision)


def target_metadata() -> list[MetaData]:
    """Every table the platform owns: its models and the ledger indexer's projection."""
    import carbonledger.platform.models  # noqa: F401  (registers every model)
    from carbonledger.ledger.indexer import metadata as ledger_metadata
    from carbonledger.platform.db import Base

    return [Base.metadata, ledger_metadata]
