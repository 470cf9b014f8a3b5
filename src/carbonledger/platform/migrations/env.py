from __future__ import annotations

from alembic import context

from carbonledger.platform.migrations import target_metadata

cfg = context.config
engine = cfg.attributes.get("engine")
if engine is None:
    from carbonledger.platform.db import make_engine

    url = cfg.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("alembic needs an engine or sqlalchemy.url")
    engine = make_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
