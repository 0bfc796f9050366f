"""Markdown and HTML renderings of report rows (the other formats are in ``output.py``).

The HTML is one self-contained page an analyst can read, print and send: its style
sheet and script are inlined from the package's ``reports/templates`` folder, it fetches
nothing from the network, and every value is escaped. The only addresses in it are the
articles' own web addresses (http and https), as links to the source.

* ``matrix``: actors grouped by affiliation × the plan's points, with the evidence
  behind each cell (``report_matrix``);
* ``timeline``: a stance-over-time chart of the actor or target, then one row per
  position with its sentence written out in full;
* ``actor``: the actor's chart above the table;
* every other report and ``tracker sql``: a table that sorts and filters in the page.

Every page ends with a footer: when it was made, from which store (no password), how
many articles of which dates it holds, and the coder's version and configuration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from importlib import resources
from string import Template
from typing import Any

from tracker import __version__
from tracker.output import cell_text
from tracker.report_context import PageContext, configuration_text, now
from tracker.report_matrix import MatrixPage, target_order
from tracker.report_svg import Span, stance_chart

STANCES = ("support", "oppose", "mixed")
STANCE_COLUMNS = ("stance", "previous_stance", "latest_stance")
MATRIX_COLUMNS = {"actor", "target", "stance"}
TIMELINE_COLUMNS = {"date", "actor", "target", "stance", "sentence"}
LONG_TEXT = 60  # characters: a longer value gets a wide, wrapping column
DATE_COLUMNS = ("date", "first_date", "last_date", "published")
SHORT_TEXT = 16  # characters: a shorter value is never wrapped (plan slugs, names)

__all__ = ["render_html", "render_markdown", "target_order"]


def _columns(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None) -> list[str]:
    return list(columns or (rows[0].keys() if rows else []))


# --------------------------------------------------------------------------- markdown


# Stored text that Markdown would read as markup: a `<script>` tag, a link, an emphasis
# of an article's "**" rendered as such. Each is escaped with a backslash, as CommonMark
# allows before any ASCII punctuation, so the cell reads as the text it holds. (An
# underscore is left: within a word, as in column names, GitHub's Markdown keeps it.)
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~&])")


def _md_cell(value: Any) -> str:
    text = _MD_SPECIAL.sub(r"\\\1", cell_text(value))
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


def _asset(name: str) -> str:
    return (resources.files("tracker") / "reports" / "templates" / name).read_text("utf-8")


def _breakable(text: str) -> str:
    """Escaped, with a line-break opportunity after each slash (long paths and URLs)."""
    return escape(text).replace("/", "/<wbr>")


def _link(url: str, text: str | None = None) -> str:
    """An article's web address as a link; anything but http(s) stays text."""
    shown = _breakable(text or url)
    if url.lower().startswith(("https://", "http://")):
        return f'<a class="source" href="{escape(url)}" rel="noreferrer">{shown}</a>'
    return shown


def _filter_text(value: Any) -> str:
    """A filter as it was applied: a --min-score of 0.5000001 in full, where a cell's three
    decimals showed 0.500 (and -0 as 0)."""
    if isinstance(value, float):
        return repr(value + 0.0)
    return cell_text(value)


def _source_url(links: Mapping[str, str], source: str, date: Any = None) -> str | None:
    """The address of the article(s) of ``source`` (on ``date``, when given and known)."""
    from tracker.report_context import link_key

    return links.get(link_key(source, date)) or links.get(source)


def _value(column: str, value: Any, links: Mapping[str, str], date: Any = None) -> tuple[str, str]:
    """A cell's HTML and its CSS class; ``date``, the row's, finds a source's address."""
    text = cell_text(value)
    if column in STANCE_COLUMNS and value in STANCES:
        return f'<span class="badge {value}">{escape(text)}</span>', "stance"
    if column == "url" and text:
        return _link(text), "url"
    url = _source_url(links, text, date) if column == "source" else None
    if url:
        return _link(url, text), "plain"
    if column == "source":
        return _breakable(text), "plain"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return escape(text), "num"
    if column in DATE_COLUMNS:
        return escape(text) or '<span class="meta">undated</span>', "date"
    if len(text) > LONG_TEXT:
        return escape(text), "long plain"
    return escape(text), "short plain" if len(text) <= SHORT_TEXT else "plain"


def _table(
    rows: Sequence[Mapping[str, Any]],
    columns: list[str],
    links: Mapping[str, str],
    css: str = "data",
    table_id: str = "rows",
) -> list[str]:
    out = [
        f'<form class="tools" data-table="{table_id}" onsubmit="return false">'
        '<label>Find <input type="search" placeholder="any text in a row"></label>'
        "<output></output></form>",
        f'<div class="scroll"><table class="{css}" id="{table_id}">',
        "<thead><tr>",
    ]
    out += [f'<th scope="col" tabindex="0">{escape(c)}</th>' for c in columns]
    out += ["</tr></thead>", "<tbody>"]
    if "url" in columns:  # the row links its own address: one link to a source is enough
        links = {}
    for row in rows:
        cells = []
        for column in columns:
            html, kind = _value(column, row.get(column), links, row.get("date"))
            cells.append(
                f'<td class="{kind}" data-value="{escape(cell_text(row.get(column)))}">{html}</td>'
            )
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table></div>"]
    return out


def _subject_chart(points: list[tuple[Any, str]], span: Span | None, label: str) -> list[str]:
    if not points:
        return []
    return [
        '<figure class="subject-chart">'
        + stance_chart(points, span, width=640, height=60, axis=True, label=label)
        + f'<figcaption class="meta">Stance over time: {escape(label)} (each dot a '
        "date's positions, larger for more; n.d.: undated)</figcaption></figure>"
    ]


def _by_plan(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """The rows by plan, in the order the plans first come."""
    out: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        out.setdefault(cell_text(row.get("plan")), []).append(row)
    return out


def _count(rows: Sequence[Mapping[str, Any]]) -> str:
    """ "6 positions", and with several plans how many of each: "6 positions: 4 on
    china-2023, 2 on two-points"."""
    text = f"{len(rows)} position{'s' if len(rows) != 1 else ''}"
    by_plan = _by_plan(rows)
    if len(by_plan) > 1:
        text += ": " + ", ".join(f"{len(shown)} on {plan}" for plan, shown in by_plan.items())
    return f'<p class="meta count">{escape(text)}</p>'


def _timeline(
    rows: Sequence[Mapping[str, Any]], filters: Mapping[str, Any], links: Mapping[str, str]
) -> list[str]:
    """One row per position, its sentence in full; a change of stance is marked. Rows of
    several plans (`--target plan` names each plan as a whole) get a chart per plan, each
    named with its plan, and a Plan column: one chart ran the plans' stances together
    under the first row's title."""
    span = Span.of(row.get("date") for row in rows)
    by_plan = _by_plan(rows)
    several = len(by_plan) > 1
    out: list[str] = []
    for plan, shown in by_plan.items():
        target = plan if several else ""
        if filters.get("target"):
            title = (
                f"{cell_text(shown[0].get('target'))} · {cell_text(shown[0].get('target_title'))}"
            )
            target = f"{plan} · {title}" if several else title
        actor = cell_text(shown[0].get("actor")) if filters.get("actor") else ""
        subject = " on ".join(part for part in (actor, target) if part)
        points = [(row.get("date"), cell_text(row.get("stance"))) for row in shown]
        out += _subject_chart(points, span, subject)
    heads = ("Date", "Actor", *(("Plan",) if several else ()), "Target", "Stance", "Sentence")
    out += [
        '<form class="tools" data-table="timeline" onsubmit="return false">'
        '<label>Find <input type="search" placeholder="any text in a row"></label>'
        "<output></output></form>",
        '<div class="scroll"><table class="data timeline" id="timeline">',
        "<thead><tr>"
        + "".join(f'<th scope="col" tabindex="0">{c}</th>' for c in (*heads, "Source"))
        + "</tr></thead><tbody>",
    ]
    for row in rows:
        stance = cell_text(row.get("stance"))
        changed = bool(row.get("changed"))
        was = (
            f' <span class="was">↻ was {escape(cell_text(row.get("previous_stance")))}</span>'
            if changed
            else ""
        )
        affiliation = cell_text(row.get("affiliation"))
        actor = escape(cell_text(row.get("actor")))
        if affiliation and affiliation != cell_text(row.get("actor")):
            actor += f"<br><small>{escape(affiliation)}</small>"
        number, title = cell_text(row.get("target")), cell_text(row.get("target_title"))
        target = f"<b>{escape(number)}</b> {escape(title)}"
        source = cell_text(row.get("source"))
        url = _source_url(links, source, row.get("date"))
        source_html = _link(url, source) if url else _breakable(source)
        date = cell_text(row.get("date"))
        out.append(
            f'<tr class="{"changed" if changed else "same"}">'
            f'<td class="date" data-value="{escape(date)}">{escape(date) or "undated"}</td>'
            f"<td>{actor}</td>"
            + (f'<td class="plain">{escape(cell_text(row.get("plan")))}</td>' if several else "")
            + f"<td>{target}</td>"
            f'<td class="stance" data-value="{escape(stance)}">'
            f'<span class="badge {escape(stance)}">{escape(stance)}</span>{was}</td>'
            f'<td class="sentence">{escape(cell_text(row.get("sentence")))}</td>'
            f'<td class="url">{source_html}</td></tr>'
        )
    out += ["</tbody></table></div>"]
    return out


def _footer(context: PageContext | None, report: str) -> str:
    """When, from what and by which coder the page was made."""
    generated = (context.generated_at if context else now()).strftime("%Y-%m-%d %H:%M:%S UTC")
    items = [("Generated", escape(generated))]
    if report:
        items.append(("Report", escape(report)))
    store = context.store if context else None
    if store is not None:
        items.append(("Store", escape(store.url)))
        dates = f"{store.first_date} to {store.last_date}" if store.first_date else "none dated"
        undated = f"; {store.undated} undated" if store.undated else ""
        noun = "article" if store.articles == 1 else "articles"
        items.append(("Articles", escape(f"{store.articles} {noun}, {dates}{undated}")))
    items.append(("Coder", escape(configuration_text())))
    return (
        '<footer class="provenance"><dl>'
        + "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in items)
        + "</dl></footer>"
    )


def render_html(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    description: str = "",
    filters: Mapping[str, Any] | None = None,
    sql: str | None = None,
    matrix: bool = False,
    columns: Sequence[str] | None = None,
    report: str = "",
    context: PageContext | None = None,
) -> str:
    """One self-contained HTML page of the rows; ``report`` names the built-in report
    they come from (``matrix`` also sets it), which chooses how they are drawn."""
    report = "matrix" if matrix and not report else report
    links = context.links if context else {}
    shown = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    header = []
    if description:
        header.append(f'<p class="meta">{escape(description)}</p>')
    if shown:
        text = " · ".join(f"{k} {_filter_text(v)}" for k, v in shown.items())
        header.append(f'<p class="meta">Filters: {escape(text)}</p>')
    if sql:
        header.append(f'<pre class="sql">{escape(sql)}</pre>')
    keys = set(rows[0]) if rows else set()
    body: list[str] = []
    if not rows:
        body.append("<p>No rows.</p>")
    elif report == "matrix" and MATRIX_COLUMNS <= keys:
        body += MatrixPage(rows, context).body()
    elif report == "timeline" and TIMELINE_COLUMNS <= keys:
        body.append(_count(rows))
        body += _timeline(rows, shown, links)
    else:
        if report == "actor" and context and context.positions:
            points = [(p.get("date"), cell_text(p.get("stance"))) for p in context.positions]
            span = Span.of(p.get("date") for p in context.positions)
            body += _subject_chart(points, span, cell_text(rows[0].get("actor")))
        body.append(f'<p class="meta count">{len(rows)} row{"" if len(rows) == 1 else "s"}</p>')
        body += _table(rows, _columns(rows, columns), links)
    page = Template(_asset("page.html"))
    return page.substitute(
        generator=f"tracker {escape(__version__)}",
        title=escape(title),
        report=escape(report or "table"),
        css=_asset("report.css"),
        script=_asset("report.js"),
        header="\n".join(header),
        body="\n".join(body),
        footer=_footer(context, report),
    )
