"""Conventions an analyst relies on across every command: -h, empty CSVs, sql -p, --limit,
the missing-driver message and --db after the subcommand."""

from __future__ import annotations

import click
import pytest

from tracker.cli import cli


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
    assert position == "source,date,sentence,plan,target,actor,affiliation,stance,score,method\n"
    explained = invoke("--db", db_url, "position", "--explain", "--format", fmt).output
    assert explained.rstrip("\n").endswith(",method,explanation")
    assert invoke("--db", db_url, "links", "--format", fmt).output == (
        "source,date,sentence,plan,target,score,phrase\n"
    )
    sql = 'SELECT name, kind AS "=k" FROM actors WHERE 1 = 0'
    expected = "name,'=k\n" if fmt == "csv-safe" else "name,=k\n"
    assert invoke("--db", db_url, "sql", sql, "--format", fmt).output == expected
    report = invoke("--db", db_url, "report", "contested", "--format", fmt).output
    assert report.startswith("plan,target,target_title,") and report.count("\n") == 1
