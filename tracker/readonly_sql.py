"""Read-only ad-hoc SQL, on SQLite and PostgreSQL alike: what ``tracker sql`` runs and
every report runs through.

Every query runs read-only, and the database itself enforces it; the text
check (``tracker.sql_check``: one SELECT, WITH, VALUES or EXPLAIN statement without write
keywords) is only a first, friendly refusal and is never relied on:

* PostgreSQL: the query goes to the server alone through the extended query
  protocol (psycopg ``prepare=True``), so the server refuses a second
  statement; the session is read-only (``SET SESSION CHARACTERISTICS AS
  TRANSACTION READ ONLY``, so even after a COMMIT the next transaction is) and
  has a ``statement_timeout``; the connection is closed afterwards, never
  pooled.
* SQLite: sqlite3 runs one statement per call; ``PRAGMA query_only``, an
  authorizer that refuses ATTACH, DETACH, transaction commands and every
  pragma but those that only read, and a progress handler that stops the
  query past its time limit or on Ctrl-C.

The transaction is always rolled back. A superuser may still call functions
that act outside the database, so a shared server should be queried with a
role that has only SELECT rights (``superuser`` tells when it is not).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError, StatementError

from tracker import sql_check
from tracker.errors import TrackerError
from tracker.output import Rows
from tracker.sql_check import PARAM_NAME, Statement

DEFAULT_TIMEOUT = 30.0  # seconds a query may run (`--timeout`)
# sqlite3 calls the progress handler every this many virtual-machine steps: every 0.15 ms
# or so on the machine where this was measured, at no cost that a report shows.
_PROGRESS_STEPS = 10_000
# Pragmas that only read (the table-valued pragma_table_info() and the like); SQLite asks
# the authorizer about those too. Any other pragma is refused.
_READING_PRAGMAS = frozenset(
    """table_info table_xinfo table_list index_list index_info index_xinfo
    foreign_key_list database_list collation_list function_list module_list pragma_list
    compile_options""".split()
)
_REFUSED_ACTIONS = {
    sqlite3.SQLITE_ATTACH: "ATTACH",
    sqlite3.SQLITE_DETACH: "DETACH",
    sqlite3.SQLITE_TRANSACTION: "a transaction command",
    sqlite3.SQLITE_SAVEPOINT: "SAVEPOINT",
}


# PostgreSQL's largest statement_timeout (2^31 - 1 ms, some 24.8 days): a longer one was
# refused there ("invalid value for parameter") and taken on SQLite; both take it as none.
LONGEST_TIMEOUT = (2**31 - 1) / 1000


def parse_timeout(value: str | float | None) -> float | None:
    """``--timeout`` in seconds: a non-negative number, 0 (or None) for no limit, as is
    one past ``LONGEST_TIMEOUT``."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise TrackerError(f"--timeout must be a number of seconds (0 for none), not {value!r}")
    if seconds > LONGEST_TIMEOUT:
        return None
    return seconds or None


class QueryCancelled(TrackerError):
    """A query stopped by its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"query cancelled after {seconds:g} s (--timeout)")


class _SqliteGuard:
    """The authorizer and progress handler of a read-only SQLite connection."""

    def __init__(self, timeout: float | None) -> None:
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.expired = False
        self.refused: str | None = None

    def authorize(self, action: int, arg1: str | None, *_: Any) -> int:
        refused = _REFUSED_ACTIONS.get(action)
        if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() not in _READING_PRAGMAS:
            refused = f"PRAGMA {arg1}"
        if refused is None:
            return sqlite3.SQLITE_OK
        self.refused = refused
        return sqlite3.SQLITE_DENY

    def progress(self) -> int:
        # Ctrl-C raises KeyboardInterrupt in here (the only Python code running during a
        # query); sqlite3 then stops the query as "interrupted", and _cancelled tells why.
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.expired = True
            return 1
        return 0

    def install(self, driver: sqlite3.Connection) -> None:
        driver.set_authorizer(self.authorize)
        driver.set_progress_handler(self.progress, _PROGRESS_STEPS)

    @staticmethod
    def remove(driver: sqlite3.Connection) -> None:
        driver.set_progress_handler(None, _PROGRESS_STEPS)
        driver.set_authorizer(None)


def _cancelled(exc: BaseException, timeout: float | None, guard: _SqliteGuard | None) -> None:
    """Raise the error a user should see when ``exc`` is a time limit, Ctrl-C or a refusal."""
    orig = getattr(exc, "orig", None) or exc
    if guard is not None and isinstance(orig, sqlite3.OperationalError):
        if str(orig) == "interrupted":
            if guard.expired and timeout is not None:
                raise QueryCancelled(timeout) from None
            raise KeyboardInterrupt from None
    if guard is not None and guard.refused and isinstance(orig, sqlite3.DatabaseError):
        raise TrackerError(f"refused: {guard.refused} is not allowed here") from None
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate == "57014" and "statement timeout" in str(orig) and timeout is not None:
        raise QueryCancelled(timeout) from None


@contextmanager
def readonly_connection(engine: Engine, timeout: float | None = None) -> Iterator[Connection]:
    """A connection that cannot write, in a transaction that is rolled back at the end.

    ``timeout`` (seconds, None for none) limits each statement on PostgreSQL and the
    whole connection's work on SQLite; past it a query stops with QueryCancelled.
    """
    connection = engine.connect()
    guard = _SqliteGuard(timeout) if connection.dialect.name == "sqlite" else None
    clean = False
    try:
        try:
            if guard is not None:
                connection.begin()  # a deferred BEGIN: a reader never waits for a writer
                connection.exec_driver_sql("PRAGMA query_only = ON")
                guard.install(connection.connection.driver_connection)
            else:
                milliseconds = 0 if timeout is None else max(1, round(timeout * 1000))
                connection.exec_driver_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                connection.exec_driver_sql(f"SET statement_timeout = {milliseconds}")
                connection.commit()  # the session's own settings, whatever the query does
                connection.begin()
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield connection
        except Exception as exc:
            _cancelled(exc, timeout, guard)
            raise
        clean = True
    finally:
        try:
            if guard is not None:
                guard.remove(connection.connection.driver_connection)
            connection.rollback()
            if guard is not None:
                connection.connection.driver_connection.execute("PRAGMA query_only = OFF")
        except Exception:
            clean = False
        if not clean or guard is None:
            # never hand a read-only connection back to the pool (on PostgreSQL, never:
            # its session settings outlive any COMMIT)
            connection.invalidate()
        connection.close()


def superuser(engine: Engine) -> str | None:
    """The role's name when ``engine`` reaches PostgreSQL as a superuser, else None."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        name, flag = connection.exec_driver_sql(
            "SELECT current_user, current_setting('is_superuser')"
        ).one()
    return name if flag == "on" else None


def _plain(value: Any) -> Any:
    """Values as JSON-friendly and identical on both backends: ISO dates, numbers."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        if not value.is_finite():  # PostgreSQL's numeric 'Infinity' and 'NaN': as floats
            return float(value)
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value


def _first_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else exc.__class__.__name__


# What each database says when given more than one statement in a call.
_SEVERAL_STATEMENTS = (
    "cannot insert multiple commands into a prepared statement",  # PostgreSQL
    "you can only execute one statement at a time",  # sqlite3
)


def _run_one(
    connection: Connection, sql: str, values: Mapping[str, Any]
) -> tuple[list[str], Iterator[Sequence[Any]], Callable[[], None]]:
    """Run exactly one statement: the database itself refuses a second one. Its rows come
    as they are read, never all held at once; the third value ends the reading, read to the
    end or not, and must be called before the connection is used again.

    On PostgreSQL the query goes through psycopg's ``stream()``, which sends it by the
    extended query protocol (a plain execute, even with an empty parameter list, uses the
    simple protocol, which runs every statement in the text) and reads the rows one at a
    time (libpq's single-row mode) instead of the whole result at once. A stream left
    half-read holds the connection's lock until its generator is closed (which cancels
    the query): without that, a reader that stopped early (``| head``, a value that could
    not be written) left the command waiting for ever on the rollback.
    """
    if connection.dialect.name == "postgresql":
        compiled = text(sql).compile(dialect=connection.dialect)
        cursor = connection.connection.driver_connection.cursor()
        rows: Any = iter(())

        def end() -> None:
            try:
                close = getattr(rows, "close", None)
                if close is not None:
                    close()  # psycopg's stream: cancels the query, releases the lock
            finally:
                cursor.close()

        try:
            query, bound = str(compiled), compiled.construct_params(values)
            rows = cursor.stream(query, bound)
            first = next(rows, None)  # the columns are known once the first row is in
            if first is None:  # or never, from stream(): ask again, for the columns alone
                cursor.execute(query, bound, prepare=True)
            if cursor.description is None:
                end()
                return [], iter(()), _nothing
            keys = [column.name for column in cursor.description]
        except BaseException:
            end()
            raise
        return keys, itertools.chain(() if first is None else (first,), rows), end
    result = connection.execute(text(sql), values)  # sqlite3 executes one statement per call
    if not result.returns_rows:
        return [], iter(()), _nothing
    return list(result.keys()), iter(result), result.close


def _nothing() -> None:
    pass


def execute_statement(
    engine: Engine,
    statement: Statement,
    params: Mapping[str, Any],
    timeout: float | None = DEFAULT_TIMEOUT,
) -> list[dict[str, Any]]:
    with _streamed(engine, statement, params, timeout) as (columns, rows):
        return Rows(rows, columns)


@contextmanager
def _streamed(
    engine: Engine,
    statement: Statement,
    params: Mapping[str, Any],
    timeout: float | None,
) -> Iterator[tuple[list[str], Iterator[dict[str, Any]]]]:
    """The query's columns and its rows as dicts, read while the caller takes them; an error
    met on the way (a time limit, a division by zero at the millionth row) is one line."""
    missing = [name for name in statement.parameters if name not in params]
    if missing:
        raise TrackerError(
            "the query needs "
            + ", ".join(f":{m}" for m in missing)
            + "; give "
            + " ".join(f"-p {m}=VALUE" for m in missing)
        )
    values = {name: params[name] for name in statement.parameters}
    driver_error = engine.dialect.loaded_dbapi.Error
    try:
        with readonly_connection(engine, timeout) as connection:
            keys, rows, end = _run_one(connection, statement.sql, values)
            try:
                keys = unique_names(keys)
                yield (
                    keys,
                    (
                        {key: _plain(value) for key, value in zip(keys, row, strict=True)}
                        for row in rows
                    ),
                )
            finally:
                end()
    except TrackerError:
        raise
    except (DBAPIError, StatementError, driver_error) as exc:
        line = _first_line(exc)
        if line.lower().rstrip(".") in _SEVERAL_STATEMENTS:
            raise TrackerError(
                "refused: the database found more than one statement; "
                "run one read-only query at a time"
            ) from None
        if "readonly" in line.replace("-", "").replace(" ", "").lower():
            raise TrackerError(f"refused: the query tried to write ({line})") from None
        raise TrackerError(f"SQL error: {_named_parameter(line, statement)}") from None
    except SQLAlchemyError as exc:
        raise TrackerError(f"SQL error: {_first_line(exc)}") from None


def _named_parameter(line: str, statement: Statement) -> str:
    """PostgreSQL's "could not determine data type of parameter $2" with the name the
    query gave it, and what to do: a parameter only ever compared with NULL
    (``:actor IS NULL OR …``) has no type there, as on SQLite it needs none. psycopg
    numbers the parameters in the order they first appear, as ``Statement`` lists them."""
    found = re.search(r"could not determine data type of parameter \$(\d+)", line)
    if found is None or not 0 < int(found.group(1)) <= len(statement.parameters):
        return line
    name = statement.parameters[int(found.group(1)) - 1]
    return (
        f"{line} (:{name}): PostgreSQL needs its type; write CAST(:{name} AS TEXT), or "
        "INTEGER or DATE, where it is first used"
    )


def run_readonly_sql(
    engine: Engine,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> list[dict[str, Any]]:
    """Run one read-only query with named parameters (``:name``); rows as dicts.

    ``timeout`` is in seconds (None: no limit); past it QueryCancelled is raised.
    """
    statement = sql_check.check_readonly(sql, engine.dialect.name)
    params = dict(params or {})
    unused = sorted(set(params) - set(statement.parameters))
    if unused:
        raise TrackerError("the query has no " + ", ".join(f":{u}" for u in unused) + " parameter")
    return execute_statement(engine, statement, params, timeout)


@contextmanager
def stream_readonly_sql(
    engine: Engine,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Iterator[tuple[list[str], Iterator[dict[str, Any]]]]:
    """``run_readonly_sql``, its rows read as the caller takes them (inside the ``with``):
    memory stays flat whatever the result's size. The time limit covers reading them."""
    statement = sql_check.check_readonly(sql, engine.dialect.name)
    params = dict(params or {})
    unused = sorted(set(params) - set(statement.parameters))
    if unused:
        raise TrackerError("the query has no " + ", ".join(f":{u}" for u in unused) + " parameter")
    with _streamed(engine, statement, params, timeout) as found:
        yield found


def unique_names(names: Sequence[str]) -> list[str]:
    """Column names made unique, as every format needs: a second ``a`` becomes ``a_2``, a
    third ``a_3`` (skipping a name the query already has)."""
    taken = set(names)
    seen: set[str] = set()
    unique = []
    for name in names:
        if name in seen:
            n = 2
            while f"{name}_{n}" in taken or f"{name}_{n}" in seen:
                n += 1
            name = f"{name}_{n}"
        seen.add(name)
        unique.append(name)
    return unique


def parse_params(pairs: Sequence[str | tuple[str, str]]) -> dict[str, str]:
    """``["name=value", ("name", "value"), ...]`` as a dict; values stay text (the database
    converts them). A name given twice is an error."""
    params: dict[str, str] = {}
    for pair in pairs:
        if isinstance(pair, tuple):
            name, sep, value = pair[0], "=", pair[1]
            shown = f"{pair[0]} {pair[1]}"
        else:
            name, sep, value = pair.partition("=")
            shown = pair
        name = name.strip().lstrip(":")
        if not sep or not re.fullmatch(PARAM_NAME, name):
            raise TrackerError(f"bad parameter {shown!r}: write -p name=value or -p name value")
        if name in params:
            raise TrackerError(f"parameter {name} is given twice (-p {name})")
        params[name] = value
    return params
