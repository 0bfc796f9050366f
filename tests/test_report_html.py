"""The HTML reports, read as a browser would, without one: the page is parsed (html.parser)
and checked for what an analyst relies on. A small store of known content on SQLite and
PostgreSQL: a state with one of its people, an organisation with one of its people, an
actor of another affiliation, and three articles (one with a web address, one with a
javascript: address that must never become a link, one undated)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser

import pytest
from sqlalchemy.engine import make_url

from tracker import __version__, report_matrix
from tracker.db import make_engine
from tracker.report_context import configuration_text, store_url
from tracker.report_svg import Span, stance_chart
from tracker.schema import Actor, Article, Plan, Position, Sentence, Target

PLAN = ("--plan", "html-plan")
ARTICLES = {
    "a1": (dt.date(2023, 2, 24), "First article", "https://example.org/a1?x=1&y=2"),
    "a2": (dt.date(2024, 3, 10), "Second article", "javascript:alert(1)"),
    "a3": (None, None, None),
}
SENTENCES = {
    "a1": ["Aland backs sovereignty.", 'Cland calls the plan "good & bad" <really>.'],
    "a2": ["Aland now rejects sovereignty.", "The Union wants a ceasefire.", "Dora agrees."],
    "a3": ["Eve doubts the ceasefire.", "Aland backs sovereignty again, undated."],
}
ACTORS = [  # name, kind, affiliation
    ("Aland", "state", "Aland"),
    ("Cland", "person", "Aland"),
    ("Union", "organisation", "Union"),
    ("Dora", "person", "Union"),
    ("Eve", "person", "Think Institute"),
]
POSITIONS = [  # actor, target, stance, (article, ordinal)
    ("Aland", "1", "support", ("a1", 0)),
    ("Aland", "1", "oppose", ("a2", 0)),
    ("Aland", "1", "support", ("a3", 1)),
    ("Cland", "plan", "mixed", ("a1", 1)),
    ("Union", "2", "support", ("a2", 1)),
    ("Dora", "2", "support", ("a2", 2)),
    ("Eve", "2", "oppose", ("a3", 0)),
]
TITLES = {"plan": "The plan as a whole", "1": "Sovereignty first", "2": "Ceasefire now"}


def _build(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:

        def add(table, **values) -> int:
            return connection.execute(
                table.__table__.insert().values(**values)
            ).inserted_primary_key[0]

        actors = {
            name: add(Actor, name=name, kind=kind, affiliation=affiliation, confirmed=True)
            for name, kind, affiliation in ACTORS
        }
        plan_id = add(Plan, slug="html-plan", title="A plan for the page tests")
        targets = {}
        for key, title in TITLES.items():
            number = int(key) if key.isdigit() else None
            targets[key] = add(
                Target,
                plan_id=plan_id,
                kind="point" if number else "plan",
                number=number,
                slug=f"point-{key}" if number else "plan",
                title=title,
                description="",
            )
        sentences = {}
        for key, (published, title, address) in ARTICLES.items():
            article_id = add(
                Article,
                source=f"{key}.txt",
                title=title,
                url=address,
                published=published,
                content_hash=f"html-{key}",
            )
            for ordinal, text in enumerate(SENTENCES[key]):
                sentences[(key, ordinal)] = add(
                    Sentence, article_id=article_id, ordinal=ordinal, start=0, end=1, text=text
                )
        for actor, target, stance, sentence in POSITIONS:
            add(
                Position,
                actor_id=actors[actor],
                target_id=targets[target],
                stance=stance,
                sentence_id=sentences[sentence],
                score=1.0,
                method="auto",
            )
    engine.dispose()


@pytest.fixture(scope="module")
def store(template_url, tmp_path_factory, request) -> str:
    """One store per backend for the module: the tests only read it."""
    if template_url.startswith("sqlite"):
        path = tmp_path_factory.mktemp("html") / "store.db"
        shutil.copy(make_url(template_url).database, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres").create(make_url(template_url).database)
    _build(url)
    return url


# --------------------------------------------------------------------------- a tiny DOM

VOID = {"meta", "br", "input", "wbr", "img", "hr", "link", "col", "source", "area", "base"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                    found.append(child)
                found += child.all(tag, cls)
        return found

    def ancestors(self) -> list[Node]:
        node, out = self.parent, []
        while node is not None:
            out.append(node)
            node = node.parent
        return out


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"</{tag}> closes nothing"
        self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(page: str) -> Node:
    builder = _Builder()
    builder.feed(page)
    builder.close()
    assert builder.current is builder.root, "an element is left open"
    return builder.root


def by_id(root: Node) -> dict[str, Node]:
    return {n.attrs["id"]: n for n in root.all() if n.attrs.get("id")}


def squash(text: str) -> str:
    return " ".join(text.split())


def _page(invoke, url: str, *args: str) -> str:
    return invoke("--db", url, *args, "--format", "html").output


# --------------------------------------------------------------------------- the matrix


def test_matrix_headers_groups_count_and_visible_evidence(store, invoke):
    page = _page(invoke, store, "report", "matrix", *PLAN)
    root = parse(page)
    ids = by_id(root)
    # the column headers carry the points' titles, in the plan's order
    heads = [squash(th.text()) for th in root.all("th", "target-head")]
    assert heads == [f"{key} {title}" for key, title in TITLES.items()]
    # the count statement counts actors, not rows
    count = squash(root.all("p", "count")[0].text())
    assert count == (
        "5 actors with a position on 3 targets: 5 cells, from 7 positions in 3 articles"
    )
    # grouped by affiliation: states, organisations, then the rest; the state's own actor first
    matrix = ids["matrix"]
    sections = [squash(b.text()) for b in matrix.all("tbody", "section")]
    assert sections == [
        "States and their people",
        "Organisations and their people",
        "Other affiliations",
    ]
    order = [(tr.attrs["data-group"], tr.attrs["data-name"]) for tr in matrix.all("tr", "actor")]
    assert order == [
        ("Aland", "Aland"),
        ("Aland", "Cland"),
        ("Union", "Union"),
        ("Union", "Dora"),
        ("Think Institute", "Eve"),
    ]
    # every non-empty cell links to its evidence, which is in the page as plain text
    cells = matrix.all("td", "cell")
    assert len(cells) == 5
    expected = {
        ("Aland", "1"): ["Aland backs sovereignty again, undated.", "Aland now rejects"],
        ("Cland", "plan"): ['Cland calls the plan "good & bad" <really>.'],
        ("Eve", "2"): ["Eve doubts the ceasefire."],
    }
    for cell in cells:
        row = cell.parent
        column = row.all("td").index(cell)
        target = list(TITLES)[column]
        link = cell.all("a")[0]
        block = ids[link.attrs["href"].removeprefix("#")]
        assert "cell-evidence" in block.classes
        assert not [a for a in block.ancestors() if a.tag in ("details", "dialog", "template")]
        text = block.text()
        assert cell.attrs["data-stance"] in text and TITLES[target] in text
        assert block.all("q"), "no sentence shown"
        for sentence in expected.get((row.attrs["data-name"], target), []):
            assert sentence in text
    aland = ids[matrix.all("tr", "actor")[0].all("a")[1].attrs["href"][1:]]
    assert "1 of 3 positions" in aland.text() and "the stance changed" in aland.text()
    # the latest stance: Aland's undated support is older than its dated opposition
    assert matrix.all("tr", "actor")[0].all("td")[1].attrs["data-stance"] == "oppose"
    # escaped: the sentence's markup is text, never markup
    assert "<really>" not in page and "&lt;really&gt;" in page


def test_reviewed_only_matrix_shows_only_reviewed_evidence(db_url, invoke, tmp_path):
    """With --reviewed-only the page's evidence and charts follow the rows: the positions
    nobody reviewed are neither cells nor evidence."""
    _build(db_url)
    sheet = tmp_path / "sheet.csv"
    invoke("--db", db_url, "review", "export", sheet, "--actor", "Eve")
    with sheet.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    rows[0]["decision"] = "confirm"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    invoke("--db", db_url, "review", "import", sheet, "--reviewer", "ana")
    page = _page(invoke, db_url, "report", "matrix", *PLAN, "--reviewed-only")
    matrix = by_id(parse(page))["matrix"]
    assert [tr.attrs["data-name"] for tr in matrix.all("tr", "actor")] == ["Eve"]
    assert "Eve doubts the ceasefire." in page
    assert "Aland now rejects" not in page and "Dora" not in page


def test_matrix_links_only_to_articles_and_fetches_nothing(store, invoke):
    page = _page(invoke, store, "report", "matrix", *PLAN)
    root = parse(page)
    addresses = [
        (node.tag, name, value)
        for node in root.all()
        for name, value in node.attrs.items()
        if name in ("src", "href", "action", "xlink:href", "srcset", "poster", "data")
    ]
    external = [a for a in addresses if not (a[2] or "").startswith("#")]
    assert set(external) == {("a", "href", "https://example.org/a1?x=1&y=2")}  # two sentences
    assert not [a for a in addresses if a[1] != "href"]  # nothing is loaded: no src at all
    assert "javascript:alert" not in "".join(value or "" for _, _, value in addresses)
    assert "javascript:alert(1)" not in page  # not even as text of a link
    assert not root.all("link") and not root.all("iframe") and not root.all("img")
    assert "@import" not in page and not re.search(r"url\(", page)
    for word in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "sendBeacon", "http://"):
        assert word not in "".join(s.text() for s in root.all("script")), word
    assert page.count("<html") == 1 and page.count("<body") == 1
    assert len(root.all("style")) == 1 and len(root.all("script")) == 1
    # a stance-over-time chart per actor (in its row and its evidence) and per target
    charts = root.all("td", "chart")
    assert len(charts) == 5 and all(td.all("svg") for td in charts)
    assert len(root.all("figure", "card")) == 3
    assert all(card.all("svg") for card in root.all("figure", "card"))


def test_matrix_footer_says_where_the_page_comes_from(store, invoke):
    root = parse(_page(invoke, store, "report", "matrix", *PLAN))
    footer = root.all("footer")[0]
    facts = dict(
        zip(
            [squash(d.text()) for d in footer.all("dt")],
            [squash(d.text()) for d in footer.all("dd")],
            strict=True,
        )
    )
    assert set(facts) == {"Generated", "Report", "Store", "Articles", "Coder"}
    generated = dt.datetime.strptime(facts["Generated"], "%Y-%m-%d %H:%M:%S UTC")
    assert abs(dt.datetime.now(dt.UTC).replace(tzinfo=None) - generated) < dt.timedelta(hours=1)
    assert facts["Report"] == "matrix"
    assert facts["Store"] == make_url(store).render_as_string(hide_password=False)
    assert facts["Articles"] == "3 articles, 2023-02-24 to 2024-03-10; 1 undated"
    assert facts["Coder"] == configuration_text()
    assert facts["Coder"].startswith(f"tracker {__version__} (compiled: ")


def test_a_long_cell_prints_the_latest_and_names_the_command_for_the_rest(
    store, invoke, monkeypatch
):
    monkeypatch.setattr(report_matrix, "EVIDENCE_SHOWN", 1)
    root = parse(_page(invoke, store, "report", "matrix", *PLAN, "--actor", "Aland"))
    block = root.all("div", "cell-evidence")[0]
    assert len(block.all("li")) == 1 and "Aland now rejects sovereignty." in block.text()
    assert squash(block.all("p", "more")[0].text()) == (
        "… and 2 earlier: tracker report evidence --actor Aland --target 1 --plan 'html-plan'"
    )


def test_evidence_and_timeline_link_sources_with_a_web_address(store, invoke):
    evidence = parse(
        _page(invoke, store, "report", "evidence", "--actor", "Aland", "--target", "1", *PLAN)
    )
    links = [a.attrs["href"] for a in evidence.all("a") if not a.attrs["href"].startswith("#")]
    assert links == ["https://example.org/a1?x=1&y=2"]
    assert "javascript:alert(1)" in evidence.text()  # shown as text, never as a link
    timeline = parse(_page(invoke, store, "report", "timeline", "--actor", "Aland"))
    table = by_id(timeline)["timeline"]
    rows = table.all("tbody")[0].all("tr")
    assert [squash(r.all("td")[4].text()) for r in rows] == [
        "Aland backs sovereignty again, undated.",
        "Aland backs sovereignty.",
        "Aland now rejects sovereignty.",
    ]
    assert [r.all("td")[0].text() for r in rows] == ["undated", "2023-02-24", "2024-03-10"]
    assert "changed" in rows[2].classes and "was support" in rows[2].text()
    assert [a.attrs["href"] for a in table.all("a")] == ["https://example.org/a1?x=1&y=2"]
    assert timeline.all("figure", "subject-chart")[0].all("svg")


def test_a_source_of_several_addresses_links_each_row_to_its_own(db_url, invoke, tmp_path):
    """Two articles under one source, each with its address: every timeline row (and every
    `sql` row) linked to the first one's. A row links to its own article's address (by
    source and date); where source and date name several addresses, to none."""
    said = "Olaf Scholz said Germany "
    lines = [
        {
            "date": "2023-04-01",
            "url": "https://r.example/first",
            "text": said + "opposes the plan.",
        },
        {"date": "2023-04-02", "url": "https://r.example/second", "text": said + "backs talks."},
        {"date": "2023-04-02", "url": "https://r.example/third", "text": said + "wants a truce."},
    ]
    feed = tmp_path / "wire.jsonl"
    feed.write_text(
        "".join(json.dumps({**line, "source": "Wire"}) + "\n" for line in lines), encoding="utf-8"
    )
    invoke("--db", db_url, "ingest", feed)
    for args in (
        ("report", "timeline", "--actor", "Scholz"),
        ("sql", "SELECT date, source FROM report_positions ORDER BY date, position_id"),
    ):
        page = parse(_page(invoke, db_url, *args))
        hrefs = [a.attrs["href"] for a in page.all("a") if a.attrs["href"].startswith("http")]
        assert hrefs == ["https://r.example/first"], args
    page = parse(_page(invoke, db_url, "sql", "SELECT source FROM report_positions"))
    assert not [a for a in page.all("a") if a.attrs["href"].startswith("http")]


@pytest.mark.parametrize(
    "args",
    [
        ("report", "coverage", *PLAN),
        ("report", "contested"),
        ("report", "omissions", *PLAN),
        ("report", "actor", "--actor", "Union"),
        ("sql", "SELECT actor, stance FROM report_positions ORDER BY position_id"),
        ("report", "matrix", *PLAN, "--since", "2030-01-01"),  # no rows: still a page
    ],
)
def test_every_page_is_whole_and_ends_with_its_footer(store, invoke, args):
    page = _page(invoke, store, *args)
    root = parse(page)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert [n.tag for n in root.children if isinstance(n, Node)] == ["html"]
    assert root.all("footer") and "Store" in root.all("footer")[0].text()
    assert len(root.all("table")) <= 1 and not root.all("link")


def test_the_listing_has_a_footer_without_a_store(invoke, tmp_path):
    root = parse(invoke("report", "--list", "--format", "html").output)
    facts = [squash(d.text()) for d in root.all("footer")[0].all("dt")]
    assert facts == ["Generated", "Coder"]
    assert "matrix" in root.all("table")[0].text()


# --------------------------------------------------------------------------- parts


def test_the_store_address_never_carries_a_password():
    url = make_url("postgresql+psycopg://ana:s3cret@db.example:5432/tracker?sslpassword=k&x=1")
    assert store_url(url) == "postgresql+psycopg://ana@db.example:5432/tracker?x=1"
    assert store_url(make_url("sqlite:////tmp/a.db")) == "sqlite:////tmp/a.db"


def test_configuration_text_names_the_version_and_any_configuration():
    text = configuration_text()
    assert text.startswith(f"tracker {__version__} (compiled: ")
    try:
        from tracker.provenance import current_configuration  # type: ignore[import-not-found]
    except ImportError:
        return
    assert text.endswith(f"configuration {current_configuration().hash}")


def test_charts_share_a_time_axis_and_show_undated_apart():
    span = Span.of(["2023-01-01", None, "2025-01-01"])
    assert span == Span(dt.date(2023, 1, 1), dt.date(2025, 1, 1))
    svg = stance_chart(
        [("2023-01-01", "support"), ("2025-01-01", "oppose"), (None, "mixed"), (None, "x")],
        span,
        width=200,
        axis=True,
    )
    root = parse(svg)
    dots = root.all("circle")
    assert [d.attrs["class"] for d in dots] == ["dot mixed", "dot support", "dot oppose"]
    undated, first, last = (float(d.attrs["cx"]) for d in dots)
    assert undated < first < last <= 200
    assert "1 support, 1 mixed, 1 oppose" in root.all("title")[0].text()
    assert "1 undated" in root.all("title")[0].text()
    assert [t.text() for t in root.all("text")] == ["2023", "2024", "2025", "n.d."]
    many = stance_chart([("2023-06-01", "support")] * 500, span)
    assert len(parse(many).all("circle")) == 1 and "500 support positions" in many
