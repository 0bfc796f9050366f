"""Markdown and HTML renderings of report rows (the other formats are in ``output.py``).

The HTML is one self-contained page: inline CSS, no scripts, no links to the
network. Every value is escaped. The ``matrix`` report is drawn as a grid of
actors × targets coloured by stance, the evidence sentence in each cell's
tooltip; other rows become a plain table with coloured stance cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from tracker.output import cell_text

STANCE_COLOURS = {"support": "#c8e6c9", "oppose": "#ffcdd2", "mixed": "#ffe0a3"}
STANCE_COLUMNS = ("stance", "previous_stance", "latest_stance")
MATRIX_COLUMNS = {"actor", "target", "stance", "sentence"}

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 1.5rem; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.35rem; margin: 0 0 .3rem; }
p.meta { margin: .2rem 0; color: #555; }
pre.sql { background: #f5f5f7; padding: .6rem; white-space: pre-wrap; }
table { border-collapse: collapse; margin-top: 1rem; }
th, td { border: 1px solid #d0d0d5; padding: .3rem .5rem; vertical-align: top; text-align: left; }
thead th { background: #f0f0f3; position: sticky; top: 0; }
tbody tr:nth-child(even) td.plain { background: #fafafb; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.long { max-width: 42rem; }
td.support { background: #c8e6c9; }
td.oppose { background: #ffcdd2; }
td.mixed { background: #ffe0a3; }
td.empty { background: #fff; color: #bbb; text-align: center; }
table.matrix td.cell { text-align: center; white-space: nowrap; cursor: help; }
table.matrix th.actor small { color: #666; font-weight: normal; }
.legend span { display: inline-block; padding: .1rem .5rem; margin-right: .4rem;
               border: 1px solid #d0d0d5; }
.legend .support { background: #c8e6c9; } .legend .oppose { background: #ffcdd2; }
.legend .mixed { background: #ffe0a3; }
"""


def _columns(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None) -> list[str]:
    return list(columns or (rows[0].keys() if rows else []))


# --------------------------------------------------------------------------- markdown


def _md_cell(value: Any) -> str:
    text = cell_text(value).replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(text.split())


def render_markdown(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """A GitHub-flavoured Markdown table."""
    columns = _columns(rows, columns)
    if not rows:
        return "_(no rows)_\n"
    out = ["| " + " | ".join(_md_cell(c) for c in columns) + " |"]
    out.append("|" + "|".join(" --- " for _ in columns) + "|")
    for row in rows:
        out.append("| " + " | ".join(_md_cell(row.get(c)) for c in columns) + " |")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- html


def _page(title: str, body: list[str]) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _table(rows: Sequence[Mapping[str, Any]], columns: list[str]) -> list[str]:
    out = ["<table>", "<thead><tr>"]
    out += [f"<th>{escape(c)}</th>" for c in columns]
    out += ["</tr></thead>", "<tbody>"]
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            text = escape(cell_text(value))
            if column in STANCE_COLUMNS and value in STANCE_COLOURS:
                css = value
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                css = "num plain"
            elif len(cell_text(value)) > 60:
                css = "long plain"
            else:
                css = "plain"
            cells.append(f'<td class="{css}">{text}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _target_order(plan: str, target: str) -> tuple:
    if target.isdigit():
        return (plan, 1, int(target), target)
    return (plan, 0 if target == "plan" else 2, 0, target)


def _matrix(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Actors down, targets across; each cell coloured by the latest stance."""
    targets: dict[tuple[str, str], str] = {}
    actors: dict[str, str] = {}
    cells: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for row in rows:
        plan, target = cell_text(row.get("plan")), cell_text(row.get("target"))
        targets.setdefault((plan, target), cell_text(row.get("target_title")))
        actors.setdefault(cell_text(row.get("actor")), cell_text(row.get("affiliation")))
        cells[(cell_text(row.get("actor")), plan, target)] = row
    order = sorted(targets, key=lambda key: _target_order(*key))
    several_plans = len({plan for plan, _ in order}) > 1
    out = [
        '<p class="legend">Latest stance: <span class="support">support</span>'
        '<span class="oppose">oppose</span><span class="mixed">mixed</span> '
        "· the number counts the evidence for it · ↻ the stance changed · "
        "hover a cell for the evidence sentence</p>",
        '<table class="matrix">',
        "<thead><tr><th>actor</th>",
    ]
    for plan, target in order:
        label = f"{plan} · {target}" if several_plans else target
        out.append(f'<th title="{escape(targets[(plan, target)])}">{escape(label)}</th>')
    out += ["</tr></thead>", "<tbody>"]
    for actor, affiliation in actors.items():
        line = f'<tr><th class="actor">{escape(actor)}'
        if affiliation and affiliation != actor:
            line += f"<br><small>{escape(affiliation)}</small>"
        line += "</th>"
        for plan, target in order:
            row = cells.get((actor, plan, target))
            if row is None:
                line += '<td class="empty">·</td>'
                continue
            stance = cell_text(row.get("stance"))
            changed = bool(row.get("changed"))
            evidence = cell_text(row.get("evidence"))
            hover = f"{actor} on {targets[(plan, target)] or target}: {stance}"
            details = []
            if row.get("last_date"):
                details.append(f"latest {cell_text(row.get('last_date'))}")
            if row.get("positions") is not None:
                details.append(f"{evidence} of {cell_text(row.get('positions'))} positions")
            if changed:
                details.append("the stance changed")
            if details:
                hover += " (" + "; ".join(details) + ")"
            if row.get("sentence"):
                hover += f"\n“{cell_text(row.get('sentence'))}”"
            css = stance if stance in STANCE_COLOURS else "plain"
            label = escape(stance) + (f" {escape(evidence)}" if evidence else "")
            label += " ↻" if changed else ""
            line += f'<td class="cell {css}" title="{escape(hover)}">{label}</td>'
        out.append(line + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def render_html(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    description: str = "",
    filters: Mapping[str, Any] | None = None,
    sql: str | None = None,
    matrix: bool = False,
    columns: Sequence[str] | None = None,
) -> str:
    """One self-contained HTML page; ``matrix`` draws the actors × targets grid."""
    body = [f"<h1>{escape(title)}</h1>"]
    if description:
        body.append(f'<p class="meta">{escape(description)}</p>')
    shown = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    if shown:
        text = " · ".join(f"{k} {cell_text(v)}" for k, v in shown.items())
        body.append(f'<p class="meta">Filters: {escape(text)}</p>')
    if sql:
        body.append(f'<pre class="sql">{escape(sql)}</pre>')
    body.append(f'<p class="meta">{len(rows)} row{"" if len(rows) == 1 else "s"}</p>')
    if not rows:
        body.append("<p>No rows.</p>")
    elif matrix and MATRIX_COLUMNS <= set(rows[0]):
        body += _matrix(rows)
    else:
        body += _table(rows, _columns(rows, columns))
    return _page(title, body)
