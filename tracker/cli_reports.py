"""CLI commands for the SQL reports (`tracker report`) and read-only ad-hoc SQL (`tracker sql`).

Registered on the main group by ``tracker.cli``; the database stack is
imported inside the commands so that ``tracker --help`` stays instant.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from tracker.output import (
    FORMATS,
    STREAMED,
    default_format,
    min_score_option,
    render,
    render_stream,
)

if TYPE_CHECKING:
    from tracker.report_context import PageContext

REPORT_FORMATS = (*FORMATS, "markdown", "html")


def _format_option(command: Callable) -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(REPORT_FORMATS),
        default=None,
        help="Output format (default: table on a terminal, jsonl otherwise); "
        "html is one self-contained page.",
    )(command)


def _timeout_option(command: Callable) -> Callable:
    return click.option(
        "--timeout",
        metavar="SECONDS",
        default="30",  # readonly_sql.DEFAULT_TIMEOUT, as text: readonly_sql.parse_timeout checks it
        show_default=True,
        help="Cancel the query after this many seconds (0: no limit).",
    )(command)


# Set to 1 to silence the warning about querying PostgreSQL as a superuser.
SUPERUSER_ENV = "TRACKER_NO_SUPERUSER_WARNING"


def _dialect(ctx: click.Context) -> str | None:
    """The store's database ("sqlite" or "postgresql") by its URL, without opening it; None
    for a URL that opening it will refuse."""
    from sqlalchemy.engine import make_url

    from tracker import db
    from tracker.cli import State
    from tracker.sql_check import DIALECTS

    try:
        name = make_url(db.resolve_url(ctx.find_object(State).url)).get_backend_name()
    except Exception:  # a malformed URL: make_engine says what is wrong with it
        return None
    return name if name in DIALECTS else None


def _engine(ctx: click.Context):
    """The store; on PostgreSQL, a one-line warning when the role is a superuser."""
    from tracker import readonly_sql
    from tracker.cli import State  # here, not at import: tracker.cli imports this module

    engine = ctx.find_object(State).engine(ctx)
    if os.environ.get(SUPERUSER_ENV, "") in ("", "0"):
        role = readonly_sql.superuser(engine)
        if role is not None:
            click.echo(
                f"Warning: querying PostgreSQL as superuser {role}; a shared server should be "
                f"queried with a role that has only SELECT rights ({SUPERUSER_ENV}=1 silences)",
                err=True,
            )
    return engine


def _emit(
    rows: list[dict[str, Any]],
    fmt: str | None,
    *,
    title: str,
    description: str = "",
    filters: dict[str, Any] | None = None,
    sql: str | None = None,
    matrix: bool = False,
    notes: Sequence[str] = (),
    report: str = "",
    context: Callable[[], PageContext] | None = None,
) -> None:
    """Print ``rows`` in ``fmt``; a report's ``notes`` go under a table or a Markdown table
    and into an HTML page's description, never into the machine formats (CSV, JSON);
    ``context`` gathers what an HTML page shows beside the rows (evidence, charts, the
    footer's store figures) and is called for html alone."""
    from tracker import report_context, report_html

    fmt = default_format(fmt)
    if fmt == "markdown":
        output = report_html.render_markdown(rows)
        output += "".join(f"\n_Note: {note}_\n" for note in notes)
    elif fmt == "html":
        described = " ".join([description, *(f"Note: {note}" for note in notes)]).strip()
        output = report_html.render_html(
            rows,
            title=title,
            description=described,
            filters=filters,
            sql=sql,
            matrix=matrix,
            report=report,
            context=context() if context else report_context.gather(None, report),
        )
    else:
        output = render(rows, fmt)
        if fmt == "table":
            output += "".join(f"note: {note}\n" for note in notes)
    click.echo(output, nl=False)


@click.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the reports with their descriptions.")
@click.option("--plan", help="Only this plan's targets (slug).")
@click.option("--actor", help="An actor's name, alias or spelling variant.")
@click.option("--target", help="A target: a point number or a slug ('plan', 'troop-withdrawal').")
@click.option("--since", metavar="DATE", help="Only positions from articles of this date on.")
@click.option("--until", metavar="DATE", help="Only positions from articles up to this date.")
@click.option(
    "--reviewed-only",
    is_flag=True,
    help="Only positions an analyst confirmed, corrected or added (`tracker review`).",
)
@min_score_option
@click.option(
    "--reports-dir",
    metavar="DIR",
    help="A folder of your own *.sql reports (env TRACKER_REPORTS_DIR).",
)
@_timeout_option
@_format_option
@click.pass_context
def report_command(
    ctx: click.Context,
    name: str | None,
    list_: bool,
    plan: str | None,
    actor: str | None,
    target: str | None,
    since: str | None,
    until: str | None,
    reviewed_only: bool,
    min_score: float | None,
    reports_dir: str | None,
    timeout: str,
    fmt: str | None,
) -> None:
    """Run the SQL report NAME, or list the reports with --list.

    Built-in reports: matrix, coverage, actor, timeline, contested, omissions
    and evidence. Each is one SELECT over the report_* views (which any SQL
    client sees too); a *.sql file in --reports-dir, its first comment line
    the description, is listed and run the same way. Dates are YYYY-MM-DD;
    undated positions count as the oldest and are left out when --since or
    --until is given. A report runs read-only, like `tracker sql`, and is
    cancelled after --timeout seconds.
    """
    from tracker import readonly_sql, report_context, reports

    seconds = readonly_sql.parse_timeout(timeout)

    if list_:
        if name:
            raise click.UsageError("give either NAME or --list")
        rows = [
            {"name": r.name, "description": r.description, "origin": r.origin}
            for r in reports.list_reports(reports_dir)
        ]
        _emit(rows, fmt, title="tracker reports")
        return
    if not name:
        raise click.UsageError("give a report NAME, or --list to see them")
    report = reports.get_report(name, reports_dir)  # a bad name fails before opening the store
    engine = _engine(ctx)
    rows = reports.run_report(
        engine,
        name,
        plan=plan,
        actor=actor,
        target=target,
        since=since,
        until=until,
        reviewed_only=reviewed_only,
        min_score=min_score,
        folder=reports_dir,
        timeout=seconds,
    )
    filters = {
        "plan": plan,
        "actor": actor,
        "target": target,
        "since": since,
        "until": until,
        "reviewed_only": reviewed_only or None,
        "min_score": min_score,
    }
    _emit(
        rows,
        fmt,
        title=f"tracker report {report.name}",
        description=report.description,
        filters=filters,
        matrix=report.name == "matrix",
        notes=report.notes,
        report=report.name,
        context=lambda: report_context.gather(engine, report.name, timeout=seconds, **filters),
    )


_PARAM_FLAGS = ("-p", "--param")


class SqlCommand(click.Command):
    """Reads ``-p name value`` as ``-p name=value``: a bare name after -p takes the next
    argument as its value."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from tracker.sql_check import PARAM_NAME

        def bare(token: str) -> bool:
            return re.fullmatch(PARAM_NAME, token.strip().lstrip(":")) is not None

        joined: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                joined += args[i:]
                break
            if arg in _PARAM_FLAGS and i + 2 < len(args) and bare(args[i + 1]):
                joined += [arg, f"{args[i + 1]}={args[i + 2]}"]
                i += 3
                continue
            attached = next(
                (arg[len(f) :] for f in ("--param=", "-p") if arg.startswith(f) and arg != f),
                None,
            )
            if attached is not None and i + 1 < len(args) and bare(attached):
                joined += ["-p", f"{attached}={args[i + 1]}"]
                i += 2
                continue
            joined.append(arg)
            i += 1
        return super().parse_args(ctx, joined)


@click.command(cls=SqlCommand)
@click.argument("query", metavar="SQL")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind :NAME in the query to VALUE (text; -p NAME VALUE works too; repeat for more, "
    "each name once).",
)
@_timeout_option
@_format_option
@click.pass_context
def sql_command(
    ctx: click.Context, query: str, params: tuple[str, ...], timeout: str, fmt: str | None
) -> None:
    """Run one read-only SQL query (SELECT, WITH, VALUES or EXPLAIN); SQL - reads stdin.

    The query may use the report_* views and :name parameters bound with
    -p name=value (or -p name value). Columns of the same name come out as a,
    a_2. Writes are refused: the database runs exactly one statement
    in a read-only session and rolls it back, on SQLite and PostgreSQL alike.
    The query is cancelled after --timeout seconds (Ctrl-C stops it too).
    """
    from tracker import readonly_sql, report_context, sql_check

    seconds = readonly_sql.parse_timeout(timeout)
    if query == "-":
        from tracker.errors import utf8_text

        query = utf8_text(sys.stdin.buffer.read(), "standard input")
    bound = readonly_sql.parse_params(params)
    # refuse a write before opening the store, lexed as the store's database reads it
    # (as both, the check refused PostgreSQL's $$a;b$$, a string to it, as two statements)
    sql_check.check_readonly(query, _dialect(ctx))
    fmt = default_format(fmt)
    if fmt in STREAMED:  # written as the rows come, never all held
        with readonly_sql.stream_readonly_sql(_engine(ctx), query, bound, timeout=seconds) as (
            columns,
            rows,
        ):
            for piece in render_stream(rows, fmt, columns):
                click.echo(piece, nl=False)
        return
    engine = _engine(ctx)
    rows = readonly_sql.run_readonly_sql(engine, query, bound, timeout=seconds)
    _emit(
        rows,
        fmt,
        title="tracker sql",
        filters=bound,
        sql=query.strip(),
        report="sql",
        context=lambda: report_context.gather(engine, "sql", timeout=seconds),
    )
