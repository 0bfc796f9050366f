"""Interruptions, --strict, --dry-run, integrity checks and hostile strings."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from tracker.db import make_engine
from tracker.schema import Article, Position, Sentence

DEV = Path(__file__).parent / "data" / "dev"


def _corpus(folder: Path, count: int) -> Path:
    sources = sorted(DEV.glob("dev-*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        body = sources[n % len(sources)].read_text(encoding="utf-8")
        (folder / f"a{n:04d}.txt").write_text(f"{body}\n\nCopy {n}.\n", encoding="utf-8")
    return folder


def _count(url: str, table) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        value = connection.execute(select(func.count()).select_from(table)).scalar_one()
    engine.dispose()
    return value


def _start(url: str, folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", url, "ingest", "-q", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_articles(url: str, process: subprocess.Popen, at_least: int) -> None:
    deadline = time.monotonic() + 120
    while _count(url, Article) < at_least:
        assert process.poll() is None, "ingest ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.05)


@pytest.mark.parametrize("how", ["kill", "interrupt"])
def test_interrupted_ingest_keeps_whole_articles_and_resumes(db_url, tmp_path, invoke, how):
    folder = _corpus(tmp_path / "in", 400)
    process = _start(db_url, folder)
    _wait_for_articles(db_url, process, 60)
    process.send_signal(signal.SIGKILL if how == "kill" else signal.SIGINT)
    out, err = process.communicate(timeout=60)
    if how == "interrupt":
        assert process.returncode == 130
        assert "interrupted; every article already committed is kept" in err
        assert "Traceback" not in err
    stored = _count(db_url, Article)
    assert 0 < stored < 400
    check = invoke("--db", db_url, "db", "check")  # opens, and every article is whole
    assert "no problems found" in check.output
    result = invoke("--db", db_url, "ingest", "-q", folder)
    assert f"{400 - stored} new, {stored} skipped, 0 failed" in result.output
    assert _count(db_url, Article) == 400


@pytest.mark.parametrize("workers", [1, 2])
def test_strict_stops_at_the_first_failure(db_url, tmp_path, invoke, workers):
    """What came before the failure is stored, with any number of workers."""
    (tmp_path / "a.txt").write_text("China called for a ceasefire.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("date 2023-02-30 Bad date.", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Ukraine called for a withdrawal of troops.", encoding="utf-8")
    result = invoke("--db", db_url, "ingest", "--strict", "--workers", workers, tmp_path, expect=1)
    assert "1 new, 0 skipped, 1 failed" in result.output
    assert _count(db_url, Article) == 1


def test_dry_run_writes_nothing(db_url, invoke):
    result = invoke("--db", db_url, "ingest", "--dry-run", DEV / "dev-01.txt")
    assert result.output.startswith("dry run: articles: 1 new")
    assert _count(db_url, Article) == 0 and _count(db_url, Sentence) == 0


def test_a_dry_run_creates_no_store(invoke, empty_db_url, tmp_path):
    """With no store yet (a SQLite path with no file, an empty PostgreSQL database), a dry
    run codes with the seed plans and actors and leaves nothing behind."""
    path = tmp_path / "new.db"
    result = invoke("--db", path, "ingest", "--dry-run", DEV / "dev-01.txt")
    assert result.output.startswith("dry run: articles: 1 new")
    assert " 0 positions" not in result.output  # it coded, with the seeds
    assert not path.exists()
    invoke("--db", empty_db_url, "ingest", "--dry-run", DEV / "dev-01.txt")
    from sqlalchemy import inspect

    engine = make_engine(empty_db_url)
    assert inspect(engine).get_table_names() == []
    engine.dispose()


@pytest.mark.parametrize(
    "command, what",
    [
        (["ingest", ""], "a file, a folder or - (standard input)"),
        (["ingest", "x.txt", " "], "a file, a folder or - (standard input)"),
        (["evaluate", ""], "a folder"),
        (["train", "", "--out", "m.json"], "a folder"),
    ],
)
def test_an_empty_path_is_an_error_not_the_current_folder(invoke, tmp_path, command, what):
    path = tmp_path / "t.db"
    result = invoke("--db", path, *command, expect=1)
    assert result.output.splitlines() == [
        f"Error: an empty path (a blank shell variable?): name {what}"
    ]
    assert not path.exists()


def test_check_finds_articles_without_sentences(db_url, invoke):
    invoke("--db", db_url, "ingest", DEV / "dev-01.txt")
    assert "no problems found" in invoke("--db", db_url, "db", "check").output
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM positions"))
        connection.execute(text("DELETE FROM links"))
        connection.execute(text("DELETE FROM sentences"))
    engine.dispose()
    result = invoke("--db", db_url, "db", "check", expect=1)
    assert "articles without sentences: 1  PROBLEM" in result.output


@pytest.mark.parametrize(
    "name", ["O'Brien", "100%", "a_b", "back\\slash", "x'; DROP TABLE actors; --", '"quoted"']
)
def test_hostile_actor_filters_are_plain_text(db_url, invoke, name):
    invoke("--db", db_url, "ingest", DEV / "dev-01.txt")
    before = _count(db_url, Position)
    result = invoke("--db", db_url, "position", "--actor", name, expect=1)
    assert result.output.startswith("Error: no actor matches")
    assert _count(db_url, Position) == before


def test_hostile_text_is_stored_verbatim(db_url, invoke, tmp_path):
    sentence = "Mr Xi said '); DROP TABLE articles; -- 100% of_it \\ must support a ceasefire."
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"text": sentence, "date": "2023-03-01"}) + "\n", encoding="utf-8")
    invoke("--db", db_url, "ingest", path)
    # read back as stored, whatever the coder made of it
    query = "SELECT s.text, a.source FROM sentences s JOIN articles a ON a.id = s.article_id"
    rows = [
        json.loads(line)
        for line in invoke("--db", db_url, "sql", query, "--format", "jsonl").output.splitlines()
    ]
    assert [r["text"] for r in rows] == [sentence]
    assert os.path.basename(rows[0]["source"]) == "x.jsonl"


def test_oversized_inputs_are_refused_with_bounded_memory(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("w", encoding="utf-8") as handle:  # 20 MB of text
        line = "China called for a ceasefire and peace talks. " * 20 + "\n"
        while handle.tell() < 20 * 1024 * 1024:
            handle.write(line)
    lines = tmp_path / "lines.jsonl"
    lines.write_text(
        json.dumps({"text": "x" * (5 * 1024 * 1024)})
        + "\n"
        + json.dumps({"text": "Ukraine called for the withdrawal of Russian troops."})
        + "\n",
        encoding="utf-8",
    )
    good = tmp_path / "good.txt"
    good.write_text("Mr Xi urged a ceasefire.", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    code = (  # VmHWM: this process's own peak (getrusage's survives exec from pytest)
        "import re, sys; from tracker.cli import cli\n"
        "try:\n    cli()\nexcept SystemExit as exit:\n"
        "    status = open('/proc/self/status').read()\n"
        "    print('RSS', int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) // 1024)\n"
        "    sys.exit(exit.code)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, "--db", url, "ingest", str(big), str(lines), str(good)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert f"{big}: an article larger than 2 MB; split it" in run.stderr
    assert f"{lines}:1: a JSON Lines line larger than 2 MB; split its article, or" in run.stderr
    assert "2 new, 0 skipped, 2 failed" in run.stdout
    peak_mb = int(run.stdout.split("RSS")[1])
    assert peak_mb < 250, f"peak memory {peak_mb} MB"


def test_locked_sqlite_file_is_a_clear_error(tmp_path, invoke, monkeypatch):
    import sqlite3

    path = tmp_path / "locked.db"
    invoke("--db", f"sqlite:///{path}", "db", "upgrade")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        monkeypatch.setenv("TRACKER_SQLITE_TIMEOUT", "0.3")
        result = invoke("--db", f"sqlite:///{path}", "ingest", DEV / "dev-01.txt", expect=1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "locked by another program" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _count(f"sqlite:///{path}", Article) == 0


def test_database_at_an_older_revision_is_upgraded_by_a_writer(db_url, invoke):
    invoke("--db", db_url, "db", "downgrade", "0001", "--yes")
    assert "current: 0001" in invoke("--db", db_url, "db", "current").output
    invoke("--db", db_url, "report", "--list")
    refused = invoke("--db", db_url, "report", "coverage", expect=1).output
    assert "revision 0001" in refused and "`tracker db upgrade`" in refused
    assert "current: 0001" in invoke("--db", db_url, "db", "current").output
    invoke("--db", db_url, "ingest", DEV / "dev-01.txt")
    output = invoke("--db", db_url, "report", "coverage", "--format", "csv").output
    assert output.startswith("plan,")
    head = invoke("--db", db_url, "db", "current").output
    assert head.splitlines()[0].split()[-1] == head.splitlines()[1].split()[-1]


def test_sigterm_ends_any_command_in_one_line(db_url, invoke):
    """SIGTERM (``kill``, a service manager) ends a command that is not an ingest as Ctrl-C
    does: one line that fits any command, status 130, no traceback (it used to be the
    default: status 143 and nothing said)."""
    invoke("--db", db_url, "ingest", DEV / "dev-01.txt")
    endless = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", db_url, "sql", endless, "--timeout", "120"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)
    assert process.poll() is None, process.communicate()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip().splitlines() == [
        "interrupted; what was being written was rolled back, and what was committed before is kept"
    ]


def test_an_interrupted_first_ingest_leaves_no_empty_store(invoke, tmp_path, monkeypatch):
    """Ctrl-C or SIGTERM while a new SQLite store is being made (its file created, its
    tables not yet) leaves no file behind: an empty one would pass for a store that `db
    check` refuses."""
    from tracker import db

    def interrupted(engine):
        with engine.connect():  # the file exists now, with no tables
            pass
        raise KeyboardInterrupt

    monkeypatch.setattr(db, "ensure_schema", interrupted)
    path = tmp_path / "new.db"
    result = invoke("--db", path, "ingest", DEV / "dev-01.txt", expect=130)
    assert "interrupted;" in result.output
    assert not path.exists()


def test_db_upgrade_with_a_broken_seed_file_makes_no_store(invoke, empty_db_url, own_seeds):
    """`db upgrade` on a new store checks the seed files before migrating, as `ingest` and
    `seed` do: a broken plan file left a store at head with no plan and no actor, which
    `db check` passed and every command then read as empty."""
    plan = own_seeds / "plans" / "china-2023.toml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("number = 4", "number = 3", 1), encoding="utf-8"
    )
    result = invoke("--db", empty_db_url, "db", "upgrade", expect=1)
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1
    assert "number 3" in result.output
    if empty_db_url.startswith("sqlite"):
        assert not Path(empty_db_url.removeprefix("sqlite:///")).exists()
    else:
        with make_engine(empty_db_url).connect() as connection:
            assert inspect(connection).get_table_names() == []


def test_an_interrupted_first_db_upgrade_leaves_no_store_without_plans(
    invoke, empty_db_url, monkeypatch
):
    """Ctrl-C after the migrations of a new store but before its seeding left a schema
    with no plan and no actor, which `db check` passed: they are one transaction now."""
    from tracker import seeds

    def interrupted(connection, folder=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(seeds, "load_seeds", interrupted)
    invoke("--db", empty_db_url, "db", "upgrade", expect=130)
    if empty_db_url.startswith("sqlite"):
        assert not Path(empty_db_url.removeprefix("sqlite:///")).exists()
    else:
        with make_engine(empty_db_url).connect() as connection:
            assert inspect(connection).get_table_names() == []
    monkeypatch.undo()
    upgraded = invoke("--db", empty_db_url, "db", "upgrade").output
    assert "loaded the seed plans and actors" in upgraded


def test_an_ingest_into_a_ready_store_takes_no_schema_lock(db_url):
    """Any role may hold PostgreSQL's advisory lock, a reader's `tracker sql` too: an ingest
    into a store at head that is seeded must not wait for it (every ingest took it)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("advisory locks are PostgreSQL's")
    from tracker.db import SCHEMA_LOCK

    holder = make_engine(db_url)
    with holder.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({SCHEMA_LOCK})")
        process = subprocess.run(
            [sys.executable, "-m", "tracker", "--db", db_url, "ingest", "-q", "-"],
            input="date 2024-01-11\nZelensky said Ukraine supports the ceasefire.\n",
            capture_output=True,
            text=True,
            timeout=120,  # a guard against hanging, not a measurement
        )
        connection.exec_driver_sql(f"SELECT pg_advisory_unlock({SCHEMA_LOCK})")
    holder.dispose()
    assert process.returncode == 0, process.stderr
    assert "1 new" in process.stdout and "waiting" not in process.stderr


def test_a_database_error_mid_ingest_still_prints_what_was_kept(invoke, db_url, monkeypatch):
    """A full disk or a lost server ends an ingest with the summary of what was committed
    before it, then the cause in one line (the summary was missing)."""
    from sqlalchemy.exc import OperationalError

    from tracker import ingest as ingest_module

    real = ingest_module._code_and_write

    def full_disk(engine, fresh, decider, summary, *args):
        real(engine, iter([next(fresh)]), decider, summary, *args)  # one article stored
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(ingest_module, "_code_and_write", full_disk)
    result = invoke("--db", db_url, "ingest", DEV / "dev-01.txt", DEV / "dev-02.txt", expect=1)
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("articles: 1 new, 0 skipped, 0 failed;"), lines
    assert lines[-1] == (
        "Error: database error: database or disk is full; what was committed before is kept"
    )
    assert _count(db_url, Article) == 1


def test_a_full_disk_is_named_even_when_the_clean_up_after_it_fails_too(tmp_path):
    """On a full disk SQLite rolls back by itself, so the clean-up after the error fails
    as well ("no such savepoint": what `review import` and `db upgrade` printed); the
    error line names the first error, the full disk. Both errors are SQLite's own: the
    database is capped at its current size with ``PRAGMA max_page_count``."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError

    from tracker.cli import _database_line

    engine = create_engine(f"sqlite:///{tmp_path / 'small.db'}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (body TEXT)")
        connection.commit()
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(DBAPIError) as raised:
            try:
                connection.exec_driver_sql("INSERT INTO notes VALUES (?)", ("x" * 100_000,))
            except DBAPIError:
                connection.exec_driver_sql("ROLLBACK TO SAVEPOINT gone")
    engine.dispose()
    assert "no such savepoint" in str(raised.value)
    assert _database_line(raised.value) == (
        "database error: database or disk is full; what was committed before is kept"
    )


HUGE = str(2**70)  # more than any database's integer holds
PAST_POSTGRES = str(2**31)  # more than PostgreSQL's integer, which an article's id is


@pytest.mark.parametrize("number", [HUGE, PAST_POSTGRES])
@pytest.mark.parametrize(
    "command",
    [
        ("position", "--article", "N"),
        ("review", "--article", "N"),
        ("articles", "show", "N"),
        ("articles", "set-date", "N", "2023-01-01"),
        ("articles", "remove", "N", "--yes"),
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_an_id_too_large_for_the_database_is_no_such_article(db_url, invoke, command, number):
    """A number past 64 bits failed in SQLite's driver (OverflowError, a traceback); one
    past 32 bits was "database error: integer out of range" on PostgreSQL alone."""
    invoke("--db", db_url, "ingest", DEV / "dev-01.txt")
    before = _count(db_url, Article)
    command = tuple(number if part == "N" else part for part in command)
    result = invoke("--db", db_url, *command, expect=1)
    assert f"no article with id {number}; `tracker articles` lists them" in result.output
    assert len(result.output.splitlines()) == 1 and result.output.startswith("Error:")
    assert _count(db_url, Article) == before


def test_a_limit_past_what_a_database_counts_is_no_limit(db_url, invoke):
    invoke("--db", db_url, "ingest", DEV / "dev-01.txt")
    every = invoke("--db", db_url, "position", "--format", "json").output
    assert json.loads(every)
    for listing in (("position",), ("links",), ("actors",), ("points",), ("articles",)):
        limited = invoke("--db", db_url, *listing, "--limit", HUGE, "--format", "json").output
        assert limited == invoke("--db", db_url, *listing, "--format", "json").output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command",
    [["articles"], ["position", "--format", "jsonl"], ["--version"], ["--help"], ["db", "current"]],
)
def test_output_to_a_full_disk_is_one_line(db_url, tmp_path, invoke, command):
    """Standard output that cannot be written (here /dev/full, which says the disk is
    full) was a 37-line traceback; click handles only a reader that went away."""
    invoke("--db", db_url, "ingest", DEV / "dev-01.txt")
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "tracker", "--db", db_url, *command],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["Error: cannot write: No space left on device"]


def test_a_source_filter_longer_than_any_path_is_one_line_on_both_databases(db_url, invoke):
    """SQLite refused a LIKE pattern past 50,000 bytes as a database error, where
    PostgreSQL found nothing."""
    invoke("--db", db_url, "ingest", DEV / "dev-01.txt")
    result = invoke("--db", db_url, "articles", "--source", "A" * 100_000, expect=1)
    assert result.output == (
        "Error: --source is 100000 characters long; give at most 4096 "
        "(a part of the source's name or path)\n"
    )
    found = invoke("--db", db_url, "articles", "--source", "dev-01", "--format", "json")
    assert len(json.loads(found.output)) == 1


def test_a_speaker_name_longer_than_the_store_keeps_loses_no_article(db_url, invoke):
    """Garbled text made an unknown speaker of two 120-letter words: SQLite kept the
    article, PostgreSQL refused it whole ("value too long for type character varying")."""
    from tracker.coder.actors import LONGEST_NAME
    from tracker.schema import Actor

    assert LONGEST_NAME == Actor.name.property.columns[0].type.length
    text = (
        "date 2023-03-01 A" + "b" * 120 + " C" + "d" * 120 + " said that China's 12-point "
        "plan was a good basis for peace talks. Jane Roe said the plan was a good basis too."
    )
    result = invoke("--db", db_url, "ingest", "-", input=text)
    assert "1 new" in result.output and "0 failed" in result.output
    names = {
        r["actor"] for r in map(json.loads, invoke("--db", db_url, "position").output.splitlines())
    }
    assert "Jane Roe" in names and not any(len(n) > LONGEST_NAME for n in names)


def test_an_interrupted_run_is_recorded_on_a_new_connection_if_the_old_one_fails(tmp_path):
    """After Ctrl-C the pool could hand back a connection left inside the interrupted
    transaction, and the run stayed `running`: its end is written again on new connections.
    A run that finished still raises such an error."""
    from sqlalchemy.exc import OperationalError

    from tracker.ingest import _finish_run

    class Run:
        def __init__(self, failures: int) -> None:
            self.failures, self.recorded = failures, []

        def finish(self, articles: int, outcome: str) -> None:
            if self.failures:
                self.failures -= 1
                raise OperationalError("UPDATE coding_runs", {}, Exception("invalid transaction"))
            self.recorded.append((articles, outcome))

    engine = make_engine(f"sqlite:///{tmp_path / 'runs.db'}")
    run = Run(failures=1)
    _finish_run(engine, run, 350, "interrupted")
    assert run.recorded == [(350, "interrupted")]
    _finish_run(engine, Run(failures=2), 0, "failed")  # given up: the stopping error wins
    with pytest.raises(OperationalError):
        _finish_run(engine, Run(failures=1), 3, "finished")
