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


def test_bad_url_is_one_line(invoke):
    result = invoke("--db", "nosuchdriver://x/y", "points", expect=1)
    assert result.output.startswith("Error: bad database URL")
    assert len(result.output.strip().splitlines()) == 1


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
