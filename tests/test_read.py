"""Reading inputs: the seed format, encodings, JSON Lines, and inputs that must fail clearly."""

from __future__ import annotations

import codecs
import datetime as dt
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tracker.read import Article, InputFailure, parse_text_article, read_inputs


def _read(*paths) -> list[Article | InputFailure]:
    return list(read_inputs([str(p) for p in paths]))


def test_date_header_with_text_on_the_same_line():
    article = parse_text_article(" date 2023-03-02 A peaceful conclusion.", "x.txt")
    assert article.published == dt.date(2023, 3, 2)
    assert article.text[article.body_start :] == "A peaceful conclusion."


def test_plain_text_has_no_date():
    article = parse_text_article("No header here.", "x.txt")
    assert article.published is None and article.body_start == 0


def test_byte_order_marks_and_windows_line_endings(tmp_path: Path):
    text = "date 2023-02-24 First.\r\nSecond."
    (tmp_path / "a.txt").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    (tmp_path / "b.txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    a, b = _read(tmp_path / "a.txt", tmp_path / "b.txt")
    assert a.text == b.text == "date 2023-02-24 First.\nSecond."
    assert a.published == b.published == dt.date(2023, 2, 24)


def test_failures_name_the_file_and_reason(tmp_path: Path):
    cases = {
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
        "latin1.txt": "caf\u00e9".encode("latin-1"),
        "empty.txt": b"   \n\t",
        "badday.txt": b"date 2023-13-45 text",
        "words.txt": b"date yesterday text",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    results = {Path(r.source).name: r.reason for r in _read(*[tmp_path / n for n in cases])}
    assert results["binary.txt"] == "binary file, not text"
    assert results["latin1.txt"].startswith("not valid UTF-8")
    assert results["empty.txt"] == "empty article"
    assert "no such day" in results["badday.txt"]
    assert "expected YYYY-MM-DD" in results["words.txt"]


def test_jsonl_bad_lines_are_reported_with_line_numbers(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    lines = [
        json.dumps({"text": "Good one.", "date": "2023-02-24"}),
        "{broken",
        json.dumps({"title": "no text"}),
        json.dumps({"text": 5}),
        "",
        json.dumps({"text": "Another.", "url": "https://example.org/x"}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    results = _read(path)
    failures = [str(r) for r in results if isinstance(r, InputFailure)]
    assert failures == [
        f"{path}:2: not valid JSON (Expecting property name enclosed in double quotes)",
        f"{path}:3: missing 'text'",
        f"{path}:4: 'text' must be a string",
    ]
    articles = [r for r in results if isinstance(r, Article)]
    assert [a.source for a in articles] == [str(path), "https://example.org/x"]


def test_symlink_loop_does_not_hang(tmp_path: Path):
    (tmp_path / "a.txt").write_text("One article.", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path)
    assert len([r for r in _read(tmp_path) if isinstance(r, Article)]) == 1


@given(st.text(max_size=300))
def test_parser_never_raises_unexpectedly(text):
    try:
        article = parse_text_article(text, "x")
    except Exception as exc:  # only our own, explained errors
        assert type(exc).__name__ == "InputError"
    else:
        assert article.text[article.body_start :].strip()
