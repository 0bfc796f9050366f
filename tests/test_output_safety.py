"""Listings are safe to look at: no control characters reach a terminal from a table, and
csv-safe gives spreadsheets no formula to run."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from tracker.output import printable, render, safe_cell

HOSTILE = "\x1b[2J\x1b]0;owned\x07Mr Xi\x9b31m urged \u202eesaelc\u202c a\tceasefire.\r\nNext"


def test_a_table_shows_no_control_characters():
    table = render([{"sentence": HOSTILE, "n\x1bame": "x"}], "table")
    for line in table.splitlines():
        assert line.isprintable(), repr(line)
    assert "[2J]0;ownedMr Xi31m urged esaelc a ceasefire.  Next" in table
    assert "name" in table


@given(st.text())
def test_printable_leaves_nothing_a_terminal_obeys(value):
    shown = printable(value)
    assert not any(c in shown for c in "\x1b\x07\x9b\n\r\t\u202e\u2066\x7f")
    assert all(not (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0) for c in shown)
    if value.isprintable():
        assert shown == value


def test_csv_keeps_the_text_and_csv_safe_quotes_formulas():
    rows = [
        {"cell": '=HYPERLINK("http://x")', "score": -0.25},
        {"cell": "+31 20 555", "score": 1.0},
        {"cell": "-2+3", "score": None},
        {"cell": "@SUM(A1:A9)", "score": 0},
        {"cell": "\t=1", "score": "-1e5"},
        {"cell": "Mr Xi = China", "score": "-"},
    ]
    plain = list(csv.reader(io.StringIO(render(rows, "csv"))))
    assert [r[0] for r in plain[1:]] == [r["cell"] for r in rows]
    safe = list(csv.reader(io.StringIO(render(rows, "csv-safe"))))
    assert safe[0] == ["cell", "score"]
    assert [r[0] for r in safe[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+31 20 555",
        "'-2+3",
        "'@SUM(A1:A9)",
        "'\t=1",
        "Mr Xi = China",
    ]
    assert [r[1] for r in safe[1:]] == ["-0.250", "1.000", "", "0", "-1e5", "'-"]


def test_safe_cell_leaves_numbers_and_text_alone():
    for text in ("-0.5", "+3", "-12", ".5", "1e-3", "Mr Xi", "", "a=b", "'quoted"):
        assert safe_cell(text) == text
    for text in ("=1", "+", "-x", "@x", "\rx", "-1-1", "-0.5)"):
        assert safe_cell(text) == "'" + text


def test_listings_through_the_cli(invoke, db_url, tmp_path):
    sentence = "=cmd|' /C calc'!A0 \x1b[31mMr Xi urged a ceasefire."
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": sentence, "date": "2023-03-01"}) + "\n", "utf-8")
    invoke("--db", db_url, "ingest", path)
    table = invoke("--db", db_url, "position", "--format", "table").output
    assert "Mr Xi urged" in table and "\x1b" not in table
    safe = list(
        csv.DictReader(io.StringIO(invoke("--db", db_url, "links", "--format", "csv-safe").output))
    )
    assert safe and all(row["sentence"].startswith("'=cmd|") for row in safe)
    plain = list(
        csv.DictReader(io.StringIO(invoke("--db", db_url, "links", "--format", "csv").output))
    )
    assert plain and all(row["sentence"].startswith("=cmd|") for row in plain)
    report = invoke(
        "--db",
        db_url,
        "report",
        "evidence",
        "--actor",
        "Xi",
        "--target",
        "3",
        "--format",
        "csv-safe",
    ).output
    assert "'=cmd|" in report
    rows = invoke("--db", db_url, "sql", "SELECT '=1+1' AS f", "--format", "csv-safe").output
    assert rows.splitlines() == ["f", "'=1+1"]


def test_json_has_no_nan_or_infinity(invoke, db_url):
    """JSON has no NaN or Infinity, and parsers refuse them: such a float is null, in every
    JSON output, a query's (`SELECT 1e400`; PostgreSQL's 'NaN'::float) included."""
    rows = [{"x": float("inf"), "y": float("nan"), "z": [float("-inf"), 0.5], "w": 0.25}]
    for fmt in ("json", "jsonl"):
        text = render(rows, fmt)
        assert "Infinity" not in text and "NaN" not in text
        parsed = json.loads(text) if fmt == "json" else [json.loads(text)]
        assert parsed == [{"x": None, "y": None, "z": [None, 0.5], "w": 0.25}]
    query = (
        "SELECT 'NaN'::float AS x, 0.5 AS y"
        if db_url.startswith("postgresql")
        else "SELECT 1e400 AS x, 0.5 AS y"
    )
    for fmt in ("json", "jsonl"):
        output = invoke("--db", db_url, "sql", query, "--format", fmt).output
        parsed = json.loads(output, parse_constant=lambda c: c)  # NaN as the string, if any
        parsed = parsed[0] if isinstance(parsed, list) else parsed
        assert parsed == {"x": None, "y": 0.5}


def test_output_in_an_encoding_without_a_stored_character_is_one_line(tmp_path):
    """A Latin-1 locale, or Windows redirecting to a file in cp1252: a curly dash of the
    corpus was a UnicodeEncodeError's traceback."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    store = tmp_path / "t.db"
    article = tmp_path / "a.txt"
    article.write_text("date 2023-03-01 China\u2014the author\u2014backed a ceasefire.\n")
    env = dict(os.environ, PYTHONIOENCODING="latin-1")
    run = [sys.executable, "-m", "tracker", "--db", str(store)]
    subprocess.run([*run, "ingest", str(article)], check=True, capture_output=True, env=env)
    result = subprocess.run(
        [*run, "links", "--format", "csv"], capture_output=True, env=env, cwd=Path.home()
    )
    assert result.returncode == 1
    assert result.stderr.decode("latin-1") == (
        "Error: the output's encoding (latin-1) has no '\\u2014': set PYTHONIOENCODING=utf-8, "
        "or use a UTF-8 locale (LANG=C.UTF-8)\n"
    )
