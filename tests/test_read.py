"""Reading inputs: the seed format, encodings, JSON Lines, and inputs that must fail clearly."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import signal
from contextlib import contextmanager
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tracker.read import Article, InputFailure, parse_text_article, read_file, read_inputs


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
        "words.txt": b"date yesterday\ntext",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    results = {Path(r.source).name: r.reason for r in _read(*[tmp_path / n for n in cases])}
    assert results["binary.txt"] == "binary file, not text"
    assert results["latin1.txt"].startswith("not valid UTF-8")
    assert results["empty.txt"] == "empty article"
    assert "no such day" in results["badday.txt"]
    assert "expected YYYY-MM-DD" in results["words.txt"]


def test_text_of_invisible_characters_alone_is_an_empty_article(tmp_path: Path, invoke):
    """Zero-width spaces and soft hyphens alone, as a page copied with nothing on it holds:
    they were stored as an article with no sentence, which `db check` then called a problem."""
    (tmp_path / "blank.txt").write_text("\u200b\u00ad \u200d\n", encoding="utf-8")
    (tmp_path / "dated.txt").write_text("date 2023-03-05 \u200b\u200b\u00ad\n", "utf-8")
    line = json.dumps({"text": "\u200b\u2060", "date": "2023-03-02"})
    (tmp_path / "feed.jsonl").write_text(line + "\n", encoding="utf-8")
    found = {Path(r.source).name: r.reason for r in _read(*sorted(tmp_path.iterdir()))}
    assert found == {
        "blank.txt": "empty article",
        "dated.txt": "empty article (only a date header)",
        "feed.jsonl:1": "empty 'text'",
    }
    db = tmp_path / "t.db"
    result = invoke("--db", db, "ingest", tmp_path, expect=1)
    assert "articles: 0 new, 0 skipped, 3 failed" in result.stdout
    assert invoke("--db", db, "db", "check").output.rstrip().endswith("no problems found")


def test_a_date_header_after_invisible_characters_is_the_header():
    """A zero-width space, soft hyphen or second BOM before `date`, as a page copied gives
    it: the article was undated, its first words the header's."""
    for lead in ("\u200b", "\u00ad", "\ufeff", " \u200b\n"):
        article = parse_text_article(f"{lead}date 2023-03-01 Xi said he supports peace.", "x")
        assert article.published == dt.date(2023, 3, 1), repr(lead)
        assert article.text[article.body_start :] == "Xi said he supports peace.", repr(lead)


def test_a_blank_or_null_jsonl_date_is_no_date(tmp_path: Path):
    """As the README says: `""` (a spreadsheet's blank cell) and `null` are an undated
    article, as a record without `date` is; a date in another form is refused."""
    records = [{"text": "A.", "date": ""}, {"text": "B.", "date": None}, {"text": "C."}]
    records.append({"text": "D.", "date": "2023/03/12"})
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    found = _read(path)
    assert [a.published for a in found[:3]] == [None, None, None]
    assert "bad date '2023/03/12'" in str(found[3])


def test_an_empty_jsonl_file_fails_as_an_empty_text_file_does(tmp_path: Path):
    """An empty export is a failure to see, not a run that stored nothing and said fine."""
    for name, data in (("empty.jsonl", b""), ("blank.jsonl", b"\n  \n\n")):
        (tmp_path / name).write_bytes(data)
    (tmp_path / "one.jsonl").write_bytes(b'\n{"text": "Ukraine wants peace."}\n\n')
    found = _read(tmp_path / "empty.jsonl", tmp_path / "blank.jsonl", tmp_path / "one.jsonl")
    assert [str(f) for f in found[:2]] == [
        f"{tmp_path}/{name}: no articles in the file (it is empty or blank)"
        for name in ("empty.jsonl", "blank.jsonl")
    ]
    assert isinstance(found[2], Article) and found[2].text == "Ukraine wants peace."
    assert len(found) == 3


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


def _failures(results) -> list[str]:
    return [str(r) for r in results if isinstance(r, InputFailure)]


class _Blocked(Exception):
    """Not an OSError: the reader must not take it for a file it could not read."""


@contextmanager
def _deadline(seconds: int):
    """Fail, rather than hang, if reading blocks (an open or a read of a FIFO)."""

    def expired(signum, frame):
        raise _Blocked(f"reading blocked for {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_paths_that_cannot_be_read_are_reported_not_skipped(tmp_path: Path):
    """A sub-folder that cannot be listed or looked at is a failure, never passed over."""
    (tmp_path / "a.txt").write_text("One article.", encoding="utf-8")
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")  # a link to a folder since removed
    (tmp_path / "loop").symlink_to(tmp_path / "loop")  # resolves to nothing, for ever
    (tmp_path / ".hidden").symlink_to(tmp_path / "nowhere")  # hidden: passed over, as before
    results = _read(tmp_path)
    assert _failures(results) == [
        f"{tmp_path / 'gone'}: broken symbolic link",
        f"{tmp_path / 'loop'}: Too many levels of symbolic links",
    ]
    assert len([r for r in results if isinstance(r, Article)]) == 1


def test_a_folder_replaced_between_listing_and_reading_is_reported(tmp_path: Path):
    from tracker.read import walk

    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.txt").write_text("Another article.", encoding="utf-8")
    (tmp_path / "z.txt").write_text("One article.", encoding="utf-8")
    items = walk(tmp_path)
    assert next(items) == tmp_path / "z.txt"  # the root is listed: sub is due, not yet read
    (sub / "b.txt").unlink()
    sub.rmdir()
    sub.write_text("now a file", encoding="utf-8")
    assert [str(i) for i in items] == [f"{sub}: Not a directory"]


def test_special_files_are_refused_without_blocking(tmp_path: Path):
    """A FIFO would block the whole run: in a folder only regular files are read, and one
    named directly is refused too (standard input is `-`)."""
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("One article.", encoding="utf-8")
    os.mkfifo(folder / "a.txt")
    os.mkfifo(folder / "b.jsonl")
    os.mkfifo(folder / "pipe")  # no article's name: passed over like any other such file
    os.mkfifo(tmp_path / "named.txt")
    with _deadline(10):
        results = _read(folder, tmp_path / "named.txt")
    assert _failures(results) == [
        f"{folder / 'a.txt'}: not a regular file (a named pipe)",
        f"{folder / 'b.jsonl'}: not a regular file (a named pipe)",
        f"{tmp_path / 'named.txt'}: not a regular file (a named pipe)",
    ]
    assert [Path(r.source).name for r in results if isinstance(r, Article)] == ["good.txt"]


def test_a_fifo_swapped_in_after_the_check_is_refused_at_open(tmp_path: Path):
    import os

    from tracker.read import read_file

    os.mkfifo(tmp_path / "a.txt")
    with _deadline(10):
        failures = _failures(read_file(tmp_path / "a.txt"))
    assert failures == [f"{tmp_path / 'a.txt'}: not a regular file (a named pipe)"]


def test_file_names_that_are_not_utf8_are_read_and_shown_escaped(tmp_path: Path):
    import os

    folder = os.fsencode(tmp_path)
    with open(folder + b"/zz\xffbad.txt", "wb") as handle:
        handle.write(b"One article.")
    with open(folder + b"/yy\xfe.txt", "wb") as handle:
        handle.write(b"   ")
    named = os.fsdecode(folder + b"/zz\xffbad.txt")  # as a command line argument arrives
    results = _read(tmp_path, named)
    assert _failures(results) == [f"{tmp_path}/yy\\xfe.txt: empty article"]
    sources = [r.source for r in results if isinstance(r, Article)]
    assert sources == [f"{tmp_path}/zz\\xffbad.txt"] * 2
    for source in sources:
        source.encode("utf-8")  # storable and printable


def test_jsonl_text_neither_store_can_hold_fails_alone(tmp_path: Path):
    """A lone surrogate cannot be encoded at all; a NUL cannot be stored on PostgreSQL (and
    would be on SQLite): both are refused when read, on their line, the rest kept."""
    path = tmp_path / "a.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"text": "Bad \\ud83d half an emoji."}',
                '{"text": "A good line."}',
                '{"text": "Bad \\u0000 NUL."}',
                '{"text": "Good text.", "title": "bad \\u0000 title"}',
                '{"text": "Good text.", "source": "bad \\udcff source"}',
                '{"text": "A good pair \\ud83d\\ude00."}',
            ]
        ),
        encoding="utf-8",
    )
    results = _read(path)
    assert _failures(results) == [
        f"{path}:1: 'text' holds a lone surrogate (\\ud83d) at character 4: not valid Unicode",
        f"{path}:3: 'text' holds a NUL character (\\u0000) at character 4",
        f"{path}:4: 'title' holds a NUL character (\\u0000) at character 4",
        f"{path}:5: 'source' holds a lone surrogate (\\udcff) at character 4: not valid Unicode",
    ]
    assert [r.text for r in results if isinstance(r, Article)] == [
        "A good line.",
        "A good pair \U0001f600.",
    ]


def test_jsonl_on_standard_input_is_checked_the_same_way():
    import io

    from tracker.read import read_stdin

    stream = io.BytesIO(b'{"text": "Bad \\u0000 NUL."}\n{"text": "Good."}\n')
    results = list(read_stdin(stream))
    assert _failures(results) == [
        "<stdin>:1: 'text' holds a NUL character (\\u0000) at character 4"
    ]
    assert [r.text for r in results if isinstance(r, Article)] == ["Good."]


def test_a_date_in_other_digits_or_an_impossible_month_says_so(tmp_path):
    """Full-width digits are no date (expected YYYY-MM-DD), and an impossible month or day
    says which."""
    import pytest

    from tracker.articles import parse_day
    from tracker.errors import TrackerError
    from tracker.read import InputError, parse_date

    with pytest.raises(InputError, match="expected YYYY-MM-DD"):
        parse_date("２０２３-02-24")
    with pytest.raises(InputError, match=r"no such day \(month must be in 1\.\.12\)"):
        parse_date("2023-13-01")
    with pytest.raises(TrackerError, match="--since must be a date YYYY-MM-DD"):
        parse_day("２０２３-02-24", "--since")
    with pytest.raises(TrackerError, match=r"is no such day \(month must be in 1\.\.12\)"):
        parse_day("2023-13-01", "--since")


def test_a_date_header_as_people_write_it_is_read():
    """ "Date 2023-03-09", "date: 2023-03-09" and a zero-width space after the date (copied
    from a page) are the header too; "Date palms…" stays text, and a malformed date after
    the header's own form is still an error."""
    import datetime as dt

    import pytest

    from tracker.read import InputError, parse_text_article

    day = dt.date(2023, 3, 9)
    for text in (
        "Date 2023-03-09 Ukraine wants peace.",
        "date: 2023-03-09 Ukraine wants peace.",
        "DATE:2023-03-09\nUkraine wants peace.",
        "date 2023-03-09\u200b Ukraine wants peace.",
        "date\u00a02023-03-09\u00a0Ukraine wants peace.",  # a page's non-breaking spaces
        "Date:\u00a02023-03-09\nUkraine wants peace.",
    ):
        article = parse_text_article(text, "a.txt")
        assert article.published == day, text
        assert article.text[article.body_start :].strip() == "Ukraine wants peace.", text
    for text in ("Date palms grow in Kherson.", "date palms grow in Kherson."):
        article = parse_text_article(text, "b.txt")
        assert article.published is None and article.body_start == 0, text
    for text in ("date 9/3/2023 Ukraine wants peace.", "date tomorrow\nUkraine wants peace."):
        with pytest.raises(InputError, match="bad date"):
            parse_text_article(text, "c.txt")
    # the header's value is its whole word, in every spelling: part of it was taken for the
    # date and the rest ("T10:00", ",") stored as the first sentence's words
    for header in ("date", "Date", "date:", "Date:", "DATE:"):
        for value in ("2023-03-09T10:00", "2023-03-09,", "9/3/2023"):
            with pytest.raises(InputError, match=f"bad date '{re.escape(value)}'"):
                parse_text_article(f"{header} {value} Zelensky said so.", "c.txt")
    with pytest.raises(InputError, match="bad date 'tomorrow'"):
        parse_text_article("Date: tomorrow\nUkraine wants peace.", "c.txt")
    with pytest.raises(InputError, match="bad date"):
        parse_text_article("date 2023-02-30 No such day.", "c.txt")


def test_a_json_file_named_is_refused_not_stored_as_text(tmp_path: Path):
    """Read as text, a .json file's braces and keys became an article's words."""
    path = tmp_path / "articles.json"
    path.write_text('{"text": "China called for a ceasefire.", "date": "2023-03-01"}\n')
    found = list(read_file(path))
    assert len(found) == 1 and isinstance(found[0], InputFailure)
    assert str(found[0]) == (
        f"{path}: a .json file is neither of the formats tracker reads: save its articles "
        "as JSON Lines (.jsonl, one object a line) or as text"
    )
    renamed = path.rename(tmp_path / "articles.jsonl")
    assert [a.text for a in read_file(renamed)] == ["China called for a ceasefire."]


def test_a_name_written_with_combining_accents_is_found(invoke, tmp_path):
    """Saved in NFD (macOS, some pages), "Erdog\u0306an" was cut in two at the accent and
    matched no one: the sentence was linked with no position. The NFC copy read later was a
    repeat (the content key compares in NFC), so ingesting it again mended nothing."""
    import unicodedata

    text = "date 2023-03-15\nPedro Sánchez said Russia must withdraw its troops.\n"
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    (tmp_path / "a.txt").write_text(decomposed, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"text": decomposed.split("\n", 1)[1], "date": "2023-03-16"}) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.db"
    invoke("--db", db, "ingest", tmp_path / "a.txt", tmp_path / "b.jsonl")
    rows = [json.loads(line) for line in invoke("--db", db, "position").output.splitlines()]
    assert [(r["actor"], r["target"]) for r in rows] == [("Pedro Sánchez", "troop-withdrawal")] * 2
    assert rows[0]["sentence"] == "Pedro Sánchez said Russia must withdraw its troops."
