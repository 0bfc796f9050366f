"""The built wheel carries the migrations and seeds, the compiled coder, and works from
another directory."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("tracker-*.whl"))


def test_wheel_contains_migrations_and_seeds(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tracker/_data/migrations/env.py" in names
    assert any(n.startswith("tracker/_data/migrations/versions/0001") for n in names)
    assert "tracker/_data/seeds/plans/china-2023.toml" in names
    assert "tracker/_data/seeds/actors.toml" in names
    assert "tracker/_data/seeds/lexicon.toml" in names
    assert "tracker/_data/seeds/articles/seed.txt" in names
    assert "tracker/reports/matrix.sql" in names
    assert "tracker/datasette/metadata.json" in names  # tracker browse
    assert "tracker/datasette/plugins/tracker_browse.py" in names
    for asset in ("page.html", "report.css", "report.js"):  # the HTML reports' templates
        assert f"tracker/reports/templates/{asset}" in names


def test_wheel_carries_the_coder_compiled_beside_its_source(wheel):
    """hatch_build.py compiles the modules pyproject.toml lists; the machines that build
    this project have a C compiler, so a pure-Python fallback here is a broken build."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = config["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"]["compile"]
    names = set(zipfile.ZipFile(wheel).namelist())
    assert listed
    for source in listed:
        stem = source.removesuffix(".py")
        assert source in names  # tracebacks and readers still have the source
        assert any(n.startswith(stem + ".") and n.endswith(".so") for n in names), source
    assert any(n.startswith("tracker__mypyc.") for n in names)  # the shared runtime
    assert "py3-none-any" not in wheel.name


def test_installed_wheel_runs_from_elsewhere(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    code = (
        "import sys; from tracker.cli import cli; "
        "sys.argv = ['tracker', '--db', 'sqlite:///x.db', 'ingest', sys.argv[1]]; cli()"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    seed = ROOT / "seeds" / "articles" / "seed.txt"
    run = subprocess.run(
        [sys.executable, "-c", code, str(seed)], cwd=work, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "1 new" in run.stdout
    version = subprocess.run(
        [sys.executable, "-c", "from tracker.cli import cli; cli(['--version'])"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "(compiled: yes)" in version.stdout
    check = subprocess.run(  # the wheel's copies were used, not the repository's folders
        [
            sys.executable,
            "-c",
            "import tracker.resources as r; print(r.migrations_dir(), r.seeds_dir())",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.split() == [
        str(target / "tracker" / "_data" / "migrations"),
        str(target / "tracker" / "_data" / "seeds"),
    ]


def test_pure_python_wheel_on_request(tmp_path):
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        env={**os.environ, "TRACKER_PURE_PYTHON": "1"},
    )
    wheel = next(out.glob("tracker-*.whl"))
    assert wheel.name.endswith("py3-none-any.whl")
    assert not [n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".so")]
