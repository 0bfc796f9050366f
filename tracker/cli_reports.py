"""CLI commands for SQL reports: placeholder until the reports module lands."""

from __future__ import annotations

import click


@click.command()
def report_command() -> None:
    """Run a SQL report (not yet available)."""
    raise click.ClickException("reports are not available yet")


@click.command()
def sql_command() -> None:
    """Run read-only ad-hoc SQL (not yet available)."""
    raise click.ClickException("ad-hoc SQL is not available yet")
