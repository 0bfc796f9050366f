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
    reviewed; added: positions added by hand (the coder missed them), in every format,
    and in a table once more below it.
    """
    from tracker.review_gold import stats

    with _engine(ctx).connect() as connection:
        result = stats(connection)
    fmt = default_format(fmt)
    click.echo(render(result.rows(), fmt), nl=False)
    if fmt == "table":
        click.echo(f"added by hand (not found by the coder): {result.added}")


def _folder(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    """DIR as given: a blank one (an unset shell variable) is an error, not the current
    folder."""
    if not value.strip():
        raise click.BadParameter("is empty: give a folder to write the gold to", ctx, param)
    return Path(value)


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False), callback=_folder)
@click.option("--plan", default="china-2023", show_default=True, help="The plan the gold codes.")
@click.option("--force", is_flag=True, help="Write into DIR even if it is not empty.")
@click.pass_context
def export_gold_command(ctx: click.Context, folder: Path, plan: str, force: bool) -> None:
    """Write the reviewed articles to DIR in the annotation guide's format.

    An article is written when it has decisions and none of its positions on the plan
    is left unreviewed: its text (<date>-<hash>.txt), its sentences' links and
    positions in gold.jsonl, and the actors in actors.json. `tracker evaluate DIR` and
    `tracker train DIR` read the folder. A DIR that holds anything (a hand-coded
    corpus's gold.jsonl, an earlier export) is not written into without --force, which
    replaces the files of the same names and leaves the others.
    """
    from tracker.review_gold import export_gold

    with _engine(ctx).connect() as connection:
        result = export_gold(connection, folder, plan, force=force)
    if result.articles or force:
        click.echo(
            f"wrote {result.articles} articles ({result.records} sentences, "
            f"{result.positions} positions) to {folder}; {result.partial} articles only partly "
            "reviewed were left out"
        )
    else:
        click.echo(
            f"wrote nothing to {folder}: no article of plan {plan} is fully reviewed "
            f"({result.partial} only partly reviewed; `tracker review --article ID` finishes one)"
        )
    if result.contradictory:
        click.echo(
            f"left out {result.contradictory} articles where one actor holds two stances on "
            "a target in one sentence (reject one of the two positions to write them)"
        )
    if result.retired:
        click.echo(
            f"warning: left out {result.retired} positions on retired targets (taken out of "
            "the plan file, so no longer coded; evaluate refuses gold on them)",
            err=True,
        )
