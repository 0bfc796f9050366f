"""One decorator adds the output options to a listing; one function renders every format."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

FORMATS = ("table", "csv", "json", "jsonl")


def output_options(command: Callable) -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default=None,
        help="Output format (default: table on a terminal, jsonl otherwise).",
    )(command)


def default_format(fmt: str | None) -> str:
    if fmt:
        return fmt
    return "table" if sys.stdout.isatty() else "jsonl"


def cell_text(value: Any) -> str:
    """A value as one cell of text, the same in every format."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def render(
    rows: Sequence[dict[str, Any]], fmt: str | None, columns: Sequence[str] | None = None
) -> str:
    fmt = default_format(fmt)
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows)
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for row in rows:
            writer.writerow({k: cell_text(row.get(k)) for k in columns})
        return buffer.getvalue()
    if not rows:
        return "(no rows)\n"
    cells = [[cell_text(r.get(c)).replace("\n", " ") for c in columns] for r in rows]
    widths = [min(max(len(c), *(len(row[i]) for row in cells)), 80) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(_clip(v, w).ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out) + "\n"


def _clip(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"
