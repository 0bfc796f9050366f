"""CLI commands `tracker review stats` and `tracker review export-gold`: parse and print;
the figures and files come from ``tracker.review_gold``."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.output import default_format, output_options, render


def _engine(ctx: click.Context):
    from tracker.cli import State  # here, not at import: tracker.cli imports this module

    return ctx.find_object(State).engine(ctx)


@click.command()
@output_options
@click.pass_context
def stats_command(ctx: click.Context, fmt: str | None) -> None:
    """The coder's precision on the reviewed positions, overall, per target and per actor.

    reviewed: automatic positions with a decision; kept: confirmed as the coder found
    them; rejected; corrected (actor, target or stance changed); precision: kept /
    reviewed. Positions added by hand (the coder missed them) are counted below.
    """
    from tracker.review_gold import stats

    with _engine(ctx).connect() as connection:
        result = stats(connection)
    fmt = default_format(fmt)
    click.echo(render(result.rows(), fmt), nl=False)
    if fmt == "table":
        click.echo(f"added by hand (not found by the coder): {result.added}")


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--plan", default="china-2023", show_default=True, help="The plan the gold codes.")
@click.pass_context
def export_gold_command(ctx: click.Context, folder: Path, plan: str) -> None:
    """Write the reviewed articles to DIR in the annotation guide's format.

    An article is written when it has decisions and none of its positions on the plan
    is left unreviewed: its text (<date>-<hash>.txt), its sentences' links and
    positions in gold.jsonl, and the actors in actors.json. `tracker evaluate DIR` and
    `tracker train DIR` read the folder.
    """
    from tracker.review_gold import export_gold

    with _engine(ctx).connect() as connection:
        result = export_gold(connection, folder, plan)
    click.echo(
        f"wrote {result.articles} articles ({result.records} sentences, {result.positions} "
        f"positions) to {folder}; {result.partial} articles only partly reviewed were left out"
    )
