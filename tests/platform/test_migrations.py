"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from platform_testing import database_kind, fresh_database
from sqlalchemy import MetaData, inspect

from carbonledger.platform.db import make_engine
from carbonledger.platform.migrations import target_metadata, upgrade


def test_migrations_match_the_models(tmp_path: Path) -> None:
    with fresh_database(database_kind(), tmp_path) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            merged = MetaData()
            for md in target_metadata():
                for table in md.tables.values():
                    table.to_metadata(merged)
            with engine.connect() as conn:
                diff = compare_metadata(
                    MigrationContext.configure(conn, opts={"compare_type": True}), merged
                )
            assert diff == [], f"models and migrations differ: {diff}"
            tables = set(inspect(engine).get_table_names())
            assert {"organisations", "users", "audit_log", "ledger_events"} <= tables
            upgrade(engine)  # a second upgrade is a no-op
        finally:
            engine.dispose()
