"""SQL reports and read-only ad-hoc SQL, on SQLite and PostgreSQL alike.

A report is one ``.sql`` file holding a single SELECT (or WITH … SELECT) over
the ``report_*`` views that migration 0002 creates. The built-in reports live
in the package folder ``tracker/reports/``; an analyst's own sit in a folder
named by ``--reports-dir`` or ``$TRACKER_REPORTS_DIR`` and override a built-in
report of the same name. A file's first comment line is its description; a
later header line ``-- requires: actor, target`` (all of them) or
``-- requires: actor or target`` (one of them) names the options it needs, and
``-- note: ...`` (continued on the comment lines after it) is a footnote that
``tracker report`` prints under the table and on the HTML page.

Reports take these bound parameters, NULL when the option is not given:
``:plan`` (slug), ``:actor`` (canonical name), ``:actor_id``, ``:target``
(point number or slug), ``:since`` and ``:until`` (ISO dates). Write an
optional filter as ``(CAST(:plan AS TEXT) IS NULL OR plan = :plan)`` (and
``CAST(:since AS DATE)``, ``CAST(:actor_id AS INTEGER)``): PostgreSQL needs the
cast to type a NULL parameter, and SQLite accepts it.

Every query runs read-only, and the database itself enforces it; the text
check (one SELECT, WITH, VALUES or EXPLAIN statement without write keywords)
is only a first, friendly refusal and is never relied on:

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
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError, StatementError

from tracker.errors import TrackerError
from tracker.output import Rows

REPORTS_ENV = "TRACKER_REPORTS_DIR"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
PARAMETERS = ("plan", "actor", "actor_id", "target", "since", "until", "reviewed_only")
# The command-line option that sets each parameter.
OPTION_OF = {
    "plan": "plan",
    "actor": "actor",
    "actor_id": "actor",
    "target": "target",
    "since": "since",
    "until": "until",
    "reviewed_only": "reviewed-only",
}
READ_STATEMENTS = ("SELECT", "WITH", "VALUES", "EXPLAIN")
WRITE_WORDS = frozenset(
    """INSERT UPDATE DELETE MERGE UPSERT DROP CREATE ALTER TRUNCATE GRANT REVOKE ATTACH
    DETACH PRAGMA VACUUM REINDEX INTO BEGIN COMMIT ROLLBACK SAVEPOINT""".split()
)


# --------------------------------------------------------------------------- SQL text


@dataclass
class _Token:
    kind: str  # word, param, string, ident, number, punct, space
    text: str


# Both databases read every character past ASCII as part of a name, as a letter is:
# `SELECT 1 AS é` names its column é (and a non-ASCII space is no space to them).
_WORD = re.compile(r"[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]*")
# A parameter name as SQLAlchemy's text() reads one: word characters, not a digit first.
PARAM_NAME = r"[^\W\d]\w*"
_PARAM = re.compile(rf":({PARAM_NAME})")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)?\$")


def _tokens(sql: str, dialect: str) -> Iterator[_Token]:
    """Split SQL into tokens as ``dialect``'s own lexer does, dropping comments.

    Strings and quoted names stay whole. PostgreSQL: E'' strings take backslash
    escapes, $tag$ quoting, nested block comments. SQLite: `name` and [name]
    quoting, flat block comments.
    """
    postgres = dialect == "postgresql"
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end
            yield _Token("space", " ")
        elif c == "/" and sql.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if postgres and sql.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            yield _Token("space", " ")
        elif c in "'\"" or (c == "`" and not postgres):
            backslashes = (
                postgres
                and c == "'"
                and i > 0
                and sql[i - 1] in "eE"
                and (i < 2 or not (sql[i - 2].isalnum() or sql[i - 2] in "_$"))
            )
            j = i + 1
            while j < n:
                if backslashes and sql[j] == "\\":
                    j += 2
                    continue
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:  # doubled quote
                        j += 2
                        continue
                    break
                j += 1
            yield _Token("string" if c == "'" else "ident", sql[i : j + 1])
            i = j + 1
        elif c == "[" and not postgres:  # SQLite's [quoted name]
            j = sql.find("]", i)
            j = n - 1 if j < 0 else j
            yield _Token("ident", sql[i : j + 1])
            i = j + 1
        elif c == "$" and postgres and (tag := _DOLLAR_TAG.match(sql, i)):
            end = sql.find(tag.group(), tag.end())
            j = n if end < 0 else end + len(tag.group())
            yield _Token("string", sql[i:j])
            i = j
        elif c == ":" and (param := _PARAM.match(sql, i)) and (i == 0 or sql[i - 1] != ":"):
            yield _Token("param", param.group())
            i = param.end()
        elif word := _WORD.match(sql, i):
            yield _Token("word", word.group())
            i = word.end()
        elif c in "0123456789":
            j = i
            while j < n and sql[j].isascii() and (sql[j].isalnum() or sql[j] in "._"):
                j += 1
            yield _Token("number", sql[i:j])
            i = j
        elif c.isspace():
            j = i
            while j < n and sql[j].isspace():
                j += 1
            yield _Token("space", sql[i:j])
            i = j
        else:
            yield _Token("punct", c)
            i += 1


@dataclass
class Statement:
    """One checked read-only statement: SQL text for SQLAlchemy and its parameter names."""

    sql: str
    parameters: list[str] = field(default_factory=list)


DIALECTS = ("sqlite", "postgresql")


def check_readonly(sql: str, dialect: str | None = None) -> Statement:
    """The statement when ``sql`` is one read-only query; TrackerError otherwise.

    ``dialect`` ("sqlite" or "postgresql") lexes the text as that database
    does; without it the text must pass as both (their quoting rules differ).
    """
    checked = [_check(sql, d) for d in ([dialect] if dialect else DIALECTS)]
    return checked[0]


def _keyword(word: str) -> str:
    """A word as the databases compare it with their keywords: ASCII letters in upper case
    ("ınsert", with a dotless i, is a name to them, not INSERT)."""
    return word.upper() if word.isascii() else word


def _check(sql: str, dialect: str) -> Statement:
    tokens = list(_tokens(sql, dialect))
    statements: list[list[_Token]] = [[]]
    for token in tokens:
        if token.kind == "punct" and token.text == ";":
            statements.append([])
        else:
            statements[-1].append(token)
    meaningful = [s for s in statements if any(t.kind != "space" for t in s)]
    if not meaningful:
        raise TrackerError("no SQL statement given")
    if len(meaningful) > 1:
        raise TrackerError(
            f"refused: {len(meaningful)} statements given; run one read-only query at a time"
        )
    statement = meaningful[0]
    words = [_keyword(t.text) for t in statement if t.kind == "word"]
    first = next((t for t in statement if t.kind != "space" and t.text != "("), None)
    if first is None or first.kind != "word" or _keyword(first.text) not in READ_STATEMENTS:
        shown = _keyword(first.text) if first is not None else "that"
        raise TrackerError(
            f"refused: a query here starts with SELECT, WITH, VALUES or EXPLAIN, not {shown} "
            "(the store is changed only by tracker's own commands)"
        )
    writes = sorted({w for w in words if w in WRITE_WORDS})
    if writes:
        raise TrackerError(
            f"refused: {', '.join(writes)} would write or lock rows; only read-only queries "
            "run here"
        )
    parameters: list[str] = []
    parts: list[str] = []
    for token in statement:
        if token.kind == "param":
            name = token.text[1:]
            if name not in parameters:
                parameters.append(name)
            parts.append(token.text)
        elif token.kind in ("string", "ident"):
            parts.append(token.text.replace(":", "\\:"))  # not a parameter for SQLAlchemy
        elif token.kind == "punct" and token.text == ":":
            # a colon that starts no parameter (PostgreSQL's ::int casts, arr[1:2] slices):
            # escaped, or SQLAlchemy would take ":x::int" for no parameter and ":2" for one
            parts.append("\\:")
        else:
            parts.append(token.text)
    return Statement("".join(parts).strip(), parameters)


# --------------------------------------------------------------------------- running SQL

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


def parse_timeout(value: str | float | None) -> float | None:
    """``--timeout`` in seconds: a non-negative number, 0 (or None) for no limit."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise TrackerError(f"--timeout must be a number of seconds (0 for none), not {value!r}")
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


def _execute(
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
    statement = check_readonly(sql, engine.dialect.name)
    params = dict(params or {})
    unused = sorted(set(params) - set(statement.parameters))
    if unused:
        raise TrackerError("the query has no " + ", ".join(f":{u}" for u in unused) + " parameter")
    return _execute(engine, statement, params, timeout)


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
    statement = check_readonly(sql, engine.dialect.name)
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


# --------------------------------------------------------------------------- reports


@dataclass
class Report:
    name: str
    description: str
    origin: str  # "built-in" or the file's path
    sql: str
    requires: list[list[str]] = field(default_factory=list)  # all groups; one of each
    error: str | None = None  # why the file cannot be read; the report then cannot run
    notes: list[str] = field(default_factory=list)  # footnotes for a reader of its rows


_HEADER_KEY = re.compile(r"(\w+)\s*:\s*(.*)\Z")


def _header(sql: str) -> tuple[str, list[list[str]], list[str]]:
    """The description (first comment line), the `-- requires:` groups and the
    `-- note:` footnotes (a note goes on over the comment lines after it, up to an empty
    one or another `key:` line)."""
    description = ""
    requires: list[list[str]] = []
    notes: list[str] = []
    in_note = False
    seen_first = False
    for raw in sql.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("--"):
            break
        comment = line[2:].strip()
        if not seen_first:
            description, seen_first = comment, True
            continue
        keyed = _HEADER_KEY.match(comment)
        key = keyed.group(1).lower() if keyed else None
        if in_note and comment and key is None:
            notes[-1] = f"{notes[-1]} {comment}"
            continue
        in_note = key == "note"
        if keyed and key == "note":
            notes.append(keyed.group(2).strip())
        elif keyed and key == "requires":
            for group in keyed.group(2).split(","):
                names = [n.strip().lower() for n in group.split(" or ") if n.strip()]
                if names:
                    requires.append(names)
    return description, requires, notes


def user_reports_dir(folder: str | Path | None = None) -> Path | None:
    """The analyst's reports folder: the one given, else $TRACKER_REPORTS_DIR, else none."""
    chosen = folder if folder not in (None, "") else os.environ.get(REPORTS_ENV) or None
    if chosen is None:
        return None
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise TrackerError(f"reports folder {path} does not exist or is not a folder")
    return path


def _load(name: str, handle, where: str, origin: str) -> Report:
    """The report in a file; one that cannot be read says why, and only it fails."""
    try:
        sql = handle.read_text(encoding="utf-8-sig")  # Notepad starts a file with a BOM
    except UnicodeDecodeError:
        error = f"report {where} is not UTF-8 text"
    except OSError as exc:
        error = f"cannot read report {where}: {exc.strerror or exc}"
    else:
        description, requires, notes = _header(sql)
        return Report(name, description, origin, sql, requires, notes=notes)
    return Report(name, f"unreadable: {error}", origin, "", error=error)


def list_reports(folder: str | Path | None = None) -> list[Report]:
    """The built-in reports and the user folder's, by name (a user report overrides).

    A file that cannot be read is listed with the reason as its description.
    """
    found: dict[str, Report] = {}
    builtin = resources.files("tracker") / "reports"
    for entry in sorted(builtin.iterdir(), key=lambda e: e.name):
        name = entry.name.removesuffix(".sql")
        if entry.name.endswith(".sql") and NAME_PATTERN.match(name) and entry.is_file():
            found[name] = _load(name, entry, entry.name, "built-in")
    user = user_reports_dir(folder)
    if user is not None:
        for path in sorted(user.glob("*.sql")):
            if NAME_PATTERN.match(path.stem) and path.is_file():
                found[path.stem] = _load(path.stem, path, str(path), str(path))
    return sorted(found.values(), key=lambda r: r.name)


def get_report(name: str, folder: str | Path | None = None) -> Report:
    """A report by name; names are plain words, so they never reach another folder."""
    if not NAME_PATTERN.match(name or ""):
        raise TrackerError(
            f"bad report name {name!r}: use letters, digits, - and _ "
            "(`tracker report --list` lists the reports)"
        )
    for report in list_reports(folder):
        if report.name == name:
            if report.error is not None:
                raise TrackerError(report.error)
            return report
    raise TrackerError(f"no report named {name!r}; `tracker report --list` lists them")


def _iso_date(value: str | dt.date | None, option: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise TrackerError(f"--{option} must be a date YYYY-MM-DD, not {value!r}") from None


def report_parameters(
    connection: Connection,
    *,
    plan: str | None = None,
    actor: str | None = None,
    target: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    reviewed_only: bool | None = None,
) -> dict[str, Any]:
    """The bound parameters of a report from the options, checked against the store.
    ``reviewed_only`` binds :reviewed_only to 1 (NULL when not given): only positions
    an analyst confirmed, corrected or added (``status <> 'auto'``)."""
    from tracker.queries import check_plan, find_actor_ids, find_targets

    params: dict[str, Any] = dict.fromkeys(PARAMETERS)
    params["since"] = _iso_date(since, "since")
    params["until"] = _iso_date(until, "until")
    params["reviewed_only"] = 1 if reviewed_only else None
    if params["since"] and params["until"] and params["since"] > params["until"]:
        raise TrackerError(f"--since {params['since']} is after --until {params['until']}")
    if plan is not None:
        params["plan"] = check_plan(connection, plan)
    if target is not None:
        find_targets(connection, target, params["plan"])  # an unknown target is an error
        target = target.strip()
        params["target"] = str(int(target)) if target.isascii() and target.isdigit() else target
    if actor is not None:
        ids = find_actor_ids(connection, actor)  # one actor, or an error naming the candidates
        params["actor_id"] = ids[0]
        params["actor"] = connection.execute(
            text("SELECT actor FROM report_actors WHERE actor_id = :id"), {"id": ids[0]}
        ).scalar()
    return params


def run_report(
    engine: Engine,
    name: str,
    *,
    plan: str | None = None,
    actor: str | None = None,
    target: str | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    reviewed_only: bool = False,
    folder: str | Path | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> list[dict[str, Any]]:
    """Run a report with the given filters; rows as dicts with ISO dates.

    ``timeout`` is in seconds (None: no limit); past it QueryCancelled is raised.
    """
    report = get_report(name, folder)
    statement = check_readonly(report.sql, engine.dialect.name)
    unknown = [p for p in statement.parameters if p not in PARAMETERS]
    if unknown:
        raise TrackerError(
            f"report {name} uses "
            + ", ".join(f":{u}" for u in unknown)
            + "; reports may use only "
            + ", ".join(f":{p}" for p in PARAMETERS)
        )
    given = {
        "plan": plan,
        "actor": actor,
        "target": target,
        "since": since,
        "until": until,
        "reviewed-only": reviewed_only or None,
    }
    given = {k: v for k, v in given.items() if v is not None}
    used_options = {OPTION_OF[p] for p in statement.parameters}
    for option in given:
        if option not in used_options:
            raise TrackerError(f"report {name} does not use --{option}")
    for group in report.requires:
        if not any(option in given for option in group):
            raise TrackerError(f"report {name} needs " + " or ".join(f"--{o}" for o in group))
    with readonly_connection(engine, timeout) as connection:
        params = report_parameters(connection, **{k.replace("-", "_"): v for k, v in given.items()})
    return _execute(engine, statement, params, timeout)
