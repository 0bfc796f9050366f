"""CLI commands for the stored articles (`tracker articles`): list, show, set-date, remove.

Registered on the main group by ``tracker.cli``; parses and prints only, the queries are
in ``tracker.articles``. The database stack is imported inside the commands so that
``tracker --help`` stays instant.
"""

from __future__ import annotations

import click

from tracker.errors import TrackerError
from tracker.output import ARTICLE_ID, default_format, limit_option, output_options, render, to_json


def _engine(ctx: click.Context):
    """The existing store at the current revision; a missing one is an error, never created."""
    from tracker.cli import State  # here, not at import: tracker.cli imports this module

    return ctx.find_object(State).engine(ctx)


@click.group(invoke_without_command=True)
@click.option("--since", metavar="DATE", help="Only articles published on or after DATE.")
@click.option("--until", metavar="DATE", help="Only articles published on or before DATE.")
@click.option("--source", metavar="TEXT", help="Only articles whose source contains TEXT.")
@limit_option
@output_options
@click.pass_context
def articles_group(
    ctx: click.Context,
    since: str | None,
    until: str | None,
    source: str | None,
    limit: int | None,
    fmt: str | None,
) -> None:
    """List the stored articles, newest first; `show`, `set-date` and `remove` one."""
    if ctx.invoked_subcommand is not None:
        return
    from tracker import articles

    with _engine(ctx).connect() as connection:
        rows = articles.list_articles(
            connection, since=since, until=until, source=source, limit=limit
        )
    click.echo(render(rows, fmt, articles.LIST_COLUMNS), nl=False)


@articles_group.command("show")
@click.argument("article_id", metavar="ID", type=ARTICLE_ID)
@output_options
@click.pass_context
def show_command(ctx: click.Context, article_id: int, fmt: str | None) -> None:
    """Print one article's metadata, then its sentences with their links and positions.

    json: one object with "article" and "sentences"; jsonl: the article's line, then one
    line per sentence; in both a sentence's "links" and "positions" are lists of objects.
    Table and CSV: the metadata as field and value, a blank line, the sentences, with their
    links ("plan/target score") and positions ("actor stance plan/target") as text.
    """
    from tracker import articles

    with _engine(ctx).connect() as connection:
        detail = articles.show_article(connection, article_id)
    fmt = default_format(fmt)
    if fmt == "json":
        document = {"article": detail.article, "sentences": detail.sentences}
        click.echo(to_json(document, indent=2))
        return
    if fmt == "jsonl":
        click.echo(render([detail.article, *detail.sentences], fmt), nl=False)
        return
    fields = [{"field": key, "value": value} for key, value in detail.article.items()]
    click.echo(render(fields, fmt), nl=False)
    click.echo("")
    columns = ["ordinal", "sentence", "links", "positions"]
    click.echo(render(articles.sentences_as_text(detail.sentences), fmt, columns), nl=False)


@articles_group.command("set-date")
@click.argument("article_id", metavar="ID", type=ARTICLE_ID)
@click.argument("date", metavar="DATE")
@click.pass_context
def set_date_command(ctx: click.Context, article_id: int, date: str) -> None:
    """Set an article's published DATE (YYYY-MM-DD), in place.

    Its content hash covers the date and is worked out again, so reading the same text
    at the new date again is a repeat. The positions are not coded again.
    """
    from tracker import articles

    day = articles.parse_day(date)
    old, new = articles.set_date(_engine(ctx), article_id, day)
    click.echo(f"article {article_id}: published {old.isoformat() if old else 'undated'} -> {new}")


@articles_group.command("remove")
@click.argument("article_ids", metavar="ID...", nargs=-1, required=True, type=ARTICLE_ID)
@click.option("--yes", is_flag=True, help="Do not ask before removing.")
@click.pass_context
def remove_command(ctx: click.Context, article_ids: tuple[int, ...], yes: bool) -> None:
    """Remove articles with their sentences, links and positions, in one transaction.

    Asks first unless --yes; an unknown ID is an error and nothing is removed.
    """
    from tracker import articles

    engine = _engine(ctx)
    if not yes:
        with engine.connect() as connection:
            preview = articles.removal_preview(connection, article_ids)
        try:
            click.confirm(f"remove {preview.line()}?", abort=True)
        except click.Abort:
            raise TrackerError(
                "not confirmed; nothing was removed (--yes skips the question)"
            ) from None
    removed = articles.remove_articles(engine, article_ids)
    click.echo(f"removed {removed.line()}")
