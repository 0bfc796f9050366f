"""Database URLs, engines and the schema's revision.

One URL resolver serves the CLI and ``migrations/env.py``; Alembic's
``Config`` is built in code so the installed package needs no ``alembic.ini``.
"""

from __future__ import annotations

import math
import os
import re
import sys
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from tracker.errors import INTERRUPTED, InterruptLine, TrackerError, is_interrupt
from tracker.resources import migrations_dir

URL_ENV = "TRACKER_DATABASE_URL"
DEFAULT_URL = "sqlite:///tracker.db"
SQLITE_TIMEOUT_ENV = "TRACKER_SQLITE_TIMEOUT"  # seconds to wait for another writer
# SQLite keeps its busy timeout in milliseconds in a C int.
MAX_SQLITE_TIMEOUT = 2_147_483


def sqlite_timeout() -> float:
    # blank means the default, as a blank TRACKER_DATABASE_URL does (``VAR= tracker …``)
    value = os.environ.get(SQLITE_TIMEOUT_ENV, "").strip() or "60"
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= MAX_SQLITE_TIMEOUT:  # NaN fails too
        raise TrackerError(
            f"{SQLITE_TIMEOUT_ENV} must be a number of seconds from 0 to {MAX_SQLITE_TIMEOUT}, "
            f"not {value!r}"
        )
    return seconds


def resolve_url(url: str | None = None) -> str:
    """The URL to use: the one given, else $TRACKER_DATABASE_URL, else ./tracker.db.

    A bare path means a SQLite file, and plain ``postgresql://`` means psycopg 3,
    the driver the project installs.
    """
    if url is None:
        url = os.environ.get(URL_ENV) or DEFAULT_URL
    if not url.strip():
        raise TrackerError("the database URL is blank: give --db a file path or a URL")
    if "://" not in url:
        url = "sqlite:///" + url
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


UNICODE_LOWER = "tracker_lower"


def lower_text(text: str) -> str:
    """``text`` lowered as PostgreSQL's lower() does, letter by letter: Python lowers "İ"
    (dotted capital I) to "i" and a combining dot, PostgreSQL to "i", so "istanbul" found
    "İSTANBUL Times" on one database and not the other."""
    return text.replace("\u0130", "i").lower()


def _unicode_lower(value: object) -> object:
    return lower_text(value) if isinstance(value, str) else value


def lower(connection: Connection, expression: Any) -> Any:
    """``lower(expression)`` that lowers every letter on both databases."""
    from sqlalchemy import func

    if connection.dialect.name == "sqlite":
        return getattr(func, UNICODE_LOWER)(expression)
    return func.lower(expression)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL and a busy timeout let several ingest processes share one file."""
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin
    # lower() as PostgreSQL's, past ASCII ("Агентство"): SQLite's own lowers A-Z alone, so
    # `articles --source агентство` found an article on PostgreSQL and not on SQLite
    dbapi_connection.create_function(UNICODE_LOWER, 1, _unicode_lower, deterministic=True)
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
    """Serialise migrations and seeding between processes (on SQLite, BEGIN IMMEDIATE does).

    Any role may take an advisory lock, a reader's `tracker sql` too, so a wait says why it
    waits; and it is taken only to change the schema or seed a new store, never by an
    ingest into a store that is ready."""
    if connection.dialect.name == "postgresql":
        taken = connection.exec_driver_sql(
            f"SELECT pg_try_advisory_xact_lock({SCHEMA_LOCK})"
        ).scalar()
        if not taken:
            print(
                "waiting for another session to finish migrating or seeding the store "
                f"(PostgreSQL advisory lock {SCHEMA_LOCK})",
                file=sys.stderr,
                flush=True,
            )
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")


# What SQLAlchemy's SQLite driver reads from a plain SQLite URL's query; any other option
# (?mode=ro) it ignores with a warning, unless the URL is a file: URI (uri=true).
_SQLITE_URL_OPTIONS = frozenset(
    ("timeout", "isolation_level", "detect_types", "check_same_thread", "cached_statements", "uri")
)


# Seconds to wait for a PostgreSQL server to answer a new connection, unless the URL's
# connect_timeout or $PGCONNECT_TIMEOUT says otherwise (libpq's default is to wait forever).
PG_CONNECT_TIMEOUT = 10


def make_engine(url: str | None = None) -> Engine:
    resolved = resolve_url(url)
    try:
        parsed = make_url(resolved)
        backend = parsed.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise TrackerError(
                f"tracker keeps its store in SQLite or PostgreSQL, not {backend}: give --db a "
                "file path or a postgresql:// URL"
            )
        if backend == "sqlite":
            database = parsed.database or ""
            if database and not database.strip():
                raise TrackerError("the SQLite file name is blank: give --db a file path")
            if database in ("", ":memory:") or parsed.query.get("mode") == "memory":
                raise TrackerError(
                    "an in-memory SQLite database keeps nothing once the command ends: "
                    "give --db a file path, such as tracker.db"
                )
            ignored = sorted(set(parsed.query) - _SQLITE_URL_OPTIONS)
            if ignored and "uri" not in parsed.query:
                raise TrackerError(
                    f"the SQLite URL option {', '.join(ignored)} is honoured only in a file: URI "
                    "(sqlite:///file:PATH?mode=ro&uri=true); tracker's reading commands never "
                    "write anyway"
                )
            if database and database != ":memory:" and not database.startswith("file:"):
                path = Path(database).expanduser()
                if database.startswith("~"):  # "--db=~/t.db", which no shell expands: the
                    parsed = parsed.set(database=str(path))  # readers looked in $HOME
                if path.is_dir():
                    raise TrackerError(f"--db {database} is a folder: give a SQLite file")
                parent = path.resolve().parent
                if not parent.is_dir():
                    raise TrackerError(
                        f"no database at {database}, and none can be made: no folder {parent}"
                    )
            engine = create_engine(parsed, connect_args={"timeout": sqlite_timeout()})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            waits = {}
            if "connect_timeout" not in parsed.query and not os.environ.get("PGCONNECT_TIMEOUT"):
                # a server that takes the connection and never answers: every command hung
                waits = {"connect_timeout": PG_CONNECT_TIMEOUT}
            engine = create_engine(parsed, pool_pre_ping=True, connect_args=waits)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        reason = "its port is not a number" if "for int()" in str(exc) else str(exc)
        raise TrackerError(f"bad database URL {_safe(url or resolved)!r}: {reason}") from None
    except ModuleNotFoundError as exc:
        raise TrackerError(
            f"the driver for {_safe(resolved)!r} is not installed ({exc.name}); for PostgreSQL, "
            "run pip install '.[postgres]' in the tracker source folder (psycopg 3)"
        ) from None
    return engine


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a URL too broken to parse may still hold a password
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


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


def upgrade(
    engine: Engine, revision: str = "head", seed_new: bool = False
) -> dict[str, Any] | None:
    """Migrate to ``revision``; with ``seed_new``, a new store brought to head gets the seed
    plans and actors in the same transaction, so that an interruption leaves no store
    with a schema and nothing in it (which `db check` passed and every command read as
    empty). Returns what ``load_seeds`` loaded when it seeded, else None."""
    loaded = None
    with writer(engine).begin() as connection:
        lock_schema(connection)
        check_known(connection)
        if is_foreign(connection):
            # another program's database: ingest refuses it, and so does an upgrade, which
            # would add tracker's tables beside its own (or fail on a name they share)
            raise TrackerError(FOREIGN_DATABASE + "; nothing was changed")
        new = current_revision(connection) is None
        _run(command.upgrade, connection, revision, "upgrade")
        if seed_new and new and current_revision(connection) == head_revision():
            from tracker.seeds import load_seeds

            loaded = load_seeds(connection)
    return loaded


def downgrade(engine: Engine, revision: str) -> None:
    with writer(engine).begin() as connection:
        lock_schema(connection)
        check_known(connection)
        if current_revision(connection) is None:  # another program's tables, or nothing:
            # Alembic made its version table there and said "at revision base"
            if _has_tables(connection):
                raise TrackerError(FOREIGN_DATABASE + "; nothing was changed")
            raise TrackerError("the database holds no tracker store: nothing to downgrade")
        _run(command.downgrade, connection, revision, "downgrade")


def _run(step, connection: Connection, revision: str, verb: str) -> None:
    """An Alembic command; a revision it cannot reach is one line, and nothing changes."""
    try:
        step(alembic_config(connection), revision)
    except (CommandError, AssertionError) as exc:  # Alembic asserts on some ("", "@", "head+9")
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "not a revision"
        known = ", ".join(sorted(known_revisions()))
        raise TrackerError(
            f"cannot {verb} to {revision!r}: {reason} (revisions: {known}, head, base); "
            "nothing was changed"
        ) from None


def revisions_undone(engine: Engine, revision: str) -> list[tuple[str, str]]:
    """The migrations a downgrade to ``revision`` (an id, ``base`` or relative, ``-1``,
    ``head-2``, ``0003-1``) would undo, newest first, each with its title: what the
    question before a downgrade names. Empty when nothing would be undone, or when
    ``revision`` is no revision (the downgrade itself says so, in one line)."""
    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as connection:
        current = current_revision(connection)
    if current is None:
        return []
    try:
        chain = [s.revision for s in script.iterate_revisions("head", "base")]  # newest first
        relative = re.fullmatch(r"(.*?)-(\d+)", revision)
        if revision == "base":
            target = len(chain)
        elif relative is None or revision in chain:
            target = chain.index(_full_id(script, revision))
        else:
            start = {"": current, "head": chain[0]}.get(relative.group(1), relative.group(1))
            target = min(chain.index(_full_id(script, start)) + int(relative.group(2)), len(chain))
        here = chain.index(current)
    except Exception:  # not a revision
        return []
    return [(rev, _title(script.get_revision(rev))) for rev in chain[here:target]]


def _full_id(script: ScriptDirectory, revision: str) -> str:
    """A revision id as Alembic resolves it (a unique prefix names a revision too)."""
    found = script.get_revision(revision)
    if found is None:
        raise ValueError(revision)
    return found.revision


def _title(script: Script | None) -> str:
    """A migration's title: the first paragraph of its docstring, on one line (a title
    wrapped over two lines was cut at the first line's end)."""
    if script is None or not script.doc:
        return ""
    return " ".join(script.doc.strip().split("\n\n")[0].split())


VIEWS = "changes views only"


def downgrade_notes(revisions: list[str]) -> dict[str, str]:
    """Those of ``revisions`` whose undoing removes no stored data, each with what the
    downgrade's question says of it: ``VIEWS`` (``VIEWS_ONLY = True`` in its file), or the
    file's ``DOWNGRADE_KEEPS`` (0003's downgrade keeps its hashes and merged articles)."""
    script = ScriptDirectory.from_config(alembic_config())
    out: dict[str, str] = {}
    for rev in revisions:
        found = script.get_revision(rev)
        if found is None:
            continue
        if getattr(found.module, "VIEWS_ONLY", False):
            out[rev] = VIEWS
        elif isinstance(getattr(found.module, "DOWNGRADE_KEEPS", None), str):
            out[rev] = found.module.DOWNGRADE_KEEPS
    return out


def reaches_base(undone: list[tuple[str, str]]) -> bool:
    """Whether the migrations a downgrade undoes (``revisions_undone``) reach base: it
    removes every table."""
    if not undone:
        return False
    script = ScriptDirectory.from_config(alembic_config())
    return script.get_revision(undone[-1][0]).down_revision is None


def check_known(connection: Connection) -> None:
    """An error when the database is at a revision this version does not know."""
    current = current_revision(connection)
    if current is not None and current not in known_revisions():
        raise TrackerError(
            f"the database is at revision {current}, which this version of tracker does not "
            "know (made by a newer version?); upgrade tracker, nothing was changed"
        )


def is_foreign(connection: Connection) -> bool:
    """Whether the database is another program's: tables, and no tracker revision."""
    return current_revision(connection) is None and _has_tables(connection)


def _has_tables(connection: Connection) -> bool:
    """Whether the database holds any table but Alembic's own (left behind by `downgrade base`)."""
    return any(name != "alembic_version" for name in inspect(connection).get_table_names())


FOREIGN_DATABASE = (
    "the database has tables but no tracker revision; point --db at a tracker database "
    "or an empty one"
)


def ensure_schema(engine: Engine) -> dict[str, Any] | None:
    """Bring a new or older database to the head revision; what ``load_seeds`` loaded when
    it was new (and so seeded in the same transaction), else None."""
    with engine.connect() as connection:
        current = current_revision(connection)
        has_tables = _has_tables(connection)
    if current is not None and current == head_revision():
        return None
    if current is None and has_tables:
        raise TrackerError(FOREIGN_DATABASE)
    return upgrade(engine, seed_new=True)


def sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite store (None for PostgreSQL and memory). A ``file:`` URI
    (``sqlite:///file:PATH?immutable=1&uri=true``, the README's read-only form) names its
    PATH; without ``uri=true`` SQLite takes "file:x.db" for a file of that very name."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database or ""
    if not database or database == ":memory:":
        return None
    if database.startswith("file:") and str(engine.url.query.get("uri", "")).lower() in (
        "true",
        "1",
    ):
        parsed = urllib.parse.urlsplit(database)
        options = urllib.parse.parse_qs(parsed.query)
        if engine.url.query.get("mode") == "memory" or "memory" in options.get("mode", []):
            return None
        path = urllib.parse.unquote(parsed.path)
        return Path(path).expanduser() if path and path != ":memory:" else None
    return Path(database).expanduser()


def require_existing(engine: Engine) -> None:
    """Refuse a SQLite path with no file: a mistyped --db must not become a new store."""
    path = sqlite_file(engine)
    if path is not None and not path.exists():
        raise TrackerError(
            f"no database at {path}; check --db, or create one with `tracker ingest`, "
            "`tracker seed` or `tracker db upgrade`"
        )


def is_new_store(engine: Engine) -> bool:
    """No store yet: a SQLite path with no file (not created here), or a database with no
    tables at all."""
    path = sqlite_file(engine)
    if path is not None and not path.exists():
        return True
    with engine.connect() as connection:
        return current_revision(connection) is None and not _has_tables(connection)


def check_ready(engine: Engine) -> None:
    """For commands that only read: the store exists at the head revision.

    Changes nothing and takes no write lock: an older store is left for
    `tracker db upgrade`, a new one for a command that writes.
    """
    require_existing(engine)
    with engine.connect() as connection:
        current = current_revision(connection)
        has_tables = _has_tables(connection)
    head = head_revision()
    if current == head:
        return
    if current is None:
        if has_tables:
            raise TrackerError(FOREIGN_DATABASE)
        raise TrackerError(
            "the database has no tracker tables yet; create them with `tracker db upgrade` "
            "(or `tracker ingest`, `tracker seed`)"
        )
    if current not in known_revisions():
        raise TrackerError(
            f"the database is at revision {current}, which this version of tracker does not "
            "know (made by a newer version?); upgrade tracker, nothing was changed"
        )
    raise TrackerError(
        f"the database is at revision {current}, older than this version's {head}; "
        "run `tracker db upgrade` (this command changes nothing)"
    )


def seed_if_empty(engine: Engine) -> dict[str, Any] | None:
    """Load the seed plans and actors into a store at head that has no plan; what
    ``load_seeds`` loaded, or None when the store had a plan."""
    from tracker.schema import Plan
    from tracker.seeds import load_seeds

    with engine.connect() as connection:  # seeded already: no lock (lock_schema says why)
        if connection.execute(select(Plan.id).limit(1)).first() is not None:
            return None
    with writer(engine).begin() as connection:
        lock_schema(connection)
        if connection.execute(select(Plan.id).limit(1)).first() is not None:
            return None
        return load_seeds(connection)


def prepare_or_leave_nothing(engine: Engine) -> dict[str, Any] | None:
    """``prepare``, and when it fails or is interrupted (Ctrl-C, SIGTERM) on a SQLite file
    it was about to create, no empty file left behind: a half-made store would pass for a
    store that `db check` refuses."""
    with leaving_nothing(engine):
        return prepare(engine)


@contextmanager
def leaving_nothing(engine: Engine) -> Iterator[None]:
    """What runs inside, on a SQLite file that does not exist yet: when it fails or is
    interrupted, the file it created is removed again if it holds no table."""
    path = sqlite_file(engine)
    created = path is not None and not path.exists()
    try:
        yield
    except BaseException:
        if created and path is not None and path.exists():
            engine.dispose()
            probe = create_engine(f"sqlite:///{path}")
            try:
                with probe.connect() as connection:
                    empty = not _has_tables(connection)
            except Exception:
                empty = False
            finally:
                probe.dispose()
            if empty:
                for end in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{end}").unlink(missing_ok=True)
        raise


def _revision_if_any(engine: Engine) -> tuple[bool, str | None]:
    """Whether the store exists, and its revision (None at base); a SQLite file that is not
    there is not created by looking."""
    path = sqlite_file(engine)
    if path is not None and not path.exists():
        return False, None
    with engine.connect() as connection:
        return True, current_revision(connection)


@contextmanager
def telling_interrupts(engine: Engine) -> Iterator[None]:
    """Around a migration (`db upgrade`, `db downgrade`): a Ctrl-C or SIGTERM ends it with a
    line that says what it left, read from the database after it (the migration, with the
    seeding of a new store, is one transaction: rolled back whole, or committed whole),
    never "rolled back" once it was committed, as the usual line said of a Ctrl-C in the
    moment after the COMMIT. Raises ``InterruptLine``."""
    before = _revision_if_any(engine)
    try:
        yield
    except BaseException as exc:
        if isinstance(exc, (SystemExit, TrackerError)) or not is_interrupt(exc):
            raise
        raise InterruptLine(_interrupted_migration(engine, before)) from None


def _interrupted_migration(engine: Engine, before: tuple[bool, str | None]) -> str:
    try:
        now = _revision_if_any(engine)
    except Exception:  # the database cannot say: the usual line, which claims no revision
        return INTERRUPTED
    if now == before:
        if not now[0]:
            return "interrupted; the migration was rolled back, and no database was made"
        at = f"revision {now[1]}" if now[1] else "base (no tables)"
        return f"interrupted; the migration was rolled back: the database is still at {at}"
    at = f"revision {now[1]}" if now[1] else "base (no tables)"
    return f"interrupted, but the migration had been committed: the database is at {at}"


def prepare(engine: Engine) -> dict[str, Any] | None:
    """Make a store usable: schema at head, and the seed plans and actors in a new one (its
    seed files checked first, so that a broken one leaves no half-made store). Returns what
    ``load_seeds`` loaded when it seeded the store (a seeding is recorded), else None."""
    if is_new_store(engine):
        from tracker.seeds import check_seed_files

        check_seed_files()
    return ensure_schema(engine) or seed_if_empty(engine)
