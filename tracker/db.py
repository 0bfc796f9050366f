"""Database URLs, engines and the schema's revision.

One URL resolver serves the CLI and ``migrations/env.py``; Alembic's
``Config`` is built in code so the installed package needs no ``alembic.ini``.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from tracker.errors import TrackerError
from tracker.resources import migrations_dir

URL_ENV = "TRACKER_DATABASE_URL"
DEFAULT_URL = "sqlite:///tracker.db"
SQLITE_TIMEOUT_ENV = "TRACKER_SQLITE_TIMEOUT"  # seconds to wait for another writer


def sqlite_timeout() -> float:
    try:
        return float(os.environ.get(SQLITE_TIMEOUT_ENV, "60"))
    except ValueError:
        raise TrackerError(f"{SQLITE_TIMEOUT_ENV} must be a number of seconds") from None


def resolve_url(url: str | None = None) -> str:
    """The URL to use: the one given, else $TRACKER_DATABASE_URL, else ./tracker.db.

    A bare path means a SQLite file, and plain ``postgresql://`` means psycopg 3,
    the driver the project installs.
    """
    url = url or os.environ.get(URL_ENV) or DEFAULT_URL
    if "://" not in url:
        url = "sqlite:///" + url
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL and a busy timeout let several ingest processes share one file."""
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(sqlite_timeout() * 1000)}")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except Exception:  # read-only media or a locked file: keep the default journal
        pass
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Writers take the write lock at BEGIN, so that two of them queue instead of
    deadlocking; readers begin deferred and never wait for a writer (WAL)."""
    immediate = connection.get_execution_options().get(WRITER_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


WRITER_OPTION = "tracker_writer"


def writer(engine: Engine) -> Engine:
    """The same database, for transactions that will write."""
    return engine.execution_options(**{WRITER_OPTION: True})


SCHEMA_LOCK = 7_316_001  # a PostgreSQL advisory-lock key: one migrator or seeder at a time


def lock_schema(connection: Connection) -> None:
    """Serialise migrations and seeding between processes (on SQLite, BEGIN IMMEDIATE does)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")


def make_engine(url: str | None = None) -> Engine:
    resolved = resolve_url(url)
    try:
        parsed = make_url(resolved)
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                parent = Path(database).expanduser().resolve().parent
                if not parent.is_dir():
                    raise TrackerError(f"cannot create database {database}: no folder {parent}")
            engine = create_engine(parsed, connect_args={"timeout": sqlite_timeout()})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            engine = create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise TrackerError(f"bad database URL {_safe(resolved)!r}: {exc}") from None
    except ModuleNotFoundError as exc:
        raise TrackerError(
            f"the driver for {_safe(resolved)!r} is not installed ({exc.name}); "
            "for PostgreSQL: pip install 'tracker[postgres]'"
        ) from None
    return engine


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def upgrade(engine: Engine, revision: str = "head") -> None:
    with writer(engine).begin() as connection:
        lock_schema(connection)
        _check_known(connection)
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with writer(engine).begin() as connection:
        lock_schema(connection)
        _check_known(connection)
        command.downgrade(alembic_config(connection), revision)


def _check_known(connection: Connection) -> None:
    current = current_revision(connection)
    if current is not None and current not in known_revisions():
        raise TrackerError(
            f"the database is at revision {current}, which this version of tracker does not "
            "know (made by a newer version?); upgrade tracker, nothing was changed"
        )


def ensure_schema(engine: Engine) -> bool:
    """Bring a new or older database to the head revision; True when it was new."""
    with engine.connect() as connection:
        current = current_revision(connection)
        has_tables = bool(inspect(connection).get_table_names())
    if current is not None and current == head_revision():
        return False
    if current is None and has_tables:
        raise TrackerError(
            "the database has tables but no tracker revision; point --db at a tracker "
            "database or an empty one"
        )
    upgrade(engine)
    return current is None


def prepare(engine: Engine) -> None:
    """Make a store usable: schema at head, and the seed plans and actors in a new one."""
    from sqlalchemy import select

    from tracker.schema import Plan
    from tracker.seeds import load_seeds

    ensure_schema(engine)
    with writer(engine).begin() as connection:
        lock_schema(connection)
        if connection.execute(select(Plan.id).limit(1)).first() is None:
            load_seeds(connection)
