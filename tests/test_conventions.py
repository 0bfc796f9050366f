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
