"""A text with no sentence ends: cut into pieces of bounded length, so coding stays linear."""

from __future__ import annotations

import re
import time
from pathlib import Path

from sqlalchemy import text

from tracker.coder.pipeline import Coder, ReferenceData
from tracker.coder.segment import MAX_SENTENCE_CHARS, split_sentences
from tracker.db import make_engine, prepare
from tracker.read import parse_text_article

DEV = Path(__file__).parent / "data" / "dev"


def _unpunctuated(size: int) -> str:
    """``size`` characters of the dev articles on one line, without . ? or !"""
    source = " ".join(
        re.sub(r"^\s*date \d{4}-\d\d-\d\d", "", p.read_text(encoding="utf-8"))
        for p in sorted(DEV.glob("dev-*.txt"))
    )
    flat = re.sub(r"\s+", " ", re.sub(r"[.?!]", "", source))
    return (flat * (size // len(flat) + 1))[:size]


def _check_cover(original: str, spans) -> None:
    """Exact offsets, in order, no piece over the limit, and nothing but spaces left out."""
    last = 0
    for span in spans:
        assert original[span.start : span.end] == span.text
        assert 0 < len(span.text) <= MAX_SENTENCE_CHARS
        assert span.start >= last and not original[last : span.start].strip()
        last = span.end
    assert not original[last:].strip()


def test_a_run_without_sentence_ends_is_cut_at_commas_and_spaces():
    body = _unpunctuated(300_000)
    spans = split_sentences(body)
    _check_cover(body, spans)
    assert len(spans) >= 300_000 // MAX_SENTENCE_CHARS
    for span in spans[:-1]:
        # a piece ends after a comma or a semicolon, or before a space: never inside a word
        assert span.text[-1] in ",;" or body[span.end].isspace()
        assert len(span.text) > MAX_SENTENCE_CHARS // 2 - 2 or span.text[-1] not in ",;"


def test_cuts_prefer_a_line_break_then_a_semicolon_then_a_comma():
    words = "word " * 150  # 750 characters
    text_ = f"{words}\n{words}; {words}, {words}"
    spans = split_sentences(text_)
    _check_cover(text_, spans)
    assert spans[0].text == words.strip()  # the line break
    assert spans[1].text.endswith(";")


def test_a_run_without_spaces_is_cut_at_the_limit():
    text_ = "x" * 2500 + ". Short one."
    spans = split_sentences(text_)
    _check_cover(text_, spans)
    assert [len(s.text) for s in spans] == [1000, 1000, 501, 10]


def test_ordinary_sentences_are_not_cut():
    sentence = "This one is long, but it ends " + "and goes on " * 70 + "here."
    assert len(sentence) < MAX_SENTENCE_CHARS
    text_ = f"{sentence} {sentence}"
    assert [s.text for s in split_sentences(text_)] == [sentence, sentence]
    for path in DEV.glob("dev-*.txt"):
        article = parse_text_article(path.read_text(encoding="utf-8"), path.name)
        spans = split_sentences(article.text, article.body_start)
        assert max(len(s.text) for s in spans) < MAX_SENTENCE_CHARS // 2


def test_invisible_characters_in_a_long_run_keep_offsets():
    body = _unpunctuated(5_000).replace("Ukraine", "Ukr\u00adaine").replace(" ", " \u200b", 50)
    spans = split_sentences(body)
    for span in spans:
        assert body[span.start : span.end] == span.text
    assert max(len(s.text) for s in spans) <= MAX_SENTENCE_CHARS + 60
    assert len(spans) >= 5


def test_coding_time_grows_linearly_with_an_unpunctuated_article(tmp_path):
    """Uncut, the coder's time grew with the square of the run (a 100 KB run: 2 s, 400 KB: 30 s)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'ref.db'}")
    prepare(engine)
    with engine.connect() as connection:
        coder = Coder(ReferenceData.load(connection))
    engine.dispose()
    coder.code(parse_text_article(_unpunctuated(20_000), "warm.txt"))
    elapsed = {}
    for size in (75_000, 300_000):
        article = parse_text_article(_unpunctuated(size), f"{size}.txt")
        started = time.perf_counter()
        coded = coder.code(article)
        elapsed[size] = time.perf_counter() - started
        _check_cover(article.text, [s.span for s in coded.sentences])
    assert elapsed[300_000] < 8 * elapsed[75_000] + 1.0, elapsed
    assert elapsed[300_000] < 30, elapsed


def test_ingest_stores_the_pieces_with_their_offsets(invoke, db_url, tmp_path):
    body = _unpunctuated(300_000)
    path = tmp_path / "long.txt"
    path.write_text("date 2023-03-01 " + body, encoding="utf-8")
    result = invoke("--db", db_url, "ingest", path)
    assert "1 new, 0 skipped, 0 failed" in result.output
    content = path.read_text(encoding="utf-8")
    engine = make_engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text('SELECT start, "end", text FROM sentences ORDER BY ordinal')
        ).all()
    engine.dispose()
    assert len(rows) >= 300
    for start, end, sentence in rows:
        assert content[start:end] == sentence
        assert len(sentence) <= MAX_SENTENCE_CHARS
