"""Conventions an analyst relies on across every command: -h, empty CSVs, sql -p, --limit,
the missing-driver message and --db after the subcommand."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import click
import pytest

from tracker.cli import _db_first, cli
from tracker.readonly_sql import unique_names
from tracker.resources import seeds_dir

SEED = seeds_dir() / "articles" / "seed.txt"


def _paths(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield prefix + (name,)
        if isinstance(command, click.Group):
            yield from _paths(command, prefix + (name,))


@pytest.mark.parametrize("path", [(), *_paths(cli)], ids=lambda p: " ".join(p) or "tracker")
def test_dash_h_is_help(invoke, path):
    short = invoke(*path, "-h")
    assert short.output == invoke(*path, "--help").output
    assert "Usage:" in short.output and "-h, --help" in short.output


@pytest.mark.parametrize("fmt", ["csv", "csv-safe"])
def test_an_empty_csv_still_has_its_header(invoke, db_url, fmt):
    # A new store holds the plans and actors but no article: no positions, no links.
    position = invoke("--db", db_url, "position", "--format", fmt).output
    assert position == (
        "source,date,sentence,plan,target,target_retired,actor,affiliation,stance,score,method,"
        "status,key\n"
    )
    explained = invoke("--db", db_url, "position", "--explain", "--format", fmt).output
    assert explained.rstrip("\n").endswith(",method,status,key,explanation")
    assert invoke("--db", db_url, "links", "--format", fmt).output == (
        "source,date,sentence,plan,target,score,phrase\n"
    )
    sql = 'SELECT name, kind AS "=k" FROM actors WHERE 1 = 0'
    expected = "name,'=k\n" if fmt == "csv-safe" else "name,=k\n"
    assert invoke("--db", db_url, "sql", sql, "--format", fmt).output == expected
    report = invoke("--db", db_url, "report", "contested", "--format", fmt).output
    assert report.startswith("plan,target,target_title,") and report.count("\n") == 1


# --------------------------------------------------------------------------- sql -p and names


@pytest.mark.parametrize(
    "given",
    [
        ("-p", "a", "1", "-p", "b", "x y"),
        ("--param", "a", "1", "--param=b", "x y"),
        ("-pa", "1", "-p", "b=x y"),
        ("-p", "a=1", "--param", ":b", "x y"),
    ],
    ids=["-p name value", "--param name value", "attached", "mixed"],
)
def test_sql_takes_p_name_value(invoke, db_url, given):
    query = "SELECT :a AS a, :b AS b"
    expected = invoke("--db", db_url, "sql", query, "-p", "a=1", "-p", "b=x y", "--format", "json")
    result = invoke("--db", db_url, "sql", query, *given, "--format", "json")
    assert json.loads(result.output) == json.loads(expected.output)
    assert json.loads(result.output)[0]["b"] == "x y"


def test_sql_a_postgresql_cast_after_a_parameter_works(invoke, db_url):
    """`:x::int` is the parameter x cast to int (PostgreSQL); a slice's colon is no parameter."""
    if not db_url.startswith("postgresql"):
        pytest.skip("casts with :: and array slices are PostgreSQL's")
    query = "SELECT :x::int + 1 AS y, (ARRAY[1, 2, 3])[2:3] AS s, ':z' AS t"
    result = invoke("--db", db_url, "sql", query, "-p", "x", "41", "--format", "json")
    assert json.loads(result.output) == [{"y": 42, "s": [2, 3], "t": ":z"}]
    bad = invoke("--db", db_url, "sql", "SELECT :x::int AS y", "-p", "x=abc", expect=1)
    assert bad.output.count("\n") == 1 and bad.output.startswith("Error:")


@pytest.mark.parametrize("second", [("-p", "a=2"), ("-p", "a", "2"), ("--param", ":a=1")])
def test_sql_a_parameter_given_twice_is_one_error_line(invoke, db_url, second):
    result = invoke("--db", db_url, "sql", "SELECT :a AS a", "-p", "a=1", *second, expect=1)
    assert result.output.strip().splitlines() == ["Error: parameter a is given twice (-p a)"]


def test_unique_names():
    assert unique_names(["a", "a", "b", "a"]) == ["a", "a_2", "b", "a_3"]
    assert unique_names(["a", "a", "a_2"]) == ["a", "a_3", "a_2"]


@pytest.mark.parametrize("fmt", ["table", "csv", "csv-safe", "json", "jsonl", "markdown", "html"])
def test_sql_duplicate_columns_are_numbered(invoke, db_url, fmt):
    query = "SELECT 1 AS a, 2 AS a, 3 AS b, 4 AS a"
    output = invoke("--db", db_url, "sql", query, "--format", fmt).output
    if fmt in ("json", "jsonl"):
        row = json.loads(output)[0] if fmt == "json" else json.loads(output.splitlines()[0])
        assert row == {"a": 1, "a_2": 2, "b": 3, "a_3": 4}
    elif fmt in ("csv", "csv-safe"):
        assert output == "a,a_2,b,a_3\n1,2,3,4\n"
    else:
        for name in ("a_2", "a_3"):
            assert name in output
        assert "4" in output


# --------------------------------------------------------------------------- missing driver


def test_missing_driver_says_how_to_install_it_from_this_project():
    code = (
        "import sys; sys.modules['psycopg'] = None; "  # as if psycopg were not installed
        "from tracker.cli import cli; "
        "cli(['--db', 'postgresql://someone@127.0.0.1:1/nothing', 'actors'])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: the driver for "), done.stderr
    assert "pip install '.[postgres]'" in lines[0]
    # never a PyPI project that is not this one's dependency ('tracker' on PyPI is not this)
    installs = re.findall(r"pip install (\S+)", lines[0])
    assert installs == ["'.[postgres]'"], installs


# --------------------------------------------------------------------------- --limit


@pytest.mark.parametrize("listing", ["position", "links", "actors", "points"])
def test_listings_take_limit(invoke, db_url, listing):
    invoke("--db", db_url, "ingest", SEED)
    every = invoke("--db", db_url, listing, "--format", "jsonl").output.splitlines()
    assert len(every) > 2
    for n in (1, 2):
        limited = invoke("--db", db_url, listing, "--limit", n, "--format", "jsonl").output
        assert limited.splitlines() == every[:n]
    many = invoke("--db", db_url, listing, "--limit", len(every) + 5, "--format", "jsonl").output
    assert many.splitlines() == every
    for bad in ("0", "-1", "x", "1.5"):
        result = invoke("--db", db_url, listing, "--limit", bad, expect=1)
        assert result.output.strip().splitlines() == [
            f"Error: --limit must be a positive whole number, not {bad!r}"
        ]


# --------------------------------------------------------------------------- --db after


def test_db_after_the_subcommand(invoke, db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default store ./tracker.db must stay untouched
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    before = invoke("--db", db_url, "actors", "--format", "jsonl").output
    assert before
    assert invoke("actors", "--db", db_url, "--format", "jsonl").output == before
    assert invoke("actors", "--format", "jsonl", f"--db={db_url}").output == before
    assert "current: " in invoke("db", "current", "--db", db_url).output
    # the last --db given wins, wherever it is
    missing = tmp_path / "missing.db"
    assert invoke("--db", missing, "actors", "--db", db_url, "--format", "jsonl").output == before
    result = invoke("--db", db_url, "actors", "--db", missing, expect=1)
    assert "missing.db" in result.output
    assert not (tmp_path / "tracker.db").exists() and not missing.exists()


def test_db_first():
    assert _db_first(["position", "--db", "x.db", "--actor", "A"]) == [
        "--db",
        "x.db",
        "position",
        "--actor",
        "A",
    ]
    assert _db_first(["ingest", "--", "--db", "x"]) == ["ingest", "--", "--db", "x"]
    with pytest.raises(click.BadOptionUsage, match="requires an argument"):
        _db_first(["position", "--db"])  # "No such option '--db'" named the wrong problem
