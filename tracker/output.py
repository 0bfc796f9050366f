"""One decorator adds the output options to a listing; one function renders every format."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import click

# csv-safe: CSV for a spreadsheet, which would run a cell starting with = + - or @ as a
# formula (see ``safe_cell``).
FORMATS = ("table", "csv", "csv-safe", "json", "jsonl")


def output_options(command: Callable) -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default=None,
        help="Output format (default: table on a terminal, jsonl otherwise; csv-safe: CSV "
        "with cells that a spreadsheet would read as formulas quoted).",
    )(command)


def _positive(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """--limit's value: a positive whole number, else one error line (not a usage screen)."""
    from tracker.errors import TrackerError

    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise TrackerError(f"--limit must be a positive whole number, not {value!r}")
    return min(number, LARGEST_ID)  # more rows than a database can count: no limit


# The largest whole number both databases store (a 64-bit integer): a larger number would
# fail in the driver, not as "no such id".
LARGEST_ID = 2**63 - 1
# The largest id an article has on both databases: the column is an integer, 32 bits on
# PostgreSQL ("integer out of range" for a larger number) and 64 on SQLite.
LARGEST_ARTICLE_ID = 2**31 - 1


class ArticleId(click.ParamType):
    """An article's id: a whole number; one too large for any database to hold names no
    article, which is said as for any other unknown id."""

    name = "id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        number: int = click.INT.convert(value, param, ctx)
        if not -LARGEST_ARTICLE_ID - 1 <= number <= LARGEST_ARTICLE_ID:
            self.fail(f"no article with id {number}; `tracker articles` lists them", param, ctx)
        return number


ARTICLE_ID = ArticleId()


class Score(click.ParamType):
    """A score from 0 to 1 (``--min-score``); "nan" and "inf" are no scores."""

    name = "score"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        try:
            number = float(str(value).strip())
        except ValueError:
            number = math.nan
        if not 0.0 <= number <= 1.0:  # NaN fails this too
            self.fail(f"{value!r} is not a score from 0 to 1", param, ctx)
        return number


def min_score_option(command: Callable) -> Callable:
    return click.option(
        "--min-score",
        type=Score(),
        metavar="S",
        help="Only positions the coder scored S (0 to 1) or more, and those an analyst "
        "reviewed; `tracker evaluate` shows what each S keeps.",
    )(command)


def limit_option(command: Callable) -> Callable:
    return click.option(
        "--limit",
        metavar="N",
        callback=_positive,
        help="Show at most N rows (the first N in the listing's order).",
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


# What a table leaves out: control characters (C0, DEL, C1), which a terminal obeys (an
# escape sequence can clear the screen, retitle the window or hide text), and the
# bidirectional controls, which make a terminal show text in another order than it has.
# Tabs and line breaks become spaces.
_CONTROLS: dict[int, str | None] = {
    **{c: None for c in range(0x20)},
    0x7F: None,
    **{c: None for c in range(0x80, 0xA0)},
    **{c: None for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    **{ord(c): " " for c in "\t\n\r\x0b\x0c\x85\u2028\u2029"},
}


def printable(text: str) -> str:
    """``text`` fit for a terminal: without control characters, tabs and breaks as spaces."""
    if text.isprintable():  # the common case: none of them
        return text
    return text.translate(_CONTROLS)


# A cell a spreadsheet reads as a formula (CSV injection): these first characters, and the
# tab and carriage return that some read past.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(text: str) -> str:
    """A CSV cell no spreadsheet runs: one starting like a formula gets a leading ', which
    spreadsheets show as text and do not display; numbers (-0.5) are left as they are."""
    if text.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class Rows(list):
    """Rows (dicts) that also know their columns, so that no rows still has a header."""

    def __init__(self, rows: Iterable[dict[str, Any]] = (), columns: Sequence[str] = ()) -> None:
        super().__init__(rows)
        self.columns = list(columns)


def _finite(value: Any) -> Any:
    """``value`` with every infinite or NaN float (``SELECT 1e400``, PostgreSQL's
    ``'NaN'::float``) as None: JSON has no such numbers, and a parser refuses the
    ``Infinity`` that Python would write."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def to_json(value: Any, indent: int | None = None) -> str:
    """Standard JSON (no ``NaN`` or ``Infinity``: those are null), non-ASCII kept."""
    try:
        return json.dumps(value, ensure_ascii=False, indent=indent, default=str, allow_nan=False)
    except ValueError:  # a non-finite float, rare: mended only then
        return json.dumps(_finite(value), ensure_ascii=False, indent=indent, default=str)


def render(
    rows: Sequence[dict[str, Any]], fmt: str | None, columns: Sequence[str] | None = None
) -> str:
    fmt = default_format(fmt)
    columns = list(columns or (rows[0].keys() if rows else getattr(rows, "columns", [])))
    if fmt == "jsonl":
        return "".join(to_json(r) + "\n" for r in rows)
    if fmt == "json":
        return to_json(list(rows), indent=2) + "\n"
    if fmt in ("csv", "csv-safe"):
        cell = safe_cell if fmt == "csv-safe" else _same
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n"
        )
        writer.writerow({k: cell(k) for k in columns})
        for row in rows:
            writer.writerow({k: cell(cell_text(row.get(k))) for k in columns})
        return buffer.getvalue()
    if not rows:
        return "(no rows)\n"
    cells = [[printable(cell_text(r.get(c))) for c in columns] for r in rows]
    headers = [printable(c) for c in columns]
    widths = [min(max(len(h), *(len(row[i]) for row in cells)), 80) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(_clip(v, w).ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out) + "\n"


# Formats written a row at a time (the others need every row first: widths, one document).
STREAMED = ("jsonl", "csv", "csv-safe")


def render_stream(
    rows: Iterable[dict[str, Any]], fmt: str, columns: Sequence[str], chunk: int = 1000
) -> Iterator[str]:
    """``render(rows, fmt, columns)`` for a STREAMED format, a piece at a time (``chunk``
    rows each), without holding the rows."""
    if fmt == "jsonl":
        lines: list[str] = []
        for row in rows:
            lines.append(to_json(row) + "\n")
            if len(lines) >= chunk:
                yield "".join(lines)
                lines = []
        yield "".join(lines)
        return
    cell = safe_cell if fmt == "csv-safe" else _same
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writerow({k: cell(k) for k in columns})
    for n, row in enumerate(rows, 1):
        writer.writerow({k: cell(cell_text(row.get(k))) for k in columns})
        if n % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _same(text: str) -> str:
    return text


def _clip(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"
