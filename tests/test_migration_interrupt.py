"""Ctrl-C during `tracker db upgrade` (and `db downgrade`) on SQLite: one line that says
what was left, read from the database after the interruption, and status 130.

The migration, with the seeding of a new store, is one transaction. Interrupted while
Alembic copied a table (its batch mode on SQLite), the command printed SQLAlchemy's
"Can't reconnect until invalid transaction is rolled back" and exited 1; right after the
COMMIT, SQLAlchemy's own assertion and its traceback; a moment later, the usual line,
which says what was being written was rolled back, of a migration that had been
committed. A real SIGINT is sent at each moment: the command runs in a subprocess that
sends itself SIGINT before a given SQL statement, or right after the first COMMIT
returns, so the moment is the same on every run.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tracker.db import head_revision

# Runs ``tracker ARGS`` as the `tracker` command does, with a SIGINT at a moment:
# "before:TEXT" before the first SQL statement that starts with TEXT, "commit" as soon as
# the first COMMIT has returned, "call-after-commit" at the first Python call after it,
# "after-commit:TEXT" before the first statement that starts with TEXT after that COMMIT,
# "exit" in the interpreter's shutdown, once the command has ended.
CHILD = textwrap.dedent(
    """
    import os, signal, sys, threading, time

    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.engine.default import DefaultDialect

    moment, args = sys.argv[1], sys.argv[2:]
    kind, _, text = moment.partition(":")
    committed = []

    def interrupt():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)  # the signal's KeyboardInterrupt comes here, at once (if not ignored)

    @event.listens_for(Engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        armed = kind == "before" or (kind == "after-commit" and committed)
        if armed and statement.lstrip().startswith(text):
            event.remove(Engine, "before_cursor_execute", before)
            interrupt()

    commit = DefaultDialect.do_commit

    def first_call(frame, event, arg):
        if event == "call":
            sys.setprofile(None)
            interrupt()

    def do_commit(self, dbapi_connection):
        commit(self, dbapi_connection)
        if not committed:
            committed.append(True)
            if kind == "commit":
                interrupt()
            elif kind == "call-after-commit":  # where a signal that came during the
                sys.setprofile(first_call)  # COMMIT's C call is raised: the next call

    DefaultDialect.do_commit = do_commit
    if kind == "exit":
        threading._register_atexit(interrupt)  # run by threading's shutdown
    sys.argv = ["tracker", *args]
    from tracker.__main__ import main

    main()
    """
)


def _tracker(moment: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, moment, *args],
        capture_output=True,
        text=True,
        timeout=120,
        # a shell's background job ignores SIGINT; the tracker here must not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _state(path: Path) -> tuple[str | None, int] | None:
    """The file's revision and number of plans; None when there is no file."""
    if not path.exists():
        return None
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        revision = (
            connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            if "alembic_version" in tables
            else None
        )
        plans = connection.execute("SELECT COUNT(*) FROM plans").fetchone()[0]
    return revision, plans


def test_interrupted_while_a_table_is_copied(tmp_path):
    """Alembic's batch copy of `positions` (a migration that alters it on SQLite)."""
    path = tmp_path / "new.db"
    result = _tracker("before:INSERT INTO _alembic_tmp_positions", "--db", path, "db", "upgrade")
    assert (result.returncode, result.stdout) == (130, ""), result.stderr
    assert result.stderr == "interrupted; the migration was rolled back, and no database was made\n"
    assert _state(path) is None


@pytest.mark.parametrize("moment", ["commit", "call-after-commit"])
def test_interrupted_right_after_the_commit(tmp_path, moment):
    """As the COMMIT returns it said "rolled back"; at the next call, in SQLAlchemy's
    transaction, its assertion ``not self.is_active`` failed, with a traceback."""
    path = tmp_path / "new.db"
    result = _tracker(moment, "--db", path, "db", "upgrade")
    assert (result.returncode, result.stdout) == (130, ""), result.stderr
    assert result.stderr == (
        "interrupted, but the migration had been committed: the database is at revision "
        f"{head_revision()}\n"
    )
    assert _state(path) == (head_revision(), 1)  # migrated and seeded, as the line says


def test_interrupted_after_the_commit_before_the_last_line(tmp_path):
    """While the revision is read for the command's last line: it said "what was being
    written was rolled back"."""
    path = tmp_path / "new.db"
    moment = "after-commit:SELECT alembic_version.version_num"
    result = _tracker(moment, "--db", path, "db", "upgrade")
    assert result.returncode == 130, result.stderr
    assert result.stderr == (
        "interrupted, but the migration had been committed: the database is at revision "
        f"{head_revision()}\n"
    )
    assert _state(path) == (head_revision(), 1)


def test_an_older_store_interrupted_stays_at_its_revision(tmp_path, invoke):
    path = tmp_path / "old.db"
    invoke("--db", path, "db", "upgrade", "0005")
    result = _tracker("before:CREATE TABLE seedings", "--db", path, "db", "upgrade")
    assert result.returncode == 130, result.stderr
    assert result.stderr == (
        "interrupted; the migration was rolled back: the database is still at revision 0005\n"
    )
    assert _state(path) == ("0005", 0)


def test_an_interrupted_downgrade_is_rolled_back(tmp_path, invoke):
    path = tmp_path / "t.db"
    invoke("--db", path, "db", "upgrade")
    result = _tracker(
        "before:DROP TABLE seedings", "--db", path, "db", "downgrade", "0006", "--yes"
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr == (
        "interrupted; the migration was rolled back: the database is still at revision "
        f"{head_revision()}\n"
    )
    assert _state(path) == (head_revision(), 1)


def test_a_ctrl_c_once_the_command_has_ended_is_ignored(tmp_path):
    """In the interpreter's shutdown, after the command's last line: Python printed
    "Exception ignored in: <function _shutdown …>" and a traceback."""
    path = tmp_path / "new.db"
    result = _tracker("exit", "--db", path, "db", "upgrade")
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert result.stdout.startswith(f"database at revision {head_revision()}; loaded the seed")


def test_a_new_store_made_by_seed_interrupted_while_a_table_is_copied(tmp_path):
    """`seed`, `ingest` and the other writers migrate a new store too: the usual line
    (nothing of it is kept), not SQLAlchemy's error and status 1."""
    path = tmp_path / "new.db"
    moment = "before:INSERT INTO _alembic_tmp_positions"
    result = _tracker(moment, "--db", path, "seed", "--no-articles")
    assert (result.returncode, result.stdout) == (130, ""), result.stderr
    assert result.stderr == (
        "interrupted; what was being written was rolled back, and what was committed before "
        "is kept\n"
    )
    assert _state(path) is None
