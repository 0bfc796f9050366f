"""The schema comes only from Alembic; it goes up and down cleanly, empty or filled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_alembic_command_line_from_repository_root(tmp_path):
    url = f"sqlite:///{tmp_path / 'alembic.db'}"
    subprocess.run(
        [sys.executable, "-m", "alembic", "-x", f"db={url}", "upgrade", "head"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert _tables(url) == set(Base.metadata.tables)
