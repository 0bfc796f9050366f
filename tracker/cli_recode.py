"""`tracker recode`: code the stored articles again with the current configuration.

Registered on the main group by ``tracker.cli``; parses and prints only, the work is in
``tracker.recode``. The database stack is imported inside the command so that
``tracker --help`` stays instant.
"""

from __future__ import annotations

import sys

import click

from tracker.errors import TrackerError

MAX_WORKERS = 64


def _workers(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """--workers: a whole number from 1 to 64, else one error line (not a usage screen)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_WORKERS:
        raise TrackerError(
            f"--workers must be a whole number from 1 to {MAX_WORKERS}, not {value!r}"
        )
    return number


@click.command()
@click.option("--plan", metavar="SLUG", help="Replace only this plan's links and positions.")
@click.option("--since", metavar="DATE", help="Only articles published on or after DATE.")
@click.option("--until", metavar="DATE", help="Only articles published on or before DATE.")
@click.option(
    "--stale",
    is_flag=True,
    help="Only articles coded by another configuration (or before runs were recorded).",
)
@click.option(
    "--workers",
    default="1",
    show_default=True,
    metavar="N",
    callback=_workers,
    help="Code articles in this many processes (one writer; same result as 1).",
)
@click.option(
    "--decider",
    type=click.Choice(["learned", "rules"]),
    default="learned",
    show_default=True,
    help="How candidates become links and positions (as for ingest).",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Print only the error lines and the summary line."
)
@click.pass_context
def recode_command(
    ctx: click.Context,
    plan: str | None,
    since: str | None,
    until: str | None,
    stale: bool,
    workers: int,
    decider: str,
    quiet: bool,
) -> None:
    """Code the stored articles again with the current lexicon, plans, actors and model.

    Each article is one transaction: its automatic links and positions are replaced,
    its sentences and anything entered by hand stay. Ctrl-C stops after the article
    being written. Run `tracker seed` first after editing plans or actors.
    """
    from tracker.cli import State  # here, not at import: tracker.cli imports this module
    from tracker.recode import recode

    engine = ctx.find_object(State).engine(ctx)
    show_progress = sys.stderr.isatty() and not quiet
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if show_progress and count % 25 == 0:
            click.echo(f"\r{count} articles re-coded…", nl=False, err=True)

    summary = recode(
        engine,
        plan=plan,
        since=since,
        until=until,
        stale=stale,
        workers=workers,
        decider=decider,
        on_article=tick,
    )
    if show_progress and count >= 25:
        click.echo("\r" + " " * 40 + "\r", nl=False, err=True)
    click.echo(summary.line())
    if summary.interrupted:
        ctx.exit(130)
