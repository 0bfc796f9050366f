"""Which commands may create, migrate or lock the store, and the db commands' one-line errors.

Only `ingest`, `seed` and `db upgrade` create a store; commands that only read
need an existing one at the current revision, change nothing and never wait for
a writer; a mistyped or blank --db is an error, not a new file.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from tracker import db
from tracker.resources import seeds_dir

SQLITE_ONLY = pytest.mark.parametrize("template_url", ["sqlite"], indirect=True)
SEED = seeds_dir() / "articles" / "seed.txt"

READERS = [
    ["points"],
    ["actors"],
    ["links"],
    ["position"],
    ["sql", "SELECT 1 AS x"],
    ["report", "coverage"],
]
ADMIN = [["db", "current"], ["db", "check"], ["db", "downgrade", "0001"]]


def _error(result) -> str:
    output = result.output.strip()
    assert result.exit_code == 1, (result.exit_code, output, result.exception)
    assert output.startswith("Error:") and len(output.splitlines()) == 1, output
    return output


def _revision(url: str) -> str | None:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        revision = db.current_revision(connection)
    engine.dispose()
    return revision


# ------------------------------------------------------------------ a store that is not there


@pytest.mark.parametrize("command", READERS + ADMIN, ids=" ".join)
@pytest.mark.parametrize("form", ["path", "url", "uri", "read-only uri", "file: name"])
def test_a_missing_sqlite_file_is_an_error_for_readers(invoke, tmp_path, command, form):
    """The file: forms were opened as they came, so a mistyped one was a new empty file
    and "no tracker tables yet; create them with tracker db upgrade"."""
    path = tmp_path / "typo.db"
    url = {
        "path": str(path),
        "url": f"sqlite:///{path}",
        "uri": f"sqlite:///file:{path}?uri=true",
        "read-only uri": f"sqlite:///file:{path}?immutable=1&uri=true",
        "file: name": f"sqlite:///{tmp_path}/file:typo.db",  # no uri=true: that very name
    }[form]
    if form == "file: name":
        path = tmp_path / "file:typo.db"
    output = _error(invoke("--db", url, *command, expect=None))
    assert f"no database at {path}" in output and "tracker db upgrade" in output
    assert not path.exists()


def test_evaluate_with_use_db_needs_an_existing_store(invoke, tmp_path):
    path = tmp_path / "typo.db"
    gold = tmp_path / "gold"
    gold.mkdir()
    result = invoke("--db", path, "evaluate", gold, "--use-db", expect=None)
    assert result.exit_code == 1 and not path.exists()


@pytest.mark.parametrize(
    "command",
    [["ingest", SEED], ["seed", "--no-articles"], ["db", "upgrade"]],
    ids=["ingest", "seed", "db upgrade"],
)
def test_ingest_seed_and_db_upgrade_create_a_usable_store(invoke, tmp_path, command):
    path = tmp_path / "new.db"
    invoke("--db", path, *command)
    assert path.exists() and _revision(f"sqlite:///{path}") == db.head_revision()
    assert "sanctions" in invoke("--db", path, "points", "--format", "csv").output
    assert "Volodymyr Zelensky" in invoke("--db", path, "actors", "--format", "csv").output


@pytest.mark.parametrize("url", ["", "  ", "\t", "sqlite:///  "])
def test_a_blank_store_name_is_refused(invoke, tmp_path, monkeypatch, url):
    monkeypatch.chdir(tmp_path)
    for command in (["points"], ["ingest", SEED], ["db", "upgrade"]):
        assert "blank" in _error(invoke("--db", url, *command, expect=None))
    if url:  # an empty variable is an unset one
        monkeypatch.setenv(db.URL_ENV, url)
        assert "blank" in _error(invoke("points", expect=None))
    assert list(tmp_path.iterdir()) == []


def test_an_empty_database_asks_for_db_upgrade(invoke, empty_db_url):
    if empty_db_url.startswith("sqlite"):
        Path(make_url(empty_db_url).database).touch()  # an empty file is an empty database
    for command in READERS:
        output = _error(invoke("--db", empty_db_url, *command, expect=None))
        assert "no tracker tables" in output and "tracker db upgrade" in output, command
    assert _revision(empty_db_url) is None
    invoke("--db", empty_db_url, "db", "upgrade")
    assert "sanctions" in invoke("--db", empty_db_url, "points", "--format", "csv").output


# --------------------------------------------------------------------------- readers change nothing


def test_readers_on_an_older_store_ask_for_db_upgrade(invoke, db_url):
    invoke("--db", db_url, "db", "downgrade", "0001", "--yes")
    for command in READERS:
        output = _error(invoke("--db", db_url, *command, expect=None))
        assert "revision 0001" in output and "`tracker db upgrade`" in output, command
    assert _revision(db_url) == "0001"
    assert (
        "database at revision " + db.head_revision()
        in invoke("--db", db_url, "db", "upgrade").output
    )
    for command in READERS:
        invoke("--db", db_url, *command)


def test_a_writer_still_upgrades_an_older_store(invoke, db_url):
    invoke("--db", db_url, "db", "downgrade", "0001", "--yes")
    assert "1 new" in invoke("--db", db_url, "ingest", SEED).output
    assert _revision(db_url) == db.head_revision()


def test_readers_do_not_wait_for_the_write_lock(invoke, db_url, monkeypatch):
    """A writer holding the store (SQLite's write lock, PostgreSQL's schema lock) stops no
    reader."""
    if db_url.startswith("sqlite"):
        holder = sqlite3.connect(make_url(db_url).database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        monkeypatch.setenv(db.SQLITE_TIMEOUT_ENV, "0.3")
    else:
        engine = db.make_engine(db_url)
        holder = engine.connect()
        holder.execute(text(f"SELECT pg_advisory_lock({db.SCHEMA_LOCK})"))
        monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=2000")  # fail, not hang, if it waits
    try:
        for command in READERS:
            invoke("--db", db_url, *command)
    finally:
        holder.close()  # ends the transaction or the session, and with it the lock
        if not db_url.startswith("sqlite"):
            engine.dispose()


# --------------------------------------------------------------------------- db upgrade, downgrade


@pytest.mark.parametrize(
    "command",
    [["upgrade", "abc"], ["downgrade", "9999"], ["upgrade", "+5"], ["downgrade", "nope-1"]],
    ids=" ".join,
)
def test_an_unknown_revision_is_one_line(invoke, db_url, command):
    output = _error(invoke("--db", db_url, "db", *command, expect=None))
    assert f"cannot {command[0]} to {command[1]!r}" in output and "nothing was changed" in output
    assert _revision(db_url) == db.head_revision()


DEPTH = len(db.known_revisions())  # downgrading this many steps reaches base


@pytest.mark.parametrize("revision", ["base", f"-{DEPTH}", "0001-1", f"head-{DEPTH}"])
def test_downgrade_to_base_asks_first(invoke, db_url, revision):
    result = invoke("--db", db_url, "db", "downgrade", "--", revision, input="n\n", expect=1)
    assert "removes every table" in result.output
    assert "Error: not confirmed; nothing was changed" in result.output
    assert _revision(db_url) == db.head_revision()
    assert invoke("--db", db_url, "db", "downgrade", "--", revision, expect=1)  # no answer
    assert _revision(db_url) == db.head_revision()
    invoke("--db", db_url, "db", "downgrade", "--", revision, input="y\n")
    assert _revision(db_url) is None


def test_after_downgrade_to_base_commands_point_to_db_upgrade(invoke, db_url):
    result = invoke("--db", db_url, "db", "downgrade", "base", "--yes")
    assert result.output == "database at revision base\n"
    for command in READERS:
        output = _error(invoke("--db", db_url, *command, expect=None))
        assert "tracker db upgrade" in output and "no tracker revision" not in output, command
    assert "current: none" in invoke("--db", db_url, "db", "current").output
    assert "loaded the seed plans" in invoke("--db", db_url, "db", "upgrade").output
    assert "sanctions" in invoke("--db", db_url, "points", "--format", "csv").output


def test_every_downgrade_asks_naming_what_it_undoes(invoke, db_url):
    """A downgrade that keeps the tables still removes what the migrations it undoes added,
    with its data (0005 the analysts' review decisions, 0006 which points are retired): it
    asks first, like base. The migrations that change views only are said to remove no
    data, and a title wrapped over two lines is named whole."""
    result = invoke("--db", db_url, "db", "downgrade", "0009", input="n\n", expect=1)
    assert (
        "undoes 0010 (report_positions: one row per decision where a retired point shares a"
        " live one's number, and a removed article's corrected position stays corrected),"
        " which changes views only (no stored data is removed), in "
    ) in result.output
    assert "with its data" not in result.output
    result = invoke("--db", db_url, "db", "downgrade", "0008", input="n\n", expect=1)
    assert "), 0009 (report_positions: a decision's status says whether" in result.output
    result = invoke("--db", db_url, "db", "downgrade", "0007", input="n\n", expect=1)
    assert "), 0008 (report_positions: a reviewed position whose article" in result.output
    result = invoke("--db", db_url, "db", "downgrade", "0005", input="n\n", expect=1)
    assert "0007 (seedings: which plan and actor files the store holds), 0006 (retired" in (
        result.output
    )
    assert (
        "and removes what 0007, 0006 added, with its data (0010, 0009, 0008 change views only)"
    ) in result.output
    assert "Error: not confirmed; nothing was changed" in result.output
    assert _revision(db_url) == db.head_revision()
    result = invoke("--db", db_url, "db", "downgrade", "0004", input="n\n", expect=1)
    assert "no longer coded), 0005 (review decisions" in result.output
    assert "removes what 0007, 0006, 0005 added, with its data (0010" in result.output
    assert _revision(db_url) == db.head_revision()
    result = invoke("--db", db_url, "db", "downgrade", "--", "-7", input="n\n", expect=1)
    assert "0005 (review decisions" in result.output
    assert ", 0004 (coding runs" in result.output
    result = invoke("--db", db_url, "db", "downgrade", "0002", input="n\n", expect=1)
    assert (  # 0003's downgrade removes nothing: its hashes and merges stay, and it says so
        "removes what 0007, 0006, 0005, 0004 added, with its data (0010, 0009, 0008 change "
        "views only; 0003 keeps the new hashes and the merged articles, so an older version "
        "stores an article it reads again once more)"
    ) in result.output
    assert _revision(db_url) == db.head_revision()
    assert invoke("--db", db_url, "db", "downgrade", "0001", input="y\n").output.endswith(
        "database at revision 0001\n"
    )
    result = invoke("--db", db_url, "db", "downgrade", "--yes", "--", "-1")
    assert result.output == "database at revision base\n"


def test_upgrade_to_an_older_revision_says_nothing_changed(invoke, db_url):
    output = invoke("--db", db_url, "db", "upgrade", "0003").output
    assert output == (
        f"database at revision {db.head_revision()}; 0003 is older, so nothing was changed "
        "(db downgrade goes back)\n"
    )
    assert _revision(db_url) == db.head_revision()


def test_a_store_that_is_not_trackers_is_still_refused(invoke, empty_db_url):
    engine = db.make_engine(empty_db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE other (x INTEGER)"))
    engine.dispose()
    commands = (["points"], ["ingest", SEED], ["db", "upgrade"], ["seed"])
    # db downgrade said "database at revision base", exit 0, and made Alembic's version
    # table beside the other program's
    for command in (*commands, ["db", "downgrade", "base", "--yes"]):
        output = _error(invoke("--db", empty_db_url, *command, expect=None))
        assert "has tables but no tracker revision" in output, command
    # db upgrade wrote tracker's tables beside the other program's, and db current called
    # the database empty
    engine = db.make_engine(empty_db_url)
    with engine.connect() as connection:
        assert inspect(connection).get_table_names() == ["other"]
    engine.dispose()
    current = invoke("--db", empty_db_url, "db", "current").output
    assert current.startswith("current: none (tables, but no tracker revision")


def test_another_program_s_revision_is_one_line_for_db_check_too(invoke, empty_db_url):
    """Another program's alembic_version (a revision tracker does not know): `db check` ran
    its checks and failed on "relation sentences does not exist"."""
    engine = db.make_engine(empty_db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('ae1027a6acf')"))
    engine.dispose()
    for command in (["db", "check"], ["db", "downgrade", "base", "--yes"], ["points"]):
        output = _error(invoke("--db", empty_db_url, *command, expect=None))
        assert "at revision ae1027a6acf, which this version of tracker does not know" in (output), (
            command
        )


# --------------------------------------------------------------------------- TRACKER_SQLITE_TIMEOUT


@SQLITE_ONLY
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "-1", "abc", "3000000"])
def test_a_bad_sqlite_timeout_is_one_line(invoke, db_url, monkeypatch, value):
    monkeypatch.setenv(db.SQLITE_TIMEOUT_ENV, value)
    for command in (["points"], ["ingest", SEED], ["sql", "SELECT 1"]):
        output = _error(invoke("--db", db_url, *command, expect=None))
        assert "TRACKER_SQLITE_TIMEOUT must be a number of seconds from 0 to" in output


@SQLITE_ONLY
@pytest.mark.parametrize("value", ["0", "0.5", "2147483", "", "  "])
def test_a_good_sqlite_timeout_is_taken(invoke, db_url, monkeypatch, value):
    """A blank one is the default, as a blank TRACKER_DATABASE_URL is."""
    monkeypatch.setenv(db.SQLITE_TIMEOUT_ENV, value)
    invoke("--db", db_url, "points")
    assert db.sqlite_timeout() == (float(value) if value.strip() else 60.0)


def test_a_folder_or_an_ignored_url_option_as_db_is_one_clear_line(invoke, tmp_path, db_url):
    output = _error(invoke("--db", tmp_path, "actors", expect=None))
    assert output == f"Error: --db {tmp_path} is a folder: give a SQLite file"
    output = _error(invoke("--db", tmp_path / "no" / "x.db", "actors", expect=None))
    assert output.startswith(f"Error: no database at {tmp_path / 'no' / 'x.db'}")
    if db_url.startswith("sqlite"):
        path = db_url.removeprefix("sqlite:///")
        output = _error(invoke("--db", f"sqlite:///{path}?mode=ro", "actors", expect=None))
        assert "mode is honoured only in a file: URI" in output
        read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
        assert invoke("--db", read_only, "actors").output
        output = _error(invoke("--db", read_only, "ingest", SEED, expect=None))
        assert "readonly database" in output


def test_sql_that_does_not_start_a_query_names_what_does(invoke, db_url):
    output = _error(invoke("--db", db_url, "sql", "SELEC 1", expect=None))
    assert output.startswith(
        "Error: refused: a query here starts with SELECT, WITH, VALUES or EXPLAIN, not SELEC"
    )


def test_a_store_in_a_read_only_folder_says_how_to_read_it(invoke, tmp_path):
    """SQLite reads a WAL store by writing its -shm file beside it: in a folder nobody may
    write to (an archive, a share), a command that only reads failed with "unable to open
    database file" and no way out. The line now names the URI that reads it as it is."""
    folder = tmp_path / "archive"
    folder.mkdir()
    store = folder / "store.db"
    invoke("--db", store, "ingest", SEED)
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i needs root and a file system that has it")
    try:
        output = _error(invoke("--db", store, "position", expect=1))
        assert output.startswith("Error: database error: unable to open database file; if")
        assert "--db 'sqlite:///file:PATH?immutable=1&uri=true'" in output
        url = f"sqlite:///file:{store}?immutable=1&uri=true"
        assert invoke("--db", url, "position", "--format", "jsonl").output.count("\n") > 5
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_server_that_never_answers_is_one_line_not_a_hang(invoke, monkeypatch):
    """A server that takes the connection and never answers (a wrong port forwarded, a
    proxy): every command waited forever, as libpq does unless told otherwise."""
    import socket
    import threading
    import time

    pytest.importorskip("psycopg")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    held: list = []
    threading.Thread(target=lambda: held.append(listener.accept()), daemon=True).start()
    monkeypatch.setattr(db, "PG_CONNECT_TIMEOUT", 1)
    monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    started = time.monotonic()
    result = invoke("--db", f"postgresql://postgres@127.0.0.1:{port}/x", "points", expect=1)
    assert time.monotonic() - started < 20
    assert result.output.startswith("Error: ") and "timeout" in result.output
    assert len(result.output.splitlines()) == 1
    listener.close()


def test_a_tilde_in_db_names_the_home_folder_for_writers_and_readers(invoke, tmp_path, monkeypatch):
    """`--db=~/t.db` reaches tracker unexpanded (no shell expands it there): readers looked
    in $HOME, writers in a folder named "~" of the working directory."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    invoke("--db=~/t.db", "ingest", SEED)
    assert (home / "t.db").exists() and not (work / "~").exists()
    assert "seed.txt" in invoke("--db=~/t.db", "articles", "--format", "csv").output


def test_db_check_without_its_seeds_folder_is_one_error(invoke, db_url, monkeypatch, tmp_path):
    """It compared the store with files that are not there: "14 targets disagree", exit 0."""
    monkeypatch.setenv("TRACKER_SEEDS_DIR", str(tmp_path / "nonexist"))
    result = invoke("--db", db_url, "db", "check", expect=1)
    assert result.output == f"Error: no seeds folder at TRACKER_SEEDS_DIR={tmp_path / 'nonexist'}\n"
