"""End to end through the CLI: ingest the seed article and read positions and links back."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from tracker.db import make_engine
from tracker.resources import seeds_dir
from tracker.schema import Article, Link, Position, Sentence

SEED = seeds_dir() / "articles" / "seed.txt"


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _positions(invoke, db_url: str, *args: str) -> set[tuple[str, str, str]]:
    rows = _jsonl(invoke("--db", db_url, "position", "--format", "jsonl", *args).output)
    return {(r["actor"], r["target"], r["stance"]) for r in rows}


def _counts(db_url: str) -> tuple[int, int, int, int]:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        counts = tuple(
            connection.execute(select(func.count()).select_from(table)).scalar()
            for table in (Article, Sentence, Link, Position)
        )
    engine.dispose()
    return counts


def test_seed_article_positions(invoke, db_url):
    result = invoke("--db", db_url, "ingest", SEED)
    assert "1 new, 0 skipped, 0 failed" in result.output
    found = _positions(invoke, db_url)
    assert ("Alexander Lukashenko", "plan", "support") in found
    assert ("Volodymyr Zelensky", "plan", "mixed") in found
    assert ("Xi Jinping", "2", "support") in found


def test_actor_filter_accepts_spelling_variants(invoke, db_url):
    invoke("--db", db_url, "ingest", SEED)
    for spelling in ("Zelensky", "Zelenskyy", "Zelenskiy", "Volodymyr Zelensky", "zelenskyy"):
        rows = _jsonl(
            invoke("--db", db_url, "position", "--actor", spelling, "--format", "jsonl").output
        )
        assert rows, spelling
        assert {r["actor"] for r in rows} == {"Volodymyr Zelensky"}


def test_unknown_actor_is_a_clear_error(invoke, db_url):
    result = invoke("--db", db_url, "position", "--actor", "Nobody Atall", expect=1)
    assert "no actor matches 'Nobody Atall'" in result.output
    assert "Traceback" not in result.output


def test_export_contract_fields(invoke, db_url):
    invoke("--db", db_url, "ingest", SEED)
    links = _jsonl(invoke("--db", db_url, "links", "--format", "jsonl").output)
    assert links
    for row in links:
        assert {"source", "date", "sentence", "plan", "target", "score"} <= row.keys()
        assert row["plan"] == "china-2023" and row["date"] == "2023-03-02"
        assert row["target"] != "plan"
    positions = _jsonl(invoke("--db", db_url, "position", "--format", "jsonl").output)
    for row in positions:
        assert {
            "source",
            "date",
            "sentence",
            "plan",
            "target",
            "actor",
            "affiliation",
            "stance",
            "score",
            "method",
        } <= row.keys()
        assert row["stance"] in {"support", "oppose", "mixed"}
        assert row["method"] == "auto"
        assert row["sentence"] in SEED.read_text(encoding="utf-8")


def test_reingest_is_idempotent(invoke, db_url):
    invoke("--db", db_url, "ingest", SEED)
    before = _counts(db_url)
    result = invoke("--db", db_url, "ingest", SEED)
    assert "0 new, 1 skipped, 0 failed" in result.output
    assert _counts(db_url) == before


def test_jsonl_and_stdin(invoke, db_url, tmp_path: Path):
    text = SEED.read_text(encoding="utf-8")
    body = text.split(" ", 3)[3]  # without the date header
    records = [
        {
            "text": body,
            "date": "2023-03-02",
            "title": "Lukashenko in Beijing",
            "url": "https://example.org/a",
        },
        {"text": "Kazakhstan has publicly endorsed China's 12-point paper on the war in Ukraine."},
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert "2 new" in invoke("--db", db_url, "ingest", path).output
    positions = _jsonl(invoke("--db", db_url, "position", "--format", "jsonl").output)
    sources = {r["source"] for r in positions}
    assert "https://example.org/a" in sources
    assert ("Kazakhstan", "plan", "support") in {
        (r["actor"], r["target"], r["stance"]) for r in positions
    }

    result = invoke(
        "--db", db_url, "ingest", "-", input="date 2023-02-25 Mr Xi urged a ceasefire.\n"
    )
    assert "1 new" in result.output
    rows = _jsonl(invoke("--db", db_url, "position", "--actor", "Xi", "--format", "jsonl").output)
    assert any(r["source"] == "<stdin>" and r["target"] == "3" for r in rows)
    assert (
        "1 skipped"
        in invoke(
            "--db", db_url, "ingest", "-", input="date 2023-02-25 Mr Xi urged a ceasefire.\n"
        ).output
    )


def test_folder_ingest_is_recursive_and_skips_gold_files(invoke, db_url, tmp_path: Path):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "one.txt").write_text(
        "date 2023-02-24 China called for a ceasefire.", encoding="utf-8"
    )
    (tmp_path / "two.txt").write_text(
        "Ukraine wants Russia to withdraw its troops.", encoding="utf-8"
    )
    (tmp_path / "gold.jsonl").write_text(
        '{"article": "one.txt", "sentence": "x"}\n', encoding="utf-8"
    )
    result = invoke("--db", db_url, "ingest", tmp_path)
    assert "2 new, 0 skipped, 0 failed" in result.output


def test_a_jsonl_file_passed_over_that_holds_articles_is_named(invoke, db_url, tmp_path: Path):
    """A JSON Lines file whose first record has no text is passed over (README: gold files,
    metadata); one whose later lines are articles was passed over without a word. It is
    still passed over, as the rule says, with a warning naming it and the line."""
    from tracker.progress import count_inputs

    (tmp_path / "meta.jsonl").write_text(
        '{"title": "meta only"}\n{"text": "Norway backs peace talks."}\n', encoding="utf-8"
    )
    (tmp_path / "gold.jsonl").write_text(
        '{"article": "one.txt", "sentence": "x", "links": [], "positions": []}\n',
        encoding="utf-8",
    )
    (tmp_path / "one.txt").write_text("China called for a ceasefire.", encoding="utf-8")
    result = invoke("--db", db_url, "ingest", tmp_path)
    assert result.output.splitlines() == [
        f'warning: {tmp_path / "meta.jsonl"}: passed over: its first record has no "text" '
        "(as a gold or metadata file's), though line 2 holds an article; name the file itself "
        "to ingest its articles",
        result.output.splitlines()[-1],
    ]
    assert "articles: 1 new, 0 skipped, 0 failed" in result.output
    assert count_inputs([str(tmp_path)]) == 1  # the bar counts the text file alone
    named = invoke("--db", db_url, "ingest", tmp_path / "meta.jsonl", expect=1)
    assert "meta.jsonl:1: missing 'text'" in named.output and "1 new" in named.output


def test_bad_inputs_fail_alone(invoke, db_url, tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text("China called for a ceasefire.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("date 2023-13-45 Nothing here.", encoding="utf-8")
    result = invoke("--db", db_url, "ingest", bad, good, tmp_path / "missing.txt", expect=1)
    assert "1 new, 0 skipped, 2 failed" in result.output
    assert "bad.txt: bad date '2023-13-45'" in result.output
    assert "missing.txt: no such file or directory" in result.output
    assert "Traceback" not in result.output


def test_unknown_people_are_recorded_for_confirmation(invoke, db_url):
    text = (
        "date 2024-05-01 Ukrainian presidential adviser Jane Roe called the Chinese plan "
        "unrealistic. Roe said Russia must withdraw its troops."
    )
    invoke("--db", db_url, "ingest", "-", input=text)
    positions = _jsonl(invoke("--db", db_url, "position", "--format", "jsonl").output)
    found = {(r["actor"], r["affiliation"], r["target"], r["stance"]) for r in positions}
    assert ("Jane Roe", "Ukraine", "plan", "oppose") in found
    assert ("Jane Roe", "Ukraine", "troop-withdrawal", "support") in found
    actors = _jsonl(invoke("--db", db_url, "actors", "--format", "jsonl").output)
    roe = [a for a in actors if a["name"] == "Jane Roe"]
    assert len(roe) == 1 and roe[0]["confirmed"] is False and roe[0]["positions"] == 2


def test_article_rows_read_back_through_the_schema(invoke, db_url, tmp_path):
    """The article insert is written as SQL; what it stores must read back typed as the
    schema says, dated or not, on both backends."""
    import datetime as dt

    from sqlalchemy.orm import Session

    records = [
        {"text": "China proposed a ceasefire.", "date": "2023-02-24", "title": "T", "url": "u"},
        {"text": "Kyiv rejected it.", "source": "wire/2"},
    ]
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    assert "2 new" in invoke("--db", db_url, "ingest", str(path)).output
    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = session.scalars(select(Article).order_by(Article.id)).all()
        found = [(a.title, a.url, a.published, len(a.content_hash)) for a in rows[-2:]]
        assert found == [("T", "u", dt.date(2023, 2, 24), 64), (None, None, None, 64)]
        assert rows[-1].source == "wire/2" and rows[-1].ingested_at is not None
        dated = session.scalars(
            select(Article.id).where(Article.published == dt.date(2023, 2, 24))
        ).all()
        assert dated == [rows[-2].id]
    engine.dispose()


def test_write_batches_double_from_a_small_first_one():
    """The first articles are committed within a moment; a long run writes large batches."""
    from tracker import ingest as ingest_module

    sizes = [len(b) for b in ingest_module._batches(iter(range(2000)), 300)]
    first = ingest_module.FIRST_BATCH_SIZE
    assert sizes[:3] == [first, 2 * first, 4 * first]
    assert sum(sizes) == 2000 and max(sizes) == 300 and sizes[-2] == 300
