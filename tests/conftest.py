"""Database fixtures: every database test runs on a real SQLite file and a real PostgreSQL.

A template database is migrated and seeded once per session and per backend;
each test gets a copy (a file copy for SQLite, CREATE DATABASE ... TEMPLATE
for PostgreSQL). PostgreSQL tests read TRACKER_TEST_POSTGRES_URL (a server
URL whose user may create databases); without it they skip, except under CI,
where a missing server is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tracker.cli import cli
from tracker.db import make_engine, prepare
from tracker.resources import seeds_dir

DATA = Path(__file__).parent / "data"
DEV = DATA / "dev"
POSTGRES_ENV = "TRACKER_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


def _postgres_server() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} is not set: CI must test PostgreSQL")
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql://postgres@127.0.0.1/postgres)"
        )
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


class PostgresDatabases:
    """Creates uniquely named databases on the test server and drops them afterwards."""

    def __init__(self, server_url: str) -> None:
        self.server = make_url(server_url)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        try:
            with self.admin.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:
            message = f"cannot reach PostgreSQL at {self.server.render_as_string()}: {exc}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.created: list[str] = []

    def create(self, template: str | None = None) -> str:
        name = f"tracker_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            suffix = f" TEMPLATE {template}" if template else ""
            connection.execute(text(f"CREATE DATABASE {name}{suffix}"))
        self.created.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in reversed(self.created):
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        self.admin.dispose()


@pytest.fixture(autouse=True)
def _quiet_superuser(monkeypatch) -> None:
    """The test server's user is a superuser; tests that want the warning unset this."""
    monkeypatch.setenv("TRACKER_NO_SUPERUSER_WARNING", "1")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(_postgres_server())
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def template_url(request, tmp_path_factory) -> str:
    """A migrated, seeded database to copy; one per backend and session."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres").create()
    engine = make_engine(url)
    prepare(engine)
    engine.dispose()
    return url


@pytest.fixture
def new_db_url(template_url: str, tmp_path: Path, request):
    """Makes fresh copies of the template database, as many as a test needs."""

    def make() -> str:
        if template_url.startswith("sqlite"):
            target = tmp_path / f"test-{uuid.uuid4().hex[:8]}.db"
            shutil.copy(make_url(template_url).database, target)
            return f"sqlite:///{target}"
        template = make_url(template_url).database
        return request.getfixturevalue("postgres").create(template=template)

    return make


@pytest.fixture
def db_url(new_db_url) -> str:
    """A fresh copy of the template database for one test."""
    return new_db_url()


@pytest.fixture(params=BACKENDS)
def empty_db_url(request, tmp_path: Path) -> str:
    """A database with nothing in it, not even the schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("postgres").create()


@pytest.fixture
def invoke():
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None, expect: int | None = 0):
        result = runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=True)
        if expect is not None and result.exit_code != expect:
            raise AssertionError(
                f"tracker {' '.join(map(str, args))} exited {result.exit_code}, not {expect}:\n"
                f"{result.output}\n{result.exception!r}"
            )
        return result

    return run


@pytest.fixture(scope="session")
def seeded_reference(tmp_path_factory):
    """The coder's reference data from a freshly migrated and seeded SQLite store: what
    `Coder` needs, built once for every test that codes text without a store."""
    from tracker.coder.pipeline import ReferenceData

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('reference') / 'seeded.db'}")
    prepare(engine)
    with engine.connect() as connection:
        reference = ReferenceData.load(connection)
    engine.dispose()
    return reference


@pytest.fixture
def own_seeds(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped seeds folder, used through $TRACKER_SEEDS_DIR."""
    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), folder)
    monkeypatch.setenv("TRACKER_SEEDS_DIR", str(folder))
    monkeypatch.delenv("TRACKER_MODEL", raising=False)
    return folder
