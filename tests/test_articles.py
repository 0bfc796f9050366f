"""`tracker articles`: list, show, set-date and remove what was ingested, on both stores."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import func, select

from tracker.db import make_engine
from tracker.read import parse_text_article
from tracker.schema import Article, Link, Position, Sentence

FIRST = (
    "date 2023-02-24\n"
    "China called for a ceasefire and for respecting the sovereignty of all countries.\n"
    "Zelensky said he supports the ceasefire.\n"
)
SECOND = (
    "date 2023-03-10\n"
    "Lukashenko said Belarus totally supports the Chinese peace plan.\n"
    "Blinken said the world should not be fooled by a ceasefire call.\n"
)
UNDATED = "Kuleba said Ukraine wants the withdrawal of Russian troops.\n"


@pytest.fixture
def store(db_url, tmp_path, invoke):
    """A store holding three small articles: a.txt (2023-02-24), b.txt (2023-03-10) and
    c.txt (undated)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in (("a.txt", FIRST), ("b.txt", SECOND), ("c.txt", UNDATED)):
        (folder / name).write_text(text, encoding="utf-8")
    invoke("--db", db_url, "ingest", folder)
    return db_url


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def _ids(invoke, url, *options) -> dict[str, int]:
    rows = _jsonl(invoke("--db", url, "articles", "--format", "jsonl", *options).output)
    return {row["source"].rsplit("/", 1)[-1]: row["id"] for row in rows}


def _count(url, table) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(table)).scalar_one()
    finally:
        engine.dispose()


def test_list_newest_first_with_counts(store, invoke):
    rows = _jsonl(invoke("--db", store, "articles", "--format", "jsonl").output)
    assert [r["source"].rsplit("/", 1)[-1] for r in rows] == ["b.txt", "a.txt", "c.txt"]
    assert [r["published"] for r in rows] == ["2023-03-10", "2023-02-24", None]
    assert set(rows[0]) == {"id", "source", "title", "published", "sentences", "positions"}
    assert [r["sentences"] for r in rows] == [2, 2, 1]
    assert sum(r["positions"] for r in rows) == _count(store, Position)
    table = invoke("--db", store, "articles", "--format", "table").output
    assert table.splitlines()[0].split() == [
        "id",
        "source",
        "title",
        "published",
        "sentences",
        "positions",
    ]


def test_list_filters(store, invoke):
    assert list(_ids(invoke, store, "--since", "2023-03-01")) == ["b.txt"]
    assert list(_ids(invoke, store, "--until", "2023-03-01")) == ["a.txt"]
    assert list(_ids(invoke, store, "--source", "C.TXT")) == ["c.txt"]
    assert list(_ids(invoke, store, "--source", "%")) == []  # a wildcard is a character
    assert list(_ids(invoke, store, "--limit", "2")) == ["b.txt", "a.txt"]
    for bad in ("0", "-1", "x"):
        result = invoke("--db", store, "articles", "--limit", bad, expect=1)
        assert result.output == f"Error: --limit must be a positive whole number, not {bad!r}\n"
    for option, value in (("--since", "yesterday"), ("--until", "2023-02-30")):
        result = invoke("--db", store, "articles", option, value, expect=1)
        assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    result = invoke(
        "--db", store, "articles", "--since", "2023-04-01", "--until", "2023-01-01", expect=1
    )
    assert "after" in result.output


def test_list_needs_an_existing_store(tmp_path, invoke):
    missing = tmp_path / "missing.db"
    result = invoke("--db", f"sqlite:///{missing}", "articles", expect=1)
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert not missing.exists()


@pytest.mark.parametrize("fmt", ["table", "csv", "csv-safe", "json", "jsonl"])
def test_show_every_format(store, invoke, fmt):
    article_id = _ids(invoke, store)["a.txt"]
    output = invoke("--db", store, "articles", "show", article_id, "--format", fmt).output
    if fmt == "json":
        document = json.loads(output)
        assert document["article"]["id"] == article_id
        assert document["article"]["published"] == "2023-02-24"
        sentences = document["sentences"]
    elif fmt == "jsonl":
        lines = _jsonl(output)
        assert lines[0]["id"] == article_id and lines[0]["sentences"] == 2
        sentences = lines[1:]
    elif fmt == "table":
        head, _, body = output.partition("\n\n")
        assert "published" in head and "2023-02-24" in head
        assert body.splitlines()[0].split() == ["ordinal", "sentence", "links", "positions"]
        assert len(body.splitlines()) == 2 + 2
        return
    else:
        head, _, body = output.partition("\n\n")
        fields = dict(csv.reader(io.StringIO(head)))
        assert fields["id"] == str(article_id) and fields["published"] == "2023-02-24"
        sentences = list(csv.DictReader(io.StringIO(body)))
    assert [int(s["ordinal"]) for s in sentences] == [0, 1]
    assert sentences[0]["sentence"].startswith("China called for a ceasefire")
    assert set(sentences[0]) == {"ordinal", "sentence", "links", "positions"}
    assert any(s["links"] for s in sentences)
    if fmt in ("json", "jsonl"):
        return  # lists of objects: test_show_json_gives_links_and_positions_as_objects
    # CSV: links and positions as short text, "plan/target score", "actor stance plan/target"
    for s in sentences:
        for link in filter(None, s["links"].split("; ")):
            key, score = link.rsplit(" ", 1)
            assert "/" in key and 0 <= float(score) <= 1
        for position in filter(None, s["positions"].split("; ")):
            assert position.split(" ")[-2] in ("support", "oppose", "mixed")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_show_json_gives_links_and_positions_as_objects(store, invoke, fmt):
    """In json and jsonl a sentence's links and positions are lists of objects, not the
    table's joined text; the table keeps the text, and says the same things."""
    article_id = _ids(invoke, store)["b.txt"]
    output = invoke("--db", store, "articles", "show", article_id, "--format", fmt).output
    if fmt == "json":
        sentences = json.loads(output)["sentences"]
    else:
        sentences = _jsonl(output)[1:]
    links = [link for s in sentences for link in s["links"]]
    positions = [position for s in sentences for position in s["positions"]]
    assert links and positions
    for s in sentences:
        assert isinstance(s["links"], list) and isinstance(s["positions"], list)
    for link in links:
        assert set(link) == {"plan", "target", "score", "phrase"}
        assert link["plan"] == "china-2023" and isinstance(link["target"], str)
        assert isinstance(link["score"], float) and 0 <= link["score"] <= 1
        assert link["phrase"] is None or isinstance(link["phrase"], str)
    for position in positions:
        assert set(position) == {"actor", "stance", "plan", "target", "status"}
        assert position["stance"] in ("support", "oppose", "mixed")
        assert position["status"] == "auto" and position["plan"] == "china-2023"
    assert any("Lukashenko" in p["actor"] for p in positions)
    # the table says the same as text: "plan/target score" and "actor stance plan/target"
    table = invoke("--db", store, "articles", "show", article_id, "--format", "csv").output
    body = list(csv.DictReader(io.StringIO(table.partition("\n\n")[2])))
    assert [row["links"] for row in body] == [
        "; ".join(f"{k['plan']}/{k['target']} {k['score']:.3f}" for k in s["links"])
        for s in sentences
    ]
    assert [row["positions"] for row in body] == [
        "; ".join(f"{p['actor']} {p['stance']} {p['plan']}/{p['target']}" for p in s["positions"])
        for s in sentences
    ]


def test_show_unknown_id(store, invoke):
    result = invoke("--db", store, "articles", "show", "999999", expect=1)
    assert result.output == "Error: no article with id 999999\n"


def test_set_date_in_place_and_reingest_is_a_repeat(store, invoke, tmp_path):
    ids = _ids(invoke, store)
    articles_before = _count(store, Article)
    invoke("--db", store, "articles", "set-date", ids["a.txt"], "2023-02-25")
    assert _count(store, Article) == articles_before
    shown = _jsonl(
        invoke("--db", store, "articles", "show", ids["a.txt"], "--format", "jsonl").output
    )
    assert shown[0]["published"] == "2023-02-25"
    assert _ids(invoke, store) == ids  # same ids, no copy
    # the hash is the one reading the re-dated text gives: reading it again is a repeat
    redated = FIRST.replace("2023-02-24", "2023-02-25")
    assert shown[0]["content_hash"] == parse_text_article(redated, "x").content_hash
    again = tmp_path / "again.txt"
    again.write_text(redated, encoding="utf-8")
    output = invoke("--db", store, "ingest", again).output
    assert "0 new, 1 skipped" in output
    assert _count(store, Article) == articles_before
    # and the text at its old date is a new article again
    old = tmp_path / "old.txt"
    old.write_text(FIRST, encoding="utf-8")
    assert "1 new" in invoke("--db", store, "ingest", old).output


def test_set_date_of_an_undated_article(store, invoke, tmp_path):
    article_id = _ids(invoke, store)["c.txt"]
    result = invoke("--db", store, "articles", "set-date", article_id, "2024-01-05")
    assert result.output == f"article {article_id}: published undated -> 2024-01-05\n"
    again = tmp_path / "again.txt"
    again.write_text("date 2024-01-05\n" + UNDATED, encoding="utf-8")
    assert "0 new, 1 skipped" in invoke("--db", store, "ingest", again).output


def test_set_date_to_another_copy_is_refused(store, invoke, tmp_path):
    article_id = _ids(invoke, store)["a.txt"]
    other = tmp_path / "other.txt"
    other.write_text(FIRST.replace("2023-02-24", "2023-06-01"), encoding="utf-8")
    invoke("--db", store, "ingest", other)
    before = _count(store, Article)
    result = invoke("--db", store, "articles", "set-date", article_id, "2023-06-01", expect=1)
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert _count(store, Article) == before
    assert _ids(invoke, store, "--since", "2023-02-24", "--until", "2023-02-24") == {
        "a.txt": article_id
    }


@pytest.mark.parametrize("date", ["2023-13-01", "2023-02-30", "yesterday", "2023-2-3", ""])
def test_set_date_bad_date(store, invoke, date):
    article_id = _ids(invoke, store)["a.txt"]
    result = invoke("--db", store, "articles", "set-date", article_id, date, expect=1)
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert _ids(invoke, store, "--until", "2023-02-24") == {"a.txt": article_id}


def test_set_date_unknown_id(store, invoke):
    result = invoke("--db", store, "articles", "set-date", "999999", "2023-01-01", expect=1)
    assert result.output == "Error: no article with id 999999\n"


def test_remove_with_children(store, invoke):
    ids = _ids(invoke, store)
    gone = [ids["a.txt"], ids["c.txt"]]
    engine = make_engine(store)
    try:
        with engine.connect() as connection:
            own = select(Sentence.id).where(Sentence.article_id.in_(gone))
            expected = (
                connection.execute(select(func.count()).where(Sentence.id.in_(own))).scalar(),
                connection.execute(
                    select(func.count()).select_from(Link).where(Link.sentence_id.in_(own))
                ).scalar(),
                connection.execute(
                    select(func.count()).select_from(Position).where(Position.sentence_id.in_(own))
                ).scalar(),
            )
        counts = [_count(store, t) for t in (Article, Sentence, Link, Position)]
        result = invoke("--db", store, "articles", "remove", *gone, "--yes")
        s, ln, p = expected
        assert result.output == f"removed 2 articles, {s} sentences, {ln} links, {p} positions\n"
        assert [_count(store, t) for t in (Article, Sentence, Link, Position)] == [
            counts[0] - 2,
            counts[1] - s,
            counts[2] - ln,
            counts[3] - p,
        ]
        with engine.connect() as connection:
            left = connection.execute(
                select(func.count()).select_from(Sentence).where(Sentence.article_id.in_(gone))
            ).scalar()
        assert left == 0
    finally:
        engine.dispose()
    assert list(_ids(invoke, store)) == ["b.txt"]
    invoke("--db", store, "db", "check")  # no orphans


def test_remove_asks_first(store, invoke):
    article_id = _ids(invoke, store)["a.txt"]
    result = invoke("--db", store, "articles", "remove", article_id, input="n\n", expect=1)
    assert "continue" not in result.output and "remove 1 articles" in result.output
    assert result.output.splitlines()[-1].startswith("Error: not confirmed")
    assert "a.txt" in _ids(invoke, store)
    result = invoke("--db", store, "articles", "remove", article_id, input="y\n")
    assert "removed 1 articles" in result.output
    assert "a.txt" not in _ids(invoke, store)


def test_remove_unknown_id_removes_nothing(store, invoke):
    ids = _ids(invoke, store)
    counts = [_count(store, t) for t in (Article, Sentence, Link, Position)]
    result = invoke("--db", store, "articles", "remove", ids["a.txt"], "999999", "--yes", expect=1)
    assert result.output == "Error: no article with id 999999; nothing was removed\n"
    assert [_count(store, t) for t in (Article, Sentence, Link, Position)] == counts
    assert _ids(invoke, store) == ids


@pytest.mark.parametrize("fmt", ["csv", "csv-safe"])
def test_an_empty_list_has_its_header(db_url, invoke, fmt):
    output = invoke("--db", db_url, "articles", "--format", fmt).output
    assert output == "id,source,title,published,sentences,positions\n"


@pytest.mark.parametrize(
    ("source", "givens"),
    [
        # SQLite's lower() lowers A-Z alone: `--source агентство` found "Агентство …" on
        # PostgreSQL and nothing on SQLite
        ("Агентство Ü 🙂", ("агентство", "АГЕНТСТВО", "ü")),
        # Python lowers "İ" to "i" and a combining dot, PostgreSQL to "i": "istanbul" found
        # "İSTANBUL Times" on PostgreSQL alone, and "i̇stanbul" on SQLite alone
        ("İSTANBUL Times", ("istanbul", "İstanbul", "İSTANBUL times")),
    ],
    ids=["past ascii", "dotted capital i"],
)
def test_source_matches_letters_past_ascii_in_any_case_on_both_databases(
    invoke, db_url, tmp_path, source, givens
):
    line = json.dumps({"text": "China backed a ceasefire.", "source": source})
    (tmp_path / "a.jsonl").write_text(line + "\n", encoding="utf-8")
    invoke("--db", db_url, "ingest", tmp_path / "a.jsonl")
    for given in givens:
        found = invoke("--db", db_url, "articles", "--source", given, "--format", "json")
        assert [r["source"] for r in json.loads(found.output)] == [source], given


def test_times_are_utc_text_alike_on_both_databases(store, invoke):
    """`ingested_at` was "2026-12-07T20:06:15" from SQLite and
    "2026-12-07T20:06:18.258761+00:00" from PostgreSQL."""
    article_id = _ids(invoke, store)["a.txt"]
    output = invoke("--db", store, "articles", "show", article_id, "--format", "json").output
    stamp = json.loads(output)["article"]["ingested_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp), stamp
