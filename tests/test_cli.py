"""The command line's surface: help everywhere, one-line errors, output formats."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from tracker.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)], ids=" ".join)
def test_every_command_has_help(invoke, path):
    command = cli
    for name in path:
        command = command.commands[name]
    assert command.help and command.help.strip(), f"tracker {' '.join(path)} has no help text"
    result = invoke(*path, "--help")
    assert "Usage:" in result.output


def test_help_does_not_import_the_database_stack():
    code = (
        "import sys; from click.testing import CliRunner; from tracker.cli import cli; "
        "CliRunner().invoke(cli, ['--help']); "
        "print(','.join(m for m in ('sqlalchemy', 'alembic', 'rapidfuzz') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(
    "url, message",
    [
        ("nosuchdriver://x/y", "tracker keeps its store in SQLite or PostgreSQL, not nosuchdriver"),
        ("mysql://x/y", "tracker keeps its store in SQLite or PostgreSQL, not mysql"),
        (
            "postgresql://u:secret@127.0.0.1:notaport/x",
            "bad database URL 'postgresql://u:***@127.0.0.1:notaport/x': its port is not a number",
        ),
    ],
)
def test_bad_url_is_one_line(invoke, url, message):
    result = invoke("--db", url, "points", expect=1)
    assert result.output.startswith("Error: " + message), result.output
    assert len(result.output.strip().splitlines()) == 1 and "secret" not in result.output


@pytest.mark.parametrize(
    "url",
    ["sqlite://", "sqlite:///:memory:", "sqlite:///", "sqlite:///file:m?mode=memory&uri=true"],
)
def test_an_in_memory_store_is_refused(invoke, url):
    """It was taken: `ingest` printed what it stored, and all of it was gone at exit."""
    for command in (("ingest", "-"), ("points",), ("db", "upgrade")):
        result = invoke("--db", url, *command, input="China called for talks.\n", expect=1)
        assert result.output == (
            "Error: an in-memory SQLite database keeps nothing once the command ends: give "
            "--db a file path, such as tracker.db\n"
        )


def test_sqlite_in_missing_folder_is_one_line(invoke, tmp_path):
    result = invoke("--db", f"sqlite:///{tmp_path}/no/such/dir/x.db", "points", expect=1)
    assert "no folder" in result.output and len(result.output.strip().splitlines()) == 1


def test_unreachable_server_is_one_line(invoke):
    result = invoke("--db", "postgresql://postgres@127.0.0.1:1/none", "points", expect=1)
    assert result.output.startswith("Error: database error:")
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl"])
def test_points_in_every_format(invoke, db_url, fmt):
    output = invoke("--db", db_url, "points", "--format", fmt).output
    if fmt == "json":
        rows = json.loads(output)
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in output.splitlines()]
    elif fmt == "csv":
        rows = output.splitlines()[1:]
        assert output.splitlines()[0].startswith("plan,target,kind,slug")
    else:
        rows = output.splitlines()[2:]
        assert output.splitlines()[0].split()[:2] == ["plan", "target"]
    assert len(rows) == 14  # the plan, its 12 points and troop-withdrawal


def test_points_lists_the_plan(invoke, db_url):
    rows = [
        json.loads(line)
        for line in invoke("--db", db_url, "points", "--format", "jsonl").output.splitlines()
    ]
    by_target = {r["target"]: r for r in rows}
    assert by_target["10"]["slug"] == "sanctions"
    assert by_target["troop-withdrawal"]["kind"] == "issue"
    assert by_target["plan"]["kind"] == "plan"


def test_actors_lists_the_registry(invoke, db_url):
    rows = [
        json.loads(line)
        for line in invoke("--db", db_url, "actors", "--format", "jsonl").output.splitlines()
    ]
    names = {r["name"]: r for r in rows}
    assert names["Volodymyr Zelensky"]["affiliation"] == "Ukraine"
    assert names["Volodymyr Zelensky"]["roles"] >= 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["position", "--format", "xml"], "Invalid value for '--format': 'xml' is not one of"),
        (["position", "--article", "abc"], "Invalid value for '--article': 'abc' is not a valid"),
        (["evaluate", "--cv", "1", "x"], "Invalid value for '--cv': 1 is not in the range"),
        (["report"], "give a report NAME, or --list to see them"),
        (["nonexist"], "No such command 'nonexist'"),
        (["sql", "-- a note\nSELECT 1"], "'-- a note…' begins with '-' and was read as an"),
        (["--bogus"], "No such option '--bogus'"),
        (["articles", "show", "-1"], "-1: a negative number is no id or count"),
    ],
)
def test_a_usage_error_is_one_line_and_status_1(invoke, args, message):
    """A mistyped option or value is one `Error:` line naming where help is, not click's
    usage block, with status 1 like every other error a user can cause."""
    result = invoke(*args, expect=1)
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: " + message), lines
    assert lines[0].endswith(" --help")


# A byte that is not UTF-8 in an argument (bash's $'\xff') reaches Python as a lone
# surrogate, which no driver can send: it was a UnicodeEncodeError's traceback.
NOT_UTF8 = "\udcff"


@pytest.mark.parametrize(
    "args, shown",
    [
        (["sql", f"SELECT {NOT_UTF8}"], "'SELECT \\xff'"),
        (["sql", "SELECT :a", "-p", f"a={NOT_UTF8}"], "'\\xff'"),
        (["articles", "--source", NOT_UTF8], "'\\xff'"),
        (["review", "history", NOT_UTF8], "'\\xff'"),
        (["position", "--actor", NOT_UTF8], "'\\xff'"),  # it said "--actor needs a name"
        (["sql", "SELECT '\ud83d'"], "'SELECT '\\ud83d''"),  # half a character, no byte
    ],
    ids=[
        "sql",
        "sql -p",
        "articles --source",
        "review history",
        "position --actor",
        "half a character",
    ],
)
def test_text_that_is_not_utf8_is_one_line(invoke, db_url, args, shown):
    result = invoke("--db", db_url, *args, expect=1)
    assert result.output == f"Error: {shown} is not UTF-8 text; give it as UTF-8\n"


def test_a_group_named_alone_still_shows_its_help(invoke):
    result = invoke("db", expect=None)
    assert "db [OPTIONS] COMMAND" in result.output and "upgrade" in result.output


@pytest.mark.parametrize("command", ["undo", "history"])
def test_a_blank_review_key_is_named_as_blank(invoke, tmp_path, command):
    """It read "position  has no decision to undo", two spaces where the key was."""
    result = invoke("--db", tmp_path / "x.db", "review", command, " ", expect=1)
    assert result.output == (
        "Error: KEY is blank: give a position's key (`tracker position` lists them)\n"
    )


def test_db_with_no_value_after_the_command_says_so(invoke):
    """`tracker points --db` said "No such option '--db'", which it is, before a command."""
    for args in (["points", "--db"], ["--db"]):
        assert invoke(*args, expect=1).output == "Error: Option '--db' requires an argument\n"


def test_a_reader_that_stops_reading_is_status_0_every_time(tmp_path):
    """`tracker db check | head -1`: click's handling of the broken pipe gave status 1, or
    0 when the output fitted in the pipe first, at random; 1 reads as a problem found."""
    import subprocess
    import sys

    store = tmp_path / "t.db"
    run = [sys.executable, "-m", "tracker", "--db", str(store)]
    subprocess.run([*run, "seed", "--no-articles"], check=True, capture_output=True)
    query = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 300000) "
        "SELECT x FROM c"
    )
    for command in (["sql", query, "--format", "csv"], ["db", "check"]):
        process = subprocess.Popen(
            [*run, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
        )
        assert process.stdout is not None and process.stdout.readline()
        process.stdout.close()  # as head does after its line
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert b"Traceback" not in err
