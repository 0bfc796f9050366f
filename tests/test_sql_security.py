"""`tracker sql` and reports cannot change the store: the database itself refuses.

The text check in ``sql_check.check_readonly`` is only a first, friendly refusal.
These tests send what once fooled it (a PostgreSQL string continued over a
newline keeps E'' escapes, so ``\\'`` hid the string's end), and, with the
text check switched off, what it would catch: the database must still run one
statement only, in a read-only session, and leave every article in place.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tracker import readonly_sql, sql_check
from tracker.db import make_engine
from tracker.errors import TrackerError
from tracker.schema import Article

POSTGRES_ONLY = pytest.mark.parametrize("template_url", ["postgresql"], indirect=True)
SQLITE_ONLY = pytest.mark.parametrize("template_url", ["sqlite"], indirect=True)

ARTICLES = 3
# Line 2 opens a string that PostgreSQL reads as E'' (it continues the one on line 1): \' is
# an escaped quote, so the string ends after `AS x`, and the rest is more statements.
ESCAPED_STRING_TRICK = "SELECT E''\n'\\'' AS x; COMMIT; DELETE FROM articles; --'\n"
SEVERAL = (
    "Error: refused: the database found more than one statement; run one read-only query at a time"
)


@pytest.fixture
def store(db_url) -> str:
    """A fresh store holding a few articles."""
    engine = make_engine(db_url)
    with engine.begin() as connection:
        for n in range(ARTICLES):
            connection.execute(
                Article.__table__.insert().values(
                    source=f"a{n}.txt", title=f"Article {n}", content_hash=f"security-{n}"
                )
            )
    engine.dispose()
    return db_url


def _articles(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(Article)).scalar()
    engine.dispose()
    return count


def _error(result) -> str:
    output = result.output.strip()
    assert result.exit_code == 1, (result.exit_code, output, result.exception)
    assert output.startswith("Error:") and len(output.splitlines()) == 1, output
    return output


def _report_file(folder: Path, sql: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "evil.sql"
    path.write_text("-- Looks like a report\n" + sql, encoding="utf-8")
    return path


def _run(invoke, url: str, how: str, sql: str, folder: Path):
    """Run ``sql`` as `tracker sql -` (stdin) or as a report file in --reports-dir."""
    if how == "sql":
        return invoke("--db", url, "sql", "-", input=sql, expect=None)
    _report_file(folder, sql)
    return invoke("--db", url, "report", "evil", "--reports-dir", folder, expect=None)


@pytest.fixture
def no_text_check(monkeypatch):
    """Switch the text check off: what remains is the database's own protection."""

    def accept(sql: str, dialect: str | None = None) -> sql_check.Statement:
        return sql_check.Statement(sql.strip(), [])

    monkeypatch.setattr(sql_check, "check_readonly", accept)


# --------------------------------------------------------------------------- PostgreSQL


@POSTGRES_ONLY
@pytest.mark.parametrize("how", ["sql", "report"])
def test_escaped_string_trick_is_refused(store, invoke, tmp_path, how):
    assert sql_check.check_readonly(ESCAPED_STRING_TRICK, "postgresql")  # the text check is fooled
    result = _run(invoke, store, how, ESCAPED_STRING_TRICK, tmp_path / "mine")
    assert _error(result) == SEVERAL
    assert _articles(store) == ARTICLES


@POSTGRES_ONLY
@pytest.mark.parametrize("how", ["sql", "report"])
def test_copy_to_program_runs_nothing(store, invoke, tmp_path, how):
    marker = f"/tmp/tracker-copy-{uuid.uuid4().hex}"  # the server's user can write /tmp
    trick = ESCAPED_STRING_TRICK.replace(
        "COMMIT; DELETE FROM articles", f"COPY (SELECT 1) TO PROGRAM 'touch {marker}'"
    )
    result = _run(invoke, store, how, trick, tmp_path / "mine")
    assert _error(result) == SEVERAL
    engine = make_engine(store)
    with engine.connect() as connection:  # asked of the server, wherever it runs
        found = connection.execute(
            text("SELECT pg_stat_file(:path, true) IS NOT NULL"), {"path": marker}
        ).scalar()
    engine.dispose()
    assert not found and not Path(marker).exists()
    assert _articles(store) == ARTICLES


@POSTGRES_ONLY
def test_the_session_stays_read_only_after_a_commit(store):
    engine = make_engine(store)
    with readonly_sql.readonly_connection(engine) as connection:
        connection.exec_driver_sql("COMMIT")  # ends the read-only transaction
        with pytest.raises(Exception, match="read-only transaction"):
            connection.exec_driver_sql("DELETE FROM articles")
    with engine.begin() as connection:  # the read-only session is not handed back to the pool
        connection.execute(
            Article.__table__.insert().values(source="new.txt", content_hash="security-new")
        )
    engine.dispose()
    assert _articles(store) == ARTICLES + 1


@POSTGRES_ONLY
@pytest.mark.parametrize("command", [["sql", "SELECT 1 AS x"], ["report", "coverage"]])
def test_a_superuser_is_warned(store, invoke, monkeypatch, command):
    monkeypatch.delenv("TRACKER_NO_SUPERUSER_WARNING")
    result = invoke("--db", store, *command, "--format", "json")
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and warnings[0].startswith(
        "Warning: querying PostgreSQL as superuser postgres;"
    ), result.stderr
    assert "only SELECT rights" in warnings[0]
    assert result.stdout.startswith("[")
    monkeypatch.setenv("TRACKER_NO_SUPERUSER_WARNING", "1")
    assert invoke("--db", store, *command).stderr == ""


# --------------------------------------------------------------------------- both databases


@pytest.mark.parametrize("how", ["sql", "report"])
@pytest.mark.parametrize("sql", ["SELECT 1; DELETE FROM articles", "COMMIT; DELETE FROM articles"])
def test_several_statements_are_refused_by_the_database(
    store, invoke, tmp_path, no_text_check, how, sql
):
    result = _run(invoke, store, how, sql, tmp_path / "mine")
    # SQLite's authorizer may refuse a COMMIT before sqlite3 sees that more follows
    assert _error(result) in (SEVERAL, "Error: refused: a transaction command is not allowed here")
    assert _articles(store) == ARTICLES


# --------------------------------------------------------------------------- SQLite


@SQLITE_ONLY
@pytest.mark.parametrize(
    "sql, refused",
    [
        ("COMMIT", "a transaction command"),
        ("BEGIN", "a transaction command"),
        ("SAVEPOINT s", "SAVEPOINT"),
        ("PRAGMA query_only = OFF", "PRAGMA query_only"),
        ("PRAGMA user_version = 5", "PRAGMA user_version"),
        ("ATTACH DATABASE 'ATTACHED' AS sneaky", "ATTACH"),
    ],
)
def test_sqlite_refuses_what_the_text_check_would(
    store, invoke, tmp_path, no_text_check, sql, refused
):
    attached = tmp_path / "attached.db"
    result = invoke("--db", store, "sql", sql.replace("ATTACHED", str(attached)), expect=None)
    assert _error(result) == f"Error: refused: {refused} is not allowed here"
    assert not attached.exists()
    assert _articles(store) == ARTICLES
    assert invoke("--db", store, "sql", "SELECT name FROM pragma_table_info('articles')").output


@SQLITE_ONLY
def test_sqlite_guard_is_removed_afterwards(store):
    engine = make_engine(store)
    with pytest.raises(TrackerError, match="refused: a transaction command is not allowed"):
        readonly_sql.execute_statement(engine, sql_check.Statement("COMMIT"), {})
    with engine.begin() as connection:  # the pooled connection writes again
        assert connection.exec_driver_sql("PRAGMA query_only").scalar() == 0
        connection.execute(
            Article.__table__.insert().values(source="new.txt", content_hash="security-new")
        )
        connection.exec_driver_sql("SAVEPOINT fine")
    engine.dispose()
    assert _articles(store) == ARTICLES + 1
