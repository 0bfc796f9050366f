"""The schema comes only from Alembic; it goes up and down cleanly, empty or filled."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from tracker import db
from tracker.resources import seeds_dir
from tracker.schema import Base

ROOT = Path(__file__).resolve().parent.parent


def _tables(url: str) -> set[str]:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        names = set(inspect(connection).get_table_names())
    engine.dispose()
    return names - {"alembic_version"}


def test_upgrade_and_downgrade_empty(invoke, empty_db_url):
    invoke("--db", empty_db_url, "db", "upgrade")
    assert _tables(empty_db_url) == set(Base.metadata.tables)
    assert "current: " + db.head_revision() in invoke("--db", empty_db_url, "db", "current").output
    invoke("--db", empty_db_url, "db", "downgrade", "base", "--yes")
    assert _tables(empty_db_url) == set()
    invoke("--db", empty_db_url, "db", "upgrade")
    assert _tables(empty_db_url) == set(Base.metadata.tables)


def test_downgrade_filled_database(invoke, db_url):
    invoke("--db", db_url, "ingest", seeds_dir() / "articles" / "seed.txt")
    invoke("--db", db_url, "db", "downgrade", "base", "--yes")
    assert _tables(db_url) == set()
    invoke("--db", db_url, "db", "upgrade")
    assert "1 new" in invoke("--db", db_url, "ingest", seeds_dir() / "articles" / "seed.txt").output


def test_models_match_migrations(db_url):
    """Alembic's autogenerate finds nothing to add: no drift between models and migrations."""
    engine = db.make_engine(db_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_first_writing_command_on_new_database_migrates_and_seeds(invoke, empty_db_url):
    """A command that only reads leaves a new database alone; ingest creates the schema."""
    assert "tracker db upgrade" in invoke("--db", empty_db_url, "points", expect=1).output
    invoke("--db", empty_db_url, "ingest", seeds_dir() / "articles" / "seed.txt")
    output = invoke("--db", empty_db_url, "points", "--format", "csv").output
    assert "sanctions" in output


def test_unknown_revision_is_refused(invoke, db_url):
    engine = db.make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffff'"))
    engine.dispose()
    result = invoke("--db", db_url, "points", expect=1)
    assert "revision ffffffff" in result.output and "nothing was changed" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("revision", ["", "@", "head+5", "nope"])
def test_a_revision_that_is_none_is_one_line_and_makes_no_file(invoke, tmp_path, revision):
    """Alembic asserts on some of these (a traceback), and the SQLite file the upgrade
    opened stayed behind, empty, as if it were a store."""
    path = tmp_path / "new.db"
    result = invoke("--db", path, "db", "upgrade", "--", revision, expect=1)
    assert result.output.startswith(f"Error: cannot upgrade to {revision!r}: ")
    assert result.output.rstrip("\n").endswith("nothing was changed")
    assert len(result.output.splitlines()) == 1 and not path.exists()


def test_a_downgrade_to_no_revision_changes_nothing(invoke, db_url):
    before = invoke("--db", db_url, "db", "current").output
    result = invoke("--db", db_url, "db", "downgrade", "--yes", "--", "", expect=1)
    assert result.output.startswith("Error: cannot downgrade to '': not a revision")
    assert invoke("--db", db_url, "db", "current").output == before


def test_alembic_command_line_from_repository_root(tmp_path):
    url = f"sqlite:///{tmp_path / 'alembic.db'}"
    subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"db={url}", "upgrade", "head"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert _tables(url) == set(Base.metadata.tables)


def _columns(url: str, table: str) -> set[str]:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        names = {c["name"] for c in inspect(connection).get_columns(table)}
    engine.dispose()
    return names


def _counts(url: str) -> dict[str, int]:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        counts = {
            name: connection.execute(text(f"SELECT COUNT(*) FROM {name}")).scalar_one()
            for name in ("articles", "sentences", "links", "positions", "report_positions")
        }
    engine.dispose()
    return counts


def test_coding_runs_migration_down_and_up_with_data(invoke, db_url):
    """0004 down and up again keeps every article, sentence, link and position (and the
    report views); rows from before provenance have no run and count as stale."""
    dev = ROOT / "tests" / "data" / "dev"
    invoke("--db", db_url, "ingest", dev / "dev-01.txt", dev / "dev-02.txt")
    counts = _counts(db_url)
    assert counts["links"] > 0 and counts["report_positions"] == counts["positions"] > 0
    invoke("--db", db_url, "db", "downgrade", "0003", "--yes")
    assert not {"coding_runs", "article_runs"} & _tables(db_url)
    assert "run_id" not in _columns(db_url, "links") | _columns(db_url, "positions")
    assert _counts(db_url) == counts
    invoke("--db", db_url, "db", "upgrade")
    assert {"coding_runs", "article_runs"} <= _tables(db_url)
    assert _counts(db_url) == counts
    engine = db.make_engine(db_url)
    with engine.connect() as connection:
        for table in ("links", "positions"):
            with_run = f"SELECT COUNT(*) FROM {table} WHERE run_id IS NOT NULL"
            assert connection.execute(text(with_run)).scalar_one() == 0
    engine.dispose()
    check = invoke("--db", db_url, "db", "check").output
    assert "articles coded by another configuration: 2  (tracker recode --stale" in check
    assert "re-coded 2 of 2" in invoke("--db", db_url, "recode", "--stale").output
    assert _counts(db_url) == counts
    check = invoke("--db", db_url, "db", "check").output
    assert "articles coded by another configuration: 0" in check


def test_review_decisions_go_down_and_up_with_data_in_place(invoke, db_url, tmp_path):
    """Migration 0005 with positions and decisions stored: down, the decisions' table goes
    and report_positions is the plain view again over every position (the rejected one
    too); up, the table is back, empty, and every position shows as `auto`."""
    import csv
    import json

    invoke("--db", db_url, "ingest", seeds_dir() / "articles" / "seed.txt")
    sheet = tmp_path / "sheet.csv"
    invoke("--db", db_url, "review", "export", sheet)
    with sheet.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["decision"], rows[1]["decision"] = "reject", "confirm"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[:2])
    invoke("--db", db_url, "review", "import", sheet)

    def query(sql: str) -> list[tuple]:
        engine = db.make_engine(db_url)
        with engine.connect() as connection:
            found = [tuple(r) for r in connection.execute(text(sql))]
        engine.dispose()
        return found

    stored = "SELECT (SELECT COUNT(*) FROM positions), (SELECT COUNT(*) FROM links), " + (
        "(SELECT COUNT(*) FROM sentences)"
    )
    before = query(stored)
    assert query("SELECT COUNT(*) FROM report_positions") == [(len(rows) - 1,)]
    assert query("SELECT COUNT(*) FROM review_decisions") == [(2,)]

    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(db.alembic_config())
    invoke("--db", db_url, "db", "downgrade", script.get_revision("0005").down_revision, "--yes")
    assert "review_decisions" not in _tables(db_url)
    assert query(stored) == before
    assert query("SELECT COUNT(*) FROM report_positions") == [(len(rows),)]
    names = [c["name"] for c in inspect(db.make_engine(db_url)).get_columns("report_positions")]
    assert "status" not in names and names[-1] == "article_id"

    invoke("--db", db_url, "db", "upgrade")
    assert _tables(db_url) == set(Base.metadata.tables)
    assert query(stored) == before
    assert query("SELECT status, COUNT(*) FROM report_positions GROUP BY status") == [
        ("auto", len(rows))
    ]
    listed = invoke("--db", db_url, "position", "--format", "jsonl").output.splitlines()
    assert {json.loads(line)["status"] for line in listed} == {"auto"}


def test_retired_targets_go_down_and_up_with_data_in_place(invoke, db_url):
    """Migration 0006 on a filled store: down drops ``targets.retired`` and nothing else
    (on SQLite it is not a batch rebuild of ``targets``, which the report views read and
    whose links and positions a drop would cascade to); up brings it back, false for
    every target."""
    invoke("--db", db_url, "ingest", seeds_dir() / "articles" / "seed.txt")
    counts = _counts(db_url)
    assert counts["links"] and counts["positions"]
    invoke("--db", db_url, "db", "downgrade", "0005", "--yes")
    engine = db.make_engine(db_url)
    assert "retired" not in {c["name"] for c in inspect(engine).get_columns("targets")}
    engine.dispose()
    assert _counts(db_url) == counts
    invoke("--db", db_url, "db", "upgrade")
    assert _counts(db_url) == counts
    points = invoke("--db", db_url, "points", "--format", "json").output
    assert {row["retired"] for row in json.loads(points)} == {False}


def test_seedings_go_down_and_up_with_data_in_place(invoke, db_url):
    """Migration 0007 on a filled store: down drops ``seedings`` and nothing else; up
    brings the table back empty, and runs then record the files on disk, as before 0007,
    until the next `tracker seed` records them again."""
    from tracker.provenance import coding_configuration, current_configuration

    invoke("--db", db_url, "ingest", seeds_dir() / "articles" / "seed.txt")
    counts = _counts(db_url)
    invoke("--db", db_url, "db", "downgrade", "0006", "--yes")
    engine = db.make_engine(db_url)
    assert "seedings" not in inspect(engine).get_table_names()
    engine.dispose()
    assert _counts(db_url) == counts
    invoke("--db", db_url, "db", "upgrade")
    assert _counts(db_url) == counts
    engine = db.make_engine(db_url)
    with engine.connect() as connection:
        used = coding_configuration(connection)
    engine.dispose()
    assert used.configuration == current_configuration() and not used.files_changed
    check = invoke("--db", db_url, "db", "check").output
    assert "articles coded by another configuration: 0\n" in check
