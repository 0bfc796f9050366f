"""Standard input is read as a file is: an article's size limit, JSON Lines line by line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time

from sqlalchemy import func, select

from tracker.db import make_engine
from tracker.read import MAX_ARTICLE_BYTES, Article, InputFailure, read_stdin
from tracker.schema import Article as ArticleRow


class Endless:
    """An input that never ends; reading it all is an error, not a hang."""

    def __init__(self, start: bytes, filler: bytes) -> None:
        self.pending, self.filler, self.given = start, filler, 0

    def _take(self, size: int) -> bytes:
        while len(self.pending) < size:
            self.pending += self.filler * (size // len(self.filler) + 1)
        out, self.pending = self.pending[:size], self.pending[size:]
        self.given += len(out)
        return out

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("standard input read whole")
        return self._take(size)

    def readline(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("a line read without a limit")
        self._take(0)
        while b"\n" not in self.pending[:size] and len(self.pending) < size:
            self.pending += self.filler
        end = self.pending.find(b"\n", 0, size) + 1
        return self._take(end or size)


LINE_TOO_LARGE = (
    "a JSON Lines line larger than 2 MB; split its article, or write it without \\u "
    "escapes (json.dumps(..., ensure_ascii=False))"
)


def test_a_text_article_on_standard_input_has_a_file_s_size_limit():
    stream = Endless(b"date 2023-03-01 ", b"word ")
    results = list(read_stdin(stream))
    assert [str(r) for r in results] == ["<stdin>: an article larger than 2 MB; split it"]
    assert stream.given <= MAX_ARTICLE_BYTES + 1


def test_an_article_just_under_the_limit_is_read(invoke, db_url):
    body = b"Mr Xi urged a ceasefire. " + b"word " * ((MAX_ARTICLE_BYTES - 100) // 5)
    assert len(body) <= MAX_ARTICLE_BYTES
    result = invoke("--db", db_url, "ingest", "-", input=body)
    assert "1 new, 0 skipped, 0 failed" in result.output
    result = invoke("--db", db_url, "ingest", "-", input=body + b"more " * 30, expect=1)
    assert "error: <stdin>: an article larger than 2 MB; split it" in result.output
    assert "0 new, 0 skipped, 1 failed" in result.output
    assert "Traceback" not in result.output


def test_json_lines_on_standard_input_are_read_line_by_line():
    records = [json.dumps({"text": f"Article {n}."}).encode() + b"\n" for n in range(3)]
    huge = b'{"text": "' + b"x" * (MAX_ARTICLE_BYTES + 10) + b'"}\n'
    stream = io.BytesIO(b"\xef\xbb\xbf \n" + records[0] + huge + records[1] + b"\n" + records[2])
    results = list(read_stdin(stream))
    assert [r.text for r in results if isinstance(r, Article)] == [
        "Article 0.",
        "Article 1.",
        "Article 2.",
    ]
    assert [str(r) for r in results if isinstance(r, InputFailure)] == [
        "<stdin>:3: " + LINE_TOO_LARGE
    ]


def test_endless_json_lines_are_never_held_whole():
    stream = Endless(b'{"text": "First."}\n', b'{"text": "Again."}\n')
    reader = read_stdin(stream)
    assert next(reader).text == "First."
    assert next(reader).text == "Again."
    assert stream.given < 1024 * 1024  # read a line at a time, not all of it


def _stored(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(ArticleRow)).scalar_one()
    engine.dispose()
    return count


def test_json_lines_on_standard_input_are_stored_before_it_ends(db_url):
    """A feed piped in (`tail -f feed.jsonl | tracker ingest -`) is stored as it comes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", db_url, "ingest", "-q", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for n in range(1050):
            line = {"text": f"Mr Xi urged a ceasefire, report {n} said.", "date": "2023-03-01"}
            process.stdin.write(json.dumps(line).encode() + b"\n")
        process.stdin.flush()
        deadline = time.monotonic() + 60
        while _stored(db_url) < 50:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "nothing stored while standard input is open"
            time.sleep(0.1)
        process.stdin.close()
        process.wait(timeout=120)
        out, err = process.stdout.read(), process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == 0, err
    assert b"1050 new, 0 skipped, 0 failed" in out


def test_standard_input_named_twice_is_read_once(invoke, db_url):
    """`ingest - -`: the second would read an empty stream ("empty article"); it says that
    standard input is read once, and the article is stored once."""
    result = invoke("--db", db_url, "ingest", "-", "-", input="Ukraine wants peace.", expect=1)
    assert "articles: 1 new, 0 skipped, 1 failed" in result.output
    assert "error: -: standard input is read once; give - one time" in result.output
