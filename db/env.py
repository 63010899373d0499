"""Alembic environment: the URL comes from hxgy's settings, never from alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from hxgy import config as hxgy_config
from hxgy.db import create_db_engine
from hxgy.models import Base

target_metadata = Base.metadata


def _url() -> str:
    # `python -m hxgy migrate` and tests pass the URL through the Alembic config
    return context.config.get_main_option("sqlalchemy.url") or hxgy_config.database_url()


def run_migrations_offline() -> None:
    """Write the SQL without a database connection (`alembic upgrade head --sql`)."""
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate the configured database."""
    connectable = context.config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = create_db_engine(_url())
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
