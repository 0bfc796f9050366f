"""CLI commands for review (`tracker review`): the queue, sheets, stats, gold, undo.

Registered on the main group by ``tracker.cli``; parses and prints only. The decisions
are made and stored by ``tracker.review``, sheets read and written by
``tracker.review_io``, figures and gold by ``tracker.review_gold``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tracker.errors import TrackerError
from tracker.output import ARTICLE_ID, default_format, limit_option, output_options, render

QUEUE_COLUMNS = ["key", "score", "date", "actor", "plan", "target", "stance", "sentence", "source"]
# The queue in the other formats: what a reader of it needs, not the view's forty columns
# of row ids, hashes and explanations; the same header with no rows (a CSV had none).
QUEUE_LISTED = [
    "key",
    "score",
    "date",
    "source",
    "sentence",
    "actor",
    "affiliation",
    "plan",
    "target",
    "target_title",
    "target_retired",
    "stance",
    "method",
    "status",
]


def _engine(ctx: click.Context):
    """The existing store at the current revision; never created here."""
    from tracker.cli import State  # here, not at import: tracker.cli imports this module

    return ctx.find_object(State).engine(ctx)


def filter_options(command: Callable) -> Callable:
    """The filters of `tracker position`, for the queue and the sheets."""
    options = [
        click.option("--actor", help="An actor's name, alias or spelling variant."),
        click.option("--target", help="A point number, a slug, 'plan' or 'troop-withdrawal'."),
        click.option("--plan", help="Only this plan's targets (slug)."),
        click.option("--since", metavar="DATE", help="Only articles published on or after DATE."),
        click.option("--until", metavar="DATE", help="Only articles published on or before DATE."),
        click.option(
            "--article", type=ARTICLE_ID, metavar="ID", help="Only this article (its id)."
        ),
        limit_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def reviewer_option(command: Callable) -> Callable:
    return click.option(
        "--reviewer",
        metavar="NAME",
        help="Who decides (default: $TRACKER_REVIEWER, else your login name).",
    )(command)


def _filters(values: dict[str, Any]):
    from tracker.review_view import Filters

    return Filters(
        values.get("actor"),
        values.get("target"),
        values.get("plan"),
        values.get("since"),
        values.get("until"),
        values.get("article"),
        values.get("limit"),
    )


@click.group(invoke_without_command=True)
@filter_options
@reviewer_option
@click.option(
    "--interactive/--list",
    "interactive",
    default=None,
    help="Review one position at a time with single keys (default on a terminal), or list "
    "the queue.",
)
@output_options
@click.pass_context
def review_group(
    ctx: click.Context,
    reviewer: str | None,
    interactive: bool | None,
    fmt: str | None,
    **values: Any,
) -> None:
    """The positions not reviewed yet, lowest confidence first.

    On a terminal, one at a time: the sentence with its neighbours, the article and date,
    the coder's explanation, and single keys: c confirm, r reject, s change the stance,
    a change the actor, + add a position on the sentence, n skip, u undo, q quit. Each
    decision is saved at once. Piped, or with --list, the queue is printed.
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker import review
    from tracker.review_view import position_rows, with_retired

    engine = _engine(ctx)
    filters = _filters(values)
    if interactive is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if interactive:
        from tracker.cli_review_session import Session

        Session(engine, filters, review.reviewer_name(reviewer)).run()
        return
    review.reviewer_name(reviewer)  # a blank --reviewer is an error here too
    with engine.connect() as connection:
        rows = list(position_rows(connection, filters, queue=True))
    fmt = default_format(fmt)
    columns = with_retired(QUEUE_COLUMNS, rows) if fmt == "table" else QUEUE_LISTED
    if fmt != "table":
        rows = [{c: row.get(c) for c in QUEUE_LISTED} for row in rows]
    click.echo(render(rows, fmt, columns), nl=False)


@review_group.command("export")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@filter_options
@click.option("--unreviewed", is_flag=True, help="Only the positions not reviewed yet.")
@click.option(
    "--force", is_flag=True, help="Overwrite FILE even if it holds decisions not imported."
)
@click.pass_context
def export_command(
    ctx: click.Context, path: Path, unreviewed: bool, force: bool, **values: Any
) -> None:
    """Write the positions to a review sheet FILE (.csv or .jsonl).

    One row per position: key, source, date, sentence, actor, plan, target, stance,
    score, status, revision, and empty decision and note columns to fill in. A FILE
    that holds decisions (a sheet being filled in), or that is no sheet, is not
    overwritten without --force.
    """
    from tracker.review_io import export_sheet, filled_in, sheet_format

    sheet_format(path)
    if not force:
        held = filled_in(path)
        if held:
            raise TrackerError(f"{path} {held}: not overwritten (--force overwrites it)")
    with _engine(ctx).connect() as connection:
        count = export_sheet(connection, path, _filters(values), unreviewed)
    click.echo(f"wrote {count} positions to {path}")


@review_group.command("import")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--skip-bad", is_flag=True, help="Apply the good rows even if some are bad (still exit 1)."
)
@click.option("--dry-run", is_flag=True, help="Check the sheet and say what would change.")
@reviewer_option
@click.pass_context
def import_command(
    ctx: click.Context, path: Path, skip_bad: bool, dry_run: bool, reviewer: str | None
) -> None:
    """Apply the decisions filled in a review sheet FILE, in one transaction.

    decision: confirm, reject, correct (the row's actor, target and stance are the
    corrected ones), or add (a new row with an empty key, the source, the exact
    sentence, actor, target and stance). Every bad row is reported with its line; a
    sheet with any bad row changes nothing and exits 1, unless --skip-bad, which applies
    the good rows and still exits 1, as ingest does when some of its input is bad.
    """
    from tracker import review
    from tracker.review_io import import_sheet

    who = review.reviewer_name(reviewer)
    result = import_sheet(_engine(ctx), path, who, skip_bad=skip_bad, dry_run=dry_run)
    for number, reason in result.bad:
        click.echo(f"error: {path}:{number}: {reason}", err=True)
    counts = ", ".join(f"{n} {d}" for d, n in result.counts().items())
    summary = f"{counts}; {result.unchanged} unchanged; {len(result.bad)} bad"
    if dry_run:
        click.echo(f"dry run, nothing changed: would apply {summary}")
    elif result.committed:
        click.echo(f"applied {summary}")
    else:
        click.echo(f"nothing changed: {len(result.bad)} bad rows (--skip-bad applies the rest)")
    if result.bad:  # applied or not, a script must see that some rows were bad
        ctx.exit(1)


def _key(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A position's key, as a review sheet or `tracker position` gives it: never blank."""
    if not value.strip():
        raise TrackerError("KEY is blank: give a position's key (`tracker position` lists them)")
    return value.strip()


@review_group.command("undo")
@click.argument("key", callback=_key)
@reviewer_option
@click.option(
    "--revision",
    type=click.IntRange(min=1),
    metavar="N",
    help="Only if the latest decision is revision N (as `review history` shows it): "
    "a decision made since, someone else's undo included, is a conflict.",
)
@click.pass_context
def undo_command(ctx: click.Context, key: str, reviewer: str | None, revision: int | None) -> None:
    """Take back the latest decision on the position KEY (kept in its history).

    An undo is a decision too: a second undo takes back the first (a redo), also one
    made by someone else a moment before; --revision N guards against that."""
    from tracker import review

    done = review.undo(_engine(ctx), key, review.reviewer_name(reviewer), revision)
    click.echo(f"{done.key}: revision {done.revision} ({done.decision})")


@review_group.command("history")
@click.argument("key", callback=_key)
@output_options
@click.pass_context
def history_command(ctx: click.Context, key: str, fmt: str | None) -> None:
    """Every decision on the position KEY, oldest first."""
    from tracker import review

    with _engine(ctx).connect() as connection:
        rows = review.history(connection, key)
    if not rows:
        raise TrackerError(f"no decision on a position with key {key!r}{review.REDATED_HINT}")
    click.echo(render(rows, fmt), nl=False)


def _register_more() -> None:
    """Stats and gold live in their own module (scikit-learn and friends stay out)."""
    from tracker.cli_review_gold import export_gold_command, stats_command

    review_group.add_command(stats_command, "stats")
    review_group.add_command(export_gold_command, "export-gold")


_register_more()
