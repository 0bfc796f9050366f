"""Alembic environment shared by `alembic` (repository root) and `tracker db`.

The CLI passes an open connection through ``config.attributes``; plain
``alembic`` resolves the URL with the tracker's own resolver.
"""

from logging.config import fileConfig

from alembic import context

from tracker.db import make_engine, resolve_url
from tracker.schema import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("db")
    engine = make_engine(resolve_url(url))
    with engine.begin() as connection:
        run_migrations(connection)
    engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=resolve_url(context.get_x_argument(as_dictionary=True).get("db")),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
