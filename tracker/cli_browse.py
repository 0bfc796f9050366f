"""`tracker browse`: the SQLite store in Datasette, read-only, with the tracker's metadata.

Registered on the main group by ``tracker.cli``; the work is in ``tracker.browse``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

from tracker.errors import TrackerError


def _port(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """--port's value: 0 to 65535, else one error line (not a usage screen)."""
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise TrackerError(f"--port must be a number from 0 to 65535, not {value!r}")
    return port


# The defaults are browse.DEFAULT_HOST and DEFAULT_PORT, written out so that `tracker --help`
# does not import the database stack.
@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar="H",
    help="Where to listen; 0.0.0.0 lets other machines read the store.",
)
@click.option(
    "--port",
    default="8001",
    show_default=True,
    metavar="N",
    callback=_port,
    help="The port (0: any free one).",
)
@click.option(
    "--open/--no-open",
    "open_browser",
    default=False,
    show_default=True,
    help="Open the page in the web browser.",
)
@click.option(
    "--reports-dir",
    metavar="DIR",
    help="A folder of your own *.sql reports, offered too (env TRACKER_REPORTS_DIR).",
)
@click.argument("datasette_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- ARGS]...")
@click.pass_context
def browse_command(
    ctx: click.Context,
    host: str,
    port: int,
    open_browser: bool,
    reports_dir: str | None,
    datasette_args: tuple[str, ...],
) -> None:
    """Browse the SQLite store in Datasette, read-only, until Ctrl-C.

    Tables and views have titles and descriptions, a sentence shows as its text,
    the views' internal columns are hidden (?_internal=1 shows them), and the
    reports are canned queries with their filters as fields. Needs Datasette:
    pip install '.[browse]' in the tracker source folder. Arguments after --
    go to `datasette serve` as they are (-- --setting max_returned_rows 5000).
    """
    from sqlalchemy import inspect

    from tracker import browse, db
    from tracker.cli import State  # here, not at import: tracker.cli imports this module

    state = ctx.find_object(State)
    browse.sqlite_backend_only(db.resolve_url(state.url))
    engine = state.engine(ctx, mode="read")  # an existing store at this version's revision
    store = db.sqlite_file(engine)
    if store is None:
        raise TrackerError("tracker browse needs a SQLite file, not an in-memory database or URI")
    store = store.resolve()
    schema = inspect(engine)
    taken = schema.get_table_names() + schema.get_view_names()
    engine.dispose()
    name = browse.database_name(store)
    metadata, skipped = browse.browse_metadata(name, reports_dir, taken)
    for reason in skipped:
        click.echo(f"Warning: not offered in Datasette: {reason}", err=True)
    browse.require_datasette()
    browse.check_address(host, port)
    if not browse.is_local(host):
        click.echo(
            f"Warning: listening on {host}: anyone who can reach this machine can read the store",
            err=True,
        )
    with tempfile.TemporaryDirectory(prefix="tracker-browse-") as folder:
        metadata_file = Path(folder) / "metadata.json"
        metadata_file.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
        command = browse.datasette_command(
            store,
            metadata_file,
            host=host,
            port=port,
            open_browser=open_browser,
            extra=datasette_args,
        )
        where = browse.url_of(host, port, name) if port else "a free port (below)"
        click.echo(f"Browsing {store} read-only at {where}; Ctrl-C stops", err=True)
        status = browse.run_until_stopped(command)
    if status:
        raise TrackerError(f"Datasette stopped with status {status}")
