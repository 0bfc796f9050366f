"""The matrix report as a page: actors grouped by affiliation down, the plan's points
across, each cell's evidence one click away and printed below the grid.

The grid alone is what an analyst scans; the evidence list under it is what makes it
trustworthy, so it is always in the page as plain text (it prints, a search finds it,
and it needs no script). With scripts on, a cell opens its evidence in a dialog; without
them, the cell is a link to the same block below. Every cell carries a footnote number
that the printed grid shows next to its stance.

Actors are grouped by affiliation: a state with its people under it, an organisation
with its people, then the affiliations that are neither (think tanks, groups of states).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from tracker.output import cell_text
from tracker.report_context import PageContext
from tracker.report_svg import Span, stance_chart

EVIDENCE_SHOWN = 10  # sentences printed per cell, the latest first
# A point taken out of its plan file (`tracker seed` retires it): what the matrix shows
# on it was coded, or reviewed, before.
RETIRED_NOTE = "retired: taken out of the plan file, no longer coded"
SECTIONS = (
    ("state", "States and their people"),
    ("organisation", "Organisations and their people"),
    ("", "Other affiliations"),
)
KIND_ORDER = {"state": 0, "organisation": 1, "group": 2, "person": 3}
STANCES = ("support", "oppose", "mixed")


@dataclass
class Group:
    name: str
    kind: str  # the kind of the actor the group is named after, "" when unknown
    actors: list[str] = field(default_factory=list)


# A column of a point taken out of its plan file is keyed apart from the live point that
# has its number now (one column held both, labelled retired); the key is the number and this.
RETIRED_KEY = "\x00retired"


def column_key(row: Mapping[str, Any]) -> str:
    """The column a row of the report or a position belongs to, within its plan."""
    target = cell_text(row.get("target"))
    return target + RETIRED_KEY if row.get("target_retired") else target


def shown(key: str) -> str:
    """The target as the report names it (its number or slug)."""
    return key.removesuffix(RETIRED_KEY)


def target_order(plan: str, key: str) -> tuple:
    """The plan as a whole first, then points by number (a retired one after the live one of
    its number), then the other issues."""
    target, retired = shown(key), key.endswith(RETIRED_KEY)
    if target.isdigit():
        return (plan, 1, int(target), retired, target)
    return (plan, 0 if target == "plan" else 2, 0, retired, target)


def group_actors(affiliations: Mapping[str, str], kinds: Mapping[str, str]) -> list[Group]:
    """Actors grouped by affiliation (an actor without one is its own group), in the
    order of SECTIONS, groups by name, the group's own actor first and people last."""
    groups: dict[str, Group] = {}
    for actor, affiliation in affiliations.items():
        name = affiliation or actor
        kind = kinds.get(name, "")
        group = groups.setdefault(
            name, Group(name, kind if kind in ("state", "organisation") else "")
        )
        group.actors.append(actor)
    section = {kind: i for i, (kind, _) in enumerate(SECTIONS)}
    ordered = sorted(groups.values(), key=lambda g: (section[g.kind], g.name.casefold()))
    for group in ordered:
        group.actors.sort(
            key=lambda a: (a != group.name, KIND_ORDER.get(kinds.get(a, ""), 4), a.casefold())
        )
    return ordered


def _source(position: Mapping[str, Any]) -> str:
    """The article's title and source, the source a link when the article has a web
    address (http or https only: never a javascript: or file: address)."""
    title = cell_text(position.get("article_title"))
    source = cell_text(position.get("source"))
    url = cell_text(position.get("url"))
    parts = []
    if title:
        parts.append(f"<cite>{escape(title)}</cite>")
    if url.lower().startswith(("https://", "http://")):
        parts.append(
            f'<a class="source" href="{escape(url)}" rel="noreferrer">{escape(source or url)}</a>'
        )
    elif source:
        parts.append(f'<span class="source">{escape(source)}</span>')
    return ", ".join(parts)


def evidence_item(position: Mapping[str, Any]) -> str:
    """One position as a list item: stance, date, the sentence, its article."""
    stance = cell_text(position.get("stance"))
    date = cell_text(position.get("date")) or "undated"
    sentence = cell_text(position.get("sentence"))
    text = f"<q>{escape(sentence)}</q>" if sentence else '<em class="note">entered by hand</em>'
    source = _source(position)
    return (
        f'<li><span class="badge {escape(stance)}">{escape(stance)}</span> '
        f"<time>{escape(date)}</time> {text}"
        + (f' <span class="from">— {source}</span>' if source else "")
        + "</li>"
    )


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'" if not value.isalnum() else value


class MatrixPage:
    """Builds the matrix page's body from the report's rows and the page context."""

    def __init__(self, rows: Sequence[Mapping[str, Any]], context: PageContext | None) -> None:
        self.context = context
        self.titles: dict[tuple[str, str], str] = {}
        # points taken out of their plan file, still holding positions coded before
        self.retired: set[tuple[str, str]] = set()
        affiliations: dict[str, str] = {}
        self.cells: dict[tuple[str, str, str], Mapping[str, Any]] = {}
        for row in rows:
            key = (cell_text(row.get("plan")), column_key(row))
            self.titles.setdefault(key, cell_text(row.get("target_title")))
            if row.get("target_retired"):
                self.retired.add(key)
            actor = cell_text(row.get("actor"))
            affiliations.setdefault(actor, cell_text(row.get("affiliation")))
            self.cells[(actor, *key)] = row
        self.targets = sorted(self.titles, key=lambda key: target_order(*key))
        self.several_plans = len({plan for plan, _ in self.targets}) > 1
        self.kinds = dict(context.actor_kinds) if context else {}
        self.groups = group_actors(affiliations, self.kinds)
        self.evidence: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
        self.slugs: dict[tuple[str, str], str] = {}
        positions = (context.positions if context else None) or []
        for position in positions:
            column = (cell_text(position.get("plan")), column_key(position))
            cell = (cell_text(position.get("actor")), *column)
            if position.get("target_retired"):  # named by its slug: its number is another's
                self.slugs[column] = cell_text(position.get("target_slug"))
            if cell in self.cells:
                self.evidence.setdefault(cell, []).append(position)
        self.span = Span.of(p.get("date") for p in positions) or Span.of(
            row.get("last_date") for row in rows
        )
        # footnote numbers and element ids, in the grid's order
        self.number: dict[tuple[str, str, str], int] = {}
        self.actor_index: dict[str, int] = {}
        for group in self.groups:
            for actor in group.actors:
                self.actor_index[actor] = len(self.actor_index) + 1
                for plan, target in self.targets:
                    if (actor, plan, target) in self.cells:
                        self.number[(actor, plan, target)] = len(self.number) + 1

    # ----------------------------------------------------------------- labels

    def target_label(self, plan: str, target: str) -> str:
        return f"{plan} · {shown(target)}" if self.several_plans else shown(target)

    def cell_id(self, actor: str, plan: str, target: str) -> str:
        return f"ev-{self.actor_index[actor]}-{self.targets.index((plan, target)) + 1}"

    def summary(self) -> str:
        actors, cells = len(self.actor_index), len(self.cells)
        text = (
            f"{actors} actor{'s' if actors != 1 else ''} with a position on "
            f"{len(self.targets)} target{'s' if len(self.targets) != 1 else ''}: "
            f"{cells} cell{'s' if cells != 1 else ''}"
        )
        positions = self.context.positions if self.context else None
        if positions:
            articles = len({p.get("article_id") for p in positions if p.get("article_id")})
            text += f", from {len(positions)} positions in {articles} articles"
        return text

    # ----------------------------------------------------------------- grid

    def grid(self) -> list[str]:
        columns = len(self.targets) + 2
        out = [
            # a fixed layout needs the table's width: the columns' widths in the style sheet
            f'<div class="scroll"><table class="matrix" id="matrix" '
            f'style="width: {11 + 8.5 + 4.6 * len(self.targets):.1f}rem">',
            '<thead><tr><th class="actor-head" scope="col" tabindex="0" data-sort="name">'
            "Actor</th>",
        ]
        for i, (plan, target) in enumerate(self.targets):
            title = self.titles[(plan, target)]
            retired = (plan, target) in self.retired
            hover = title + (f" ({RETIRED_NOTE})" if retired else "")
            out.append(
                f'<th class="target-head{" retired" if retired else ""}" scope="col" '
                f'title="{escape(hover)}" tabindex="0" data-sort="col" data-col="{i}">'
                f'<span class="tnum{"" if shown(target).isdigit() else " slug"}">'
                f"{escape(self.target_label(plan, target))}</span> "
                f'<span class="ttitle">{escape(title)}</span>'
                + ('<span class="tretired">retired</span>' if retired else "")
                + "</th>"
            )
        out.append(
            '<th class="chart-head" scope="col" tabindex="0" data-sort="count">'
            "Over time</th></tr></thead>"
        )
        for section_kind, section_title in SECTIONS:
            groups = [g for g in self.groups if g.kind == section_kind]
            if not groups:
                continue
            out.append(
                f'<tbody class="section"><tr><th colspan="{columns}">'
                f"{escape(section_title)}</th></tr></tbody>"
            )
            for group in groups:
                out.append(f'<tbody class="group" data-group="{escape(group.name)}">')
                about = f"{group.kind} · " if group.kind else ""
                count = len(group.actors)
                out.append(
                    f'<tr class="group-head"><th colspan="{columns}">{escape(group.name)} '
                    f"<small>{about}{count} actor{'s' if count != 1 else ''}</small></th></tr>"
                )
                out += [self._row(actor, group) for actor in group.actors]
                out.append("</tbody>")
        out.append("</table></div>")
        return out

    def _row(self, actor: str, group: Group) -> str:
        kind = self.kinds.get(actor, "")
        count = 0
        cells = []
        for plan, target in self.targets:
            row = self.cells.get((actor, plan, target))
            if row is None:
                cells.append('<td class="empty" data-stance=""></td>')
                continue
            stance = cell_text(row.get("stance"))
            evidence = cell_text(row.get("evidence"))
            changed = bool(row.get("changed"))
            count += int(row.get("positions") or row.get("evidence") or 1)
            css = stance if stance in STANCES else "other"
            hover = f"{actor} on {self.titles[(plan, target)] or target}: {stance}"
            label = escape(stance) + (f" <b>{escape(evidence)}</b>" if evidence else "")
            label += ' <span class="changed" title="the stance changed">↻</span>' if changed else ""
            number = self.number[(actor, plan, target)]
            cells.append(
                f'<td class="cell {css}" data-stance="{escape(stance)}" '
                f'data-evidence="{escape(evidence)}" data-changed="{int(changed)}">'
                f'<a href="#{self.cell_id(actor, plan, target)}" title="{escape(hover)}">'
                f'{label}<sup class="fn">{number}</sup></a></td>'
            )
        points = [(p.get("date"), cell_text(p.get("stance"))) for p in self._positions_of(actor)]
        chart = stance_chart(points, self.span, width=126, height=32, label=actor)
        small = f" <small>{escape(kind)}</small>" if kind else ""
        return (
            f'<tr class="actor" data-name="{escape(actor)}" data-group="{escape(group.name)}" '
            f'data-kind="{escape(kind)}" data-count="{count}" '
            f'data-order="{self.actor_index[actor]}">'
            f'<th scope="row"><a href="#actor-{self.actor_index[actor]}">{escape(actor)}</a>'
            f"{small}</th>" + "".join(cells) + f'<td class="chart">{chart}</td></tr>'
        )

    def _positions_of(self, actor: str) -> list[Mapping[str, Any]]:
        return [p for (a, _, _), ps in self.evidence.items() if a == actor for p in ps]

    # ----------------------------------------------------------------- targets

    def target_charts(self) -> list[str]:
        """One card per target: the latest stances and the stance over time."""
        out = [
            '<section class="targets" id="targets"><h2>Targets over time</h2>',
            '<div class="cards">',
        ]
        for plan, target in self.targets:
            latest = {s: 0 for s in STANCES}
            points = []
            for (_, p, t), row in self.cells.items():
                if (p, t) == (plan, target):
                    stance = cell_text(row.get("stance"))
                    latest[stance] = latest.get(stance, 0) + 1
            for (_, p, t), positions in self.evidence.items():
                if (p, t) == (plan, target):
                    points += [(x.get("date"), cell_text(x.get("stance"))) for x in positions]
            if not points:  # no evidence read: the latest stances alone
                points = [
                    (row.get("last_date"), cell_text(row.get("stance")))
                    for (_, p, t), row in self.cells.items()
                    if (p, t) == (plan, target)
                ]
            title = self.titles[(plan, target)]
            counts = " · ".join(
                f'<span class="badge {s}">{latest[s]} {s}</span>' for s in STANCES if latest[s]
            )
            out.append(
                f'<figure class="card"><figcaption><b>{escape(self.target_label(plan, target))}'
                f"</b> {escape(title)}<br><small>latest stances: {counts}</small></figcaption>"
                + stance_chart(points, self.span, width=250, height=44, axis=True, label=title)
                + "</figure>"
            )
        out += ["</div>", "</section>"]
        return out

    # ----------------------------------------------------------------- evidence

    def evidence_list(self) -> list[str]:
        out = [
            '<section class="evidence" id="evidence"><h2>Evidence</h2>',
            f'<p class="meta">The sentences behind each cell, the latest first (at most '
            f"{EVIDENCE_SHOWN} per cell); [n] is the cell's number in the grid.</p>",
        ]
        for group in self.groups:
            for actor in group.actors:
                out += self._actor_evidence(actor, group)
        out.append("</section>")
        return out

    def _actor_evidence(self, actor: str, group: Group) -> list[str]:
        kind = self.kinds.get(actor, "")
        about = " · ".join(x for x in (kind, group.name if group.name != actor else "") if x)
        points = [(p.get("date"), cell_text(p.get("stance"))) for p in self._positions_of(actor)]
        out = [
            f'<section class="actor-evidence" id="actor-{self.actor_index[actor]}">'
            f"<h3>{escape(actor)}"
            + (f" <small>{escape(about)}</small>" if about else "")
            + "</h3>",
            stance_chart(points, self.span, width=320, height=44, axis=True, label=actor),
        ]
        for plan, target in self.targets:
            row = self.cells.get((actor, plan, target))
            if row is not None:
                out.append(self._cell_evidence(actor, plan, target, row))
        out.append("</section>")
        return out

    def _cell_evidence(self, actor: str, plan: str, target: str, row: Mapping[str, Any]) -> str:
        stance = cell_text(row.get("stance"))
        positions = self.evidence.get((actor, plan, target), [])
        notes = []
        if row.get("positions") is not None:
            total = cell_text(row.get("positions"))
            noun = "position" if total == "1" else "positions"
            notes.append(f"{cell_text(row.get('evidence'))} of {total} {noun}")
        counts = {s: sum(1 for p in positions if p.get("stance") == s) for s in STANCES}
        if sum(1 for n in counts.values() if n) > 1:
            notes.append(", ".join(f"{n} {s}" for s, n in counts.items() if n))
        if row.get("changed"):
            notes.append("the stance changed")
        if row.get("last_date"):
            notes.append(f"latest {cell_text(row.get('last_date'))}")
        head = (
            f'<h4><span class="fn">[{self.number[(actor, plan, target)]}]</span> '
            f"{escape(actor)} on {escape(self.target_label(plan, target))} · "
            f"{escape(self.titles[(plan, target)])}: "
            f'<span class="badge {escape(stance)}">{escape(stance)}</span>'
            + (f" <small>{escape('; '.join(notes))}</small>" if notes else "")
            + "</h4>"
        )
        if positions:
            items = [evidence_item(p) for p in positions[:EVIDENCE_SHOWN]]
        else:  # no evidence read for the page: the report's own latest sentence
            items = [
                evidence_item(
                    {
                        "stance": stance,
                        "date": row.get("last_date"),
                        "sentence": row.get("sentence"),
                    }
                )
            ]
        more = ""
        if len(positions) > EVIDENCE_SHOWN:
            command = (  # with its plan: another plan's point of that number is another
                f"tracker report evidence --actor {_quote(actor)} "
                f"--target {_quote(self.slugs.get((plan, target), shown(target)))}"
                f" --plan {_quote(plan)}"
            )
            more = (
                f'<p class="more">… and {len(positions) - EVIDENCE_SHOWN} earlier: '
                f"<code>{escape(command)}</code></p>"
            )
        return (
            f'<div class="cell-evidence" id="{self.cell_id(actor, plan, target)}">{head}'
            f'<ol class="sentences">{"".join(items)}</ol>{more}</div>'
        )

    # ----------------------------------------------------------------- page

    def body(self) -> list[str]:
        tools = (
            '<form class="tools" id="matrix-tools" onsubmit="return false">'
            '<label>Find <input type="search" id="find" placeholder="actor or affiliation">'
            "</label>"
            '<label>Stance <select id="stance"><option value="">any</option>'
            + "".join(f'<option value="{s}">{s}</option>' for s in STANCES)
            + '<option value="changed">changed</option></select></label>'
            '<label>Kind <select id="kind"><option value="">any</option>'
            + "".join(
                f'<option value="{k}">{k}</option>'
                for k in ("state", "organisation", "group", "person")
            )
            + "</select></label>"
            '<label><input type="checkbox" id="grouped" checked> group by affiliation</label>'
            '<output id="shown"></output></form>'
        )
        legend = (
            '<p class="legend">Latest stance by article date: '
            '<span class="badge support">support</span> <span class="badge oppose">oppose</span> '
            '<span class="badge mixed">mixed</span> · the number counts the positions with that '
            "stance · ↻ the stance changed in the period · click a cell for its evidence, a "
            "heading to sort · the charts show each position by date (n.d.: undated)"
            + (f"; time axis {escape(self.span.label())}" if self.span else "")
            + "</p>"
        )
        return [
            f'<p class="meta count">{escape(self.summary())}</p>',
            legend,
            tools,
            *self.grid(),
            *self.target_charts(),
            *self.evidence_list(),
            '<dialog id="evidence-dialog"><form method="dialog"><button class="close">Close'
            '</button></form><div class="dialog-body"></div></dialog>',
        ]
