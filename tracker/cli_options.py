"""Options that several command modules share; no command lives here."""

from __future__ import annotations

import click

from tracker.errors import TrackerError

decider_option = click.option(
    "--decider",
    type=click.Choice(["learned", "rules"]),
    default="learned",
    show_default=True,
    help="How candidates become links and positions: the trained model (seeds/model.json, "
    "or $TRACKER_MODEL) or the hand rules alone.",
)


def no_blank_paths(
    ctx: click.Context | None, param: click.Parameter | None, values: tuple
) -> tuple:
    """An empty path ("" from a blank shell variable, ``tracker ingest "$DIR"``) would be
    read as the current folder: it is an error instead."""
    if any(not str(value).strip() for value in values):
        paths = param is not None and param.name == "paths"
        what = "a file, a folder or - (standard input)" if paths else "a folder"
        raise TrackerError(f"an empty path (a blank shell variable?): name {what}")
    return values
