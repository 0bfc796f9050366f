"""Failures while ingesting, on both stores: each is one line, counted once, and the rest goes on.

Write failures are made real with triggers on the sentences table (no mocks): one that
refuses a marked article's rows as they go in, and one that refuses them at COMMIT, as a
full disk does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from tracker.db import make_engine, prepare
from tracker.schema import Article

DEV = Path(__file__).parent / "data" / "dev"
MARKER = "REFUSE THIS ARTICLE"


def _count(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        value = connection.execute(select(func.count()).select_from(Article)).scalar_one()
    engine.dispose()
    return value


def _sources(url: str) -> set[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        found = set(connection.execute(select(Article.source)).scalars())
    engine.dispose()
    return found


def _execute(url: str, *statements: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def _refuse_marked_sentences(url: str, *, at_commit: bool) -> None:
    """A trigger that fails the transaction of any article with MARKER in a sentence: on
    insert, or only at COMMIT (a deferred check, as a disk that fills up fails the commit)."""
    marked = f"'%{MARKER}%'"
    if url.startswith("sqlite"):
        if at_commit:  # a deferred foreign key to nothing, checked at COMMIT
            _execute(
                url,
                "CREATE TABLE trap_parent (id INTEGER PRIMARY KEY)",
                "CREATE TABLE trap (parent INTEGER REFERENCES trap_parent (id) "
                "DEFERRABLE INITIALLY DEFERRED)",
                f"CREATE TRIGGER trap AFTER INSERT ON sentences WHEN NEW.text LIKE {marked} "
                "BEGIN INSERT INTO trap VALUES (-1); END",
            )
        else:
            _execute(
                url,
                f"CREATE TRIGGER trap BEFORE INSERT ON sentences WHEN NEW.text LIKE {marked} "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END",
            )
        return
    _execute(
        url,
        "CREATE FUNCTION trap() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by the test trigger'; END $$",
        (
            "CREATE CONSTRAINT TRIGGER trap AFTER INSERT ON sentences "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            if at_commit
            else "CREATE TRIGGER trap BEFORE INSERT ON sentences FOR EACH ROW "
        )
        + f"WHEN (NEW.text LIKE {marked}) EXECUTE FUNCTION trap()",
    )


def _three_articles(folder: Path) -> list[Path]:
    """Good, marked, good, in that order (one write batch)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "a.txt", folder / "b.txt", folder / "c.txt"]
    paths[0].write_text("China called for a ceasefire.", encoding="utf-8")
    paths[1].write_text(f"{MARKER}. Russia must withdraw its troops.", encoding="utf-8")
    paths[2].write_text("Ukraine called for a withdrawal of troops.", encoding="utf-8")
    return paths


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize("at_commit", [False, True], ids=["on-insert", "at-commit"])
def test_an_article_counts_as_new_only_once_committed(db_url, tmp_path, invoke, at_commit):
    """A batch that fails is written again article by article; an article whose own
    transaction then fails (even at COMMIT, as on a full disk) is failed, not new."""
    _refuse_marked_sentences(db_url, at_commit=at_commit)
    paths = _three_articles(tmp_path / "in")
    result = invoke("--db", db_url, "ingest", *paths, expect=1)
    assert "articles: 2 new, 0 skipped, 1 failed" in result.output
    errors = _errors(result.output)
    assert len(errors) == 1 and errors[0].startswith(f"error: {paths[1]}: not stored: ")
    assert "refused by the test trigger" in errors[0] or "FOREIGN KEY" in errors[0]
    assert "Traceback" not in result.output
    assert _sources(db_url) == {str(paths[0]), str(paths[2])}


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("at_commit", [False, True], ids=["on-insert", "at-commit"])
def test_strict_stop_at_a_write_failure_counts_what_was_committed(
    db_url, tmp_path, invoke, at_commit, workers
):
    _refuse_marked_sentences(db_url, at_commit=at_commit)
    paths = _three_articles(tmp_path / "in")
    result = invoke("--db", db_url, "ingest", "--strict", "--workers", workers, *paths, expect=1)
    assert "articles: 1 new, 0 skipped, 1 failed" in result.output
    assert _sources(db_url) == {str(paths[0])}


@pytest.mark.parametrize("workers", [1, 2])
def test_strict_stores_what_came_before_the_failure_with_any_workers(
    new_db_url, tmp_path, monkeypatch, workers
):
    """The failure comes several pool windows in: every article before it is stored, as
    with one worker, and none after it."""
    from tracker import ingest as ingest_module

    sources = sorted(DEV.glob("dev-*.txt"))
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(10):
        body = sources[n % len(sources)].read_text(encoding="utf-8")
        (folder / f"a{n:02d}.txt").write_text(f"{body}\n\nCopy {n}.\n", encoding="utf-8")
    (folder / "a07.txt").write_text("date 2023-02-30 No such day.", encoding="utf-8")
    monkeypatch.setattr(ingest_module, "POOL_WINDOW", 2)
    url = new_db_url()
    engine = make_engine(url)
    prepare(engine)
    summary = ingest_module.ingest(engine, [str(folder)], workers=workers, strict=True)
    engine.dispose()
    assert (summary.new, summary.skipped, summary.failed) == (7, 0, 1)
    assert _sources(url) == {str(folder / f"a{n:02d}.txt") for n in range(7)}


def test_copy_errors_on_postgresql_fail_one_article(db_url, tmp_path, invoke):
    """On PostgreSQL the rows go in by COPY, through psycopg rather than SQLAlchemy: its
    errors take the article-by-article path too (on SQLite, the same trigger's do)."""
    _refuse_marked_sentences(db_url, at_commit=False)
    paths = _three_articles(tmp_path / "in")
    result = invoke("--db", db_url, "ingest", "--workers", "2", *paths, expect=1)
    assert "articles: 2 new, 0 skipped, 1 failed" in result.output
    assert _errors(result.output) == [f"error: {paths[1]}: not stored: refused by the test trigger"]


def test_a_role_that_may_not_write_sentences_fails_each_article_in_one_line(
    new_db_url, tmp_path, invoke
):
    url = new_db_url()
    if not url.startswith("postgresql"):
        pytest.skip("roles and privileges are PostgreSQL's")
    role = f"tracker_reader_{uuid.uuid4().hex[:8]}"
    _execute(
        url,
        f"CREATE ROLE {role} LOGIN",
        f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE INSERT ON sentences FROM {role}",
    )
    try:
        limited = make_url(url).set(username=role).render_as_string(hide_password=False)
        paths = _three_articles(tmp_path / "in")
        result = invoke("--db", limited, "ingest", *paths, expect=1)
    finally:
        _execute(url, f"DROP OWNED BY {role}", f"DROP ROLE {role}")
    assert "articles: 0 new, 0 skipped, 3 failed" in result.output
    assert _errors(result.output) == [
        f"error: {path}: not stored: permission denied for table sentences" for path in paths
    ]
    assert "Traceback" not in result.output
    assert _count(url) == 0


def test_text_neither_store_can_hold_is_refused_alike(db_url, tmp_path, invoke):
    """A NUL character (which SQLite would store and PostgreSQL refuse) and a lone
    surrogate (which neither can encode) fail their line when read, on both stores."""
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"text": "China called for a ceasefire."}\n'
        '{"text": "Kyiv \\u0000 rejected it."}\n'
        '{"text": "Ukraine called for a withdrawal \\ud83d of troops."}\n'
        '{"text": "Mr Xi urged peace talks.", "title": "NUL \\u0000 in a title"}\n'
        '{"text": "Kazakhstan endorsed the plan."}\n',
        encoding="utf-8",
    )
    result = invoke("--db", db_url, "ingest", path, expect=1)
    assert "articles: 2 new, 0 skipped, 3 failed" in result.output
    assert _errors(result.output) == [
        f"error: {path}:2: 'text' holds a NUL character (\\u0000) at character 5",
        f"error: {path}:3: 'text' holds a lone surrogate (\\ud83d) at character 32: "
        "not valid Unicode",
        f"error: {path}:4: 'title' holds a NUL character (\\u0000) at character 4",
    ]
    assert "Traceback" not in result.output
    assert _count(db_url) == 2


def test_file_names_that_are_not_utf8_are_stored_escaped(db_url, tmp_path, invoke):
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder)
    with open(raw + b"/zz\xffbad.txt", "wb") as handle:
        handle.write(b"China called for a ceasefire.")
    with open(raw + b"/yy\xfe.txt", "wb") as handle:
        handle.write(b"date 2023-02-30 No such day.")
    (folder / "good.txt").write_text("Ukraine called for a withdrawal.", encoding="utf-8")
    for run in range(2):
        result = invoke("--db", db_url, "ingest", folder, expect=1)
        expected = "2 new, 0 skipped" if run == 0 else "0 new, 2 skipped"
        assert f"articles: {expected}, 1 failed" in result.output
        assert _errors(result.output) == [
            f"error: {folder}/yy\\xfe.txt: bad date '2023-02-30': no such day "
            "(day is out of range for month)"
        ]
    assert _sources(db_url) == {f"{folder}/zz\\xffbad.txt", f"{folder}/good.txt"}


def _ingest_process(url: str, *args: str) -> subprocess.CompletedProcess:
    """In a process of its own, with a time limit: what is tested here used to hang."""
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--db", url, "ingest", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_special_files_are_refused_not_waited_on(db_url, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("China called for a ceasefire.", encoding="utf-8")
    os.mkfifo(folder / "a.txt")
    os.mkfifo(folder / "b.jsonl")
    os.mkfifo(tmp_path / "named.txt")
    run = _ingest_process(db_url, str(folder), str(tmp_path / "named.txt"))
    assert run.returncode == 1
    assert "articles: 1 new, 0 skipped, 3 failed" in run.stdout
    assert _errors(run.stderr) == [
        f"error: {folder / 'a.txt'}: not a regular file (a named pipe)",
        f"error: {folder / 'b.jsonl'}: not a regular file (a named pipe)",
        f"error: {tmp_path / 'named.txt'}: not a regular file (a named pipe)",
    ]


def test_sub_folders_that_cannot_be_read_are_reported(db_url, tmp_path, invoke):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "one.txt").write_text("China called for a ceasefire.", encoding="utf-8")
    (folder / "gone").symlink_to(tmp_path / "moved")  # a linked folder that was moved
    result = invoke("--db", db_url, "ingest", folder, expect=1)
    assert "articles: 1 new, 0 skipped, 1 failed" in result.output
    assert _errors(result.output) == [f"error: {folder / 'gone'}: broken symbolic link"]


def test_a_folder_without_read_permission_is_reported(db_url, tmp_path, invoke):
    if os.geteuid() == 0:
        pytest.skip("root lists a folder whatever its permissions (see the tests above)")
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "one.txt").write_text("China called for a ceasefire.", encoding="utf-8")
    (folder / "two.txt").write_text("Ukraine called for a withdrawal.", encoding="utf-8")
    (folder / "locked").chmod(0)
    try:
        result = invoke("--db", db_url, "ingest", folder, expect=1)
    finally:
        (folder / "locked").chmod(0o755)
    assert "articles: 1 new, 0 skipped, 1 failed" in result.output
    assert _errors(result.output) == [f"error: {folder / 'locked'}: Permission denied"]


def test_a_failure_in_a_file_whose_name_holds_a_newline_is_one_line(invoke, tmp_path):
    """`error: odd/empty⏎x.txt: empty article` came out on two lines, the second of which
    a script reading the errors line by line took for another."""
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "empty\nx.txt").write_text("  \n")
    result = invoke("--db", tmp_path / "t.db", "ingest", folder, expect=1)
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {folder}/empty x.txt: empty article"]
